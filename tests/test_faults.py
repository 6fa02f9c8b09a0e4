"""Faults stay small: a slow file is stopped alone, a page a library cannot read costs that page."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

import policy_nlp
from policy_nlp.time_limit import TimeLimitExceeded, time_limit

# The good file's later stages import spaCy on first use (0.5 s on an idle machine, over 1 s
# while other work shares the cores): the limit leaves them room; big.pdf needs ~15 s.
LIMIT_S = 3.0


def _pipeline(tmp_path: Path, limit: float) -> Path:
    path = tmp_path / "limited.toml"
    path.write_text(
        '[pipeline]\nname = "limited"\nstages = ["extract", "segment"]\n'
        f'[extract]\ntime_limit_s = {limit}\n'
        '[segment]\nlexicon = "role_lexicon.toml"\n',
        encoding="utf-8",
    )
    return path


def _text_pdf(path: Path, pages: int, lines_per_page: int = 45) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for number in range(1, pages + 1):
        c.setFont("Times-Roman", 11)
        for i in range(lines_per_page):
            c.drawString(72, 780 - 16 * i, f"Page {number} line {i}: the ministry shall report emissions of the sector every year.")
        c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def big_pdf(tmp_path_factory) -> Path:
    # About 300 pages of dense text: many seconds of extraction, far over LIMIT_S on any machine.
    return _text_pdf(tmp_path_factory.mktemp("big") / "big.pdf", pages=300)


@pytest.mark.parametrize("workers", [1, 2])
def test_time_limit_stops_the_slow_file_only(tmp_path, db, big_pdf, workers):
    good = tmp_path / "note.txt"
    good.write_text("The ministry shall publish an annual report.\n", encoding="utf-8")
    before = signal.getsignal(signal.SIGALRM)
    results = policy_nlp.ingest([big_pdf, good], db=db, workers=workers, pipeline=_pipeline(tmp_path, LIMIT_S))
    by_name = {Path(r.path).name: r for r in results}
    slow, fine = by_name["big.pdf"], by_name["note.txt"]
    assert slow.failed
    assert slow.summary() == f"FAILED  {big_pdf}: stopped after {LIMIT_S:g} s (time limit; [extract] time_limit_s)"
    assert fine.status == "added", fine.summary()
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_zero_means_no_limit(tmp_path, db):
    pdf = _text_pdf(tmp_path / "short.pdf", pages=3)
    results = policy_nlp.ingest([pdf], db=db, pipeline=_pipeline(tmp_path, 0))
    assert [r.status for r in results] == ["added"]


def test_time_limit_restores_the_callers_handler_and_timer():
    fired = []

    def handler(*_):
        fired.append(True)

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        with pytest.raises(TimeLimitExceeded):
            with time_limit(0.05):
                while True:
                    pass
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25 < remaining <= 30
        assert signal.getsignal(signal.SIGALRM) is handler and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_page_overflow_loses_only_that_page(tmp_path, db, monkeypatch):
    from policy_nlp.extract import pdf as pdf_module

    real = pdf_module._page_words

    def words(page):
        if page.page_number == 2:
            raise OverflowError("int too large to convert to float")
        return real(page)

    monkeypatch.setattr(pdf_module, "_page_words", words)
    monkeypatch.setattr(pdf_module, "_pdfium_words", lambda pdfium, number: [])  # pdfium fails too
    path = _text_pdf(tmp_path / "three.pdf", pages=3, lines_per_page=5)
    [result] = policy_nlp.ingest([path], db=db, pipeline=_pipeline(tmp_path, 0))
    assert result.status == "added", result.summary()
    assert result.pages == 3 and result.blocks > 0
    assert any(w.startswith("page 2 could not be read (OverflowError: int too large") for w in result.warnings), result.warnings
    assert "page 2 could not be read" in result.warning_summary()

    doc = pdf_module.extract_pdf(path)
    texts = " ".join(b.text for p in doc.pages for b in p.blocks)
    assert "Page 1 line" in texts and "Page 3 line" in texts and "Page 2 line" not in texts
    assert [p.readable for p in doc.pages] == [True, False, True]


def test_every_page_failing_fails_the_file(tmp_path, db, monkeypatch):
    from policy_nlp.extract import pdf as pdf_module

    def words(page):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(pdf_module, "_page_words", words)
    monkeypatch.setattr(pdf_module, "_pdfium_words", lambda pdfium, number: [])  # pdfium fails too
    path = _text_pdf(tmp_path / "two.pdf", pages=2, lines_per_page=3)
    [result] = policy_nlp.ingest([path], db=db, pipeline=_pipeline(tmp_path, 0))
    assert result.failed
    assert "page 1 could not be read (RecursionError: maximum recursion depth exceeded)" in result.message
