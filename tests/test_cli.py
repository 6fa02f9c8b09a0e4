from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO, run_cli


def test_help_imports_no_heavy_library():
    # --help must answer at once: torch, spaCy, transformers, pdfplumber stay unloaded.
    code = (
        "import sys\n"
        "from policy_nlp.cli.app import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'spacy', 'transformers', 'sentence_transformers', 'pdfplumber', 'pdfminer', 'numpy') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO).stdout
    assert "HEAVY []" in out


def test_every_command_has_help_with_examples():
    for command in ("ingest", "docs", "show"):
        result = run_cli(command, "--help")
        assert result.returncode == 0
        assert "Examples" in result.stdout and "--db" in result.stdout


def test_ingest_docs_show(small_pdfs, db):
    folder = small_pdfs[0].parent
    result = run_cli("ingest", str(folder), "--db", str(db), "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("added") >= 2
    assert "2 added, 0 replaced, 0 unchanged, 0 failed" in result.stdout

    again = run_cli("ingest", str(folder / "*.pdf"), "--db", str(db))
    assert again.returncode == 0 and "2 unchanged" in again.stdout

    listed = json.loads(run_cli("docs", "--db", str(db), "--json").stdout)
    assert [d["stem"] for d in listed] == ["alpha", "beta"]
    assert {"id", "name", "stem", "title", "n_pages", "sha256"} <= set(listed[0])

    for ref in ("beta", "beta.pdf", str(listed[1]["id"])):
        shown = json.loads(run_cli("show", ref, "--db", str(db), "--json").stdout)
        assert shown["stem"] == "beta" and shown["pages"] == 1

    text = run_cli("show", "alpha", "--db", str(db), "--text").stdout
    assert "Alpha province built 1,200 new charging stations in 2023." in text

    missing = run_cli("show", "gamma", "--db", str(db))
    assert missing.returncode == 1 and "no document 'gamma'" in missing.stderr


def test_db_from_environment(small_pdfs, tmp_path):
    env_db = tmp_path / "env.db"
    result = run_cli("ingest", str(small_pdfs[0]), env={"POLICY_NLP_DB": str(env_db)})
    assert result.returncode == 0, result.stderr
    assert env_db.exists()


def test_unknown_pipeline_file_is_a_clear_error(small_pdfs, db, tmp_path):
    result = run_cli("ingest", str(small_pdfs[0]), "--db", str(db), "--pipeline", str(tmp_path / "nope.toml"))
    assert result.returncode == 1 and "pipeline file not found" in result.stderr
