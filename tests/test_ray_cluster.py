"""The Ray engine on a cluster of two nodes started with `ray start` (a head, then a second node
joining it, as a team starts theirs; both on this machine, one CPU each), driven by the CLI with
--ray-address: every node takes work, and what is stored equals a local ingest row for row.

Skipped, with the reason, only when Ray is not installed or the cluster does not come up.
"""

from __future__ import annotations

import faulthandler

import numpy as np
import pytest

import ray_nodes
from conftest import run_cli, sample_pdfs
from test_ray_engine import TABLES, _rows, _vectors

TEST_TIMEOUT_S = 420


@pytest.fixture(autouse=True)
def _timeout():
    faulthandler.dump_traceback_later(TEST_TIMEOUT_S, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="module")
def two_nodes():
    cluster, why = ray_nodes.start(nodes=2, cpus_per_node=1)
    if cluster is None:
        print(why)
        pytest.skip(why)
    with cluster:
        yield cluster


def test_two_nodes_share_the_ingest_and_store_what_the_local_engine_stores(two_nodes, tmp_path):
    trace = tmp_path / "trace"
    trace.mkdir()
    local_db, ray_db = tmp_path / "local.db", tmp_path / "ray.db"
    files = [str(p) for p in sample_pdfs()]
    local = run_cli("ingest", *files, "--db", str(local_db))
    assert local.returncode == 0, local.stderr
    result = run_cli("ingest", *files, "--engine", "ray", "--ray-address", two_nodes.address, "--db", str(ray_db),
                     env={**two_nodes.env, "POLICY_NLP_RAY_TRACE": str(trace)}, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(files)} added" in result.stdout + result.stderr
    extract_nodes = {f.name.split("-")[1] for f in trace.glob("extract-*")}
    assert len(extract_nodes) == 2, f"extraction ran on {len(extract_nodes)} node(s): {sorted(extract_nodes)}"
    for table in TABLES:
        ray_rows, local_rows = _rows(ray_db, table), _rows(local_db, table)
        assert len(ray_rows) == len(local_rows) > 0, table
        assert ray_rows == local_rows, table
    ray_vectors, local_vectors = _vectors(ray_db), _vectors(local_db)
    assert ray_vectors.keys() == local_vectors.keys() and ray_vectors
    for key, vector in ray_vectors.items():
        assert np.allclose(vector, local_vectors[key], atol=2e-3), key


def test_an_address_where_no_cluster_listens_is_one_line_and_exit_1(tmp_path):
    result = run_cli("ingest", str(sample_pdfs()[0]), "--engine", "ray", "--ray-address", "127.0.0.1:9",
                     "--db", str(tmp_path / "x.db"), env={"RAY_AUTH_MODE": "disabled"}, timeout=120)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if "cannot start or reach" in line]
    assert lines and "127.0.0.1:9" in lines[0], result.stderr[-2000:]
