"""OCR of one PDF page with the `tesseract` program: words with boxes, in PDF points.

`[extract] ocr = "auto"` reads by OCR the pages whose text layer does not decode, the pages
with no text at all that show an image or drawn shapes (a scan, outlined text), and the pages
pdfminer cannot parse (pdfium, which renders them, often can). The page is
rendered with pypdfium2 (through pdfplumber) and handed to the `tesseract` binary on stdin; its
TSV output gives each word's box and confidence. Words become layout Words in PDF points, one
font "OCR" and a size estimated from the line height, so the usual line, block, heading and
passage code reads them as it reads a text layer. No Python package is needed beyond those the
extractor uses already; tesseract itself is a system package (Debian: tesseract-ocr)."""

from __future__ import annotations

import functools
import io
import os
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from typing import Any

from ..errors import PolicyNLPError
from ..vocabulary import OCR_MODES, check_choice
from .layout import Word

OCR_FONT = "OCR"
RESOLUTION = 300  # dpi the page is rendered at: tesseract's sweet spot for body text
DEFAULT_LANGUAGES = "eng"
DEFAULT_PAGE_TIME_LIMIT_S = 120.0  # [extract] ocr_time_limit_s: one page's OCR at most
# Words tesseract is less sure of than this (0-100) are dropped: specks, photo texture, rules.
MIN_CONFIDENCE = 30.0
# Line box height (ascender top to descender bottom) / font size for Latin text: a 10 pt line of
# mixed text is ~9.5 pt of ink high; a line without descenders less, so the largest word box counts.
LINE_HEIGHT_PER_POINT = 0.95
MISSING = ('tesseract not found: install it with `apt-get install tesseract-ocr` (Debian/Ubuntu) '
           'or set [extract] ocr = "off"')


class OcrError(PolicyNLPError):
    """OCR was asked for but cannot run (no tesseract, a language not installed, a bad setting)."""


@dataclass
class OcrSettings:
    mode: str = "off"
    languages: str = DEFAULT_LANGUAGES
    page_time_limit_s: float = DEFAULT_PAGE_TIME_LIMIT_S

    @property
    def on(self) -> bool:
        return self.mode != "off"


def ocr_settings(extract: dict[str, Any]) -> OcrSettings:
    """The OCR settings of an [extract] table, values checked (OcrError naming the bad one)."""
    mode = str(extract.get("ocr", "off"))
    try:
        check_choice("OCR mode", mode, OCR_MODES)
    except PolicyNLPError as exc:
        raise OcrError(f"[extract] ocr: {exc}") from None
    languages = str(extract.get("ocr_languages", DEFAULT_LANGUAGES)).strip() or DEFAULT_LANGUAGES
    try:
        limit = float(extract.get("ocr_time_limit_s", DEFAULT_PAGE_TIME_LIMIT_S) or 0)
    except (TypeError, ValueError):
        raise OcrError(f"[extract] ocr_time_limit_s: not a number ({extract.get('ocr_time_limit_s')!r})") from None
    return OcrSettings(mode, languages, max(0.0, limit))


def check_ocr(extract: dict[str, Any]) -> OcrSettings:
    """The settings, after checking that OCR can run when it is on: tesseract on PATH and every
    language of `ocr_languages` ("eng+deu") installed. Raises OcrError with a one-line reason."""
    settings = ocr_settings(extract)
    if settings.on:
        binary = shutil.which("tesseract")
        if binary is None:
            raise OcrError(MISSING)
        installed = installed_languages(binary)
        missing = [lang for lang in settings.languages.split("+") if lang not in installed]
        if missing:
            raise OcrError(
                f"tesseract has no language data for {', '.join(missing)} ([extract] ocr_languages = "
                f"\"{settings.languages}\"); installed: {', '.join(sorted(installed)) or 'none'}; "
                f"Debian/Ubuntu: apt-get install {' '.join('tesseract-ocr-' + m.lower().replace('_', '-') for m in missing)}"
            )
    return settings


@functools.lru_cache(maxsize=8)
def installed_languages(binary: str) -> frozenset[str]:
    """`tesseract --list-langs`: a heading line, then one language a line."""
    try:
        done = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrError(f"tesseract could not be run ({binary}: {exc})") from None
    lines = (done.stdout or done.stderr).splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip() and " " not in line.strip())


def wants_ocr(page, readable: bool) -> bool:
    """A page OCR reads in "auto": text that does not decode, or no text at all but an image or
    drawn shapes (curves: outlined glyphs; many rules and boxes: a chart or form) to read."""
    if not readable:
        return True
    if any(c["text"].strip() for c in page.chars):
        return False
    return bool(page.images or page.curves or len(page.rects) + len(page.lines) >= 10)


class OcrFailed(Exception):
    """One page's OCR did not finish (time limit, tesseract failed): that page stays without text."""


def ocr_page(page, settings: OcrSettings) -> tuple[list[Word], float]:
    """The words of a pdfplumber page read by OCR, in the page's coordinates (points, top-down),
    and their mean confidence (0-100). Raises OcrFailed with the reason."""
    try:
        image = page.to_image(resolution=RESOLUTION, antialias=True).original.convert("L")
    except Exception as exc:  # pdfium could not render it: the page stays without text
        raise OcrFailed(f"page image could not be rendered for OCR ({type(exc).__name__}: {exc})") from None
    png = io.BytesIO()
    image.save(png, format="PNG")
    tsv = run_tesseract(png.getvalue(), settings)
    scale = 72.0 / RESOLUTION
    x_off, y_off = float(page.bbox[0]), float(page.bbox[1])
    return words_from_tsv(tsv, scale, x_off, y_off)


