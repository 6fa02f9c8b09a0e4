"""Tables ruled only horizontally (booktabs: a top rule, a rule below the header, a bottom rule).

pdfplumber's line strategy needs a closed grid, so these stay in the running
text. Here a table is a run of equally long horizontal rules with cell-like text
between them: no slab between two rules may hold prose, and the text must fall
into at least two columns (grid.py). Rules around a figure (a plot's frame,
bars) are told apart by the graphics between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from ..model import BBox, Table
from .grid import Grid, build_grid, fragments, is_numeric_cell, text_lines, words_in
from .layout import Word

MAX_RULE_THICKNESS = 2.5  # thicker filled rects are shading or bars, not rules
MIN_RULE_LENGTH = 40.0
SAME_Y = 1.0  # the same rule drawn twice (line and rect) or in segments
RULE_EXTENT_TOLERANCE = 4.0  # rules of one table start and end together
PROSE_GAP_EM = 0.9  # a line whose word gaps are all narrower reads as running text
HEADER_GAP_EM = 0.8  # a wider gap parts two column headers on one line
MAX_HEADER_WORDS = 4  # per column header; a caption or a prose line has more


@dataclass
class Rule:
    x0: float
    x1: float
    y: float


def horizontal_rules(page) -> list[Rule]:
    """Visible horizontal rules, duplicates and collinear segments merged."""
    found: list[Rule] = []
    for line in page.lines:
        if abs(line["top"] - line["bottom"]) <= SAME_Y:
            found.append(Rule(line["x0"], line["x1"], (line["top"] + line["bottom"]) / 2))
    for rect in page.rects:
        if rect["height"] <= MAX_RULE_THICKNESS and (rect.get("fill") or rect.get("stroke")):
            found.append(Rule(rect["x0"], rect["x1"], (rect["top"] + rect["bottom"]) / 2))
    return [r for r in _merge_rules(found) if r.x1 - r.x0 >= MIN_RULE_LENGTH]


def _merge_rules(rules: list[Rule]) -> list[Rule]:
    """Rules at one height that touch or overlap become one."""
    rows: list[list[Rule]] = []
    for r in sorted(rules, key=lambda r: r.y):
        if rows and r.y - rows[-1][0].y <= SAME_Y:
            rows[-1].append(r)
        else:
            rows.append([r])
    merged: list[Rule] = []
    for row in rows:
        start = len(merged)
        for r in sorted(row, key=lambda r: r.x0):
            if len(merged) > start and r.x0 <= merged[-1].x1 + 3:
                merged[-1].x1 = max(merged[-1].x1, r.x1)
            else:
                merged.append(Rule(r.x0, r.x1, r.y))
    return merged


def rule_runs(rules: list[Rule]) -> list[list[Rule]]:
    """Rules of equal extent, top to bottom; a table's rules are among one such group."""
    groups: list[list[Rule]] = []
    for r in sorted(rules, key=lambda r: r.y):
        for group in groups:
            g = group[0]
            if abs(g.x0 - r.x0) <= RULE_EXTENT_TOLERANCE and abs(g.x1 - r.x1) <= RULE_EXTENT_TOLERANCE:
                if r.y - group[-1].y > 2 * MAX_RULE_THICKNESS:  # a double rule counts once
                    group.append(r)
                break
        else:
            groups.append([r])
    return [g for g in groups if len(g) >= 2]


def is_prose_line(line: list[Word], width: float) -> bool:
    """Running text: long, many words, no gap wide enough to part two cells."""
    if len(line) < 5 or line[-1].x1 - line[0].x0 < 0.5 * width:
        return False
    size = median(w.size for w in line)
    return len(fragments(line, PROSE_GAP_EM * size)) == 1


def _slab_is_prose(words: list[Word], width: float) -> bool:
    """Half its lines running text, or two of them: a table holds at most one spanning note."""
    lines = text_lines(words)
    prose = sum(is_prose_line(line, width) for line in lines)
    return bool(lines) and (prose >= 2 or prose * 2 >= len(lines))


def candidate_regions(group: list[Rule], words: list[Word]) -> list[list[Rule]]:
    """Runs of consecutive rules with table-like text between each pair.

    A slab of prose (a caption between two tables sharing a column's width) or an
    empty slab ends a run.
    """
    x0, x1 = min(r.x0 for r in group), max(r.x1 for r in group)
    runs: list[list[Rule]] = [[group[0]]]
    for upper, lower in zip(group, group[1:]):
        slab = words_in(words, (x0, upper.y, x1, lower.y))
        if slab and not _slab_is_prose(slab, x1 - x0):
            runs[-1].append(lower)
        else:
            runs.append([lower])
    return [run for run in runs if len(run) >= 2]


def has_graphics(page, box: BBox) -> bool:
    """Curves, slanted lines or boxes inside the region: a chart, not a table."""
    x0, top, x1, bottom = box
    width = x1 - x0

    def within(obj) -> bool:
        return obj["x0"] >= x0 - 2 and obj["x1"] <= x1 + 2 and obj["top"] >= top - 2 and obj["bottom"] <= bottom + 2

    if any(within(c) for c in page.curves):
        return True
    if any(within(l) and abs(l["x0"] - l["x1"]) > 1 and abs(l["top"] - l["bottom"]) > 1 for l in page.lines):
        return True
    # Row shading spans the table; a bar or a legend box does not.
    boxes = [r for r in page.rects if within(r) and min(r["width"], r["height"]) > MAX_RULE_THICKNESS and r["width"] < 0.9 * width]
    return len(boxes) >= 2


