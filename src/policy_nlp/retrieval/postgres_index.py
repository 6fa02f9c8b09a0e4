"""The search indexes of a PostgreSQL store: bm25 computed in SQL over the full-text column,
dense search with pgvector's HNSW index, passages by id, and the passage vectors for the
in-process dense index. The same functions as sqlite_index.py, plus `dense` (the server's
nearest-neighbour search). Every function reads inside the caller's snapshot (`snapshot`).

Lexical ranking is FTS5's bm25 computed in SQL (k1 1.2, b 0.75, FTS5's idf, a query word given
twice counting twice), not `ts_rank` / `ts_rank_cd`: those have no document frequency, so a
rare word weighs no more than a common one, and quality would drift from the SQLite store's.
Candidates and their word counts come from passage_terms (one row per word and passage, kept by
a trigger, read by index-only scans), document frequencies from a count of a word's rows; the passage count and mean length are cached per process under the store's
generation (`_STATS`), so they are counted once per change of the library, not per query.

Dense search asks the server: ORDER BY cosine distance LIMIT k over the HNSW index, with
`hnsw.ef_search` from `POLICY_NLP_EF_SEARCH` (or the caller) and `hnsw.iterative_scan =
relaxed_order`, so a filter that drops most neighbours still gets its k hits (the index keeps
scanning); relaxed order is re-sorted here. Nothing is cached on this side: the server's buffers
hold the index.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from contextlib import contextmanager
from typing import Iterator

import numpy as np

from ..store.postgres import TEXT_CONFIG
from .lexical import LANGUAGE_FILTER, query_tokens, stopwords

EF_SEARCH_ENV = "POLICY_NLP_EF_SEARCH"
# Recall@10 against exact search (benchmarks/scale.py, clustered vectors): at 100k passages 1.00
# from ef_search 40 up; at 1M 0.91 at 100, 0.94 at 200, 0.963 at 400 and 800. A top 10 at 400
# took 3.0 ms against 1.0 ms at 100, a small part of a search (~90 ms at 1M).
DEFAULT_EF_SEARCH = 400
# Dense candidates taken from the HNSW index, whatever depth the engine asks for (1,000 a side).
# Measured on clustered vectors (benchmarks/scale.py): at 1M passages PostgreSQL's planner left
# the index for LIMIT 1000 and compared every vector (320 ms a query), while LIMIT 200 stayed on
# it (1 ms); at 100k the top 1,000 took 8-51 ms against 1 ms for 200. Passages below the 200th
# by cosine barely move a fused top 10 (nDCG@10 on CISI, CRAN and MED: benchmarks/scale.py).
HNSW_DEPTH = 200
K1, B = 1.2, 0.75  # FTS5's bm25 defaults
_FETCH_ROWS = 20_000

# (store identity, generation) -> (passages, mean token count): bm25's N and avgdl.
_STATS: dict[tuple[str, str], tuple[float, float]] = {}


@contextmanager
def snapshot(store) -> Iterator[None]:
    """One repeatable-read transaction; inside one already open, that one."""
    import psycopg

    conn = store.conn
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        yield
        return
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _filters(role: str | None, doc_id: int | None, year: int | None, lang: str | None = None) -> tuple[str, dict]:
    """(' AND ...' conditions on p (passages) and d (documents), their named arguments)."""
    where, args = [], {}
    lang = lang or LANGUAGE_FILTER.get()
    if lang:
        where.append("p.language = %(lang)s")
        args["lang"] = lang
    if role:
        where.append("p.role = %(role)s")
        args["role"] = role
    if doc_id is not None:
        where.append("p.doc_id = %(doc_id)s")
        args["doc_id"] = int(doc_id)
    if year is not None:
        where.append("d.year = %(year)s")
        args["year"] = int(year)
    return "".join(f" AND {w}" for w in where), args


def _join(year: int | None) -> str:
    return " JOIN documents d ON d.id = p.doc_id" if year is not None else ""


def query_words(text: str) -> str:
    """The query's content words, as lexical.fts_query keeps them (Chinese cut into words as the
    passages' fts_text; function words dropped unless nothing else is left; a repeated word kept
    twice), for to_tsvector."""
    tokens = query_tokens(text)
    return " ".join([t for t in tokens if t not in stopwords()] or tokens)


def store_identity(store) -> str:
    """Which database this is, across processes and re-creations: the server's start time and
    the database's oid beside the URL (a dropped and re-created database gets a new oid)."""
    start, oid = store.conn.execute(
        "SELECT pg_postmaster_start_time()::text, (SELECT oid FROM pg_database WHERE datname = current_database())").fetchone()
    return f"{store.path}|{start}|{oid}"


