"""Search over the sample corpus: modes, filters, freshness, model guard."""

from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import CORPUS, make_pdf, run_cli

from policy_nlp.errors import StoreError
from policy_nlp.ingestion import ingest
from policy_nlp.retrieval import search
from policy_nlp.store import open_store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    db = tmp_path_factory.mktemp("search") / "corpus.db"
    results = ingest([CORPUS], db, workers=2)
    assert all(not r.failed for r in results)
    return db


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_modes_find_the_care_workforce_passages(store_path, mode):
    hits = search("shortage of qualified care workers", mode=mode, top=5, db=store_path)
    assert hits and hits[0].document == "elderly_care_services_report"
    assert all(h.page >= 1 and h.section and h.text for h in hits)
    if mode == "bm25":
        assert all(h.matched == "lexical" for h in hits)
    if mode == "dense":
        assert all(h.matched == "semantic" for h in hits)


def test_hybrid_says_why_and_highlights(store_path):
    hits = search("rural grid hosting capacity", top=10, db=store_path)
    assert {h.matched for h in hits} <= {"lexical", "semantic", "both"}
    assert any(h.matched == "both" for h in hits)
    top = hits[0]
    assert "**" in top.highlighted and top.highlighted.replace("**", "") == top.text


def test_filters(store_path):
    hits = search("investment", role="recommendation", top=20, db=store_path)
    assert hits and {h.role for h in hits} == {"recommendation"}
    only = search("investment", doc="rural_clean_energy_hexi", top=20, db=store_path)
    assert only and {h.document for h in only} == {"rural_clean_energy_hexi"}
    with open_store(store_path) as store:
        years = dict(store.conn.execute("SELECT stem, year FROM documents").fetchall())
    assert years["elderly_care_services_report"] == 2024  # from its running head
    dated = search("care", year=2024, top=20, db=store_path)
    assert dated and {h.document for h in dated} <= {s for s, y in years.items() if y == 2024}


def test_results_span_several_documents(store_path):
    hits = search("subsidies for households and enterprises", top=10, db=store_path)
    assert len({h.document for h in hits}) >= 2


def test_reingest_adds_nothing_and_new_document_is_searchable_at_once(store_path, tmp_path):
    with open_store(store_path) as store:
        generation = store.generation()
        count = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    assert {r.status for r in ingest([CORPUS], store_path)} == {"unchanged"}
    with open_store(store_path) as store:
        assert store.generation() == generation
        assert store.conn.execute("SELECT count(*) FROM passages").fetchone()[0] == count
    note = tmp_path / "desalination_note.md"
    note.write_text("# Desalination note\n\n## Current situation\n\nThe coastal plant desalinates 40,000 cubic metres of seawater a day.\n")
    assert ingest([note], store_path)[0].status == "added"
    hits = search("seawater desalination plant", top=3, db=store_path)
    assert hits[0].document == "desalination_note" and hits[0].role == "status"


def test_replaced_document_leaves_no_stale_index_rows(tmp_path):
    db = tmp_path / "r.db"
    pdf = make_pdf(tmp_path / "memo.pdf", ["The ferry service carries 12,000 passengers a week."])
    ingest([pdf], db)
    make_pdf(pdf, ["The cable car carries 3,000 visitors a day."])
    assert ingest([pdf], db)[0].status == "replaced"
    assert search("ferry passengers", mode="bm25", db=db) == []
    assert search("cable car visitors", mode="bm25", db=db)[0].document == "memo"
    conn = sqlite3.connect(db)
    assert conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('integrity-check')") is not None


def test_other_embedding_model_is_refused_until_reindex(tmp_path):
    db = tmp_path / "m.db"
    ingest([make_pdf(tmp_path / "a.pdf", ["Broadband reaches 98 percent of villages."])], db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE documents SET embed_model = 'some-other-model'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="reindex"):
        search("broadband", mode="dense", db=db)
    result = run_cli("search", "broadband", "--db", str(db))
    assert result.returncode == 1 and "reindex" in result.stderr and "Traceback" not in result.stderr
    assert run_cli("reindex", "--db", str(db)).returncode == 0
    assert search("broadband villages", mode="dense", db=db)[0].document == "a"


def test_cli_json(store_path):
    result = run_cli("search", "talent pipeline", "--role", "recommendation", "--top", "3", "--json", "--db", str(store_path))
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 3 and {"document", "page", "section", "role", "score", "text", "matched"} <= set(hits[0])


def test_cold_processes_share_the_vector_sidecar(store_path):
    sidecar = store_path.parent / (store_path.name + ".vectors")
    first = run_cli("search", "care workers wages", "--json", "--db", str(store_path))
    assert first.returncode == 0, first.stderr
    entries = [p.name for p in sidecar.iterdir()]
    assert len(entries) == 1 and not entries[0].startswith(".tmp")
    again = run_cli("search", "care workers wages", "--json", "--db", str(store_path))
    assert again.returncode == 0 and json.loads(again.stdout) == json.loads(first.stdout)
    assert [p.name for p in sidecar.iterdir()] == entries


def test_filtered_dense_search_fills_top_k(store_path):
    hits = search("investment", mode="dense", role="recommendation", top=8, db=store_path)
    with open_store(store_path) as store:
        available = store.conn.execute("SELECT count(*) FROM passages WHERE role = 'recommendation'").fetchone()[0]
    assert len(hits) == min(8, available) and {h.role for h in hits} == {"recommendation"}
