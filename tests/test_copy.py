"""`policy-nlp copy` / policy_nlp.copy_library: a library moved between stores row for row,
resumable, and checked (a tampered destination is caught)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli, sample_pdfs

import policy_nlp
from policy_nlp.ingestion import ingest
from policy_nlp.store import open_store

# Per table: the columns compared (ids left out: each store numbers its own rows) and the order.
_TABLES = {
    "pages": ("number, width, height, columns", "number"),
    "blocks": ("seq, page, kind, text", "seq"),
    "lines": ("seq, page, text, x0, top, x1, bottom, font, size, bold, col, marks, block_id IS NULL", "seq"),
    "tables": ("page, x0, top, x1, bottom, caption, rows", "id"),
    "headings": ("seq, level, number, text, page, block, run_in, evidence", "seq"),
    "sections": ("seq, level, number, heading, path, role, role_confidence, role_evidence, page_start, page_end, text", "seq"),
    "passages": ("seq, section_seq, page, section, role, role_confidence, role_evidence, text, kind, embedding", "seq"),
    "indicators": ("seq, page, section, section_role, indicator, value, unit, kind, qualifier, low, high, period, place,"
                   " change, raw_text, sentence, start, \"end\", embedding", "seq"),
    "document_names": ("path, name, stem", "path"),
}
_DOCUMENT = ("path, name, stem, sha256, title, n_pages, n_blocks, n_lines, n_chars, metadata, pipeline, embed_model,"
             " embed_dim, year")


def library_rows(db: Path) -> dict[str, list[tuple]]:
    """Every row of a SQLite library, read with plain SQL (not through the code under test),
    each child row keyed by its document's content hash instead of its id."""
    conn = sqlite3.connect(db)
    try:
        out = {"documents": conn.execute(f"SELECT {_DOCUMENT} FROM documents ORDER BY sha256").fetchall()}
        for table, (columns, order) in _TABLES.items():
            cols = ", ".join(f"t.{c.strip()}" for c in columns.split(","))
            out[table] = conn.execute(
                f"SELECT d.sha256, {cols} FROM {table} t JOIN documents d ON d.id = t.doc_id ORDER BY d.sha256, t.{order}"
            ).fetchall()
        return out
    finally:
        conn.close()


@pytest.fixture(scope="session")
def library(tmp_path_factory) -> Path:
    """The sample PDFs ingested into SQLite (vectors and indicator vectors included), one of
    them under a second name."""
    folder = tmp_path_factory.mktemp("library")
    db = folder / "library.db"
    pdfs = sample_pdfs()
    assert pdfs, "corpora/*.pdf: the sample PDFs are part of the repository"
    results = ingest([str(p) for p in pdfs], db)
    assert all(r.status == "added" for r in results)
    with open_store(str(db)) as store:
        # No default stage stores indicator vectors (the comparison makes them): give one document some.
        doc = next(d for d in store.iter_documents() if d.indicators)
        vectors = np.random.default_rng(0).standard_normal((len(doc.indicators), 8)).astype(np.float32)
        doc.indicator_embeddings = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        store.put_document(doc, pipeline="default")
    renamed = folder / f"copy_of_{pdfs[0].name}"
    shutil.copy(pdfs[0], renamed)
    ingest([str(renamed)], db)
    return db


@pytest.fixture
def source(library, tmp_path) -> Path:
    """A private copy of the library file (tests may change their stores)."""
    path = tmp_path / "source.db"
    shutil.copy(library, path)
    return path


def test_library_has_what_a_copy_must_carry(source):
    rows = library_rows(source)
    assert len(rows["documents"]) == len(sample_pdfs())
    for table in ("sections", "passages", "indicators", "tables", "document_names"):
        assert rows[table], f"the sample library has no {table}: the round trip would prove nothing about them"
    assert all(r[-1] is not None for r in rows["passages"]), "passages without vectors"
    assert any(r[-1] is not None for r in rows["indicators"]), "indicators without vectors"


def test_sqlite_to_sqlite_equal_row_for_row(source, tmp_path):
    dest = tmp_path / "dest.db"
    report = policy_nlp.copy_library(str(source), str(dest))
    assert report.ok and report.checked == len(sample_pdfs())
    assert len(report.outcomes["copied"]) == len(sample_pdfs())
    assert library_rows(dest) == library_rows(source)


