"""Pages pdfminer cannot parse are read with pdfium's text layer (extract/pdfium_text.py)."""

from __future__ import annotations

import logging
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from policy_nlp.extract.pdf import X_TOLERANCE_RATIO, _plumber_words, extract_pdf
from policy_nlp.extract.pdfium_text import PdfiumText
from raw_pdf import write_objects

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "pdf-bad-color-space.pdf"

PAGES = [
    [("F2", 18, 72, 720, "Water Allocation Policy"), ("F1", 11, 72, 690, "Irrigation districts share the river flow.")],
    [("F2", 16, 72, 720, "Drought Measures"), ("F1", 11, 72, 690, "Reservoir releases are cut by a third in dry years."),
     ("F1", 11, 72, 674, "Farmers receive compensation for fallowed land.")],
    [("F1", 11, 72, 720, "Annex: monitoring stations and gauges.")],
]


def _pdf(path: Path, broken: set[int]) -> Path:
    """A small text PDF (Helvetica, Helvetica-Bold headings); the pages in `broken` (1-based) fill
    their text with an ICCBased colour space whose stream has no /N, as in the real file that
    pdfminer cannot parse ("PDF stream object 46 does not have attribute 'N'")."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes, extra: bytes = b"") -> bytes:
        packed = zlib.compress(data)
        return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(packed), extra) + packed + b"\nendstream"

    catalog = add(b"")  # filled in below
    pages = add(b"")
    f1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    f2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    icc = add(stream(b"\x00" * 128))  # no /N: pdfminer's colour space lookup fails
    kids = []
    for number, lines in enumerate(PAGES, start=1):
        ops = [b"BT"]
        if number in broken:
            ops.append(b"/CS0 cs 0 0 0 sc")
        for font, size, x, y, text in lines:
            ops.append(b"/%s %d Tf 1 0 0 1 %d %d Tm (%s) Tj" % (font.encode(), size, x, y, text.encode("latin-1")))
        ops.append(b"ET")
        content = add(stream(b"\n".join(ops)))
        colour = b" /ColorSpace << /CS0 [/ICCBased %d 0 R] >>" % icc if number in broken else b""
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                        b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >>%s >> >>" % (pages, content, f1, f2, colour)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages
    objects[pages - 1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(kids), b" ".join(b"%d 0 R" % k for k in kids))
    return write_objects(path, objects, catalog, header=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")


def _texts(doc, number: int) -> str:
    page = doc.pages[number - 1]
    return " ".join(block.text for block in page.blocks)


def test_the_broken_page_really_breaks_pdfminer(tmp_path):
    import pdfplumber

    path = _pdf(tmp_path / "broken.pdf", {2})
    with pdfplumber.open(path) as pdf:
        assert _plumber_words(pdf.pages[0])
        with pytest.raises(Exception, match="N"):
            pdf.pages[1].chars


def test_pdfium_reads_the_page_pdfminer_cannot(tmp_path, caplog):
    clean = extract_pdf(_pdf(tmp_path / "clean.pdf", set()))
    with caplog.at_level(logging.WARNING):
        doc = extract_pdf(_pdf(tmp_path / "broken.pdf", {2}))
    assert [p.readable for p in doc.pages] == [True, True, True]
    text = _texts(doc, 2)
    assert "Reservoir releases are cut by a third in dry years." in text
    assert "Farmers receive compensation for fallowed land." in text
    # the other pages come through as they do from an intact file
    for number in (1, 3):
        assert _texts(doc, number) == _texts(clean, number)
    # the broken page reads as the intact one does: same lines, same heading
    assert _texts(doc, 2) == _texts(clean, 2)
    assert [b.kind for b in doc.pages[1].blocks] == [b.kind for b in clean.pages[1].blocks]
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("page 2: read with pdfium (pdfminer could not parse it: ") for m in messages), messages
    assert not any("could not be read" in m for m in messages)


def test_pdfium_words_match_pdfplumber_on_an_intact_page(tmp_path):
    import pdfplumber

    path = _pdf(tmp_path / "clean.pdf", set())
    with pdfplumber.open(path) as pdf:
        expected = _plumber_words(pdf.pages[1])
    reader = PdfiumText(path)
    try:
        got = reader.words(2, X_TOLERANCE_RATIO)
    finally:
        reader.close()
    assert [w.text for w in got] == [w.text for w in expected]
    for a, b in zip(got, expected):
        assert (a.x0, a.x1, a.size) == pytest.approx((b.x0, b.x1, b.size), abs=0.05)
        # the standard 14 fonts' descents differ a little between pdfium's and pdfminer's metrics
        assert (a.top, a.bottom) == pytest.approx((b.top, b.bottom), abs=0.05 * b.size)
        assert a.font == b.font  # Helvetica-Bold for the heading: bold survives


def test_a_pdfium_failure_costs_only_that_page(tmp_path, monkeypatch, caplog):
    def fail(self, number, ratio):
        raise RuntimeError("pdfium gave up")

    monkeypatch.setattr(PdfiumText, "words", fail)
    with caplog.at_level(logging.WARNING):
        doc = extract_pdf(_pdf(tmp_path / "broken.pdf", {2}))
    assert [p.readable for p in doc.pages] == [True, False, True]
    assert "Irrigation districts share the river flow." in _texts(doc, 1)
    assert any(r.getMessage().startswith("page 2 could not be read") for r in caplog.records)


def test_pdfium_opens_the_file_only_when_a_page_fails(tmp_path, monkeypatch):
    opened = []
    real = PdfiumText._document
    monkeypatch.setattr(PdfiumText, "_document", lambda self: opened.append(1) or real(self))
    extract_pdf(_pdf(tmp_path / "clean.pdf", set()))
    assert not opened
    extract_pdf(_pdf(tmp_path / "broken.pdf", {1, 3}))
    assert len(opened) == 2


@pytest.mark.skipif(not REAL.exists(), reason="shared realdocs not present")
def test_the_real_bad_colour_space_file_ingests(tmp_path):
    db = tmp_path / "real.db"
    done = subprocess.run([sys.executable, "-m", "policy_nlp", "ingest", str(REAL), "--db", str(db)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "read with pdfium" in done.stdout + done.stderr
    import sqlite3

    with sqlite3.connect(db) as con:
        tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
        table = "passages" if "passages" in tables else next(t for t in tables if "passage" in t)
        columns = [r[1] for r in con.execute(f"pragma table_info({table})")]
        column = "text" if "text" in columns else next(c for c in columns if "text" in c)
        text = " ".join(r[0] for r in con.execute(f"select {column} from {table}"))
        # The page's big "Net-zero" is a heading: it is stored with the sections, not in passages.
        text += " " + " ".join(r[0] for r in con.execute("select heading from sections"))
    for phrase in ("Net-zero", "carbon", "Intergovernmental Panel", "net-zero"):
        assert phrase in text, phrase
