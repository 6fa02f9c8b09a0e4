"""The library as a user manages it from the shell: another name for stored content, delete,
library warnings reported once per file."""

from __future__ import annotations

import json
import shutil

from conftest import make_pdf, run_cli
from test_ingestion_warnings import bad_colour_pdf

EXTRACT_ONLY = ("--pipeline", "pipelines/extract_only.toml")


def test_copied_and_renamed_files_are_other_names_of_one_document(small_pdfs, tmp_path, db):
    alpha, beta = small_pdfs
    assert run_cli("ingest", str(alpha), str(beta), "--db", str(db), *EXTRACT_ONLY).returncode == 0
    copy = tmp_path / "alpha_copy.pdf"
    shutil.copy(alpha, copy)
    renamed = beta.with_name("beta_final.pdf")
    beta.rename(renamed)
    result = run_cli("ingest", str(copy), str(renamed), "--db", str(db), *EXTRACT_ONLY)
    assert result.returncode == 0, result.stderr
    assert "same content as document 1 (alpha.pdf)" in result.stdout
    assert "same content as document 2 (beta.pdf)" in result.stdout
    docs = json.loads(run_cli("docs", "--json", "--db", str(db)).stdout)
    assert len(docs) == 2  # no new document, no second copy of the text
    for name, doc_id in (("alpha_copy", 1), ("beta_final.pdf", 2)):
        shown = run_cli("show", name, "--json", "--db", str(db))
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["id"] == doc_id


def test_delete_removes_documents_under_every_name(small_pdfs, tmp_path, db):
    alpha, beta = small_pdfs
    gamma = make_pdf(tmp_path / "gamma.pdf", ["Gamma county opened 12 clinics in 2022."], title="Gamma note")
    assert run_cli("ingest", str(alpha), str(beta), str(gamma), "--db", str(db)).returncode == 0
    shutil.copy(alpha, tmp_path / "alpha_copy.pdf")
    assert run_cli("ingest", str(tmp_path / "alpha_copy.pdf"), "--db", str(db)).returncode == 0

    refused = run_cli("delete", "alpha", "nosuch", "--db", str(db))
    assert refused.returncode == 1
    assert "no document 'nosuch'" in refused.stderr and "nothing was deleted" in refused.stderr
    assert len(json.loads(run_cli("docs", "--json", "--db", str(db)).stdout)) == 3

    result = run_cli("delete", "alpha", "3", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["deleted document 1 (alpha.pdf)", "deleted document 3 (gamma.pdf)"]
    assert [d["stem"] for d in json.loads(run_cli("docs", "--json", "--db", str(db)).stdout)] == ["beta"]
    for name in ("alpha", "alpha_copy", "gamma"):
        assert run_cli("show", name, "--db", str(db)).returncode == 1
    hits = json.loads(run_cli("search", "charging stations", "--json", "--db", str(db)).stdout)
    assert all(h["document"] == "beta" for h in hits)
    lexical = json.loads(run_cli("search", "charging stations", "--mode", "bm25", "--json", "--db", str(db)).stdout)
    assert lexical == []  # the words only alpha had are gone from the full-text index too
    again = run_cli("ingest", str(alpha), "--db", str(db))
    assert again.returncode == 0 and "added" in again.stdout  # deleted content can come back


def test_library_warnings_are_one_line_per_file_on_stderr(tmp_path, db):
    noisy = bad_colour_pdf(tmp_path / "noisy.pdf", 20)
    clean = make_pdf(tmp_path / "clean.pdf", ["Delta town planted 300 trees."])
    result = run_cli("ingest", str(noisy), str(clean), "--db", str(db), *EXTRACT_ONLY)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["warning noisy.pdf: 20 library warnings (Cannot set non-stroke color ×20)"], result.stderr
