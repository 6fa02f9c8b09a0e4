"""Tables set without any rule: columns of numbers aligned by white space alone.

Prose never puts two numbers on a line with a cell-wide gap between and
before them, line after line at the same x. So a table is grown from such
numeric rows: three or more, close together, overlapping, with at least two
columns of numbers aligned on their right edge, centre or left edge. Multi-column
prose, reference lists and numbered lists have no such rows. The region then
takes each row's label on its left and the header lines just above, and is cut
into cells by grid.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from ..model import BBox, Table
from .grid import build_grid, fragments, is_number, is_numeric_cell, joined, text_lines, words_in
from .layout import Word, find_gutters

CELL_GAP_EM = 0.8  # narrower gaps are word spaces when looking for numeric rows
MIN_NUMERIC_ROWS = 3
MAX_ROW_DISTANCE_EM = 3.0  # room for a wrapped group label between two numeric rows
ALIGN_TOLERANCE = 2.5  # points
MAX_LABEL_WORDS = 8
MAX_HEADER_LINES = 4
MAX_HEADER_WORDS = 4  # per header fragment; a caption or a prose line has more
MIN_NUMERIC_SHARE = 0.6  # of the filled body cells right of the label column
MAX_CONTINUATION_LINES = 2  # a long row label wrapped below the last row

_LEADER_TOKEN = re.compile(r"^[.…]{2,}$")


@dataclass
class NumericRow:
    """The part of one text line that reads as a table row: a label, then numbers."""

    x0: float  # of the first number
    x1: float
    top: float
    bottom: float
    size: float
    numbers: list[Word] = field(default_factory=list)
    labels: list[float] = field(default_factory=list)  # x0 of each short cell to the left, nearest first

    def overlaps(self, other: "NumericRow") -> bool:
        common = min(self.x1, other.x1) - max(self.x0, other.x0)
        return common >= 0.5 * min(self.x1 - self.x0, other.x1 - other.x0)


def numeric_row(line: list[Word]) -> NumericRow | None:
    """The line's longest run of numeric cells (short text cells may sit between), with its labels."""
    if sum(1 for w in line if any(ch.isdigit() for ch in w.text)) < 2:
        return None  # most lines: not worth cutting into cells
    size = median(w.size for w in line)
    frags = fragments(line, CELL_GAP_EM * size)
    run = _best_run(frags)
    if run is None:
        return None
    first, last = run
    labels: list[float] = []
    for frag in reversed(frags[:first]):
        if sum(1 for w in frag if not _LEADER_TOKEN.match(w.text)) > MAX_LABEL_WORDS:
            break
        labels.append(frag[0].x0)
    numbers = [w for frag in frags[first : last + 1] if is_numeric_cell(joined(frag)) for w in frag]
    top, bottom = min(w.top for w in line), max(w.bottom for w in line)
    return NumericRow(frags[first][0].x0, frags[last][-1].x1, top, bottom, size, numbers, labels)


def _best_run(frags: list[list[Word]]) -> tuple[int, int] | None:
    """First and last index of the run of numeric fragments holding most numbers (two at least).

    A short text cell ("✓", "n.s.") may sit inside a run; a longer one ends it.
    """
    kinds = [_kind(frag) for frag in frags]
    best: tuple[int, int] | None = None
    start: int | None = None
    for i, kind in enumerate(kinds + ["text"]):
        if kind == "num" and start is None:
            start = i
        elif kind == "text" and start is not None:
            end = max(j for j in range(start, i) if kinds[j] == "num")
            if best is None or _count_numbers(frags, start, end) > _count_numbers(frags, *best):
                best = (start, end)
            start = None
    if best is None or _count_numbers(frags, *best) < 2:
        return None
    return best


def _kind(frag: list[Word]) -> str:
    text = joined(frag)
    if is_numeric_cell(text):
        return "num"
    return "short" if len(frag) <= 2 and len(text) <= 12 else "text"


