"""bm25 over passages with SQLite FTS5 (index updated inside each ingest transaction), and the
query words both back ends search for (`query_tokens`; PostgreSQL's postgres_index.query_words).

Query translation (dictionary-based cross-language retrieval): English passages are indexed by
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
import re
import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Iterator

_TOKEN = re.compile(r"\w+", re.UNICODE)
TRANSLATION_ENV = "POLICY_NLP_QUERY_TRANSLATION"
_OFF = ("0", "false", "no", "off")
# A translated query holds each Chinese word this many times (bm25 counts a repeated word again),
# each English word once. A Chinese term stands for about two English words (the glossary's median),
# so a Chinese passage holding the query's word scores about as an English passage holding its
# whole translation (人才短缺 ~ talent shortage), and one word of a translation scores less: at
# weight 1, "manufacturing" (of 智能制造 -> intelligent manufacturing smart) passed 智能制造 itself.
CHINESE_WORD_WEIGHT = 2

# The passage language a search is limited to ("zh" | "en"), for the duration of one search call:
# the back ends' filters (sqlite_index, postgres_index) read it beside role, document and year, so
# the ranking code that calls them needs no new argument (see api.search).
LANGUAGE_FILTER: ContextVar[str | None] = ContextVar("policy_nlp_language_filter", default=None)


@contextmanager
def only_language(lang: str | None) -> Iterator[None]:
    """Searches inside this block see passages of `lang` only (None: all)."""
    token = LANGUAGE_FILTER.set(lang)
    try:
        yield
    finally:
        LANGUAGE_FILTER.reset(token)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from ..config import models_dir

    words: set[str] = set()
    for line in (models_dir() / "stopwords_en.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


def fts_query(text: str) -> str:
    """Free text -> an FTS5 query: content words OR-ed, each quoted so no word is read as syntax.

    Function words are dropped (unless the query has nothing else): they match
    almost every passage, so they cost time and add noise to bm25. A word given
    twice is kept twice: FTS5 scores every phrase, so it weighs more (BM25's query
    term frequency, as in Lucene and bm25s).
    """
    tokens = query_tokens(text)
    content = [t for t in tokens if t not in stopwords()] or tokens
    return " OR ".join(f'"{t}"' for t in content)


def query_tokens(text: str) -> list[str]:
    """The query's words as the index holds them: a query with Chinese characters is cut into
    words first (wordseg.py, as Chinese passages are indexed), followed by the English words of
    its glossary terms (`translate_words`) when there are any, its Chinese words then given
    `CHINESE_WORD_WEIGHT` times; English is split as before."""
    from ..language import has_han

    if has_han(text):
        from ..wordseg import query_words

        words = query_words(text)
        english = translate_words(words, glossary()) if translation_enabled() else []
        if english:
            words = [w for w in words for _ in range(CHINESE_WORD_WEIGHT if has_han(w) else 1)] + english
        text = " ".join(words)
    return [t for t in _TOKEN.findall(text.lower()) if t]


# -- query translation (Chinese -> English words, see the module docstring) --------------------

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


def bm25_search(conn: sqlite3.Connection, query: str, k: int, where: str = "", args: tuple = ()) -> list[tuple[int, float]]:
    """(passage id, score) best first; higher score = better (FTS5's bm25 is negated).
    `where`: conditions on p (passages) and d (documents)."""
    match = fts_query(query)
    if not match:
        return []
    sql = (
        "SELECT f.rowid, -bm25(passages_fts) AS score FROM passages_fts f"
        + (" JOIN passages p ON p.id = f.rowid JOIN documents d ON d.id = p.doc_id" if where else "")
        + " WHERE passages_fts MATCH ?"
        + (f" AND {where}" if where else "")
        + " ORDER BY bm25(passages_fts) LIMIT ?"
    )
    return [(int(r[0]), float(r[1])) for r in conn.execute(sql, (match, *args, k))]
