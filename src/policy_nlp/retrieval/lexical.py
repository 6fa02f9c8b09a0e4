"""bm25 over passages with SQLite FTS5 (index updated inside each ingest transaction)."""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache

_TOKEN = re.compile(r"\w+", re.UNICODE)


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
    tokens = [t for t in _TOKEN.findall(text.lower()) if t]
    content = [t for t in tokens if t not in stopwords()] or tokens
    return " OR ".join(f'"{t}"' for t in content)


def bm25_search(conn: sqlite3.Connection, query: str, k: int, where: str = "", args: tuple = ()) -> list[tuple[int, float]]:
    """(passage id, score) best first; higher score = better (FTS5's bm25 is negated)."""
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