def test_round_trip_through_postgresql_equal_row_for_row(pg_server, source, tmp_path):
    url = pg_server.new_database()
    there = policy_nlp.copy_library(str(source), url)
    assert there.ok, there.as_dict()
    assert len(there.outcomes["copied"]) == len(sample_pdfs())
    back = tmp_path / "back.db"
    report = policy_nlp.copy_library(url, str(back))
    assert report.ok, report.as_dict()
    assert library_rows(back) == library_rows(source)


def test_copy_twice_doubles_nothing(source, tmp_path):
    dest = tmp_path / "dest.db"
    first = policy_nlp.copy_library(str(source), str(dest))
    second = policy_nlp.copy_library(str(source), str(dest))
    assert second.ok
    assert second.outcomes["copied"] == [] and len(second.outcomes["skipped"]) == len(sample_pdfs())
    assert sorted(second.outcomes["skipped"]) == sorted(first.outcomes["copied"])
    assert library_rows(dest) == library_rows(source)


def test_interrupted_copy_finishes_the_rest(source, tmp_path):
    """A destination already holding one document (as a copy stopped after it leaves it) gets the rest."""
    dest = tmp_path / "dest.db"
    with open_store(str(source), create=False) as src, open_store(str(dest)) as dst:
        first = src.documents()[0]
        dst.put_document(src.load(first.id), pipeline="default")
    report = policy_nlp.copy_library(str(source), str(dest))
    assert report.ok
    assert report.outcomes["skipped"] == [first.name]
    assert len(report.outcomes["copied"]) == len(sample_pdfs()) - 1
    rows = library_rows(dest)
    assert rows == library_rows(source)  # the names the first document lacked were added too


def test_check_catches_a_tampered_destination(source, tmp_path):
    dest = tmp_path / "dest.db"
    assert policy_nlp.copy_library(str(source), str(dest)).ok
    conn = sqlite3.connect(dest)
    with conn:
        conn.execute("UPDATE sections SET text = text || ' (edited)' WHERE rowid = (SELECT min(rowid) FROM sections)")
        conn.execute("UPDATE passages SET embedding = zeroblob(length(embedding)) WHERE id = (SELECT max(id) FROM passages)")
    conn.close()
    report = policy_nlp.copy_library(str(source), str(dest))
    assert not report.ok
    assert {m.part for m in report.mismatches} == {"sections", "vectors"}
    result = run_cli("copy", "--from", str(source), "--to", str(dest), "--json")
    assert result.returncode == 1, result.stderr
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and {m["part"] for m in payload["mismatches"]} == {"sections", "vectors"}


def test_destination_document_under_the_same_path_is_left_alone(source, tmp_path):
    """Another content stored under a copied document's path is the destination's own: reported, not replaced."""
    dest = tmp_path / "dest.db"
    with open_store(str(source), create=False) as src, open_store(str(dest)) as dst:
        doc = src.load(src.documents()[0].id)
        doc.sha256 = "0" * 64
        dst.put_document(doc)
    report = policy_nlp.copy_library(str(source), str(dest))
    assert not report.ok and len(report.outcomes["conflict"]) == 1
    with open_store(str(dest), create=False) as dst:
        assert dst.find_by_sha("0" * 64) is not None


def test_cli_copies_and_prints_a_summary(source, tmp_path):
    dest = tmp_path / "dest.db"
    result = run_cli("copy", "--from", str(source), "--to", str(dest), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["copied"] == len(sample_pdfs()) and payload["ok"] is True and payload["mismatches"] == []
    again = run_cli("copy", "--from", str(source), "--to", str(dest))
    assert again.returncode == 0 and f"0 copied, {len(sample_pdfs())} skipped" in again.stdout


def test_cli_checks_its_options(source, tmp_path):
    same = run_cli("copy", "--from", str(source), "--to", str(source))
    assert same.returncode == 2 and "--to" in same.stderr
    missing = run_cli("copy", "--from", str(tmp_path / "none.db"), "--to", str(tmp_path / "x.db"))
    assert missing.returncode == 1 and "no such database" in missing.stderr
    assert not (tmp_path / "x.db").exists()
    no_to = run_cli("copy", "--from", str(source))
    assert no_to.returncode == 2 and "--to" in no_to.stderr
    help_text = run_cli("copy", "--help").stdout
    assert "policy-nlp copy --from policy.db --to postgresql://" in help_text
