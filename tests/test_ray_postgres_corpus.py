"""The scaled-out path end to end on real documents: `policy-nlp ingest ../shared/corpus --engine
ray --db postgresql://…` stores what a local ingest into SQLite stores, document for document and
row for row apart from ids: pages, blocks, lines, headings, sections, passages, indicators, table
cells (hashed per part, ids left out, as `policy-nlp copy` checks them) and vectors (compared
with a tolerance: Ray batches other documents together, which moves float16 values slightly).

Skipped, with the reason, when ../shared is absent or the PostgreSQL server or Ray cannot start.
"""

from __future__ import annotations

import faulthandler

import numpy as np
import pytest

from conftest import SHARED_CORPUS, run_cli
from policy_nlp.store import open_store
from policy_nlp.store.transfer import PARTS, fingerprint

pytestmark = pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason=f"{SHARED_CORPUS} is absent")
TEST_TIMEOUT_S = 600


@pytest.fixture(autouse=True)
def _timeout():
    faulthandler.dump_traceback_later(TEST_TIMEOUT_S, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def _library(spec: str) -> dict[str, tuple]:
    """sha256 -> (name, fingerprint without vectors, [passage vectors, indicator vectors])."""
    out = {}
    with open_store(spec, create=False) as store:
        for info in store.documents():
            doc = store.load(info.id)
            vectors = [np.asarray(m, dtype=np.float32) for m in (doc.embeddings, doc.indicator_embeddings)
                       if m is not None]
            parts = {k: v for k, v in fingerprint(doc).items() if k != "vectors"}
            out[info.sha256] = (info.name, parts, vectors)
    return out


def test_ray_into_postgresql_stores_what_local_into_sqlite_stores(pg_server, tmp_path):
    pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[ray]')")
    url = pg_server.new_database()
    sqlite_db = tmp_path / "local.db"
    local = run_cli("ingest", str(SHARED_CORPUS), "--db", str(sqlite_db), "--workers", "2", timeout=600)
    assert local.returncode == 0, local.stderr[-2000:]
    ray = run_cli("ingest", str(SHARED_CORPUS), "--engine", "ray", "--db", url,
                  env={"RAY_AUTH_MODE": "disabled"}, timeout=600)
    assert ray.returncode == 0, (ray.stdout + ray.stderr)[-3000:]

    expected, stored = _library(str(sqlite_db)), _library(url)
    assert len(expected) == len(list(SHARED_CORPUS.glob("*.pdf"))) >= 10
    assert stored.keys() == expected.keys()
    differing = []
    for sha, (name, parts, vectors) in expected.items():
        _, stored_parts, stored_vectors = stored[sha]
        differing += [(name, part, parts[part], stored_parts[part]) for part in PARTS
                      if part != "vectors" and parts[part] != stored_parts[part]]
        assert [v.shape for v in stored_vectors] == [v.shape for v in vectors] and vectors, name
        for a, b in zip(vectors, stored_vectors):
            assert np.allclose(a, b, atol=2e-3), name
    assert not differing, differing
