"""The search indexes of a SQLite store: bm25 candidates from FTS5, passages by id, and the
passage vectors (float16 blobs) for the dense index. Every function reads inside the caller's
snapshot (`snapshot`), so an ingest meanwhile cannot remove a passage being ranked."""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from typing import Iterator

import numpy as np

from .lexical import LANGUAGE_FILTER, bm25_search

_FETCH_ROWS = 20_000


@contextmanager
def snapshot(store) -> Iterator[None]:
    """One read transaction; inside one already open, that one."""
    conn = store.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def _filters(role: str | None, doc_id: int | None, year: int | None, lang: str | None = None) -> tuple[str, tuple]:
    where, args = [], []
    lang = lang or LANGUAGE_FILTER.get()
    if lang:
        where.append("p.language = ?")
        args.append(lang)
    if role:
        where.append("p.role = ?")
        args.append(role)
    if doc_id is not None:
        where.append("p.doc_id = ?")
        args.append(int(doc_id))
    if year is not None:
        where.append("d.year = ?")
        args.append(int(year))
    return " AND ".join(where), tuple(args)


def lexical(store, query: str, k: int, role: str | None = None, doc_id: int | None = None,
            year: int | None = None, lang: str | None = None, documents: dict | None = None) -> list[tuple[int, float]]:
    """(passage id, bm25) best first, filtered in SQL; `documents` (when given) gets each
    passage's document id."""
    where, args = _filters(role, doc_id, year, lang)
    ranking = bm25_search(store.conn, query, k, where, args)
    if documents is not None and ranking:
        documents.update(passage_documents(store, [pid for pid, _ in ranking]))
    return ranking


def _json_list(values) -> str:
    return "[" + ",".join(str(int(v)) for v in values) + "]"


def passage_documents(store, ids) -> dict[int, int]:
    """Passage id -> document id."""
    return dict(store.conn.execute(
        "SELECT id, doc_id FROM passages WHERE id IN (SELECT value FROM json_each(?))", (_json_list(ids),)).fetchall())


def passage_languages(store, ids) -> dict[int, str]:
    """Passage id -> language."""
    return dict(store.conn.execute(
        "SELECT id, language FROM passages WHERE id IN (SELECT value FROM json_each(?))", (_json_list(ids),)).fetchall())


def passage_rows(store, ids) -> dict[int, tuple]:
    """Passage id -> (id, stem, doc_id, page, section, role, text) for the hits shown."""
    return {row[0]: row for row in store.conn.execute(
        "SELECT p.id, d.stem, d.id, p.page, p.section, p.role, p.text FROM passages p JOIN documents d ON d.id = p.doc_id"
        " WHERE p.id IN (SELECT value FROM json_each(?))", (_json_list(ids),))}


def index_key(store) -> str:
    """What the vectors depend on, read in the caller's transaction (cheap: small tables, indexes)."""
    from .dense import SIDECAR_VERSION

    conn = store.conn
    generation = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    docs = conn.execute("SELECT count(*), coalesce(max(id), 0), coalesce(max(ingested_at), '') FROM documents").fetchone()
    last = conn.execute("SELECT coalesce(max(id), 0) FROM passages").fetchone()[0]
    models = conn.execute("SELECT DISTINCT embed_model FROM documents WHERE embed_model != '' ORDER BY 1").fetchall()
    parts = json.dumps([SIDECAR_VERSION, generation[0] if generation else 0, *docs, last, [m[0] for m in models]])
    return f"g{generation[0] if generation else 0}-{hashlib.sha256(parts.encode()).hexdigest()[:16]}"


def read_vectors(store, model: str | None = None) -> dict:
    """The dense index's arrays (ids, doc_ids, years, role_codes, role_names, vectors, source);
    `model`: only the passages of documents embedded with it (a library of several models).

    Filled in place, a block of rows at a time: reading all rows first (fetchall) kept every blob
    and tuple alive beside the matrix, 3.7 GB at 1M passages instead of about 1.7 GB."""
    from ..store.db import from_blobs

    conn = store.conn
    where, args = ("d.embed_model = ?", (model,)) if model else ("1", ())
    n = conn.execute(f"SELECT count(*) FROM passages p JOIN documents d ON d.id = p.doc_id WHERE p.embedding IS NOT NULL AND {where}",
                     args).fetchone()[0]
    first = conn.execute(f"SELECT p.embedding FROM passages p JOIN documents d ON d.id = p.doc_id WHERE p.embedding IS NOT NULL"
                         f" AND {where} LIMIT 1", args).fetchone()
    dim = len(first[0]) // 2 if first else 0  # float16 bytes
    ids = np.empty(n, dtype=np.int64)
    doc_ids = np.empty(n, dtype=np.int64)
    years = np.empty(n, dtype=np.int32)
    role_codes = np.empty(n, dtype=np.int16)
    vectors = np.empty((n, dim), dtype=np.float32)
    names: dict[str, int] = {}
    cursor = conn.execute(
        "SELECT p.id, p.doc_id, p.role, coalesce(d.year, -1), p.embedding FROM passages p JOIN documents d ON d.id = p.doc_id"
        f" WHERE p.embedding IS NOT NULL AND {where} ORDER BY p.id", args
    )
    filled = 0
    while filled < n:
        rows = cursor.fetchmany(_FETCH_ROWS)
        if not rows:
            break
        end = filled + len(rows)
        ids[filled:end] = [r[0] for r in rows]
        doc_ids[filled:end] = [r[1] for r in rows]
        years[filled:end] = [r[3] for r in rows]
        role_codes[filled:end] = [names.setdefault(r[2], len(names)) for r in rows]
        vectors[filled:end] = from_blobs([r[4] for r in rows])
        filled = end
    cursor.close()
    if filled < n:
        ids, doc_ids, years, role_codes, vectors = ids[:filled], doc_ids[:filled], years[:filled], role_codes[:filled], vectors[:filled]
    return dict(ids=ids, doc_ids=doc_ids, years=years, role_codes=role_codes, role_names=list(names), vectors=vectors,
                source="sqlite")