def run_tesseract(image: bytes, settings: OcrSettings) -> str:
    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrError(MISSING)
    command = [binary, "stdin", "stdout", "-l", settings.languages, "--psm", "3", "tsv"]
    # tesseract's OpenMP threads (up to 4 a page) spin against each other and every other busy
    # core: on 2 shared cores a dense A4 page took 6.9 s with them, 1.2 s with one thread.
    # Parallelism comes from ingest's workers (a file each); OMP_THREAD_LIMIT set by the user wins.
    env = {**os.environ}
    env.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        # subprocess.run kills tesseract on any exception while waiting, the file's time limit
        # (TimeLimitExceeded from SIGALRM) included.
        done = subprocess.run(command, input=image, capture_output=True, env=env,
                              timeout=settings.page_time_limit_s or None)
    except subprocess.TimeoutExpired:
        raise OcrFailed(f"OCR stopped after {settings.page_time_limit_s:g} s ([extract] ocr_time_limit_s)") from None
    except OSError as exc:
        raise OcrFailed(f"tesseract could not be run ({exc})") from None
    if done.returncode != 0:
        detail = " ".join(done.stderr.decode("utf-8", "replace").split())[:200]
        raise OcrFailed(f"tesseract failed (exit code {done.returncode}: {detail})")
    return done.stdout.decode("utf-8", "replace")


def words_from_tsv(tsv: str, scale: float, x_off: float = 0.0, y_off: float = 0.0) -> tuple[list[Word], float]:
    """tesseract's TSV (level, page, block, paragraph, line, word, left, top, width, height, conf,
    text) -> Words. Each word takes its line's top and bottom, so the words of one printed line
    share a baseline band (their own boxes follow ascenders and descenders), and a size estimated
    from the heights of its paragraph's lines."""
    rows: dict[tuple, list[tuple[float, float, float, float, float, str]]] = {}
    for raw in tsv.splitlines()[1:]:
        cells = raw.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = cells[11].strip()
        try:
            left, top, width, height, conf = (float(c) for c in cells[6:11])
        except ValueError:
            continue
        if not text or conf < MIN_CONFIDENCE:
            continue
        rows.setdefault(tuple(cells[1:5]), []).append((left, top, left + width, top + height, conf, text))
    # One size per tesseract paragraph, the median of its lines' heights: a line's own height
    # varies by a fifth with its letters (caps, descenders), which would make body lines headings.
    heights: dict[tuple, list[float]] = {}
    for key, members in rows.items():
        heights.setdefault(key[:3], []).append(max(m[3] for m in members) - min(m[1] for m in members))
    words: list[Word] = []
    confidences: list[float] = []
    for key, members in rows.items():
        top = min(m[1] for m in members)
        bottom = max(m[3] for m in members)
        size = round(statistics.median(heights[key[:3]]) * scale / LINE_HEIGHT_PER_POINT * 2) / 2  # half points
        for left, _, right, _, conf, text in sorted(members):
            words.append(Word(text, x_off + left * scale, y_off + top * scale, x_off + right * scale,
                              y_off + bottom * scale, OCR_FONT, size))
            confidences.append(conf)
    return words, (sum(confidences) / len(confidences) if confidences else 0.0)


def read_page(page, number: int, readable: bool, settings: OcrSettings, notes: dict[str, list]) -> list[Word]:
    """The words OCR reads on a page that wants it (see wants_ocr); [] when OCR is off, fails or
    finds nothing. What happened is noted in `notes` for ocr_report."""
    if not settings.on:
        if readable:  # no text at all, but something to read: the analyst should know
            notes.setdefault("image_only", []).append(number)
        return []
    try:
        words, confidence = ocr_page(page, settings)
    except OcrFailed as exc:
        notes.setdefault("failed", []).append(f"page {number}: {exc}")
        return []
    if not words:
        notes.setdefault("empty", []).append(number)
        return []
    notes.setdefault("read", []).append(number)
    notes.setdefault("confidence", []).append(confidence)
    return words


def ocr_report(doc, notes: dict[str, list], log) -> None:
    """Pages read by OCR go into the document's metadata ("ocr_pages": "3,4", "ocr_confidence")
    and, like every page-level problem, into the file's warnings, one line per kind."""
    from .decode import page_ranges

    def pages(numbers: list[int]) -> str:
        return f"{'page' if len(numbers) == 1 else 'pages'} {page_ranges(numbers)}"

    read = notes.get("read", [])
    if read:
        confidence = sum(notes["confidence"]) / len(notes["confidence"])
        doc.metadata["ocr_pages"] = ",".join(map(str, read))
        doc.metadata["ocr_confidence"] = f"{confidence:.0f}"
        log.warning(f"{pages(read)}: read by OCR (mean word confidence {confidence:.0f}/100)")
    if notes.get("image_only"):
        log.warning(f"{pages(notes['image_only'])}: no text layer, only images or drawings (--ocr auto reads them)")
    if notes.get("empty"):
        log.warning(f"{pages(notes['empty'])}: OCR found no text")
    for text in notes.get("failed", []):
        log.warning(text)
