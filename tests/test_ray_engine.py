"""The Ray ingest engine on a real local Ray cluster started here (no mocks): it stores what the
local engine stores, row for row, and a worker killed in the middle of a document leaves either
the whole document (retried) or a FAILED line, never part of it.

Skipped, with the reason, only when Ray is not installed or its cluster cannot start.
"""

from __future__ import annotations

import faulthandler
import os
import sqlite3

import numpy as np
import pytest

from conftest import sample_pdfs
from policy_nlp.ingestion import ingest

# Every node and command of a test cluster must agree on auth (Ray 2.60 turns token auth on by
# default), and a test cluster listens on 127.0.0.1 only.
RAY_ENV = {"RAY_AUTH_MODE": "disabled", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_num_workers_soft_limit": "10"}
TEST_TIMEOUT_S = 420
TABLES = ("documents", "sections", "passages", "indicators")
# Ids and times differ between two ingests by design; vectors are compared with a tolerance.
SKIPPED_COLUMNS = {"id", "doc_id", "ingested_at", "path", "embedding"}


@pytest.fixture(autouse=True)
def _timeout():
    # A hung cluster must not hold CI until its own limit: dump where it hangs and stop.
    faulthandler.dump_traceback_later(TEST_TIMEOUT_S, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="module")
def ray_cluster():
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[ray]')")
    saved = {k: os.environ.get(k) for k in RAY_ENV}
    os.environ.update(RAY_ENV)
    try:
        ray.init(address="local", num_cpus=2, include_dashboard=False, object_store_memory=200 * 1024**2,
                 log_to_driver=False)
    except Exception as exc:  # pragma: no cover - depends on the machine
        print(f"Ray cannot start here: {type(exc).__name__}: {exc}")
        pytest.skip(f"Ray cannot start here: {type(exc).__name__}: {exc}")
    yield ray
    ray.shutdown()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _rows(db, table: str) -> list[tuple]:
    """The table's rows with each document named by file name instead of id, sorted."""
    con = sqlite3.connect(db)
    try:
        con.row_factory = sqlite3.Row
        names = dict(con.execute("SELECT id, name FROM documents").fetchall())
        key = "id" if table == "documents" else "doc_id"
        out = []
        for row in con.execute(f"SELECT * FROM {table}"):
            values = tuple(round(row[c], 4) if isinstance(row[c], float) else row[c]
                           for c in row.keys() if c not in SKIPPED_COLUMNS)
            out.append((names[row[key]], *values))
        return sorted(out, key=repr)
    finally:
        con.close()


def _vectors(db) -> dict[tuple, np.ndarray]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT d.name, p.seq, p.embedding FROM passages p JOIN documents d ON d.id = p.doc_id")
        return {(name, seq): np.frombuffer(blob, dtype=np.float16) for name, seq, blob in rows if blob is not None}
    finally:
        con.close()


@pytest.fixture(scope="module")
def local_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("local") / "local.db"
    results = ingest(sample_pdfs(), db)
    assert [r.status for r in results] == ["added"] * len(sample_pdfs())
    return db


def test_ray_ingest_stores_what_the_local_engine_stores(ray_cluster, local_db, tmp_path):
    db = tmp_path / "ray.db"
    results = ingest(sample_pdfs(), db, engine="ray")
    assert [r.status for r in results] == ["added"] * len(sample_pdfs()), [r.summary() for r in results]
    for table in TABLES:
        ray_rows, local_rows = _rows(db, table), _rows(local_db, table)
        assert len(ray_rows) == len(local_rows) > 0, table
        assert ray_rows == local_rows, table
    ray_vectors, local_vectors = _vectors(db), _vectors(local_db)
    assert ray_vectors.keys() == local_vectors.keys() and ray_vectors
    for key, vector in ray_vectors.items():
        assert np.allclose(vector, local_vectors[key], atol=2e-3), key


def test_a_worker_killed_once_in_a_document_is_retried_and_the_document_stored_whole(ray_cluster, local_db, tmp_path,
                                                                                    monkeypatch):
    victim = sample_pdfs()[1]
    marker = tmp_path / "killed-once"
    monkeypatch.setenv("POLICY_NLP_RAY_KILL", f"{victim.name}@{marker}")
    db = tmp_path / "ray.db"
    results = ingest(sample_pdfs(), db, engine="ray")
    assert marker.exists(), "the worker was not killed: the test tested nothing"
    assert [r.status for r in results] == ["added"] * len(sample_pdfs()), [r.summary() for r in results]
    for table in TABLES:
        assert _rows(db, table) == _rows(local_db, table), table


def test_a_document_whose_worker_keeps_dying_is_one_failed_line_and_not_stored(ray_cluster, local_db, tmp_path,
                                                                              monkeypatch):
    victim = sample_pdfs()[2]
    monkeypatch.setenv("POLICY_NLP_RAY_KILL", victim.name)
    db = tmp_path / "ray.db"
    results = ingest(sample_pdfs(), db, engine="ray")
    by_name = {r.path.rsplit("/", 1)[-1]: r for r in results}
    failed = by_name[victim.name]
    assert failed.failed and victim.name in failed.summary() and "died" in failed.summary()
    assert failed.summary().startswith("FAILED") and "\n" not in failed.summary()
    assert all(r.status == "added" for name, r in by_name.items() if name != victim.name)
    for table in TABLES:
        # The others whole, and nothing of the victim: no document row, no section, passage or indicator.
        expected = [row for row in _rows(local_db, table) if row[0] != victim.name]
        assert _rows(db, table) == expected, table


def test_cli_rejects_an_unknown_engine_and_a_malformed_address():
    from conftest import run_cli

    bad_engine = run_cli("ingest", "corpora", "--engine", "spark")
    assert bad_engine.returncode == 2 and "unknown engine 'spark'; known: local, ray" in bad_engine.stderr
    bad_address = run_cli("ingest", "corpora", "--engine", "ray", "--ray-address", "not an address")
    assert bad_address.returncode == 2 and "expected 'auto', HOST:PORT" in bad_address.stderr
    no_engine = run_cli("ingest", "corpora", "--ray-address", "auto")
    assert no_engine.returncode == 2 and "--ray-address needs --engine ray" in no_engine.stderr
