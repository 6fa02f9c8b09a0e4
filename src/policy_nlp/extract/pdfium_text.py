"""Words of a page pdfminer cannot parse, read with pdfium's text layer instead.

pdfminer gives up on a whole page for one damaged object (a colour space without /N, a
stream that does not decode); pdfium (pypdfium2, which pdfplumber already uses to render
pages) is more forgiving and often reads the same page's text. Its characters, with their
boxes, font names and sizes, are turned into the character dicts pdfplumber makes and then
into words by pdfplumber's own word extractor with the settings of the normal path, so lines,
blocks, headings and passages treat them as they treat pdfminer's.

Coordinates: pdfium gives PDF user space (origin bottom left, before the page's /Rotate);
pdfminer moves the origin to the media box's corner and applies /Rotate, and pdfplumber
measures `top` down from the top edge. The same transformation is applied here.

The document is opened once per PDF file, and only when a page has failed (`PdfiumText`).
Any pdfium error costs the page it happens on, nothing else.
"""

from __future__ import annotations

import ctypes
import math
from pathlib import Path
from typing import Any

from .layout import Word

_FONT_NAME_BUFFER = 256


class PdfiumText:
    """pypdfium2's view of one PDF file, opened on first use; `words(number)` reads one page."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._doc = None
        self._error: Exception | None = None

    def _document(self):
        if self._doc is None:
            if self._error is not None:
                raise self._error
            import pypdfium2

            try:
                self._doc = pypdfium2.PdfDocument(str(self.path))
            except Exception as exc:  # not openable by pdfium either: every failed page stays lost
                self._error = exc
                raise
        return self._doc

    def words(self, number: int, x_tolerance_ratio: float) -> list[Word]:
        """The upright words of page `number` (1-based) in pdfplumber's coordinates. Raises
        whatever pdfium raises; [] when the page has no text layer."""
        from pdfplumber.utils.text import extract_words

        page = self._document()[number - 1]
        try:
            chars = page_chars(page)
        finally:
            page.close()
        raw = extract_words(chars, extra_attrs=["fontname", "size"], keep_blank_chars=False,
                            use_text_flow=False, x_tolerance_ratio=x_tolerance_ratio)
        return [
            Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], w["fontname"], float(w["size"]))
            for w in raw
            if w.get("upright", True) and w["text"].strip()
        ]

    def close(self) -> None:
        if self._doc is not None:
            try:
                self._doc.close()
            except Exception:
                pass
            self._doc = None


def page_chars(page) -> list[dict[str, Any]]:
    """pdfplumber-style character dicts (text, x0, x1, top, bottom, doctop, upright, fontname,
    size) of a pypdfium2 page. Characters pdfium makes up (line breaks, spaces it infers from
    gaps) are left out: pdfplumber's word extractor finds gaps itself."""
    import pypdfium2.raw as pdfium_c

    to_page = _user_to_page(page)
    textpage = page.get_textpage()
    try:
        chars: list[dict[str, Any]] = []
        matrix = pdfium_c.FS_MATRIX()
        rect = pdfium_c.FS_RECTF()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        name = ctypes.create_string_buffer(_FONT_NAME_BUFFER)
        flags = ctypes.c_int()
        width = ctypes.c_float()
        l, r, bb, t = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        last_origin = None
        for i in range(textpage.count_chars()):
            if pdfium_c.FPDFText_IsGenerated(textpage, i) == 1:
                continue
            code = pdfium_c.FPDFText_GetUnicode(textpage, i)
            if code in (0, 0xFFFE, 0xFFFF) or code in (0x0D, 0x0A):
                continue
            text = "-" if code == 0x02 else chr(code)  # pdfium's mark for a hyphen at a line end
            if 0xD800 <= code <= 0xDFFF:  # half a surrogate pair: nothing readable on its own
                continue
            if not pdfium_c.FPDFText_GetLooseCharBox(textpage, i, rect):
                continue
            if not pdfium_c.FPDFText_GetCharOrigin(textpage, i, ox, oy):
                continue
            # The text-space size times the scale of the text matrix and CTM: what pdfminer calls
            # the size (pdfium's FPDFText_GetFontSize is before the matrix: 1.0 for "1 Tf" text).
            font_size = pdfium_c.FPDFText_GetFontSize(textpage, i)
            a = b = c = d = 0.0
            if pdfium_c.FPDFText_GetMatrix(textpage, i, matrix):
                a, b, c, d = matrix.a, matrix.b, matrix.c, matrix.d
            scale_y = math.hypot(c, d) or 1.0
            size = font_size * scale_y
            got = pdfium_c.FPDFText_GetFontInfo(textpage, i, name, _FONT_NAME_BUFFER, flags)
            fontname = name.value.decode("utf-8", "replace") if 0 < got <= _FONT_NAME_BUFFER else ""
            # Upright: the glyph's up vector points up the page (before /Rotate, as pdfminer's
            # matrix test: b == 0 and c == 0 and a, d > 0 for ordinary text).
            upright = abs(b) < 1e-6 * max(abs(a), 1) and abs(c) < 1e-6 * max(abs(d), 1) and a * d > 0
            if upright:
                # pdfminer's box: from the font's descent below the baseline, one size high (pdfium's
                # loose box starts at the same descent); across, from the origin by the advance width.
                y0 = min(rect.bottom, rect.top)
                if y0 > oy.value:  # no descent known: the baseline
                    y0 = oy.value
                y1 = y0 + size
                x0 = ox.value
                advance = _advance(pdfium_c, textpage, i, code, font_size, width)
                if advance is None:  # no width from the font: the glyph's own box
                    if not pdfium_c.FPDFText_GetCharBox(textpage, i, l, r, bb, t):
                        continue
                    x1 = max(r.value, x0)
                else:
                    x1 = x0 + advance * math.hypot(a, b)
            else:
                x0, x1 = sorted((rect.left, rect.right))
                y0, y1 = sorted((rect.bottom, rect.top))
            px0, ptop, px1, pbottom = to_page(x0, y0, x1, y1)
            origin = (round(ox.value, 3), round(oy.value, 3))
            if chars and upright and origin == last_origin:
                # A ligature pdfium spells out ("fi" for one glyph): its letters share one origin.
                # One character, as pdfminer makes it, spanning the glyph's advance (the loose box).
                prev = chars[-1]
                lx0, _, lx1, _ = to_page(rect.left, y0, rect.right, y1)
                prev["text"] += text
                prev["x1"] = max(prev["x1"], px1, lx1)
                continue
            last_origin = origin
            chars.append({
                "text": text, "x0": px0, "x1": px1, "top": ptop, "bottom": pbottom, "doctop": ptop,
                "upright": upright and to_page.upright, "fontname": fontname, "size": size,
            })
        return chars
    finally:
        textpage.close()


