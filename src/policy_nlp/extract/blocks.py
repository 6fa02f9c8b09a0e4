"""Lines -> blocks: paragraphs and headings, split by spacing, indent and font changes."""

from __future__ import annotations

import re
from statistics import median

from ..model import Block, Line

_ENDS_SENTENCE = re.compile(r"[.!?:;]['\")\]\u201d]?$")
_REFERENCE_START = re.compile(r"^(\[\d{1,3}\]|\d{1,3}\.\s+[A-Z][^\s]*,)")
_LABEL_START = re.compile(r"^(keywords|key words|index terms|jel codes?|acknowledge?ments?)\s*[.:\u2014\u2013-]", re.IGNORECASE)
_LABEL = re.compile(r"^\(?(?:\d{1,2}(?:\.\d{1,2})*|[a-zA-Z]|[ivxIVX]{1,4})[.)]?\s+")
_CJK_ITEM = re.compile(r"^(?:[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}\s?、|[一二三四五六七八九十]{1,3}、)\s*[\u4e00-\u9fff]")
_ITALIC = re.compile(r"italic|oblique", re.IGNORECASE)
# A footnote's own number in front of its text (the raised kind is taken out into Line.marks).
_NOTE_START = re.compile(r"^(?:\d{1,3}|[*\u2020\u2021\u00a7\u00b6\u2217]{1,3})\s*[A-Z\u201c\u2018\"(]")


def _pitch(lines: list[Line]) -> float:
    """Typical baseline-to-baseline distance of body lines on the page."""
    gaps = [
        b.bottom - a.bottom
        for a, b in zip(lines, lines[1:])
        if a.column == b.column and abs(a.size - b.size) < 0.3 and 0 < b.bottom - a.bottom < 3 * a.size
    ]
    return median(gaps) if gaps else 1.2 * (median(l.size for l in lines) if lines else 10.0)


def _all_caps(text: str) -> bool:
    letters = [ch for ch in _LABEL.sub("", text) if ch.isalpha()]  # "(a) FIXED BROADBAND COVERAGE"
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _caps_heading(text: str) -> bool:
    return _all_caps(text) and len(text.split()) >= 2 and sum(ch.isalpha() for ch in text) >= 6


def _starts_block(prev: Line, line: Line, pitch: float, column_left: float) -> bool:
    if line.column != prev.column or line.note != prev.note:
        return True  # a footnote is never part of a body paragraph (Line.note)
    if line.note and _NOTE_START.match(line.text) and _ENDS_SENTENCE.search(prev.text):
        return True  # the next note: "2 See …" after a note that ended its sentence
    step = line.bottom - prev.bottom
    if step <= 0 or step > 1.35 * max(pitch, 1.2 * line.size):
        return True  # jumped back up (new band/column) or paragraph spacing
    # A line opening with a bold label is a paragraph's first line whatever its dominant weight;
    # a bold line that does not end its sentence may be the first line of a wrapped label.
    label_wraps = prev.bold and not prev.lead and line.lead and not _ENDS_SENTENCE.search(prev.text)
    if abs(line.size - prev.size) > 0.6 or ((line.bold and not line.lead) != (prev.bold and not prev.lead) and not label_wraps):
        return True
    if bool(_ITALIC.search(line.font)) != bool(_ITALIC.search(prev.font)) and not (line.bold and prev.bold):
        return True  # italic run-in style headings ("A. Installed capacity"); a bold heading may wrap into italic
    if _caps_heading(prev.text) and not _all_caps(line.text) and not _ENDS_SENTENCE.search(prev.text):
        return True  # "2.1 ENROLMENT AND COMPLETION" over its paragraph, in the same type
    if _CJK_ITEM.match(line.text):
        return True  # "（三）重大诉讼", "1 、新增发行": Chinese enumerations open their own block
    if _CJK_ITEM.match(prev.text) and prev.x1 < line.x1 - 4 * line.size:
        return True  # a short enumerated line over a full one: a heading over its paragraph
    if _REFERENCE_START.match(line.text) or _LABEL_START.match(line.text):
        return True  # "[3] Li S.: ..." starts a new reference entry; "Keywords:" its own block
    if line.lead and not prev.lead and _ENDS_SENTENCE.search(prev.text):
        return True  # a bold label after a finished sentence opens a paragraph: "ACTION: Notice of …"
    em = line.size or 10.0
    indent = line.x0 - column_left
    if line.x0 > prev.x0 + 0.8 * em and 0.8 * em < indent < 4 * em and _ENDS_SENTENCE.search(prev.text) and not prev.text.endswith(":"):
        return True  # first-line indent (a centred line is further in)
    return False


def group_blocks(lines: list[Line], page: int) -> list[Block]:
    if not lines:
        return []
    pitch = _pitch(lines)
    lefts: dict[int, float] = {}
    for line in lines:
        lefts[line.column] = min(lefts.get(line.column, line.x0), line.x0)
    blocks: list[Block] = [Block(lines=[lines[0]], page=page)]
    for prev, line in zip(lines, lines[1:]):
        if _starts_block(prev, line, pitch, lefts[line.column]):
            blocks.append(Block(lines=[line], page=page))
        else:
            blocks[-1].lines.append(line)
    for block in blocks:
        if block.lines[0].note:
            block.kind = "footnote"  # stored and searched as its own passage, never joined to the body
    return blocks