def _generation(store) -> str:
    row = store.conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return row[0] if row else "0"


def corpus_stats(store) -> tuple[float, float]:
    """(passages, mean token count) of the whole store, as FTS5 scores against the whole table."""
    key = (store_identity(store), _generation(store))
    if key not in _STATS:
        n, avgdl = store.conn.execute("SELECT count(*), coalesce(avg(tokens), 0) FROM passages").fetchone()
        _STATS.clear()  # one store per process in practice; an old generation is never read again
        _STATS[key] = (float(n), float(avgdl))
    return _STATS[key]


# Query words with their frequency in the query and their document frequency (a count of the
# word's rows in passage_terms, an index-only scan).
_TERMS = f"""
SELECT t.lexeme, coalesce(array_length(t.positions, 1), 1),
       (SELECT count(*) FROM passage_terms x WHERE x.lexeme = t.lexeme)
FROM unnest(to_tsvector('{TEXT_CONFIG}', %s)) t
"""
# bm25 of the passages holding any query word, from the words' postings (passage_terms: the
# word's count and the passage's length, read by index-only scans). The words' weights (query
# frequency x idf) come from _TERMS. Filters join the passages (and documents) of the postings.
# Every constant is float8: a literal like 1.2 is numeric in PostgreSQL, and numeric arithmetic
# over every posting took half the query's time at 1M passages (24 of 46 ms for 60k postings).
# The document of each of the top k comes with it (k primary-key lookups): the engine needs it for
# document scores, and asking afterwards cost a round trip with ~1,200 ids (4 ms at 100k).
_BM25 = f"""
SELECT s.passage_id, s.score, q.doc_id FROM (
  SELECT t.passage_id, sum(w.weight * t.tf * {K1 + 1}::float8 / (t.tf + {K1 * (1 - B)}::float8 + %(length_weight)s::float8 * t.tokens)) AS score
  FROM unnest(%(lexemes)s::text[], %(weights)s::float8[]) AS w(lexeme, weight)
  JOIN passage_terms t ON t.lexeme = w.lexeme{{join}}
  GROUP BY t.passage_id
  ORDER BY score DESC, t.passage_id
  LIMIT %(k)s
) s JOIN passages q ON q.id = s.passage_id
ORDER BY s.score DESC, s.passage_id
"""


def fts5_idf(n: float, df: int) -> float:
    """FTS5's idf: log((N - df + 0.5) / (df + 0.5)), at least 1e-6 (a word in most passages)."""
    return max(math.log((n - df + 0.5) / (df + 0.5)), 1e-6)


def lexical(store, query: str, k: int, role: str | None = None, doc_id: int | None = None,
            year: int | None = None, lang: str | None = None, documents: dict | None = None) -> list[tuple[int, float]]:
    """(passage id, bm25) best first, filtered in SQL; `documents` (when given) gets each
    passage's document id."""
    words = query_words(query)
    if not words or k <= 0:
        return []
    n, avgdl = corpus_stats(store)
    terms = store.conn.execute(_TERMS, (words,)).fetchall()
    if n == 0 or not terms:
        return []
    filters, args = _filters(role, doc_id, year, lang)
    join = f" JOIN passages p ON p.id = t.passage_id{_join(year)} WHERE true{filters}" if filters else ""
    rows = store.conn.execute(_BM25.format(join=join), {
        "lexemes": [lexeme for lexeme, _, _ in terms],
        "weights": [qtf * fts5_idf(n, df) for _, qtf, df in terms],
        "length_weight": K1 * B / max(avgdl, 1e-9), "k": int(k), **args}).fetchall()
    if documents is not None:
        documents.update((int(r[0]), int(r[2])) for r in rows)
    return [(int(r[0]), float(r[1])) for r in rows]


