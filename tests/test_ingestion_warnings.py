"""Library warnings (pdfminer, pdfplumber, Python warnings) are collected per file, not printed."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest

from conftest import SHARED_CORPUS, make_pdf

from policy_nlp.engines.local import process_chunk
from policy_nlp.ingestion import ingest
from policy_nlp.library_warnings import capture_library_warnings
from policy_nlp.config import load_pipeline


def bad_colour_pdf(path: Path, repeats: int) -> Path:
    """A text PDF whose content sets a fill colour with too few components: pdfminer logs
    "Cannot set non-stroke color because expected 3 components but got [0.5]" each time."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Times-Roman", 11)
    for _ in range(repeats):
        c._code.append("/DeviceRGB cs 0.5 sc")
    c.drawString(72, 700, f"Gamma county opened {repeats} new clinics in 2022.")
    c.save()
    return path


def test_pdfminer_warnings_are_counted_on_the_file_and_not_printed(tmp_path, db, capfd):
    noisy = bad_colour_pdf(tmp_path / "noisy.pdf", 20)
    clean = make_pdf(tmp_path / "clean.pdf", ["Delta town planted 300 trees."])
    results = {Path(r.path).name: r for r in ingest([noisy, clean], db)}
    assert results["noisy.pdf"].status == "added"
    assert results["noisy.pdf"].warnings == ["Cannot set non-stroke color ×20"]
    assert results["noisy.pdf"].warning_summary() == "warning noisy.pdf: 20 library warnings (Cannot set non-stroke color ×20)"
    assert results["clean.pdf"].warnings == [] and results["clean.pdf"].warning_summary() is None
    assert "non-stroke" not in capfd.readouterr().err


def test_warnings_are_captured_in_worker_processes(tmp_path, db, capfd):
    files = [bad_colour_pdf(tmp_path / f"noisy{i}.pdf", 3 + i) for i in range(2)]
    files.append(make_pdf(tmp_path / "clean.pdf", ["Delta town planted 300 trees."]))
    results = {Path(r.path).name: r for r in ingest(files, db, workers=2)}
    assert results["noisy0.pdf"].warnings == ["Cannot set non-stroke color ×3"]
    assert results["noisy1.pdf"].warnings == ["Cannot set non-stroke color ×4"]
    assert results["clean.pdf"].n_warnings == 0
    assert "non-stroke" not in capfd.readouterr().err


def test_any_library_logger_and_python_warnings_are_collected(tmp_path, monkeypatch, capfd):
    """A warning raised inside the per-file work lands on that file's outcome, grouped by message."""
    from policy_nlp import pipeline as pipeline_module

    real_extract = pipeline_module.extract

    def extract_with_noise(path, pipeline):
        if "noisy" in str(path):
            for n in range(5):
                logging.getLogger("pdfplumber.page").warning("Could not get FontBBox from font descriptor because %r cannot be parsed", n)
            warnings.warn("odd glyph width", UserWarning)
        return real_extract(path, pipeline)

    monkeypatch.setattr(pipeline_module, "extract", extract_with_noise)
    noisy = tmp_path / "noisy.txt"
    noisy.write_text("Epsilon district hired 40 nurses in 2021.\n", encoding="utf-8")
    quiet = tmp_path / "quiet.txt"
    quiet.write_text("Zeta city built 12 bridges.\n", encoding="utf-8")
    outcomes = process_chunk([str(noisy), str(quiet)], load_pipeline())
    assert dict(outcomes[0][2]) == {"Could not get FontBBox from font descriptor": 5, "UserWarning: odd glyph width": 1}
    assert not outcomes[1][2]
    assert capfd.readouterr().err == ""


def test_capture_restores_logging_afterwards():
    root = logging.getLogger()
    before = list(root.handlers)
    with capture_library_warnings() as counts:
        logging.getLogger("pdfminer.pdfinterp").warning("Cannot set stroke color because expected %d components", 3)
    assert dict(counts) == {"Cannot set stroke color": 1}
    assert root.handlers == before


@pytest.mark.skipif(not (SHARED_CORPUS.parent / "realdocs").is_dir(), reason="shared real documents not available")
def test_real_documents_print_nothing(db, capfd):
    folder = SHARED_CORPUS.parent / "realdocs"
    files = [folder / n for n in ("pdf-bad-color-space.pdf", "malformed-from-issue-932.pdf", "embedded-cmap-cidfont.pdf")]
    results = ingest([f for f in files if f.exists()], db, pipeline=load_pipeline_extract_only())
    assert results
    err = capfd.readouterr().err
    assert "pdfminer" not in err and "Cannot set" not in err and "FontBBox" not in err
    for r in results:
        assert r.warning_summary() is None or r.warning_summary().startswith(f"warning {Path(r.path).name}: ")


def load_pipeline_extract_only():
    from policy_nlp.config import pipelines_dir

    path = pipelines_dir() / "extract_only.toml"
    return load_pipeline(path if path.exists() else None)
