"""bm25 over passages with SQLite FTS5 (index updated inside each ingest transaction), and the
query words both back ends search for (`query_tokens`; PostgreSQL's postgres_index.query_words),
a Chinese query's with the English words of its glossary terms (query_translation.py)."""

from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Iterator

_TOKEN = re.compile(r"\w+", re.UNICODE)

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
        from .query_translation import CHINESE_WORD_WEIGHT, glossary, translate_words, translation_enabled

        words = query_words(text)
        english = translate_words(words, glossary()) if translation_enabled() else []
        if english:
            words = [w for w in words for _ in range(CHINESE_WORD_WEIGHT if has_han(w) else 1)] + english
        text = " ".join(words)
    return [t for t in _TOKEN.findall(text.lower()) if t]


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