def ef_search(value: int | None = None) -> int:
    """HNSW candidate list size: the argument, else POLICY_NLP_EF_SEARCH, else the default."""
    if value is None:
        value = int(os.environ.get(EF_SEARCH_ENV) or DEFAULT_EF_SEARCH)
    return max(1, min(int(value), 1000))  # pgvector's allowed range


def halfvec_text(vector) -> str:
    return "[" + ",".join(str(float(v)) for v in np.asarray(vector, dtype=np.float32)) + "]"


def dense(store, vector, k: int, role: str | None = None, doc_id: int | None = None, year: int | None = None,
          ef: int | None = None, exact: bool = False, lang: str | None = None,
          documents: dict | None = None) -> list[tuple[int, float]]:
    """(passage id, cosine) best first: the server's HNSW search, filtered in SQL, at most
    HNSW_DEPTH of them; `exact` scans every vector instead (what recall is measured against).
    `documents` (when given) gets each passage's document id."""
    if k <= 0:
        return []
    if not exact:
        k = min(k, HNSW_DEPTH)
    filters, args = _filters(role, doc_id, year, lang)
    with _search_settings(store.conn, ef, exact):
        rows = store.conn.execute(dense_sql(len(vector), filters, _join(year)),
                                  {"q": halfvec_text(vector), "k": int(k), **args}).fetchall()
    if documents is not None:
        documents.update((int(r[0]), int(r[2])) for r in rows)
    # relaxed_order may return neighbours slightly out of order; ties by id, as a stable sort would
    return sorted(((int(pid), 1.0 - float(d)) for pid, d, _ in rows), key=lambda item: (-item[1], item[0]))


def dense_sql(dim: int, filters: str = "", join: str = "") -> str:
    """The nearest-neighbour query over the vectors of length `dim`: the cast and the condition
    are those of that length's HNSW index (store/postgres.py), or the planner could not use it."""
    dim = int(dim)
    return (f"SELECT p.id, p.embedding::halfvec({dim}) <=> %(q)s::halfvec({dim}) AS distance, p.doc_id FROM passages p{join}"
            f" WHERE vector_dims(p.embedding) = {dim}{filters} ORDER BY distance LIMIT %(k)s")


@contextmanager
def _search_settings(conn, ef: int | None, exact: bool) -> Iterator[None]:
    """hnsw.ef_search and iterative scan for the next query, set in one statement. Transaction-
    local settings last until the transaction ends: inside search()'s snapshot that is the rest
    of the search, which runs no other vector query, so no savepoint is paid for (a savepoint and
    two SETs were three more round trips per search). `exact` turns index scans off, which the
    snapshot's other queries must not inherit: it gets a savepoint of its own."""
    import psycopg

    settings = "SELECT set_config('hnsw.ef_search', %s, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)"
    in_transaction = conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
    if in_transaction and not exact:
        conn.execute(settings, (str(ef_search(ef)),))
        yield
        return
    with conn.transaction():
        conn.execute(settings, (str(ef_search(ef)),))
        if exact:
            conn.execute("SET LOCAL enable_indexscan = off")
        yield


def passage_documents(store, ids) -> dict[int, int]:
    """Passage id -> document id."""
    return dict(store.conn.execute("SELECT id, doc_id FROM passages WHERE id = ANY(%s)", ([int(i) for i in ids],)).fetchall())


