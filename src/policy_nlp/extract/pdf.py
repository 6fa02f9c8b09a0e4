"""PDF -> Document with pdfplumber: words, tables, layout, running lines, blocks."""

from __future__ import annotations

import hashlib
import logging
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Bookmark, Document, Line, Page
from .blocks import group_blocks
from .decode import is_readable, page_ranges
from .layout import Word, layout_lines
from .ocr import check_ocr, ocr_report, read_page, wants_ocr
from .outline import read_bookmarks, tagged_heading_targets, tagged_heading_text
from .pdfium_text import PdfiumText
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


def _plumber_words(page) -> list[Word]:
    """The upright words of the page by pdfplumber's word extractor (the reference for _page_words)."""
    raw = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False, x_tolerance_ratio=X_TOLERANCE_RATIO)
    return [
        Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], w["fontname"], float(w["size"]))
        for w in raw
        if w.get("upright", True) and w["text"].strip()
    ]


_RUN_KEY = itemgetter("upright", "fontname", "size")
_Y_TOLERANCE = 3  # pdfplumber's default: characters of one line differ less in top


def _by_bands(words: list, tables: list, number: int, width: float, min_gutter: float, lines: list) -> tuple[list, int]:
    """Lines of a page read band by band, split at tables as wide as the text, when the whole page
    showed no columns: three columns of text over a table and a block of full-width table notes
    under it. The notes cross the gutters, and counted with the text above they hide them.
    Only a fallback: where the page as a whole shows its columns, a column runs on past a table."""
    x0, x1 = min(w.x0 for w in words), max(w.x1 for w in words)
    wide = sorted((t for t in tables if t.bbox[2] - t.bbox[0] >= 0.7 * (x1 - x0)), key=lambda t: t.bbox[1])
    if not wide:
        return lines, 1
    cuts = [t.bbox[1] for t in wide] + [float("inf")]
    bands: list[list] = [[] for _ in cuts]
    for w in words:
        bands[next(k for k, cut in enumerate(cuts) if w.top < cut)].append(w)
    laid = [layout_lines(band, number, width, min_gutter) for band in bands if band]
    if max((columns for _, columns in laid), default=1) == 1:
        return lines, 1
    return [line for band_lines, _ in laid for line in band_lines], max(columns for _, columns in laid)


def _page_words(page) -> list[Word]:
    """The same words as _plumber_words, computed for upright text only.

    pdfplumber's WordExtractor with these settings, step for step: runs of characters sharing
    uprightness, font and size; each run clustered into lines by `top` (sorted distinct values,
    a new line where a value exceeds the previous by more than 3); each line sorted by x0; a word
    ends at a blank, at an empty character (a word of its own), where the next character starts
    left of the previous one or more than 0.15 em after it, or where its top differs by more than 3.
    Words of rotated text are dropped by the caller, so they are not built. 1.6 times as fast:
    pdfplumber builds a dict per word and goes through generic per-direction code per character.
    """
    from pdfplumber.utils.text import LIGATURES

    from .objects import fast_path_verified

    if not fast_path_verified():
        return _plumber_words(page)
    words: list[Word] = []
    for (upright, fontname, size), run in groupby(page.chars, _RUN_KEY):
        if not upright:
            continue
        run = list(run)
        line_of: dict[Any, int] = {}
        line, last = 0, None
        for top in sorted({c["top"] for c in run}):
            if last is not None and not top <= last + _Y_TOLERANCE:
                line += 1
            line_of[top] = line
            last = top
        lines: list[list[dict]] = [[] for _ in range(line + 1)]
        for c in run:
            lines[line_of[c["top"]]].append(c)  # pdfplumber's stable sort by line, then groupby
        for members in lines:
            current: list[dict] = []
            for char in sorted(members, key=_X_KEY):
                text = char["text"]
                if text.isspace() or text == "":
                    # an empty character is a word of its own for pdfplumber, one without text
                    _emit(current, words, LIGATURES)
                    current = []
                elif current and (
                    char["x0"] < current[-1]["x0"]
                    or char["x0"] > current[-1]["x1"] + X_TOLERANCE_RATIO * current[-1]["size"]
                    or abs(char["top"] - current[-1]["top"]) > _Y_TOLERANCE
                ):
                    _emit(current, words, LIGATURES)
                    current = [char]
                else:
                    current.append(char)
            _emit(current, words, LIGATURES)
    return words


