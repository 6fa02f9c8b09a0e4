"""OCR of one PDF page with the `tesseract` program: words with boxes, in PDF points.

`[extract] ocr = "auto"` reads by OCR the pages whose text layer does not decode, the pages
with no text at all that show an image or drawn shapes (a scan, outlined text), and the pages
pdfminer cannot parse (pdfium, which renders them, often can). The page is
rendered with pypdfium2 (through pdfplumber) and handed to the `tesseract` binary on stdin; its
TSV output gives each word's box and confidence. Words become layout Words in PDF points, one
font "OCR" and a size estimated from the line height, so the usual line, block, heading and
passage code reads them as it reads a text layer. No Python package is needed beyond those the
extractor uses already; tesseract itself is a system package (Debian: tesseract-ocr).

Chinese pages: with the default languages ("eng") and tesseract's Simplified Chinese data installed
(Debian: tesseract-ocr-chi-sim), tesseract's script detection (OSD) on a document's first OCR page
decides: a Han page is read with "chi_sim+eng", and so are the document's later pages (a later
page the English model reads poorly is checked on its own). The English reading's confidence
alone does not tell: a 300 dpi Chinese scan read as English scored above 60/100 in garbage. Only prose is kept from such pages: Chinese OCR misreads
table cells far more than prose (49 % against 0.6 % character errors measured on Debian's
packages), so a line of figures set apart by column gaps is left out (`table_line`), and no
indicator is mined from an OCR'd table. The pages are named in the document's metadata
(ocr_pages, ocr_confidence, ocr_languages), as every OCR page is."""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import statistics
import subprocess
import weakref
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
# A page read by the English model with a mean word confidence below this is checked for Han script.
RETRY_BELOW = 60.0
CHINESE = "chi_sim+eng"
HAN_SCRIPTS = ("Han", "HanS", "HanT")
# A line with this many figures and a gap wider than TABLE_GAP line heights between two words is
# a table row (prose has no column gaps).
TABLE_FIGURES = 2
TABLE_GAP = 2.5
_FIGURE = re.compile(r"^[(（]?[-+−]?\d[\d,.，．]*[%％)）]?$")
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


@dataclass
class PageReading:
    """What OCR read on one page: its words, their mean confidence, the languages used and the
    table lines left out (Chinese pages: prose only)."""

    words: list[Word]
    confidence: float
    languages: str
    table_lines: int = 0


# The script tesseract's OSD found on a document's first OCR page ("Han", "Latin", ...), per
# pdfplumber PDF object: later pages of the document are read in it without asking again (OSD takes
# about 1 s a page). Weak keys: a document read and closed is forgotten with it.
_DOCUMENT_SCRIPT: "weakref.WeakKeyDictionary[object, str]" = weakref.WeakKeyDictionary()


def chinese_available(settings: OcrSettings) -> bool:
    """Whether Chinese may be chosen for a page: the default languages, and chi_sim and osd installed."""
    binary = shutil.which("tesseract")
    if binary is None or settings.languages != DEFAULT_LANGUAGES:
        return False
    installed = installed_languages(binary)
    return "chi_sim" in installed and "osd" in installed


def ocr_page(page, settings: OcrSettings) -> PageReading:
    """The words of a pdfplumber page read by OCR, in the page's coordinates (points, top-down),
    their mean confidence (0-100) and the languages read with. Raises OcrFailed with the reason.

    When Chinese is available (chinese_available), the page's script decides the languages: the
    document's script if an earlier page found it, else OSD on this page. An English reading
    that looks poor (confidence under RETRY_BELOW, or no words) on a document taken for Latin
    asks OSD again for this page (a Chinese page in an English document)."""
    try:
        image = page.to_image(resolution=RESOLUTION, antialias=True).original.convert("L")
    except Exception as exc:  # pdfium could not render it: the page stays without text
        raise OcrFailed(f"page image could not be rendered for OCR ({type(exc).__name__}: {exc})") from None
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    png = buffer.getvalue()
    scale = 72.0 / RESOLUTION
    x_off, y_off = float(page.bbox[0]), float(page.bbox[1])
    if not chinese_available(settings):
        return PageReading(*words_from_tsv(run_tesseract(png, settings), scale, x_off, y_off), settings.languages)
    pdf = getattr(page, "pdf", None)
    known = _remembered_script(pdf)
    script = known or script_of(png, settings)
    if not known and script:
        _remember_script(pdf, script)
    if script in HAN_SCRIPTS:
        return _read_chinese(png, settings, scale, x_off, y_off)
    words, confidence = words_from_tsv(run_tesseract(png, settings), scale, x_off, y_off)
    if known and (not words or confidence < RETRY_BELOW) and script_of(png, settings) in HAN_SCRIPTS:
        return _read_chinese(png, settings, scale, x_off, y_off)
    return PageReading(words, confidence, settings.languages)


def _remembered_script(pdf) -> str:
    try:
        return _DOCUMENT_SCRIPT.get(pdf, "") if pdf is not None else ""
    except TypeError:  # not weakly referable or hashable: ask per page
        return ""


def _remember_script(pdf, script: str) -> None:
    try:
        if pdf is not None:
            _DOCUMENT_SCRIPT[pdf] = script
    except TypeError:
        pass