def passage_languages(store, ids) -> dict[int, str]:
    """Passage id -> language."""
    return dict(store.conn.execute("SELECT id, language FROM passages WHERE id = ANY(%s)", ([int(i) for i in ids],)).fetchall())


def passage_rows(store, ids) -> dict[int, tuple]:
    """Passage id -> (id, stem, doc_id, page, section, role, text) for the hits shown."""
    return {row[0]: row for row in store.conn.execute(
        "SELECT p.id, d.stem, d.id, p.page, p.section, p.role, p.text FROM passages p JOIN documents d ON d.id = p.doc_id"
        " WHERE p.id = ANY(%s)", ([int(i) for i in ids],))}


def index_key(store) -> str:
    """What the vectors depend on: the database (see store_identity), its generation, newest ids
    and embedding models. dense.load_index caches the in-process index under it."""
    from .dense import SIDECAR_VERSION

    conn = store.conn
    generation = _generation(store)
    docs = conn.execute("SELECT count(*), coalesce(max(id), 0), coalesce(max(ingested_at), '') FROM documents").fetchone()
    last = conn.execute("SELECT coalesce(max(id), 0) FROM passages").fetchone()[0]
    models = [m[0] for m in conn.execute("SELECT DISTINCT embed_model FROM documents WHERE embed_model != '' ORDER BY 1")]
    parts = json.dumps([SIDECAR_VERSION, store_identity(store), generation, *docs, last, models])
    return f"pg{generation}-{hashlib.sha256(parts.encode()).hexdigest()[:16]}"


def _halfvec_loader():
    """A psycopg binary loader for halfvec: uint16 dimension, uint16 unused, big-endian float16s
    (pgvector's halfvec_send). Reading the binary form is ~10x faster than parsing text."""
    from psycopg.adapt import Loader

    class HalfvecLoader(Loader):
        format = 1  # binary

        def load(self, data):
            return np.frombuffer(bytes(data), dtype=">f2", offset=4)

    return HalfvecLoader


def read_vectors(store, model: str | None = None) -> dict:
    """The dense index's arrays (ids, doc_ids, years, role_codes, role_names, vectors, source),
    filled a block of rows at a time (see sqlite_index.read_vectors); `model`: only the passages
    of documents embedded with it (a library of several models)."""
    from psycopg.types import TypeInfo

    conn = store.conn
    where, args = ("d.embed_model = %s", (model,)) if model else ("true", ())
    n, dim = conn.execute(f"SELECT count(*), coalesce(max(d.embed_dim), 0) FROM passages p JOIN documents d ON d.id = p.doc_id"
                          f" WHERE p.embedding IS NOT NULL AND {where}", args).fetchone()
    ids = np.empty(n, dtype=np.int64)
    doc_ids = np.empty(n, dtype=np.int64)
    years = np.empty(n, dtype=np.int32)
    role_codes = np.empty(n, dtype=np.int16)
    vectors = np.empty((n, dim), dtype=np.float32)
    names: dict[str, int] = {}
    cursor = conn.cursor(binary=True)
    info = TypeInfo.fetch(conn, "halfvec")
    if info is not None:
        cursor.adapters.register_loader(info.oid, _halfvec_loader())
    cursor.execute(
        "SELECT p.id, p.doc_id, p.role, coalesce(d.year, -1), p.embedding FROM passages p JOIN documents d ON d.id = p.doc_id"
        f" WHERE p.embedding IS NOT NULL AND {where} ORDER BY p.id", args)
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
        vectors[filled:end] = np.stack([r[4] for r in rows]).astype(np.float32)
        filled = end
    cursor.close()
    if filled < n:
        ids, doc_ids, years, role_codes, vectors = ids[:filled], doc_ids[:filled], years[:filled], role_codes[:filled], vectors[:filled]
    return dict(ids=ids, doc_ids=doc_ids, years=years, role_codes=role_codes, role_names=list(names), vectors=vectors,
                source="postgresql")
