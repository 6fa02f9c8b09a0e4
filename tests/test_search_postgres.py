"""Search on a PostgreSQL store (a real server, tests/pg_server.py) against the same library in
SQLite: the same queries give the same dense hits (exact against HNSW at this size), close
lexical and hybrid ones; filters in SQL; a filtered HNSW query still returns its k hits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import psycopg
import pytest

from conftest import sample_pdfs

from policy_nlp.ingestion import ingest
from policy_nlp.retrieval import postgres_index, search
from policy_nlp.store import open_store
from policy_nlp.store.postgres import vector_index

QUERIES = ["skilled workers shortage", "elderly care beds", "charging stations for electric vehicles",
           "wage subsidy for care workers", "rural solar power", "digital transformation of factories"]


@pytest.fixture(scope="module")
def libraries(pg_server, tmp_path_factory) -> tuple[str, str]:
    """(SQLite path, PostgreSQL URL) holding the same sample documents, vectors included."""
    db = str(tmp_path_factory.mktemp("search_pg") / "samples.db")
    assert [r.status for r in ingest([str(p) for p in sample_pdfs()], db)] == ["added"] * len(sample_pdfs())
    url = pg_server.new_database()
    with open_store(db) as sqlite, open_store(url) as postgres:
        for info in sqlite.documents():
            postgres.put_document(sqlite.load(info.id), pipeline="default")
    return db, url


def _hits(db: str, query: str, mode: str, top: int = 10, **filters) -> list[tuple]:
    return [(h.document, h.page, h.section, h.role, h.text) for h in search(query, mode=mode, top=top, db=db, **filters)]


def test_dense_hits_are_the_same_on_both_back_ends(libraries):
    sqlite, postgres = libraries
    for query in QUERIES:
        assert _hits(postgres, query, "dense") == _hits(sqlite, query, "dense"), query


@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_lexical_and_hybrid_hits_are_close(libraries, mode):
    """bm25 over tsvector (Snowball stemming, PostgreSQL's stopwords) against FTS5 (porter, every
    token counted): the same passages on top, most of the first ten shared."""
    sqlite, postgres = libraries
    shared = []
    for query in QUERIES:
        a, b = _hits(sqlite, query, mode), _hits(postgres, query, mode)
        assert a and b, query
        assert a[0] in b[:3], query
        shared.append(len(set(a) & set(b)) / len(a))
    assert np.mean(shared) >= 0.8, shared


def test_hits_carry_the_same_fields(libraries):
    sqlite, postgres = libraries
    a = search(QUERIES[0], mode="hybrid", top=3, db=sqlite)[0].as_dict()
    b = search(QUERIES[0], mode="hybrid", top=3, db=postgres)[0].as_dict()
    assert a.keys() == b.keys()
    assert (a["document"], a["page"], a["matched"]) == (b["document"], b["page"], b["matched"])
    assert b["lexical_score"] == pytest.approx(a["lexical_score"], rel=0.5)  # bm25, other tokenizer
    assert b["semantic_score"] == pytest.approx(a["semantic_score"], abs=2e-3)  # cosine of float16 vectors


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
@pytest.mark.parametrize("filters", [{"role": "recommendation"}, {"doc": "smart_manufacturing_qinghe"}, {"year": 2025},
                                     {"role": "status", "year": 2023}])
def test_filters_in_sql(libraries, mode, filters):
    sqlite, postgres = libraries
    hits = search("workers and training in factories", mode=mode, top=10, db=postgres, **filters)
    assert hits
    with open_store(postgres) as store:
        years = dict(store.conn.execute("SELECT stem, year FROM documents").fetchall())
    for hit in hits:
        assert filters.get("role", hit.role) == hit.role
        assert filters.get("doc", hit.document) == hit.document
        assert filters.get("year", years[hit.document]) == years[hit.document]
    if mode == "dense":
        assert _hits(postgres, "workers and training in factories", mode, **filters) == _hits(sqlite, "workers and training in factories", mode, **filters)


def _query_vector(store) -> np.ndarray:
    return postgres_index.read_vectors(store)["vectors"][0]


def test_hnsw_index_matches_exact_search(libraries):
    _, postgres = libraries
    with open_store(postgres) as store:
        store.conn.execute("SET enable_seqscan = off")  # at this size the planner would scan the table
        vector = _query_vector(store)
        plan = "\n".join(r[0] for r in store.conn.execute(
            "EXPLAIN " + postgres_index.dense_sql(len(vector)), {"q": postgres_index.halfvec_text(vector), "k": 10}))
        assert vector_index(len(vector)) in plan
        for vector in postgres_index.read_vectors(store)["vectors"][::25]:
            hnsw = postgres_index.dense(store, vector, 10)
            exact = postgres_index.dense(store, vector, 10, exact=True)
            assert [pid for pid, _ in hnsw] == [pid for pid, _ in exact]
            assert [s for _, s in hnsw] == sorted((s for _, s in hnsw), reverse=True)


def test_a_filtered_hnsw_query_still_returns_k_hits(libraries):
    """ef_search 5 and a role most neighbours lack: without iterative scan the index would stop
    after its 5 candidates and the filter would leave fewer than k."""
    _, postgres = libraries
    with open_store(postgres) as store:
        conn = store.conn
        conn.execute("SET enable_seqscan = off")
        conn.execute("SET enable_bitmapscan = off")
        available = conn.execute(
            "SELECT count(*) FROM passages WHERE role = 'recommendation' AND embedding IS NOT NULL").fetchone()[0]
        assert 15 < available < conn.execute("SELECT count(*) FROM passages").fetchone()[0] / 4
        vector = _query_vector(store)
        with conn.transaction():  # without the role's own index (dropped until the rollback) HNSW must answer
            conn.execute("DROP INDEX passages_role")
            plan = "\n".join(r[0] for r in conn.execute(
                "EXPLAIN " + postgres_index.dense_sql(len(vector), " AND p.role = %(role)s"),
                {"q": postgres_index.halfvec_text(vector), "k": 15, "role": "recommendation"}))
            assert vector_index(len(vector)) in plan
            hits = postgres_index.dense(store, vector, 15, role="recommendation", ef=5)
            exact = postgres_index.dense(store, vector, 15, role="recommendation", exact=True)
            raise psycopg.Rollback()
        assert conn.execute("SELECT to_regclass('passages_role')").fetchone()[0] is not None
    assert len(hits) == 15
    assert len({pid for pid, _ in hits} & {pid for pid, _ in exact}) >= 13
    with open_store(postgres) as store:
        roles = dict(store.conn.execute("SELECT id, role FROM passages WHERE id = ANY(%s)", ([p for p, _ in hits],)).fetchall())
    assert set(roles.values()) == {"recommendation"}


def test_ef_search_is_a_setting(monkeypatch):
    assert postgres_index.ef_search() == postgres_index.DEFAULT_EF_SEARCH
    monkeypatch.setenv(postgres_index.EF_SEARCH_ENV, "250")
    assert postgres_index.ef_search() == 250
    assert postgres_index.ef_search(40) == 40


def test_the_dense_index_cache_follows_the_database(libraries, pg_server):
    """Two databases on one server, and one changed meanwhile: each search reads its own vectors."""
    sqlite, postgres = libraries
    other = pg_server.new_database()
    with open_store(sqlite) as source, open_store(other) as target:
        first = source.documents()[0]
        target.put_document(source.load(first.id), pipeline="default")
    assert {h.document for h in search(QUERIES[0], mode="dense", top=50, db=other)} == {first.stem}
    with open_store(postgres) as store:
        before = postgres_index.index_key(store)
    with open_store(other) as store:
        assert postgres_index.index_key(store) != before
        before = postgres_index.index_key(store)
        store.delete_documents([first.stem])
        assert postgres_index.index_key(store) != before
    with open_store(sqlite) as source, open_store(other) as target:
        second = source.documents()[1]
        target.put_document(source.load(second.id), pipeline="default")
    assert {h.document for h in search(QUERIES[0], mode="dense", top=50, db=other)} == {second.stem}


def test_an_older_schema_is_migrated(pg_server):
    """A version-1 store (no full-text columns, no HNSW index, no passage_terms) gains them on open,
    the postings filled from the passages already there, and is searchable."""
    url = pg_server.new_database()
    pdf = sample_pdfs()[0]
    ingest([str(pdf)], url)
    with open_store(url) as store:
        conn = store.conn
        dim = conn.execute("SELECT max(embed_dim) FROM documents").fetchone()[0]
        conn.execute(f"DROP INDEX {vector_index(dim)}")  # schema 5 and older: halfvec(dim), one index, none in schema 1
        conn.execute("DROP STATISTICS passages_embedding_dims")
        conn.execute(f"ALTER TABLE passages ALTER COLUMN embedding TYPE halfvec({dim})")
        conn.execute("DROP TABLE passage_terms")
        conn.execute("DROP FUNCTION policy_nlp_passage_terms() CASCADE")
        conn.execute("ALTER TABLE passages DROP COLUMN tsv, DROP COLUMN tokens")
        conn.execute("DROP FUNCTION policy_nlp_tokens(tsvector)")
        conn.execute("ALTER TABLE indicators DROP COLUMN base")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with open_store(url) as store:
        names = {r[0] for r in store.conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'passages'")}
        assert {"passages_tsv", vector_index(dim)} <= names
        assert store.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "6"
        postings, passages = store.conn.execute(
            "SELECT (SELECT count(DISTINCT passage_id) FROM passage_terms), (SELECT count(*) FROM passages WHERE tokens > 0)").fetchone()
        assert postings == passages > 0
    assert search("care workers", mode="bm25", top=3, db=url)


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "POLICY_NLP_DB"}
    return subprocess.run([sys.executable, "-m", "policy_nlp", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


def test_cli_search_and_similar_on_postgresql(libraries, tmp_path):
    sqlite, postgres = libraries
    for mode in ("hybrid", "bm25", "dense"):
        result = _cli(tmp_path, "search", QUERIES[1], "--db", postgres, "--mode", mode, "--json")
        assert result.returncode == 0, result.stderr
        assert '"passage_id"' in result.stdout
    pg, lite = (_cli(tmp_path, "similar", "elderly_care_services_report", "--db", db) for db in (postgres, sqlite))
    assert pg.returncode == 0, pg.stderr
    assert pg.stdout == lite.stdout
    assert list(tmp_path.iterdir()) == []  # no sidecar folder, no "postgresql:" folder


def test_a_process_reuses_its_connection_without_its_settings(libraries):
    """Each search opens the store; the connection is kept for the next one (connecting and the
    schema check cost 4-5 ms of a search), with any session setting reset."""
    _, postgres = libraries
    with open_store(postgres) as store:
        first = store.conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        store.conn.execute("SET enable_seqscan = off")
    with open_store(postgres) as store:
        assert store.conn.execute("SELECT pg_backend_pid()").fetchone()[0] == first
        assert store.conn.execute("SHOW enable_seqscan").fetchone()[0] == "on"
    hits = [search(QUERIES[0], mode="hybrid", top=3, db=postgres) for _ in range(3)]
    assert hits[0] and all([h.passage_id for h in run] == [h.passage_id for h in hits[0]] for run in hits)
    with open_store(postgres) as one, open_store(postgres) as two:  # at once: two connections
        assert one.conn.execute("SELECT pg_backend_pid()").fetchone()[0] != two.conn.execute("SELECT pg_backend_pid()").fetchone()[0]