def _count_numbers(frags: list[list[Word]], first: int, last: int) -> int:
    return sum(1 for frag in frags[first : last + 1] for w in frag if is_number(w.text))


def group_rows(rows: list[NumericRow]) -> list[list[NumericRow]]:
    """Numeric rows close below one another and overlapping, top to bottom."""
    groups: list[list[NumericRow]] = []
    for row in sorted(rows, key=lambda r: r.top):
        for group in reversed(groups):
            last = group[-1]
            if row.top - last.bottom <= MAX_ROW_DISTANCE_EM * row.size and row.overlaps(last):
                group.append(row)
                break
        else:
            groups.append([row])
    return [g for g in groups if len(g) >= MIN_NUMERIC_ROWS]


def aligned_columns(rows: list[NumericRow]) -> int:
    """How many x positions hold a number in most rows (by right edge, centre or left edge)."""
    need = max(MIN_NUMERIC_ROWS, (len(rows) + 1) // 2)
    best = 0
    for key in (lambda w: w.x1, lambda w: (w.x0 + w.x1) / 2, lambda w: w.x0):
        points = sorted((key(w), i) for i, row in enumerate(rows) for w in row.numbers)
        count, cluster_start, members = 0, None, set()
        for x, i in points + [(float("inf"), -1)]:
            if cluster_start is None or x - cluster_start > ALIGN_TOLERANCE:
                count += len(members) >= need
                cluster_start, members = x, set()
            members.add(i)
        best = max(best, count)
    return best


def _column_bounds(words: list[Word], x0: float, x1: float, min_gutter: float) -> tuple[float, float]:
    """The page column holding [x0, x1], or the whole text width when the rows cross a gutter."""
    left, right = min(w.x0 for w in words), max(w.x1 for w in words)
    gutters = find_gutters(words, left, right, min_gutter)
    if any(x0 < (g0 + g1) / 2 < x1 for g0, g1 in gutters):
        return left, right
    for g0, g1 in gutters:
        if g1 <= x0:
            left = max(left, g1)
        elif g0 >= x1:
            right = min(right, g0)
    return left, right


def _region(group: list[NumericRow], bounds: tuple[float, float]) -> tuple[float, float]:
    """Left edge from the row labels inside the page column, right edge from the last numbers.

    Labels form a column: an edge is taken only where a third of the rows start a
    label (indented ones within 1.5 em), so one stray fragment cannot widen the table.
    """
    lo, hi = bounds
    numbers_x0 = min(r.x0 for r in group)
    starts = sorted(_label_start(row, lo) for row in group if row.labels)
    x0 = numbers_x0
    for start in starts:
        em = 1.5 * median(r.size for r in group)
        if sum(1 for other in starts if start <= other <= start + em) * 3 >= len(group):
            x0 = min(x0, start)
            break
    return x0, min(max(r.x1 for r in group), hi + 1)


def _label_start(row: NumericRow, lo: float) -> float:
    """The leftmost label of the row that is still inside the page column."""
    start = row.x0
    for label_x0 in row.labels:
        if label_x0 < lo - 1:
            break
        start = label_x0
    return start


def _header(words: list[Word], box: BBox, bounds: tuple[float, float], rules: list[float]) -> BBox:
    """The box widened by the header lines right above the first numeric row.

    A rule between the header and the body is crossed; the next rule up is the table's top.
    """
    x0, top, x1, bottom = box
    lo, hi = bounds
    above = [w for w in words if lo - 1 <= (w.x0 + w.x1) / 2 <= hi + 1 and w.bottom <= top + 1]
    edge, taken = top, 0
    for line in reversed(text_lines(above, attach_marks=False)[-MAX_HEADER_LINES:]):
        size = median(w.size for w in line)
        line_top, line_bottom = min(w.top for w in line), max(w.bottom for w in line)
        # The body may sit a little further below its header than header lines below each other.
        if edge - line_bottom > (1.0 if taken else 1.5) * size:
            break
        if taken and any(line_bottom <= y <= edge for y in rules):
            break
        if not _is_header_line(line, x0, x1, size):
            break
        edge, taken = line_top, taken + 1
        x0, x1 = min(x0, line[0].x0), max(x1, line[-1].x1)
    return x0, edge, x1, bottom


def _is_header_line(line: list[Word], x0: float, x1: float, size: float) -> bool:
    """Short cells over the table's width; a lone cell over the label column is a caption or prose."""
    if line[0].x0 < x0 - 2 * size or line[-1].x1 > x1 + 4 * size:
        return False
    frags = fragments(line, CELL_GAP_EM * size)
    if any(len(frag) > MAX_HEADER_WORDS for frag in frags):
        return False
    return len(frags) >= 2 or frags[0][0].x0 > x0 + size


def _continued(words: list[Word], box: BBox, numbers_x0: float) -> float:
    """The bottom of the box taken down over a wrapped label below the last row."""
    x0, _, x1, bottom = box
    below = [w for w in words if x0 - 1 <= (w.x0 + w.x1) / 2 <= x1 + 1 and w.top >= bottom - 1]
    for line in text_lines(below, attach_marks=False)[:MAX_CONTINUATION_LINES]:
        size = median(w.size for w in line)
        if min(w.top for w in line) - bottom > 0.6 * size or line[-1].x1 > numbers_x0 or line[0].x0 < x0 - 1:
            break
        if len(line) > MAX_LABEL_WORDS:
            break
        bottom = max(w.bottom for w in line)
    return bottom


def _table(words: list[Word], page_number: int, box: BBox, body_top: float) -> Table | None:
    inside = words_in(words, box)
    grid = build_grid(inside, header_bottom=body_top)
    if grid is None or grid.n_columns < 2:
        return None
    rows = [grid.cells(line) for line in grid.lines]
    body = rows[grid.body_start :]
    values = [c for row in body for c in row[1:] if c]
    numeric_rows = sum(1 for row in body if sum(is_numeric_cell(c) for c in row) >= 2)
    if not values or sum(is_numeric_cell(c) for c in values) < MIN_NUMERIC_SHARE * len(values):
        return None
    if numeric_rows < MIN_NUMERIC_ROWS:
        return None
    # Tight around the words, but never beyond the region: the bbox later decides which words leave the prose.
    bbox = (
        max(box[0], min(w.x0 for w in inside)),
        max(box[1], min(w.top for w in inside)),
        min(box[2], max(w.x1 for w in inside)),
        min(box[3], max(w.bottom for w in inside)),
    )
    return Table(page=page_number, bbox=bbox, rows=[row for row in rows if any(row)])


def find_aligned_tables(words: list[Word], page_number: int, rules: list[float], min_gutter: float = 7.0) -> list[Table]:
    """Tables of aligned numbers among these words.

    `rules` are the y of the page's horizontal rules (one above a header is the
    table's top); a table stays inside its page column, found with `min_gutter`.
    """
    rows = [r for r in (numeric_row(line) for line in text_lines(words, attach_marks=False)) if r is not None]
    if len(rows) < MIN_NUMERIC_ROWS:
        return []
    tables: list[Table] = []
    for group in group_rows(rows):
        if aligned_columns(group) < 2:
            continue
        bounds = _column_bounds(words, min(r.x0 for r in group), max(r.x1 for r in group), min_gutter)
        x0, x1 = _region(group, bounds)
        body_top = group[0].top
        numbers_x0 = min(w.x0 for r in group for w in r.numbers)
        bottom = _continued(words, (x0, body_top, x1, group[-1].bottom), numbers_x0)
        box = _header(words, (x0, body_top, x1, bottom), bounds, rules)
        table = _table(words, page_number, box, body_top)
        if table is not None:
            tables.append(table)
    return tables
