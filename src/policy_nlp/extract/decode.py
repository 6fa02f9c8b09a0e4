"""Text that does not decode: glyphs of fonts without a Unicode map.

pdfminer writes a glyph it cannot map as "(cid:N)"; other producers leave private-use code points
or U+FFFD. Such a page stored as text would be searched and mined as if its tokens were words."""

from __future__ import annotations

import re
from typing import Iterable

CID_TOKEN = re.compile(r"\(cid:\d+\)")
# Share of a page's non-space glyphs that do not decode above which the page is unreadable.
# Measured on the 185 pages of the two test folders: 162 pages have none, 22 have a few (icon
# bullets in private-use code points), at most 0.58 % of the page; a font without a Unicode map
# gives 100 % on the text it sets. A quarter of the glyphs missing garbles most words.
UNREADABLE_SHARE = 0.25


def undecodable(text: str) -> bool:
    """True for one extracted glyph (a pdfplumber character's text) that is not a real character."""
    if text.startswith("(cid:"):
        return True
    return any(_private(ord(c)) or c == "\ufffd" for c in text)


def _private(code: int) -> bool:
    return 0xE000 <= code <= 0xF8FF or code >= 0xF0000  # BMP and the supplementary private-use planes


def glyph_counts(glyphs: Iterable[str]) -> tuple[int, int]:
    """(undecodable, all) over the non-space glyphs."""
    bad = total = 0
    for text in glyphs:
        if text.strip():
            total += 1
            bad += undecodable(text)
    return bad, total


def text_glyphs(text: str) -> list[str]:
    """A page's text cut into glyphs the way pdfminer emits them: a "(cid:N)" token is one glyph."""
    glyphs: list[str] = []
    pos = 0
    for match in CID_TOKEN.finditer(text):
        glyphs.extend(text[pos:match.start()])
        glyphs.append(match.group())
        pos = match.end()
    glyphs.extend(text[pos:])
    return glyphs


def is_readable(glyphs: Iterable[str]) -> bool:
    bad, total = glyph_counts(glyphs)
    return not total or bad / total < UNREADABLE_SHARE


def page_ranges(numbers: list[int]) -> str:
    """[2, 3, 4, 7] -> "2-4, 7"."""
    parts: list[str] = []
    for n in sorted(numbers):
        if parts and n == last + 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{n}"
        else:
            parts.append(str(n))
        last = n
    return ", ".join(parts)


def drop_cid_tokens(text: str) -> str:
    """Text without "(cid:N)" tokens; the space a token leaves on either side is closed up."""
    if "(cid:" not in text:
        return text
    return re.sub(r"[ \t]{2,}", " ", CID_TOKEN.sub("", text)).strip()
