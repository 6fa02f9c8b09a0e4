"""The store contract on both back ends: a SQLite file and a real PostgreSQL server (pgvector).

The same tests run on each; the PostgreSQL ones skip, with the reason, only when the test server
cannot start (tests/pg_server.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, sample_pdfs

from policy_nlp.errors import NotFoundError, StoreError
from policy_nlp.ingestion import ingest
from policy_nlp.store import DocumentStore, open_store

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def target(request, tmp_path) -> str:
    """A new, empty store of each back end: a file path, or a fresh database's URL."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_server").new_database()


@pytest.fixture(scope="session")
def samples(tmp_path_factory) -> list:
    """The sample PDFs as stored Documents (ingested once, into SQLite)."""
    db = tmp_path_factory.mktemp("samples") / "samples.db"
    results = ingest([str(p) for p in sample_pdfs()], db)
    assert [r.status for r in results] == ["added"] * len(results)
    with open_store(db) as store:
        return [store.load(info.id) for info in store.documents()]


def comparable(doc) -> tuple:
    """A document without its id, vectors apart (numpy arrays do not compare with ==)."""
    plain = replace(doc, id=None, embeddings=None, indicator_embeddings=None)
    return plain, _array(doc.embeddings), _array(doc.indicator_embeddings)


def _array(a):
    return None if a is None else np.asarray(a).tobytes()


def test_both_back_ends_implement_the_contract(target):
    with open_store(target) as store:
        assert isinstance(store, DocumentStore)
        assert store.backend == ("sqlite" if "://" not in target else "postgresql")


def test_ingest_and_load_back_the_sample_pdfs(target, samples):
    results = ingest([str(p) for p in sample_pdfs()], target)
    assert [r.status for r in results] == ["added"] * 4
    with open_store(target, create=False) as store:
        loaded = [store.load(info.stem) for info in store.documents()]
    assert [comparable(d) for d in loaded] == [comparable(d) for d in samples]
    assert any(d.embeddings is not None for d in loaded)  # the vector columns are exercised


def test_back_ends_store_the_same_rows(pg_server, tmp_path, samples):
    stores = [open_store(tmp_path / "a.db"), open_store(pg_server.new_database())]
    try:
        for store in stores:
            for doc in samples:
                store.put_document(doc, pipeline="default")
        sqlite, postgres = stores
        assert [comparable(postgres.load(i.id)) for i in postgres.documents()] == \
               [comparable(sqlite.load(i.id)) for i in sqlite.documents()]
        for export in ("sections", "table_cells", "indicators"):
            a, b = list(getattr(sqlite, export)()), list(getattr(postgres, export)())
            assert a and a == b, export
        stem = samples[0].stem
        assert list(sqlite.sections(stem, "dilemma")) == list(postgres.sections(stem, "dilemma"))
        assert list(sqlite.indicators(kind="percent")) == list(postgres.indicators(kind="percent"))
        assert sqlite.embed_models() == postgres.embed_models()
        assert [(i.stem, i.n_pages, i.n_blocks, i.n_chars) for i in sqlite.documents()] == \
               [(i.stem, i.n_pages, i.n_blocks, i.n_chars) for i in postgres.documents()]
    finally:
        for store in stores:
            store.close()


def test_names_aliases_and_delete(target, tmp_path):
    original = sample_pdfs()[0]
    copy = tmp_path / "renamed copy.pdf"
    shutil.copyfile(original, copy)
    first = ingest([str(original)], target)[0]
    again = ingest([str(copy)], target)[0]
    assert (first.status, again.status, again.same_as) == ("added", "alias", first.doc_id)
    with open_store(target) as store:
        assert store.names(original.stem) == [str(copy.resolve())]
        assert store.resolve("RENAMED COPY").id == first.doc_id  # any name, any case
        assert store.has_name(first.doc_id, str(copy.resolve()))
        generation = store.generation()
        removed = store.delete_documents(["renamed copy.pdf"])
        assert [i.id for i in removed] == [first.doc_id]
        assert store.documents() == [] and store.generation() > generation
        with pytest.raises(NotFoundError):
            store.resolve(original.stem)
        with pytest.raises(NotFoundError):
            store.delete_documents(["no such document"])


def test_reingest_is_idempotent(target):
    pdfs = [str(p) for p in sample_pdfs()]
    ingest(pdfs, target)
    with open_store(target) as store:
        before = [comparable(store.load(i.id)) for i in store.documents()]
        generation = store.generation()
    assert {r.status for r in ingest(pdfs, target)} == {"unchanged"}
    assert {r.status for r in ingest(pdfs, target, force=True)} == {"replaced"}
    with open_store(target) as store:
        assert [comparable(store.load(i.id)) for i in store.documents()] == before
        assert len(store.documents()) == 4 and store.generation() == generation + 4


