"""Running heads, footers and page numbers: found by repetition across pages and position."""

from __future__ import annotations

import re
from collections import defaultdict
from difflib import SequenceMatcher
from statistics import median

from ..model import Line

_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-\u2013\u2014(\[]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-\u2013\u2014)\]]?(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)
# Chinese page numbers: "第 3 页", "第3页 共22页", "3/22".
_CHINESE_PAGE_NUMBER = re.compile(r"^第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$|^共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页$")
_DIGITS = re.compile(r"\d+")


def _shape(line: Line) -> str:
    # Running lines repeat their styling too: the size is part of the shape, so a
    # title that starts like the running head is not mistaken for one.
    return f"{round(line.size)}|" + _DIGITS.sub("#", line.text.lower()).strip()


def is_page_number(text: str) -> bool:
    text = text.strip()
    return bool(_PAGE_NUMBER.match(text) or _CHINESE_PAGE_NUMBER.match(text))


def _margin_lines(lines: list[Line], height: float, zone: float) -> list[Line]:
    """The first and last few lines of a page, when they lie in its top or bottom zone."""
    by_top = sorted(lines, key=lambda line: line.top)
    top = [line for line in by_top[:3] if line.bottom <= height * zone]
    bottom = [line for line in by_top[-3:] if line.top >= height * (1 - zone)]
    return top + [line for line in bottom if line not in top]


def find_running(pages: list[tuple[float, list[Line]]], zone: float = 0.2) -> set[int]:
    """ids of lines that are running heads, footers or page numbers.

    `pages` holds (page height, lines) per page. A margin line goes when it is a
    bare page number, when its text (digits masked) recurs in the margins of
    another page, or when a line sits at the same height on other pages in a
    smaller-or-equal font than the body (alternating running heads).
    """
    all_lines = [line for _, lines in pages for line in lines]
    body_size = median(line.size for line in all_lines) if all_lines else 10.0
    body_font = max(set(l.font for l in all_lines), key=[l.font for l in all_lines].count) if all_lines else ""
    margins = [_margin_lines(lines, height, zone) for height, lines in pages]
    # shape -> (page index, top) of every margin line with that shape
    shapes: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, lines in enumerate(margins):
        for line in lines:
            shapes[_shape(line)].append((index, line.top))

    removed: set[int] = set()
    for index, lines in enumerate(margins):
        for line in lines:
            shape = _shape(line)
            if is_page_number(line.text):
                removed.add(id(line))
            elif any(i != index and abs(top - line.top) <= 10 for i, top in shapes[shape]):
                removed.add(id(line))
            elif len(pages) > 1 and _recurs_fuzzily(line, shape, index, margins):
                removed.add(id(line))
            elif (
                _is_isolated(line, pages[index][1], body_size)
                and (line.size < body_size - 0.3 or line.font != body_font)
                and _same_position_elsewhere(line, index, margins)
            ):
                removed.add(id(line))
    return removed


def _is_isolated(line: Line, lines: list[Line], body_size: float) -> bool:
    """The topmost or bottommost line of its page, with at least a blank line between it and the body."""
    if line.top <= min(l.top for l in lines) + 0.5:
        below = [l.top for l in lines if l is not line and l.top > line.bottom - 1]
        return not below or min(below) - line.bottom >= body_size
    if line.bottom >= max(l.bottom for l in lines) - 0.5:
        above = [l.bottom for l in lines if l is not line and l.bottom < line.top + 1]
        return not above or line.top - max(above) >= body_size
    return False


def _recurs_fuzzily(line: Line, shape: str, index: int, margins: list[list[Line]]) -> bool:
    # "Chapter 3 Results" vs "Chapter 4 Methods" style heads differ in a few words.
    if len(shape) < 12:
        return False
    for other_index, lines in enumerate(margins):
        if other_index == index:
            continue
        for other in lines:
            if abs(other.size - line.size) > 0.6:
                continue
            matcher = SequenceMatcher(None, shape, _shape(other), autojunk=False)
            if matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8:
                return True
    return False


def _same_position_elsewhere(line: Line, index: int, margins: list[list[Line]]) -> bool:
    """Another page holds a running line at this place: alternating heads ("Author" on even pages,
    "Title" on odd ones) share a position and each repeats. Page titles share a position too, but
    each is printed once: a line is a running head only where that place repeats its text."""
    shapes: dict[str, int] = defaultdict(int)
    for other_index, lines in enumerate(margins):
        if other_index == index:
            continue
        for other in lines:
            if abs(other.top - line.top) <= 2.0 and abs(other.size - line.size) <= 0.6 and other.text != line.text:
                shapes[_shape(other)] += 1
    return any(count >= 2 for count in shapes.values())
