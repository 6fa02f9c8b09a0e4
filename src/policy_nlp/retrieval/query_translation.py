"""Query translation for bm25 (dictionary-based cross-language retrieval): English passages are indexed by
their English words only, so a Chinese query's words never occur in them. A Chinese query's words
that the glossary (models/zh_en_terms.tsv) knows add their English words to the query, beside the
Chinese words, which still find the Chinese passages:

- Longest match first: a run of jieba's words that forms a glossary term is one term (数字化 转型
  -> 数字化转型), else the longest terms inside one word (人才短缺 -> 人才, 短缺).
- Only pieces with Chinese characters are translated: a Latin word of a mixed query (5G, AI) is
  already in the query in the form the English passages print it.
- Each English word is added once, however many terms give it (数字经济 and 数字化 both give
  "digital"): the glossary's overlapping entries must not weigh a word more than the query does.
- The query's Chinese words count twice (`CHINESE_WORD_WEIGHT`), English words (a translation's,
  or the query's own in a mixed query) once: a Chinese word stands for about two English words, and
  a passage matching one word of a translation must not pass one holding the query's word itself.
  Chinese passages keep their order among themselves (every Chinese word's weight is doubled).
- The English words are tokenised and stopword-filtered like an English query (the index stems
  them: FTS5 porter, PostgreSQL to_tsvector('english')). Queries without Chinese characters are
  not touched, and the glossary is read only for a Chinese query (once per process).
- `POLICY_NLP_QUERY_TRANSLATION=0` switches it off (Chinese queries then reach Chinese passages
  only, as before).
"""

from __future__ import annotations

import os
from functools import lru_cache

TRANSLATION_ENV = "POLICY_NLP_QUERY_TRANSLATION"
_OFF = ("0", "false", "no", "off")
# A translated query holds each Chinese word this many times (bm25 counts a repeated word again),
# each English word once. A Chinese term stands for about two English words (the glossary's median),
# so a Chinese passage holding the query's word scores about as an English passage holding its
# whole translation (人才短缺 ~ talent shortage), and one word of a translation scores less: at
# weight 1, "manufacturing" (of 智能制造 -> intelligent manufacturing smart) passed 智能制造 itself.
CHINESE_WORD_WEIGHT = 2


def translation_enabled() -> bool:
    """Whether Chinese queries are translated (read on each query, so a process can switch)."""
    return os.environ.get(TRANSLATION_ENV, "1").strip().lower() not in _OFF


def glossary_file():
    from ..config import models_dir

    return models_dir() / "zh_en_terms.tsv"


def parse_glossary(lines) -> dict[str, tuple[str, ...]]:
    """`Chinese term<TAB>english words` lines -> {term: words}; '#' lines and blank ones skipped.
    Terms are kept in lower case (5G基站 matches a query's 5g基站). A line without both sides, or
    a term given twice, is an error: a silent skip or overwrite would hide a typo in a
    hand-written file."""
    terms: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        term, _, english = line.partition("\t")
        term, words = term.strip().lower(), tuple(english.lower().split())
        if not term or not words:
            raise ValueError(f"glossary line {number}: expected 'Chinese term<TAB>english words', got {line!r}")
        if term in terms:
            raise ValueError(f"glossary line {number}: '{term}' given twice")
        terms[term] = words
    return terms


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[str, ...]]:
    """models/zh_en_terms.tsv, read once per process (empty when the file is missing)."""
    path = glossary_file()
    if not path.exists():
        return {}
    return parse_glossary(path.read_text(encoding="utf-8").splitlines())


def glossary_terms(words: list[str], terms: dict[str, tuple[str, ...]]) -> list[str]:
    """The glossary terms in a query's words, longest match first, left to right.

    At each word: the longest run of whole words that is a term (数字化 转型 -> 数字化转型); else,
    inside the word, the longest terms of two characters or more (forward maximum matching:
    人才短缺 -> 人才 短缺), since jieba keeps compounds the glossary does not list whole. Only
    pieces with Chinese characters count (a Latin word is its own English)."""
    from ..language import has_han

    if not terms:
        return []
    words = [w.lower() for w in words]
    longest = max(map(len, terms))
    found: list[str] = []
    i = 0
    while i < len(words):
        run = _longest_run(words, i, terms, longest)
        if run is not None:
            found.append("".join(words[i:run]))
            i = run
            continue
        if has_han(words[i]):
            found += _terms_inside(words[i], terms, longest)
        i += 1
    return found


def _longest_run(words: list[str], start: int, terms, longest: int) -> int | None:
    """The end of the longest run of whole words from `start` that is a term with Chinese characters."""
    from ..language import has_han

    end, text = None, ""
    for j in range(start, len(words)):
        text += words[j]
        if len(text) > longest:  # no term is longer: a pasted paragraph costs no more than a phrase
            break
        if text in terms and has_han(text):
            end = j + 1
    return end


def _terms_inside(word: str, terms, longest: int) -> list[str]:
    """Forward maximum matching inside one word: at each character the longest term (2+ characters)."""
    from ..language import has_han

    found, c = [], 0
    while c < len(word):
        end = next((e for e in range(min(len(word), c + longest), c + 1, -1)
                    if word[c:e] in terms and has_han(word[c:e])), None)
        if end is None:
            c += 1
        else:
            found.append(word[c:end])
            c = end
    return found


def translate_words(words: list[str], terms: dict[str, tuple[str, ...]]) -> list[str]:
    """The English words of the glossary terms in `words`, each once, in the order found."""
    return list(dict.fromkeys(w for term in glossary_terms(words, terms) for w in terms[term]))


def query_translation(text: str) -> list[str]:
    """The English words a query adds to its bm25 query ([] for a query without Chinese
    characters or with translation switched off)."""
    from ..language import has_han

    if not has_han(text) or not translation_enabled():
        return []
    from ..wordseg import query_words

    return translate_words(query_words(text), glossary())