_X_KEY = itemgetter("x0", "x0")  # pdfplumber's sort key for left-to-right text


def _emit(chars: list[dict], words: list[Word], ligatures: dict[str, str]) -> None:
    if not chars:
        return
    text = "".join(ligatures.get(c["text"], c["text"] or "") for c in chars)
    if not text.strip():
        return
    first = chars[0]
    x0, top, x1, bottom = zip(*map(_BBOX, chars))
    words.append(Word(text, min(x0), min(top), max(x1), max(bottom), first["fontname"], float(first["size"])))


_BBOX = itemgetter("x0", "top", "x1", "bottom")


def extract_pdf(path: str | Path, settings: dict[str, Any] | None = None) -> Document:
    """Read one PDF into a Document. Raises InputError with a one-line reason."""
    cfg = {**DEFAULT_SETTINGS, **(settings or {})}
    from .objects import load_objects  # pdfminer and pdfplumber load only when a PDF is read

    path = Path(path)
    check_pdf_file(path)
    doc = Document(path=str(path), sha256=file_sha256(path))
    ocr = check_ocr(cfg)  # OcrError before any page is read when ocr = "auto" cannot run
    ocr_notes: dict[str, list] = {}  # pages read, and not, by OCR: ocr.read_page fills it
    pdf = _open(path)
    page_lines: list[tuple[float, list[Line]]] = []
    failed: list[str] = []  # "page 3 could not be read (OverflowError: …)", one per lost page
    pdfium = PdfiumText(path)  # opened only when pdfminer fails on a page
    by_pdfium: list[str] = []  # "page 3: read with pdfium (pdfminer could not parse it: …)"
    try:
        try:
            doc.metadata = {k: str(v) for k, v in (pdf.metadata or {}).items() if isinstance(v, (str, int, float))}
        except Exception:  # a damaged Info dictionary costs the metadata, not the document
            doc.metadata = {}
        doc.bookmarks = read_bookmarks(pdf)
        tagged = tagged_heading_targets(pdf)
        for number, page in enumerate(pdf.pages, start=1):
            try:
                out = Page(number=number, width=float(page.width), height=float(page.height))
                load_objects(page)
                for level, mcids in tagged.get(number, []):
                    if text := tagged_heading_text(page.chars, mcids):
                        doc.bookmarks.append(Bookmark(text=text, level=level, page=number, source="tagged"))
                out.readable = is_readable(c["text"] for c in page.chars)
                # An undecodable page gets no words, so no blocks, tables or passages: a gap, not noise.
                words = _on_page(_page_words(page), out.width, out.height) if out.readable else []
                by_ocr = wants_ocr(page, out.readable) and read_page(page, number, out.readable, ocr, ocr_notes)
                if by_ocr:
                    words, out.readable = by_ocr, True
                if cfg["tables"] and words and not by_ocr:
                    out.tables = find_tables(page, number, words if cfg["unruled_tables"] else None, cfg["min_gutter"])
                    words = outside(words, out.tables)
                lines, out.columns = layout_lines(words, number, out.width, cfg["min_gutter"])
                if out.columns == 1 and out.tables:
                    lines, out.columns = _by_bands(words, out.tables, number, out.width, cfg["min_gutter"], lines)
                attach_captions(out.tables, lines)
            except InputError:
                raise
            except Exception as exc:  # OverflowError, RecursionError included: Exception subclasses
                # One page's odd content (a huge number, deeply nested objects) costs that page only;
                # it is kept as a page without text so page numbers stay right.
                failed.append(f"page {number} could not be read ({type(exc).__name__}: {exc})")
                out = Page(number=number, width=_size(page, "width"), height=_size(page, "height"), readable=False)
                lines = []
                # pdfium reads the page's text layer on its own: often it parses what pdfminer cannot.
                words = _pdfium_words(pdfium, number)
                if words:
                    by_pdfium.append(f"page {number}: read with pdfium (pdfminer could not parse it: {type(exc).__name__}: {exc})")
                # OCR reads the rendered page, not pdfminer's objects: it may still read this one.
                elif ocr.on:
                    words = read_page(page, number, False, ocr, ocr_notes)
                if words:
                    failed.pop()
                    out.readable = True
                    lines, out.columns = layout_lines(words, number, out.width, cfg["min_gutter"])
            finally:
                try:
                    page.close()  # pdfplumber caches every object of a page otherwise (~10 MB a page)
                except Exception:
                    pass
            doc.pages.append(out)
            page_lines.append((out.height, lines))
    finally:
        pdf.close()
        pdfium.close()

    if failed and len(failed) == len(doc.pages):
        raise InputError(str(path), failed[0] + ("" if len(failed) == 1 else f"; all {len(failed)} pages failed"))
    lost = {int(text.split()[1]) for text in failed}
    unreadable = [p.number for p in doc.pages if not p.readable and p.number not in lost]
    if not any(lines for _, lines in page_lines) and not any(p.tables for p in doc.pages):
        if failed:
            raise InputError(str(path), failed[0] + "; no other page has text")
        if ocr_notes.get("failed") or ocr_notes.get("empty"):
            raise InputError(str(path), (ocr_notes.get("failed") or ["no text layer, and OCR found no text"])[0])
        if unreadable:
            raise InputError(str(path), "text layer not decodable (fonts without a Unicode map); run OCR first (--ocr auto)")
        raise InputError(str(path), "no text layer (image-only or empty pages; run OCR first: --ocr auto)")
    log = logging.getLogger(__name__)
    for text in failed + by_pdfium:
        # Logged, not printed: ingest reports it with the file's other warnings.
        log.warning(text)
    if unreadable:
        # Logged, not printed: ingest collects it with the file's other warnings, one line per file.
        noun = "page" if len(unreadable) == 1 else "pages"
        log.warning(f"{noun} {page_ranges(unreadable)}: text layer not decodable")
    ocr_report(doc, ocr_notes, log)

    running = find_running(page_lines, cfg["margin_zone"]) if cfg["remove_running"] else set()
    for page, (_, lines) in zip(doc.pages, page_lines):
        kept = [line for line in lines if id(line) not in running]
        page.removed = [line for line in lines if id(line) in running]
        page.blocks = group_blocks(kept, page.number)
    finish_blocks(doc)
    return doc


def _pdfium_words(pdfium: PdfiumText, number: int) -> list[Word]:
    """The words pdfium reads on a page pdfminer could not parse; [] when it cannot either."""
    try:
        return pdfium.words(number, X_TOLERANCE_RATIO)
    except Exception:  # pdfium's failure costs this page only, as pdfminer's did
        return []


def _on_page(words: list[Word], width: float, height: float) -> list[Word]:
    """Words the page shows: a spread cut into two pages keeps the other half's text outside each
    page's box, where no viewer prints it."""
    if all(-1 <= w.x0 and w.x1 <= width + 1 and -1 <= w.top and w.bottom <= height + 1 for w in words):
        return words
    inside = [w for w in words if w.x1 > 0 and w.x0 < width and w.bottom > 0 and w.top < height]
    # Every word outside: the page's geometry is off (a malformed file), not half a spread.
    return inside or words


def _size(page, name: str) -> float:
    try:
        return float(getattr(page, name))
    except Exception:
        return 0.0


def finish_blocks(doc: Document) -> None:
    """Block texts with words re-joined using the document's own spelling as evidence."""
    counts = word_counts(line.text for line in doc.lines())
    for block in doc.blocks():
        block.text = join_lines([line.text for line in block.lines], counts)
