"""Chunked and parallel ingest store the same content as one document at a time."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import numpy as np

from conftest import CORPUS, REPO, make_pdf

from policy_nlp import pipeline as pipeline_module
from policy_nlp.engines import local
from policy_nlp.ingestion import ingest
from policy_nlp.store.db import from_blobs

ABSTRACTS = [
    "Rural clinics in Hexi county recorded 1,250 new patients in 2022. Staff shortages remain the main obstacle.",
    "The city trained 4,500 care workers. We recommend a wage subsidy of 300 yuan per month.",
    "Broadband now reaches 92% of villages, up from 61% in 2018. Maintenance budgets are insufficient.",
    "Over 130 million IoT terminal users were registered in Shandong by 2021.",
    "Solar capacity grew by 2.3 GW during the 13th Five-Year Plan period. Grid connection remains slow.",
    "Ten pilot schools introduced digital classrooms; teachers lack training time.",
]


def _texts(folder, n: int):
    folder.mkdir()
    out = []
    for i in range(n):
        path = folder / f"abstract_{i:02d}.txt"
        path.write_text(f"Abstract {i}\n\n{ABSTRACTS[i % len(ABSTRACTS)]} Item {i} counts {i * 7 + 3} projects.\n", encoding="utf-8")
        out.append(path)
    return out


def _dump(db) -> dict:
    conn = sqlite3.connect(db)
    try:
        out = {
            "documents": conn.execute("SELECT id, name, sha256, title, n_pages, n_blocks, n_lines, n_chars, embed_model, year"
                                      " FROM documents ORDER BY id").fetchall(),
            "passages": conn.execute("SELECT id, doc_id, seq, page, section, role, role_confidence, text FROM passages ORDER BY id").fetchall(),
            "sections": conn.execute("SELECT * FROM sections ORDER BY doc_id, seq").fetchall(),
            "lines": conn.execute("SELECT * FROM lines ORDER BY doc_id, seq").fetchall(),
            "blocks": conn.execute("SELECT * FROM blocks ORDER BY id").fetchall(),
            "tables": conn.execute("SELECT * FROM tables ORDER BY id").fetchall(),
            "indicators": conn.execute("SELECT doc_id, seq, indicator, value, unit, kind, period, place, raw_text FROM indicators"
                                       " ORDER BY doc_id, seq").fetchall(),
            "fts": conn.execute("SELECT rowid FROM passages_fts WHERE passages_fts MATCH 'projects' ORDER BY rowid").fetchall(),
        }
        out["vectors"] = from_blobs([r[0] for r in conn.execute("SELECT embedding FROM passages ORDER BY id")])
        # Indicator vectors are made by the first comparison, never at ingest.
        out["indicator_embedding_rows"] = conn.execute("SELECT count(*) FROM indicators WHERE embedding IS NOT NULL").fetchone()[0]
        return out
    finally:
        conn.close()


def _assert_same(a: dict, b: dict) -> None:
    for key in a:
        if key.endswith("vectors"):
            # float16 in the store; a batch of other lengths pads differently, within float16 precision.
            np.testing.assert_allclose(a[key], b[key], atol=2e-3)
        else:
            assert a[key] == b[key], key


def test_workers_2_store_the_same_as_one_worker(tmp_path):
    pdfs = [shutil.copy(p, tmp_path / p.name) for p in sorted(CORPUS.glob("*.pdf"))]
    texts = _texts(tmp_path / "texts", 5)
    inputs = [*pdfs, *texts]
    one = ingest(inputs, tmp_path / "one.db", workers=1)
    two = ingest(inputs, tmp_path / "two.db", workers=2)
    assert [(r.path, r.status, r.doc_id) for r in one] == [(r.path, r.status, r.doc_id) for r in two]
    assert all(r.status == "added" for r in one)
    _assert_same(_dump(tmp_path / "one.db"), _dump(tmp_path / "two.db"))


def _ingest_in_subprocess(files, db, chunk_files: int) -> None:
    """Ingest with the float32 torch backend in a fresh process: with dynamic int8 quantisation a
    text's vector also depends on the other texts of its batch, which would hide what is tested."""
    code = (
        "import sys\n"
        "from policy_nlp import ingestion\n"
        "from policy_nlp.engines import local\n"
        "local.CHUNK_FILES = int(sys.argv[1])\n"
        "results = ingestion.ingest(sys.argv[3:], sys.argv[2])\n"
        "assert all(r.status == 'added' for r in results), [r.summary() for r in results]\n"
    )
    env = {**os.environ, "POLICY_NLP_EMBED_BACKEND": "torch", "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", code, str(chunk_files), str(db), *map(str, files)],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]


def test_chunked_embedding_matches_one_document_at_a_time(tmp_path):
    texts = _texts(tmp_path / "texts", 14)
    _ingest_in_subprocess(texts, tmp_path / "chunked.db", local.CHUNK_FILES)
    _ingest_in_subprocess(texts, tmp_path / "single.db", 1)
    a, b = _dump(tmp_path / "chunked.db"), _dump(tmp_path / "single.db")
    assert len(a["documents"]) == 14 and len(a["vectors"]) >= 14 and len(a["indicators"]) >= 14
    _assert_same(a, b)


def test_chunks_are_formed_from_small_files_only(tmp_path):
    texts = _texts(tmp_path / "texts", 5)
    pdf = make_pdf(tmp_path / "one.pdf", ["Alpha built 12 roads."])
    keys = [str(p) for p in [*texts[:3], pdf, *texts[3:]]]
    assert [len(c) for c in local._chunks(keys)] == [3, 1, 2]


def test_one_failing_document_does_not_cost_its_chunk(tmp_path, db, monkeypatch):
    texts = _texts(tmp_path / "texts", 4)
    texts[2].write_text("Poisoned abstract: 12 items.\n", encoding="utf-8")
    (tmp_path / "texts" / "empty.txt").write_text("", encoding="utf-8")
    real = pipeline_module._STAGES["indicators"]

    def failing(docs, pipeline):
        if any("Poisoned" in p.text for d in docs for p in d.passages):
            raise RuntimeError("indicator miner crashed")
        return real(docs, pipeline)

    monkeypatch.setitem(pipeline_module._STAGES, "indicators", failing)
    results = {r.path.rsplit("/", 1)[-1]: r for r in ingest([tmp_path / "texts"], db)}
    assert results["abstract_02.txt"].failed and "indicator miner crashed" in results["abstract_02.txt"].message
    assert results["empty.txt"].failed
    assert [results[f"abstract_0{i}.txt"].status for i in (0, 1, 3)] == ["added"] * 3
