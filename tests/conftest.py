from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpora"
TRUTH = CORPUS / "truth"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"


def sample_pdfs() -> list[Path]:
    return sorted(CORPUS.glob("*.pdf"))


def truth(stem: str) -> dict:
    return json.loads((TRUTH / f"{stem}.json").read_text(encoding="utf-8"))


def run_cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """The real console entry point in a subprocess, as a user runs it."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("POLICY_NLP_DB", None) if env is None or "POLICY_NLP_DB" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "policy_nlp", *args],
        capture_output=True, text=True, env=full_env, timeout=timeout, cwd=REPO,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


def ingest_texts(folder: Path, files: dict[str, str], db_name: str) -> Path:
    """Write `files` (name -> text) into `folder`, ingest them into a new store there; its path.
    Every file must be stored."""
    from policy_nlp.ingestion import ingest

    paths = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(str(folder / name))
    db = folder / db_name
    results = ingest(paths, db=db)
    assert not any(r.failed for r in results), [r.summary() for r in results]
    return db


def make_pdf(path: Path, paragraphs: list[str], title: str = "A small test paper") -> Path:
    """A one-page text PDF written with reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    y = 780
    c.setFont("Helvetica-Bold", 16)
    c.drawString(72, y, title)
    y -= 30
    c.setFont("Times-Roman", 11)
    for paragraph in paragraphs:
        words, line = paragraph.split(), ""
        for word in words:
            if c.stringWidth(f"{line} {word}", "Times-Roman", 11) > 450:
                c.drawString(72, y, line)
                y -= 14
                line = word
            else:
                line = f"{line} {word}".strip()
        c.drawString(72, y, line)
        y -= 24
    c.save()
    return path


@pytest.fixture
def small_pdfs(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    return [
        make_pdf(folder / "alpha.pdf", ["Alpha province built 1,200 new charging stations in 2023.", "Problems remain in rural grids."]),
        make_pdf(folder / "beta.pdf", ["Beta city trained 4,500 care workers.", "We recommend a wage subsidy."], title="Beta report"),
    ]


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server with pgvector for the whole session; skips, with the reason, only when
    it cannot start."""
    from pg_server import start

    server, why = start()
    if server is None:
        print(f"\nSKIP PostgreSQL tests: {why}")
        pytest.skip(why)
    yield server
    server.stop()
