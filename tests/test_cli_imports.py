"""Commands that only read the store load only what they need: no torch, spaCy, transformers or
pdfplumber (the cold cost of a whole `policy-nlp search` process used to be seconds of imports)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import REPO, run_cli

HEAVY = ("torch", "spacy", "transformers", "sentence_transformers", "pdfplumber", "pdfminer", "thinc")


def _modules_after(args: list[str]) -> tuple[list[str], str]:
    code = (
        "import sys\n"
        "from policy_nlp.cli.app import app\n"
        f"try:\n    app({args!r})\nexcept SystemExit as exc:\n    code = exc.code\nelse:\n    code = 0\n"
        f"print('HEAVY', [m for m in {HEAVY!r} if m in sys.modules], 'EXIT', code)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300)
    line = next((l for l in out.stdout.splitlines() if l.startswith("HEAVY")), "")
    assert line.endswith("EXIT 0") or line.endswith("EXIT None"), out.stdout[-2000:] + out.stderr[-2000:]
    return line, out.stdout


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    from conftest import make_pdf

    folder = tmp_path_factory.mktemp("imports")
    pdfs = [
        make_pdf(folder / "alpha.pdf", ["Alpha province built 1,200 new charging stations in 2023.",
                                        "Problems remain: rural grids lack skilled workers."]),
        make_pdf(folder / "beta.pdf", ["Beta city trained 4,500 care workers in 2022.",
                                       "We recommend a wage subsidy for care workers."], title="Beta report"),
    ]
    db = str(folder / "store.db")
    result = run_cli("ingest", *map(str, pdfs), "--db", db)
    assert result.returncode == 0, result.stderr
    # A first comparison fills the sentence-vector cache; the test below is the repeat.
    assert run_cli("compare", "alpha", "beta", "--db", db, "--json").returncode == 0
    return db


@pytest.mark.parametrize(
    "args",
    [
        ["docs"],
        ["show", "alpha", "--sections"],
        ["indicators", "alpha", "--json"],
        ["search", "skilled workers shortage"],
        ["search", "skilled workers shortage", "--mode", "bm25"],
        ["similar", "--text", "care workers wages"],
        ["similar", "alpha"],
        ["compare", "alpha", "beta", "--json"],
    ],
    ids=lambda a: " ".join(a),
)
def test_read_commands_import_no_heavy_library(store, args):
    line, _ = _modules_after([*args, "--db", store])
    assert line.startswith("HEAVY []"), line


def test_export_imports_no_heavy_library(store, tmp_path):
    line, _ = _modules_after(["export", "indicators", "-o", str(tmp_path / "i.csv"), "--db", store])
    assert line.startswith("HEAVY []"), line