def table_from_grid(grid: Grid, page_number: int, box: BBox, slabs: list[float], inner_verticals: bool) -> Table | None:
    """Rows of cells; text tables with several ruled rows take one row per slab.

    Text side by side between two rules may be two lists or two columns of prose:
    a table of text needs a vertical rule between its columns or a column of short keys.
    """
    line_rows = [grid.cells(line) for line in grid.lines]
    text_table = _is_text_table(line_rows)
    if text_table and not (inner_verticals or _has_key_column(line_rows)):
        return None
    rows = _rows_by_slab(grid, slabs) if text_table and len(slabs) > 3 else line_rows
    rows = [row for row in rows if any(row)]
    if not _looks_tabular(rows) or not (text_table or _has_amounts(rows)):
        return None
    return Table(page=page_number, bbox=box, rows=rows)


_YEAR = re.compile(r"(?:1[89]|20)\d\d")


def _has_amounts(rows: list[list[str]]) -> bool:
    """Two cells or more hold a number that is not a year. Short cells of letters and years
    between two gridlines of a chart (month initials, a legend "2017 2016 5 Yr Avg") are no table."""
    return sum(1 for row in rows for c in row if is_numeric_cell(c) and not _YEAR.fullmatch(c.strip())) >= 2


def _has_key_column(rows: list[list[str]]) -> bool:
    """The first column holds short labels (a term, a name) in most rows."""
    keys = [row[0] for row in rows if row[0]]
    return len(keys) >= 3 and sum(len(k.split()) <= 3 for k in keys) >= 0.8 * len(keys)


def has_inner_verticals(page, box: BBox) -> bool:
    """A vertical rule inside the region, away from its sides: columns drawn apart."""
    x0, top, x1, bottom = box
    return any(
        abs(line["x0"] - line["x1"]) <= SAME_Y and x0 + 3 < line["x0"] < x1 - 3 and line["top"] >= top - 2 and line["bottom"] <= bottom + 2
        for line in page.lines
    )


def _is_text_table(rows: list[list[str]]) -> bool:
    cells = [c for row in rows for c in row if c]
    numeric = sum(is_numeric_cell(c) for c in cells)
    words = sum(len(c.split()) for c in cells)
    return bool(cells) and numeric < 0.25 * len(cells) and words >= 3 * len(cells)


def _rows_by_slab(grid: Grid, slabs: list[float]) -> list[list[str]]:
    """One row per slab between two rules, the cell's lines joined by newlines."""
    rows: list[list[str]] = []
    for top, bottom in zip(slabs, slabs[1:]):
        lines = [line for line in grid.lines if top <= (line[0][0].top + line[0][0].bottom) / 2 <= bottom]
        cells = [grid.cells(line) for line in lines]
        rows.append(["\n".join(c[i] for c in cells if c[i]) for i in range(grid.n_columns)])
    return rows


def _looks_tabular(rows: list[list[str]]) -> bool:
    """At least two columns in practice: two rows with two filled cells, a grid mostly filled."""
    if not rows or len(rows[0]) < 2:
        return False
    multi = sum(1 for row in rows if sum(1 for c in row if c) >= 2)
    filled = sum(1 for row in rows for c in row if c)
    return multi >= 2 and filled >= 0.4 * len(rows) * len(rows[0])


def find_booktabs_tables(page, page_number: int, words: list[Word], rules: list[Rule], taken: list[BBox]) -> list[Table]:
    """Tables between the page's horizontal `rules`, outside the regions in `taken`."""
    tables: list[Table] = []
    for group in rule_runs(rules):
        for run in candidate_regions(group, words):
            box = (min(r.x0 for r in run), run[0].y, max(r.x1 for r in run), run[-1].y)
            if any(_overlaps(box, t) for t in taken) or has_graphics(page, box):
                continue
            header = header_above(words, box, rules)
            if header is not None:
                box = (box[0], header, box[2], box[3])
            table = _region_table(page, page_number, box, run, words_in(words, box), header is not None)
            if table is not None:
                tables.append(table)
                taken = taken + [box]
    return tables


def header_above(words: list[Word], box: BBox, rules: list[Rule]) -> float | None:
    """The top of a line of column headers set right above the region's top rule, or None.

    A table boxed group by group (a box per commodity, a rule under each) prints its column
    headers once, above the first box. Such a line sits within half a line of the rule, with
    nothing ruled in between but the underlines of its own words, and reads as headers: two
    or more short cells, none over the row labels' edge alone. A caption or prose above a
    table is one long fragment and is never taken."""
    x0, top, x1, _ = box
    above = [w for w in words if x0 - 1 <= (w.x0 + w.x1) / 2 <= x1 + 1 and w.bottom <= top + 1]
    if not above:
        return None
    line = text_lines(above, attach_marks=False)[-1]
    size = median(w.size for w in line)
    line_top, line_bottom = min(w.top for w in line), max(w.bottom for w in line)
    if top - line_bottom > 0.6 * size:
        return None
    if any(line_bottom - 1 < r.y < top - SAME_Y and r.x1 - r.x0 > 0.5 * (x1 - x0) for r in rules):
        return None
    frags = fragments(line, HEADER_GAP_EM * size)
    if len(frags) < 2 or any(len(frag) > MAX_HEADER_WORDS for frag in frags) or frags[-1][-1].x0 < x0 + 0.3 * (x1 - x0):
        return None
    return line_top - 1


def _region_table(page, page_number: int, box: BBox, run: list[Rule], words: list[Word], header_on_top: bool = False) -> Table | None:
    # The first rule below the top one closes the header (booktabs' midrule); with the header
    # line above the top rule, the top rule does.
    grid = build_grid(words, header_bottom=run[0].y if header_on_top else run[1].y) if words else None
    if grid is None:
        return None
    return table_from_grid(grid, page_number, box, [r.y for r in run], has_inner_verticals(page, box))


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