def test_two_concurrent_ingests_of_one_file_give_one_document(target, samples, monkeypatch):
    monkeypatch.setenv("POLICY_NLP_WRITE_DELAY", "0.05")  # both writers inside put_document at once
    doc = samples[1]
    start = threading.Barrier(2)
    outcomes, errors = [], []

    def write(path: str) -> None:
        try:
            with open_store(target) as store:
                start.wait()
                outcomes.append(store.put_document(replace(doc, path=path)))
        except Exception as exc:  # noqa: BLE001 — reported by the assert below
            errors.append(exc)

    with open_store(target):
        pass  # the schema exists before the race, as on a library in use
    threads = [threading.Thread(target=write, args=(doc.path,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(status for _, status in outcomes) == ["added", "replaced"]
    with open_store(target) as store:
        assert [i.sha256 for i in store.documents()] == [doc.sha256]
        assert comparable(store.load(doc.stem)) == comparable(replace(doc, path=doc.path))


def test_a_failing_document_leaves_nothing(target, samples):
    good, bad = samples[0], replace(samples[2], sha256="f" * 64, path="/nowhere/failing.pdf")
    bad.passages = [replace(p) for p in bad.passages]
    bad.passages[-1].text = None  # NOT NULL: fails after the pages, blocks and lines were written
    with open_store(target) as store:
        store.put_document(good)
        generation = store.generation()
        with pytest.raises(Exception):
            store.put_document(bad)
        assert [i.stem for i in store.documents()] == [good.stem]
        assert store.generation() == generation
        counts = {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("pages", "blocks", "lines", "tables", "sections", "passages", "indicators")}
        expected = {"pages": len(good.pages), "blocks": len(list(good.blocks())), "passages": len(good.passages),
                    "sections": len(good.sections), "indicators": len(good.indicators),
                    "tables": sum(len(p.tables) for p in good.pages)}
        assert {t: counts[t] for t in expected} == expected


def test_vector_cache_round_trip(target):
    vectors = np.array([[0.5, -0.25, 1.0], [0.1, 0.2, 0.3]], dtype=np.float32)
    with open_store(target) as store:
        assert store.cache_vectors("m", ["a", "b"], vectors)
        found = store.cached_vectors("m", ["a", "b", "c"])
        assert set(found) == {"a", "b"}
        assert np.array_equal(found["b"], vectors[1].astype(np.float16).astype(np.float32))
        assert store.cached_vectors("other", ["a"]) == {}


def test_postgres_schema_is_versioned(pg_server):
    url = pg_server.new_database()
    with pytest.raises(StoreError, match="no policy_nlp store"):
        open_store(url, create=False)
    with open_store(url) as store:
        from policy_nlp.store.postgres import SCHEMA_VERSION as PG_SCHEMA

        assert store.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(PG_SCHEMA)
        store.conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version 99"):
        open_store(url)


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in __import__("os").environ.items() if k != "POLICY_NLP_DB"}
    return subprocess.run([sys.executable, "-m", "policy_nlp", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


@pytest.mark.parametrize("url", ["postgresql://nobody@127.0.0.1:1/none", "postgres://nobody@127.0.0.1:1/none",
                                 "mysql://nobody@127.0.0.1/none"])
def test_a_database_url_never_becomes_a_folder(tmp_path, url):
    pdf = str(sample_pdfs()[0])
    for args in (("ingest", pdf, "--db", url), ("docs", "--db", url)):
        result = _cli(tmp_path, *args)
        assert result.returncode != 0
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
        assert list(tmp_path.iterdir()) == []  # no "postgresql:" folder, no SQLite file


def test_cli_on_postgresql(pg_server, tmp_path):
    url = pg_server.new_database()
    pdf = sample_pdfs()[0]
    assert _cli(tmp_path, "ingest", str(pdf), "--db", url).returncode == 0
    docs = _cli(tmp_path, "docs", "--db", url)
    assert docs.returncode == 0 and pdf.stem in docs.stdout
    shown = _cli(tmp_path, "show", pdf.stem, "--db", url, "--sections")
    assert shown.returncode == 0 and shown.stdout.strip()
    assert _cli(tmp_path, "export", "indicators", "--db", url, "-o", str(tmp_path / "i.csv")).returncode == 0
    assert (tmp_path / "i.csv").read_text(encoding="utf-8").count("\n") > 1
    indicators = _cli(tmp_path, "indicators", pdf.stem, "--db", url, "--json")
    assert indicators.returncode == 0 and indicators.stdout.count('"indicator"') > 0
    with open_store(url) as store:
        before = store.load(pdf.stem).embeddings
    assert _cli(tmp_path, "reindex", "--db", url).returncode == 0
    with open_store(url) as store:
        assert np.allclose(store.load(pdf.stem).embeddings, before, atol=2e-3)  # the same model again
    search = _cli(tmp_path, "search", "skilled workers", "--db", url, "--json")
    assert search.returncode == 0 and '"score"' in search.stdout
    assert _cli(tmp_path, "delete", pdf.stem, "--db", url).returncode == 0
    assert pdf.stem not in _cli(tmp_path, "docs", "--db", url).stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.csv"]
    assert REPO.joinpath("postgresql:").exists() is False


def test_documents_carry_the_pipeline_they_were_ingested_with(target, samples):
    """Provenance through the contract (DocumentInfo.pipeline), which `copy` reads rather than
    each back end's SQL."""
    with open_store(target) as store:
        doc_id, _ = store.put_document(samples[0], pipeline="provenance-test")
        assert store.resolve(doc_id).pipeline == "provenance-test"
        assert [info.pipeline for info in store.documents()] == ["provenance-test"]