def _read_chinese(png: bytes, settings: OcrSettings, scale: float, x_off: float, y_off: float) -> PageReading:
    chinese = OcrSettings(settings.mode, CHINESE, settings.page_time_limit_s)
    kept: list[int] = []
    words, confidence = words_from_tsv(run_tesseract(png, chinese), scale, x_off, y_off, prose_only=True, dropped=kept)
    return PageReading(words, confidence, CHINESE, len(kept))


def script_of(image: bytes, settings: OcrSettings) -> str:
    """tesseract's orientation and script detection (--psm 0): "Latin", "Han", ...; "" when it
    cannot tell (too few characters) or fails."""
    try:
        out = run_tesseract(image, OcrSettings(settings.mode, "osd", settings.page_time_limit_s), psm="0", output=())
    except OcrFailed:
        return ""
    match = re.search(r"^Script:\s*(\S+)", out, re.MULTILINE)
    return match.group(1) if match else ""


def run_tesseract(image: bytes, settings: OcrSettings, psm: str = "3", output: tuple[str, ...] = ("tsv",)) -> str:
    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrError(MISSING)
    command = [binary, "stdin", "stdout", "-l", settings.languages, "--psm", psm, *output]
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


def table_line(members: list[tuple]) -> bool:
    """Whether one OCR line (left, top, right, bottom, conf, text per word) is a table row: at
    least TABLE_FIGURES figures and a column gap (wider than TABLE_GAP line heights), or nothing
    but figures (a column read as a line of its own)."""
    figures = sum(1 for m in members if _FIGURE.match(m[5]))
    if figures == 0:
        return False
    if figures == len(members):
        return True
    height = max(m[3] for m in members) - min(m[1] for m in members)
    ordered = sorted(members)
    gaps = [b[0] - a[2] for a, b in zip(ordered, ordered[1:])]
    return figures >= TABLE_FIGURES and any(g > TABLE_GAP * height for g in gaps)


def _chinese_edge(ch: str) -> bool:
    """A Han character or full-width sign: no space is set next to it in Chinese print."""
    code = ord(ch)
    return 0x3000 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF


def join_chinese(members: list[tuple]) -> list[tuple]:
    """One OCR line's words with those that Chinese sets without a space joined: tesseract gives
    a Chinese line as single characters and short runs with small gaps, which the line code would
    read as word spaces ("全 省 累计"). Joined when a Han character or full-width sign meets the
    next word and the gap is under a line height."""
    ordered = sorted(members)
    if not ordered:
        return ordered
    height = max(m[3] for m in ordered) - min(m[1] for m in ordered)
    out = [ordered[0]]
    for word in ordered[1:]:
        last = out[-1]
        if (_chinese_edge(last[5][-1]) or _chinese_edge(word[5][0])) and word[0] - last[2] < height:
            out[-1] = (last[0], min(last[1], word[1]), word[2], max(last[3], word[3]), min(last[4], word[4]), last[5] + word[5])
        else:
            out.append(word)
    return out


def words_from_tsv(tsv: str, scale: float, x_off: float = 0.0, y_off: float = 0.0, prose_only: bool = False,
                   dropped: list | None = None) -> tuple[list[Word], float]:
    """tesseract's TSV (level, page, block, paragraph, line, word, left, top, width, height, conf,
    text) -> Words. Each word takes its line's top and bottom, so the words of one printed line
    share a baseline band (their own boxes follow ascenders and descenders), and a size estimated
    from the heights of its paragraph's lines. `prose_only`: table rows (table_line) are left
    out, each counted in `dropped`."""
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
    if prose_only:
        for key in [k for k, members in rows.items() if table_line(members)]:
            del rows[key]
            if dropped is not None:
                dropped.append(key)
        rows = {key: join_chinese(members) for key, members in rows.items()}
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
        reading = ocr_page(page, settings)
    except OcrFailed as exc:
        notes.setdefault("failed", []).append(f"page {number}: {exc}")
        return []
    if reading.table_lines:
        notes.setdefault("table_lines", []).append(reading.table_lines)
    if not reading.words:
        notes.setdefault("empty", []).append(number)
        return []
    notes.setdefault("read", []).append(number)
    notes.setdefault("confidence", []).append(reading.confidence)
    notes.setdefault("languages", []).append(reading.languages)
    return reading.words


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
        languages = sorted(set(notes.get("languages", [])))
        doc.metadata["ocr_languages"] = ",".join(languages)
        chinese = f", in {'/'.join(languages)}" if languages != [DEFAULT_LANGUAGES] else ""
        tables = sum(notes.get("table_lines", []))
        left_out = f"; {tables} table line{'s' * (tables != 1)} left out (prose only)" if tables else ""
        log.warning(f"{pages(read)}: read by OCR (mean word confidence {confidence:.0f}/100{chinese}){left_out}")
    if notes.get("image_only"):
        log.warning(f"{pages(notes['image_only'])}: no text layer, only images or drawings (--ocr auto reads them)")
    if notes.get("empty"):
        log.warning(f"{pages(notes['empty'])}: OCR found no text")
    for text in notes.get("failed", []):
        log.warning(text)
