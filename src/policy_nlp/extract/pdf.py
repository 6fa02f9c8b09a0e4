"""PDF -> Document with pdfplumber: words, tables, layout, running lines, blocks."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Document, Line, Page
from .blocks import group_blocks
from .layout import Word, layout_lines
from .objects import load_objects
from .running import find_running
from .tables import attach_captions, find_tables, outside
from .text import join_lines, word_counts

# Tightly justified lines put words ~2 pt apart; pdfplumber's fixed 3 pt tolerance glues them.
X_TOLERANCE_RATIO = 0.15
# unruled_tables: also look for tables without vertical rules (booktabs, aligned numbers).
DEFAULT_SETTINGS: dict[str, Any] = {
    "tables": True, "unruled_tables": True, "remove_running": True, "margin_zone": 0.2, "min_gutter": 7.0,
}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_pdf_file(path: Path) -> None:
    """Cheap checks before pdfminer sees the file, so reasons are precise."""
    if not path.exists():
        raise InputError(str(path), "no such file")
    if not path.is_file():
        raise InputError(str(path), "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(str(path), "empty file (0 bytes)")
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise InputError(str(path), "not a PDF (no %PDF- header)")


def _open(path: Path):
    import pdfplumber

    try:
        pdf = pdfplumber.open(path)
        pdf.pages  # forces the page tree to be read: broken files fail here
        return pdf
    except Exception as exc:
        raise InputError(str(path), _reason(exc)) from None


def _reason(exc: BaseException) -> str:
    """A one-line reason for a PDF that pdfminer could not open."""
    # pdfplumber wraps pdfminer's errors; the original is its first argument.
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    name = type(inner).__name__
    if "Password" in name:
        return "encrypted PDF: a password is needed to read it"
    if "Encrypt" in name:
        return f"encrypted PDF with an unsupported scheme ({inner})"
    if name in ("PSEOF", "PDFNoValidXRef") or "EOF" in str(inner):
        return "truncated or corrupt PDF (unexpected end of file)"
    detail = str(inner) or name
    return f"corrupt PDF ({detail})"


def _page_words(page) -> list[Word]:
    raw = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False, x_tolerance_ratio=X_TOLERANCE_RATIO)
    return [
        Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], w["fontname"], float(w["size"]))
        for w in raw
        if w.get("upright", True) and w["text"].strip()
    ]


def extract_pdf(path: str | Path, settings: dict[str, Any] | None = None) -> Document:
    """Read one PDF into a Document. Raises InputError with a one-line reason."""
    cfg = {**DEFAULT_SETTINGS, **(settings or {})}
    path = Path(path)
    check_pdf_file(path)
    doc = Document(path=str(path), sha256=file_sha256(path))
    pdf = _open(path)
    page_lines: list[tuple[float, list[Line]]] = []
    try:
        doc.metadata = {k: str(v) for k, v in (pdf.metadata or {}).items() if isinstance(v, (str, int, float))}
        for number, page in enumerate(pdf.pages, start=1):
            try:
                out = Page(number=number, width=float(page.width), height=float(page.height))
                load_objects(page)
                words = _page_words(page)
                if cfg["tables"] and words:
                    out.tables = find_tables(page, number, words if cfg["unruled_tables"] else None, cfg["min_gutter"])
                    words = outside(words, out.tables)
                lines, out.columns = layout_lines(words, number, out.width, cfg["min_gutter"])
                attach_captions(out.tables, lines)
            except InputError:
                raise
            except Exception as exc:
                raise InputError(str(path), f"page {number} could not be read ({type(exc).__name__}: {exc})") from None
            finally:
                page.close()  # pdfplumber caches every object of a page otherwise (~10 MB a page)
            doc.pages.append(out)
            page_lines.append((out.height, lines))
    finally:
        pdf.close()

    if not any(lines for _, lines in page_lines) and not any(p.tables for p in doc.pages):
        raise InputError(str(path), "no text layer (image-only or empty pages; run OCR first)")

    running = find_running(page_lines, cfg["margin_zone"]) if cfg["remove_running"] else set()
    for page, (_, lines) in zip(doc.pages, page_lines):
        kept = [line for line in lines if id(line) not in running]
        page.removed = [line for line in lines if id(line) in running]
        page.blocks = group_blocks(kept, page.number)
    finish_blocks(doc)
    return doc


def finish_blocks(doc: Document) -> None:
    """Block texts with words re-joined using the document's own spelling as evidence."""
    counts = word_counts(line.text for line in doc.lines())
    for block in doc.blocks():
        block.text = join_lines([line.text for line in block.lines], counts)
