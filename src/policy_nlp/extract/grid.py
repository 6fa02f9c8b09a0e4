"""Cells of a table drawn without vertical rules: rows from baselines, columns from white space.

Shared by both detectors of tables without ruling (`booktabs.py`: a region
between horizontal rules; `aligned.py`: a region of aligned numbers). Given the
words of a region, text lines are found by baseline, and column boundaries are
the white vertical strips that no word of a body line crosses. Header lines may
cross them (a spanning "Top-20" over five columns), so they are left out when
the strips are measured and placed in the column holding their centre.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from statistics import median

from ..model import BBox
from .layout import Word
from .text import normalize_text

# A gap this wide (in ems) between two words on one line may part two cells;
# spaces between words of one cell are ~0.25 em, table columns >= ~0.7 em.
MIN_SEPARATOR_EM = 0.5
# Superscript marks are set well below body size; they belong to a line, not a row of their own.
MARK_SIZE_RATIO = 0.8

_NUMBER = re.compile(
    r"^[<>≤≥~≈]?\(?[-+−–]?[$€£¥]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?(?:%|‰)?\)?[*†‡]{0,3}\.?$"
)
_LIST_MARK = re.compile(r"^\(?\d{1,2}[.)]$")  # "1." and "(2)" number list items, not quantities
_FILLER = re.compile(r"^(?:[-–—−…]|n/?a|N/?A|NA|\*)$")
_LEADER = re.compile(r"(?:\s*\.){4,}\s*$")  # dot leaders running up to the next column
_TRAILING_DOTS = re.compile(r"\.{2,}$")


def is_number(token: str) -> bool:
    """A quantity as printed in a table cell: 1,234  -3.5  12%  $85  (2.1)  <0.01."""
    token = _TRAILING_DOTS.sub("", token)
    return bool(_NUMBER.match(token)) and not _LIST_MARK.match(token)


def is_filler(token: str) -> bool:
    """A placeholder for a missing value ("–", "n/a")."""
    return bool(_FILLER.match(token))


def is_numeric_cell(text: str) -> bool:
    """Every token a number or a placeholder, at least one number."""
    tokens = [t for t in text.split() if not _TRAILING_DOTS.fullmatch(t)]
    return bool(tokens) and all(is_number(t) or is_filler(t) for t in tokens) and any(is_number(t) for t in tokens)


def inside(bbox: BBox, x0: float, top: float, x1: float, bottom: float) -> bool:
    """A word belongs to a region when its centre does (1 pt of slack for rounding)."""
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    return bbox[0] - 1 <= cx <= bbox[2] + 1 and bbox[1] - 1 <= cy <= bbox[3] + 1


def words_in(words: list[Word], bbox: BBox) -> list[Word]:
    return [w for w in words if inside(bbox, w.x0, w.top, w.x1, w.bottom)]


def text_lines(words: list[Word], attach_marks: bool = True) -> list[list[Word]]:
    """Words grouped into lines by baseline, top to bottom, each left to right.

    With `attach_marks`, small raised words (superscripts) join the nearest line;
    only right for a table's region, where no footnote text sits in small type.
    """
    if not words:
        return []
    small = MARK_SIZE_RATIO * median(w.size for w in words) if attach_marks else 0.0
    lines: list[list[Word]] = []
    for w in sorted((w for w in words if w.size >= small), key=lambda w: w.bottom):
        if lines and w.bottom - lines[-1][0].bottom <= 0.3 * w.size:
            lines[-1].append(w)
        else:
            lines.append([w])
    for w in (w for w in words if w.size < small):
        mid = (w.top + w.bottom) / 2
        nearest = min(lines, key=lambda line: abs((line[0].top + line[0].bottom) / 2 - mid))
        nearest.append(w)
    for line in lines:
        line.sort(key=lambda w: w.x0)
    return lines


def fragments(line: list[Word], gap: float) -> list[list[Word]]:
    """A line cut at every gap of at least `gap` points."""
    out: list[list[Word]] = [[line[0]]] if line else []
    for prev, w in zip(line, line[1:]):
        if w.x0 - prev.x1 >= gap:
            out.append([w])
        else:
            out[-1].append(w)
    return out


def joined(words: list[Word]) -> str:
    return normalize_text(" ".join(w.text for w in words))


def white_strips(lines: list[list[Word]], min_width: float) -> list[tuple[float, float]]:
    """Vertical strips, at least `min_width` wide, that no word of these lines touches."""
    spans = sorted((w.x0, w.x1) for line in lines for w in line)
    strips: list[tuple[float, float]] = []
    if not spans:
        return strips
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= min_width:
            strips.append((reach, x0))
        reach = max(reach, x1)
    return strips


@dataclass
class Grid:
    """Column boundaries of a region and its text lines cut into fragments."""

    separators: list[float]  # x of each boundary between two columns, left to right
    lines: list[list[list[Word]]]  # per text line, its fragments
    body_start: int  # index of the first body line (lines above it are header lines)

    @property
    def n_columns(self) -> int:
        return len(self.separators) + 1

    def column_of(self, fragment: list[Word]) -> int:
        mid = (fragment[0].x0 + fragment[-1].x1) / 2
        return bisect_left(self.separators, mid)

    def cells(self, line: list[list[Word]]) -> list[str]:
        parts: list[list[str]] = [[] for _ in range(self.n_columns)]
        for frag in line:
            parts[self.column_of(frag)].append(joined(frag))
        return [_LEADER.sub("", " ".join(p)).strip() for p in parts]


def build_grid(words: list[Word], header_bottom: float | None = None) -> Grid | None:
    """The grid of a region's words; lines above `header_bottom` are header lines.

    Only body lines with two or more fragments set the columns: a line holding a
    single fragment is a group label, a note or a mark and may cross a column.
    """
    lines = text_lines(words)
    if len(lines) < 2:
        return None
    size = median(w.size for w in words)
    gap = MIN_SEPARATOR_EM * size
    cut = [fragments(line, gap) for line in lines]
    body_start = 0
    if header_bottom is not None:
        below = [i for i, line in enumerate(lines) if min(w.top for w in line) >= header_bottom - 1]
        if len(below) >= 2:
            body_start = below[0]
    ruling = [[w for frag in line for w in frag] for line in cut[body_start:] if len(line) >= 2]
    if len(ruling) < 2:
        return None
    strips = white_strips(ruling, gap)
    # A lone cell that crosses no column boundary still marks one (a row label set
    # between two rows, "DP" beside "NLL" and "Triplet"); one that crosses is a span.
    lone = [line[0] for line in cut[body_start:] if len(line) == 1]
    fitting = [frag for frag in lone if not any(frag[0].x0 < b and a < frag[-1].x1 for a, b in strips)]
    if fitting:
        strips = white_strips(ruling + fitting, gap)
    return Grid(separators=[(a + b) / 2 for a, b in strips], lines=cut, body_start=body_start)
