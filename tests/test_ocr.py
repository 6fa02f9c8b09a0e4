"""--ocr auto: image-only and undecodable pages read by tesseract; without it, one clear line."""

from __future__ import annotations

import io
import os
import shutil
import time
import zlib
from pathlib import Path

import pytest

from conftest import run_cli
from raw_pdf import write_objects
from policy_nlp.errors import InputError
from policy_nlp.extract.ocr import MISSING, OCR_FONT, OcrError, words_from_tsv
from policy_nlp.extract.pdf import extract_pdf
from policy_nlp.engines.local import process_chunk
from policy_nlp.ingestion import ingest
from policy_nlp.store import open_store

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")

TITLE = "Rural water supply"
BODY = [
    "The county built 42 new water stations in 2021, and coverage reached",
    "87 percent of rural households. Leakage fell to 11 percent after the works.",
]
FIRST_PAGE = "Readable first page: the programme is described on the next page."


def _text_page_image(dpi: int = 200):
    """A page of text set with reportlab, rendered to a grey image with pypdfium2: a scan."""
    import pypdfium2 as pdfium
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(612, 792))
    c.setFont("Helvetica-Bold", 16)
    c.drawString(72, 720, TITLE)
    c.setFont("Helvetica", 11)
    for i, line in enumerate(BODY):
        c.drawString(72, 690 - 15 * i, line)
    c.save()
    return pdfium.PdfDocument(buf.getvalue())[0].render(scale=dpi / 72).to_pil().convert("L")