def _advance(pdfium_c, textpage, index: int, code: int, font_size: float, width) -> float | None:
    """The character's advance width in text space (before the matrix), from its font's widths;
    None when pdfium has no font or no width for it."""
    obj = pdfium_c.FPDFText_GetTextObject(textpage, index)
    if not obj:
        return None
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    if not font or not pdfium_c.FPDFFont_GetGlyphWidth(font, 0x2D if code == 0x02 else code, font_size, width):
        return None
    return width.value if width.value > 0 else None


class _Transform:
    """User space -> pdfplumber page space (x from the left edge, top down from the top edge),
    with the media box origin and /Rotate applied as pdfminer applies them."""

    def __init__(self, mediabox: tuple[float, float, float, float], rotation: int):
        self.x0, self.y0, self.x1, self.y1 = mediabox
        self.rotation = rotation % 360
        self.upright = self.rotation == 0
        w, h = self.x1 - self.x0, self.y1 - self.y0
        self.height = w if self.rotation in (90, 270) else h

    def point(self, x: float, y: float) -> tuple[float, float]:
        r = self.rotation
        if r == 90:  # pdfminer's ctm (0, -1, 1, 0, -y0, x1)
            return y - self.y0, self.x1 - x
        if r == 180:  # (-1, 0, 0, -1, x1, y1)
            return self.x1 - x, self.y1 - y
        if r == 270:  # (0, 1, -1, 0, y1, -x0)
            return self.y1 - y, x - self.x0
        return x - self.x0, y - self.y0

    def __call__(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        xs, ys = zip(self.point(x0, y0), self.point(x1, y1))
        return min(xs), self.height - max(ys), max(xs), self.height - min(ys)


def _user_to_page(page) -> _Transform:
    try:
        box = tuple(float(v) for v in page.get_mediabox())
    except Exception:
        box = (0.0, 0.0, *map(float, page.get_size()))
    left, bottom, right, top = box
    return _Transform((min(left, right), min(bottom, top), max(left, right), max(bottom, top)), page.get_rotation())
