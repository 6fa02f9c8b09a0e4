"""Retrieval internals without the embedding model: the dense sidecar, filters, document-aware ranking, fusion."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from policy_nlp.model import Block, Document, Line, Page, Passage, Section
from policy_nlp.retrieval import dense, engine
from policy_nlp.store import open_store

DIM = 8


def _doc(name: str, texts: list[str], roles: list[str], vectors: np.ndarray) -> Document:
    block = Block(lines=[Line(text=" ".join(texts), page=1, bbox=(0.0, 0.0, 0.0, 0.0))], page=1, text=" ".join(texts))
    return Document(
        path=f"mem/{name}.txt", sha256=hashlib.sha256(name.encode() + b"".join(t.encode() for t in texts)).hexdigest(),
        pages=[Page(number=1, width=612.0, height=792.0, blocks=[block])], title=name,
        sections=[Section(heading=name, level=1, path="1", page_start=1, page_end=1, text=" ".join(texts), blocks=[0])],
        passages=[Passage(text=t, page=1, section="1", seq=i, role=r, section_index=0) for i, (t, r) in enumerate(zip(texts, roles))],
        embeddings=vectors.astype(np.float32), embed_model="test-model",
    )


def _unit(rng, n):
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture
def store_path(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "s.db"
    with open_store(path) as store:
        for d in range(4):
            roles = ["status", "dilemma", "recommendation"] * 3
            store.put_document(_doc(f"doc{d}", [f"passage {d}-{i} about topic {i}" for i in range(9)], roles, _unit(rng, 9)))
    dense._CACHE.clear()
    return path


def _entries(path):
    folder = dense.sidecar_dir(path)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_sidecar_is_built_once_then_memory_mapped(store_path):
    with open_store(store_path) as store:
        first = dense.load_index(store)
        assert first.source == "sqlite" and len(first.ids) == 36
        entries = _entries(store_path)
        assert len(entries) == 1 and not entries[0].startswith(".tmp")
        dense._CACHE.clear()  # a new process
        second = dense.load_index(store)
    assert second.source == "sidecar" and isinstance(second.vectors, np.memmap)
    q = _unit(np.random.default_rng(1), 1)[0]
    a, b = first.search(q, 5), second.search(q, 5)
    assert [p for p, _ in a] == [p for p, _ in b]
    assert np.allclose([s for _, s in a], [s for _, s in b], atol=2e-3)


def test_in_process_cache_is_reused_until_the_store_changes(store_path):
    with open_store(store_path) as store:
        index = dense.load_index(store)
        assert dense.load_index(store) is index


def test_a_change_makes_a_new_sidecar_and_removes_the_old(store_path):
    with open_store(store_path) as store:
        dense.load_index(store)
        old = _entries(store_path)
        store.put_document(_doc("extra", ["one more passage"], ["other"], _unit(np.random.default_rng(2), 1)))
        index = dense.load_index(store)
    new = _entries(store_path)
    assert len(index.ids) == 37 and len(new) == 1 and new != old


def test_read_only_folder_falls_back_to_sqlite(store_path):
    folder = store_path.parent
    mode = folder.stat().st_mode
    os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR)
    try:
        with open_store(store_path, create=False) as store:
            if os.access(folder, os.W_OK):  # root writes anyway: block the sidecar path with a file instead
                dense.sidecar_dir(store_path).write_text("not a folder")
            index = dense.load_index(store)
            assert index.source == "sqlite" and len(index.ids) == 36
            dense._CACHE.clear()
            assert dense.load_index(store).source == "sqlite"  # and again in the next process
    finally:
        os.chmod(folder, mode)
    assert not dense.sidecar_dir(store_path).is_dir()


def test_filters_still_return_top_k(store_path):
    with open_store(store_path) as store:
        index = dense.load_index(store)
        doc_id = store.resolve("doc2").id
    q = _unit(np.random.default_rng(3), 1)[0]
    hits = index.search(q, 5, index.mask(role="dilemma"))
    assert len(hits) == 5
    roles = dict(zip(index.ids.tolist(), index.roles.tolist()))
    assert {roles[p] for p, _ in hits} == {"dilemma"}
    only = index.search(q, 20, index.mask(doc_id=doc_id))
    assert len(only) == 9 and set(index.doc_of([p for p, _ in only])) == {doc_id}
    assert index.search(q, 5, index.mask(role="no such role")) == []
    assert index.search(q, 5, index.mask(year=1900)) == []


def test_concurrent_builders_leave_one_whole_sidecar(store_path):
    script = textwrap.dedent(f"""
        from policy_nlp.retrieval import dense
        from policy_nlp.store import open_store
        with open_store({str(store_path)!r}, create=False) as store:
            index = dense.load_index(store)
            assert len(index.ids) == 36
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    entries = _entries(store_path)
    assert len(entries) == 1 and not entries[0].startswith(".tmp")
    dense._CACHE.clear()
    with open_store(store_path, create=False) as store:
        assert dense.load_index(store).source == "sidecar"


def test_one_passage_documents_keep_their_order():
    ranking = [(1, 9.0), (2, 7.5), (3, 7.0), (4, 1.0)]
    doc_of = {1: 10, 2: 20, 3: 30, 4: 40}
    assert [p for p, _ in engine.document_aware(ranking, doc_of)] == [1, 2, 3, 4]


def test_a_document_with_several_good_passages_rises():
    # doc 10 has one strong passage; doc 20 three that each match a part of the query
    ranking = [(1, 10.0), (2, 9.0), (3, 8.8), (4, 8.6), (5, 1.0)]
    doc_of = {1: 10, 2: 20, 3: 20, 4: 20, 5: 30}
    ranked = [p for p, _ in engine.document_aware(ranking, doc_of, engine.Ranking(doc_weight=0.5))]
    assert ranked[0] == 2 and ranked.index(1) > 0
    assert ranked[-1] == 5
    assert [p for p, _ in engine.document_aware(ranking, doc_of, engine.Ranking(doc_weight=0.0))] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("fusion", ["rrf", "minmax", "zscore"])
def test_fusion_agrees_when_both_lists_agree(fusion):
    lexical = [(1, 12.0), (2, 8.0), (3, 2.0)]
    semantic = [(1, 0.8), (2, 0.6), (3, 0.1)]
    fused = engine.fuse(lexical, semantic, engine.Ranking(fusion=fusion))
    assert [p for p, _ in fused] == [1, 2, 3]


def test_fusion_of_one_list_alone_keeps_it():
    lexical = [(5, 3.0), (6, 2.0)]
    assert [p for p, _ in engine.rank(lexical, [], {5: 1, 6: 2}, "hybrid")] == [5, 6]


def test_document_scores_average_each_documents_best_passages(store_path):
    with open_store(store_path) as store:
        index = dense.load_index(store)
    q = _unit(np.random.default_rng(4), 1)[0]
    got = dense.document_scores(index, q, best=3)
    cos = np.asarray(index.vectors, dtype=np.float32) @ q
    for doc_id in set(index.doc_ids.tolist()):
        mine = np.sort(cos[index.doc_ids == doc_id])[-3:]
        assert got[doc_id] == pytest.approx(float(mine.mean()), abs=1e-5)
