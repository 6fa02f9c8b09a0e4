"""Regenerate models/english_zipf.tsv (word <TAB> Zipf frequency).

The extractor uses it to decide whether a word broken at a line end was a
syllable break ("devel-/opment" -> "development") or a real compound
("heavy-/duty" stays "heavy-duty"). Needs `pip install wordfreq` (build time only).
"""

from pathlib import Path

import wordfreq

out = Path(__file__).with_name("english_zipf.tsv")
words = [w for w in wordfreq.top_n_list("en", 80000) if w.isascii() and w.isalpha()]
with out.open("w", encoding="utf-8") as fh:
    fh.write("# word\tzipf  (from wordfreq, top 80k English words, alphabetic ASCII only)\n")
    for w in words:
        fh.write(f"{w}\t{wordfreq.zipf_frequency(w, 'en'):.2f}\n")
print(f"wrote {len(words)} words to {out}")