def scanned_pdf(path: Path, text_first_page: bool = True) -> Path:
    """Page 1 ordinary text (unless not asked for), page 2 only an image of text."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(612, 792))
    if text_first_page:
        c.setFont("Helvetica", 11)
        c.drawString(72, 720, FIRST_PAGE)
        c.showPage()
    c.drawImage(ImageReader(_text_page_image()), 0, 0, 612, 792)
    c.showPage()
    c.save()
    return path


def garbled_scan_pdf(path: Path) -> Path:
    """One page: the image of text, under an invisible text layer in a font without a Unicode map,
    so pdfminer reads only "(cid:N)" (a scan with a broken OCR layer)."""
    image = _text_page_image()
    width, height = image.size
    pixels = zlib.compress(image.tobytes())
    hidden = "<" + "".join(f"{ord(ch):04X}" for ch in "Budget of 900 million yuan approved") + ">"
    content = f"q 612 0 0 792 0 0 cm /Im0 Do Q BT 3 Tr /F1 11 Tf 72 500 Td {hidden} Tj ET".encode()
    font = ("<< /Type /Font /Subtype /Type0 /BaseFont /Scrambled /Encoding /Identity-H /DescendantFonts [<< /Type /Font"
            " /Subtype /CIDFontType2 /BaseFont /Scrambled /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity)"
            " /Supplement 0 >> /DW 500 >>] >>").encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> /XObject << /Im0 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        font,
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8"
        b" /Filter /FlateDecode /Length %d >>\nstream\n" % (width, height, len(pixels)) + pixels + b"\nendstream",
    ]
    return write_objects(path, objs, 1)


def pipeline_file(tmp_path: Path, **extract) -> Path:
    """extract and segment only (passages, no models), with extra [extract] settings."""
    lines = ['[pipeline]', 'name = "ocr_test"', 'stages = ["extract", "segment"]', "", "[extract]",
             'wordlist = "english_zipf.tsv"']
    lines += [f"{key} = {value!r}".replace("'", '"') for key, value in extract.items()]
    lines += ["", "[segment]", 'lexicon = "role_lexicon.toml"', "passage_max_sentences = 3", "passage_max_chars = 700"]
    path = tmp_path / "ocr_test.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fake_tesseract(tmp_path: Path, behaviour: str) -> Path:
    """A `tesseract` that lists "eng" and then sleeps when asked to read (writing its pid first)."""
    folder = tmp_path / "fakebin"
    folder.mkdir(exist_ok=True)
    script = folder / "tesseract"
    pid_file = tmp_path / "tesseract.pid"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--list-langs" ]; then echo \'List of available languages in "/x/" (2):\'; echo eng; echo osd; exit 0; fi\n'
        f"echo $$ > {pid_file}\n"
        f"{behaviour}\n"
    )
    script.chmod(0o755)
    return folder


# -- option and setting values -------------------------------------------------------------------

def test_unknown_ocr_value_is_a_usage_error(tmp_path, db):
    pdf = scanned_pdf(tmp_path / "scan.pdf")
    result = run_cli("ingest", str(pdf), "--db", str(db), "--ocr", "maybe")
    assert result.returncode == 2, result.stderr
    assert "unknown OCR mode 'maybe'; known: off, auto" in " ".join(result.stderr.split())
    near = run_cli("ingest", str(pdf), "--db", str(db), "--ocr", "Auto")
    assert near.returncode == 2 and "did you mean 'auto'?" in " ".join(near.stderr.split())
    assert not db.exists()  # refused before the store was touched


def test_unknown_ocr_setting_in_the_pipeline_file_fails_before_any_file(tmp_path, db):
    pdf = scanned_pdf(tmp_path / "scan.pdf")
    result = run_cli("ingest", str(pdf), "--db", str(db), "--pipeline", str(pipeline_file(tmp_path, ocr="always")))
    assert result.returncode == 2
    assert result.stderr.strip() == "error: [extract] ocr: unknown OCR mode 'always'; known: off, auto"
    assert not db.exists()
    with pytest.raises(OcrError, match="unknown OCR mode 'sometimes'"):
        ingest([pdf], tmp_path / "api.db", ocr="sometimes")
    assert not (tmp_path / "api.db").exists()


def test_help_shows_the_ocr_option_and_an_example():
    out = run_cli("ingest", "--help").stdout
    assert "--ocr" in out and "policy-nlp ingest scans/ --ocr auto" in out


# -- no tesseract: always run ----------------------------------------------------------------------

def test_missing_tesseract_is_one_clear_line_before_any_file(tmp_path, db):
    empty = tmp_path / "bin"
    empty.mkdir()
    pdf = scanned_pdf(tmp_path / "scan.pdf")
    result = run_cli("ingest", str(pdf), "--db", str(db), "--ocr", "auto", env={"PATH": str(empty)})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: {MISSING}"]
    assert MISSING == ('tesseract not found: install it with `apt-get install tesseract-ocr` (Debian/Ubuntu) '
                       'or set [extract] ocr = "off"')
    assert result.stdout == "" and not db.exists()  # fail fast: no file processed, no store made
    # OCR off needs no tesseract; the scanned page is reported instead of read.
    off = run_cli("ingest", str(pdf), "--db", str(db), "--ocr", "off", "--pipeline", str(pipeline_file(tmp_path)),
                  env={"PATH": str(empty)})
    assert off.returncode == 0, off.stderr
    assert "page 2: no text layer, only images or drawings (--ocr auto reads them)" in off.stderr


def test_missing_tesseract_in_the_python_api(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    pdf = scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(OcrError) as caught:
        ingest([pdf], tmp_path / "api.db", ocr="auto")
    assert str(caught.value) == MISSING
    assert not (tmp_path / "api.db").exists()
    with pytest.raises(OcrError, match="tesseract not found"):
        extract_pdf(pdf, {"ocr": "auto"})


def test_missing_language_names_the_package(tmp_path, db):
    fake = fake_tesseract(tmp_path, "exit 1")
    pdf = scanned_pdf(tmp_path / "scan.pdf")
    result = run_cli("ingest", str(pdf), "--db", str(db), "--ocr", "auto",
                     "--pipeline", str(pipeline_file(tmp_path, ocr_languages="eng+chi_sim")),
                     env={"PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"})
    assert result.returncode == 2
    assert "tesseract has no language data for chi_sim" in result.stderr
    assert "apt-get install tesseract-ocr-chi-sim" in result.stderr
    assert not db.exists()


# -- time limits (a tesseract that hangs) ----------------------------------------------------------

def test_page_time_limit_leaves_the_page_unread_with_a_warning(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PATH", f"{fake_tesseract(tmp_path, 'exec sleep 30')}{os.pathsep}{os.environ['PATH']}")
    pdf = scanned_pdf(tmp_path / "scan.pdf")
    start = time.perf_counter()
    doc = extract_pdf(pdf, {"ocr": "auto", "ocr_time_limit_s": 1})
    assert time.perf_counter() - start < 10
    assert [p.number for p in doc.pages if p.blocks] == [1]
    assert "ocr_pages" not in doc.metadata
    assert "page 2: OCR stopped after 1 s ([extract] ocr_time_limit_s)" in caplog.text
    _assert_gone(int((tmp_path / "tesseract.pid").read_text()))


def test_file_time_limit_stops_tesseract_too(tmp_path, monkeypatch):
    from policy_nlp.config import load_pipeline

    monkeypatch.setenv("PATH", f"{fake_tesseract(tmp_path, 'exec sleep 30')}{os.pathsep}{os.environ['PATH']}")
    pdf = scanned_pdf(tmp_path / "scan.pdf")
    pipe = load_pipeline(pipeline_file(tmp_path, ocr="auto", ocr_time_limit_s=0, time_limit_s=1))
    start = time.perf_counter()
    [(outcome, _, _)] = process_chunk([str(pdf)], pipe)
    assert time.perf_counter() - start < 10
    assert isinstance(outcome, InputError) and "stopped after 1 s" in str(outcome)
    _assert_gone(int((tmp_path / "tesseract.pid").read_text()))


def _assert_gone(pid: int) -> None:
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            return  # killed, not yet reaped by its parent
        time.sleep(0.1)
    raise AssertionError(f"tesseract (pid {pid}) still runs")


# -- TSV to words ----------------------------------------------------------------------------------

def test_tsv_words_share_their_line_band_and_size():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "4\t1\t1\t1\t1\t0\t300\t300\t600\t50\t-1\t",
        "5\t1\t1\t1\t1\t1\t300\t300\t200\t38\t96.5\tThe",  # cap height only
        "5\t1\t1\t1\t1\t2\t520\t312\t200\t38\t95.0\tgrowing",  # x-height and a descender
        "5\t1\t1\t1\t1\t3\t740\t312\t60\t20\t10.0\t~",  # a speck: dropped
        "5\t1\t1\t1\t2\t1\t300\t400\t100\t40\t90.0\t2021",  # same paragraph, a shorter line
        "5\t1\t1\t2\t1\t1\t300\t600\t300\t80\t90.0\tFunding",  # a paragraph of its own, larger type
    ]
    words, confidence = words_from_tsv("\n".join([header, *rows]), 72 / 300)
    assert [w.text for w in words] == ["The", "growing", "2021", "Funding"]
    assert words[0].top == words[1].top == 72.0 and words[0].bottom == words[1].bottom == 350 * 72 / 300
    assert {w.font for w in words} == {OCR_FONT}
    # one size a paragraph: median line height 45 px at 300 dpi = 10.8 pt of ink, ~11.5 pt type
    assert words[0].size == words[1].size == words[2].size == 11.5
    assert words[3].size == 20.0  # 80 px = 19.2 pt of ink
    assert confidence == pytest.approx((96.5 + 95 + 90 + 90) / 4)


# -- OCR runs (need tesseract) ---------------------------------------------------------------------

@needs_tesseract
def test_image_page_is_read_by_ocr_into_lines(tmp_path):
    pdf = scanned_pdf(tmp_path / "scan.pdf")
    doc = extract_pdf(pdf, {"ocr": "auto"})
    assert doc.metadata["ocr_pages"] == "2" and 50 <= float(doc.metadata["ocr_confidence"]) <= 100
    page = doc.pages[1]
    assert page.readable
    lines = [line for block in page.blocks for line in block.lines]
    assert {line.font for line in lines} == {OCR_FONT}
    assert all(line.page == 2 and 0 <= line.x0 < line.x1 <= 612 and 0 <= line.top < line.bottom <= 792 for line in lines)
    title = next(line for line in lines if "water supply" in line.text)
    body = next(line for line in lines if "stations" in line.text)
    assert title.top == pytest.approx(792 - 720 - 12, abs=6) and title.x0 == pytest.approx(72, abs=3)
    assert title.size == pytest.approx(16, abs=2) and body.size == pytest.approx(11, abs=1.5)
    text = " ".join(block.text for block in page.blocks)
    for word in ("county", "42", "2021", "87", "households", "Leakage", "11"):
        assert word in text.split() or word + "," in text.split() or word + "." in text.split(), (word, text)
    without = extract_pdf(pdf, {"ocr": "off"})
    assert not without.pages[1].blocks and "ocr_pages" not in without.metadata


@needs_tesseract
def test_cli_ocr_auto_gives_passages_and_says_which_pages(tmp_path, db):
    import policy_nlp

    pdf = scanned_pdf(tmp_path / "scan.pdf")
    pipe = str(pipeline_file(tmp_path))
    off = run_cli("ingest", str(pdf), "--db", str(db), "--pipeline", pipe)
    assert off.returncode == 0, off.stderr
    assert "page 2: no text layer, only images or drawings (--ocr auto reads them)" in off.stderr
    doc = policy_nlp.load("scan", db=db)
    assert doc.passages and all(p.page == 1 for p in doc.passages)

    on = run_cli("ingest", str(pdf), "--db", str(db), "--pipeline", pipe, "--ocr", "auto", "--force")
    assert on.returncode == 0, on.stderr
    assert "page 2: read by OCR (mean word confidence" in on.stderr
    doc = policy_nlp.load("scan", db=db)
    assert doc.metadata["ocr_pages"] == "2"
    read = " ".join(p.text for p in doc.passages if p.page == 2)
    assert "42 new water stations in 2021" in read and "87 percent of rural households" in read
    shown = run_cli("show", "scan", "--db", str(db))
    assert shown.returncode == 0 and "Rural water supply  (p. 2)" in shown.stdout  # the OCR'd title is a heading


@needs_tesseract
def test_python_api_mirrors_the_option(tmp_path):
    import policy_nlp

    pdf = scanned_pdf(tmp_path / "scan.pdf", text_first_page=False)
    db = tmp_path / "api.db"
    [failed] = policy_nlp.ingest([pdf], db, pipeline=pipeline_file(tmp_path))
    assert failed.failed and "no text layer (image-only or empty pages; run OCR first: --ocr auto)" in failed.message
    [result] = policy_nlp.ingest([pdf], db, pipeline=pipeline_file(tmp_path), ocr="auto")
    assert result.status == "added", result.message
    assert any("page 1: read by OCR" in w for w in result.warnings)
    assert "households" in " ".join(p.text for p in policy_nlp.load(result.doc_id, db=db).passages)


@needs_tesseract
def test_undecodable_page_is_read_by_ocr(tmp_path):
    pdf = garbled_scan_pdf(tmp_path / "garbled.pdf")
    with pytest.raises(InputError, match="text layer not decodable"):
        extract_pdf(pdf, {"ocr": "off"})
    doc = extract_pdf(pdf, {"ocr": "auto"})
    page = doc.pages[0]
    assert page.readable and doc.metadata["ocr_pages"] == "1"
    text = " ".join(block.text for block in page.blocks)
    assert "cid:" not in text and "households" in text and "2021" in text
    with open_store(tmp_path / "s.db") as store:  # stored as a readable page
        store.put_document(doc, pipeline="t")
        assert store.load(doc.name).pages[0].readable


BAD_COLOR_SPACE = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "pdf-bad-color-space.pdf"


@needs_tesseract
@pytest.mark.skipif(not BAD_COLOR_SPACE.exists(), reason="shared/realdocs is not here")
def test_page_pdfminer_cannot_parse_is_read_by_ocr(monkeypatch):
    # pdfminer fails on the page's colour space ("does not have attribute 'N'"); pdfium renders it.
    # pdfium reads its text layer first (test_pdfium_fallback.py); OCR is for when that gives nothing.
    from policy_nlp.extract import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "_pdfium_words", lambda pdfium, number: [])
    with pytest.raises(InputError, match="page 1 could not be read"):
        extract_pdf(BAD_COLOR_SPACE)
    doc = extract_pdf(BAD_COLOR_SPACE, {"ocr": "auto"})
    assert doc.metadata["ocr_pages"] == "1" and doc.pages[0].readable
    text = " ".join(block.text for block in doc.pages[0].blocks)
    assert "net-zero emissions" in text and "Paris Agreement" in text
