"""The committed sample PDFs and truth files are exactly what corpora/build.py renders."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import CORPUS


def test_corpus_is_reproducible(tmp_path):
    import reportlab

    if reportlab.Version != "5.1.0":
        pytest.skip(f"byte identity holds for reportlab 5.1.0, found {reportlab.Version}")
    subprocess.run([sys.executable, str(CORPUS / "build.py"), "--out", str(tmp_path)], check=True, capture_output=True)
    for pdf in sorted(CORPUS.glob("*.pdf")):
        assert (tmp_path / pdf.name).read_bytes() == pdf.read_bytes(), pdf.name
        truth = CORPUS / "truth" / f"{pdf.stem}.json"
        assert (tmp_path / "truth" / truth.name).read_text() == truth.read_text(), truth.name
