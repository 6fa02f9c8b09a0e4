"""Tables, kept out of the prose: ruled grids, tables ruled only horizontally, tables of aligned numbers.

Ruled grids are found by pdfplumber's line-based table finder. Tables without
vertical rules are found in two further passes over the words the first left:
regions between horizontal rules (booktabs.py), then columns of numbers aligned
by white space alone (aligned.py).
"""

from __future__ import annotations

import re

from ..model import Line, Table
from .aligned import find_aligned_tables
from .booktabs import find_booktabs_tables, has_graphics, horizontal_rules
from .grid import inside
from .layout import Word
from .text import join_lines, normalize_text


def find_tables(page, page_number: int, words: list[Word] | None = None, min_gutter: float = 7.0) -> list[Table]:
    """Tables with at least two rows and two columns of text.

    `words` (the page's words) enables the passes for tables without rules;
    `min_gutter` is the narrowest white strip between two page columns (layout.py).
    """
    tables = find_ruled_tables(page, page_number)
    if not words:
        return tables
    rest = outside(words, tables)
    rules = horizontal_rules(page) if len(page.lines) + len(page.rects) >= 2 else []
    if len(rules) >= 2:
        found = find_booktabs_tables(page, page_number, rest, rules, [t.bbox for t in tables])
        tables += found
        rest = outside(rest, found)
    aligned = find_aligned_tables(rest, page_number, [r.y for r in rules], min_gutter)
    # Value labels of a chart line up too; the chart's bars and curves give it away.
    tables += [t for t in aligned if not has_graphics(page, t.bbox)]
    return tables


def find_ruled_tables(page, page_number: int) -> list[Table]:
    """Tables drawn as a grid of lines or boxes."""
    # Most prose pages have no ruling at all; skip the table finder for them.
    if len(page.lines) + len(page.rects) < 4:
        return []
    tables: list[Table] = []
    for found in page.find_tables():
        rows = [[normalize_text(cell or "") for cell in row] for row in _cell_texts(found, page.chars)]
        rows = [row for row in rows if any(row)]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            tables.append(Table(page=page_number, bbox=tuple(found.bbox), rows=rows))
    return tables


class _CharsOnly:
    """Stands for the page in a pdfplumber table: its extract() reads only `.chars`."""

    def __init__(self, chars: list[dict]) -> None:
        self.chars = chars


def _cell_texts(found, chars: list[dict]) -> list[list[str | None]]:
    """found.extract(), given only the characters inside the table.

    pdfplumber tests every character of the page against every row; a row lies inside the
    table's box, so the characters outside it (the prose around a table) can be left out first,
    with the same midpoint test.
    """
    from pdfplumber.table import Table as PlumberTable

    x0, top, x1, bottom = found.bbox
    inside_box = [
        c for c in chars
        if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= (c["top"] + c["bottom"]) / 2 < bottom
    ]
    return PlumberTable(_CharsOnly(inside_box), found.cells).extract()


def outside(words: list[Word], tables: list[Table]) -> list[Word]:
    """The words not printed inside any of the tables."""
    if not tables:
        return words
    return [w for w in words if not any(inside(t.bbox, w.x0, w.top, w.x1, w.bottom) for t in tables)]


_CAPTION = re.compile(r"^(?:Table|TABLE|Tab\.|Exhibit|EXHIBIT|表)\s*[0-9A-Z]+[0-9A-Za-z.\-–]*[.:：]?(?:\s|$)")
# How far (points) a caption may sit above or below its table.
CAPTION_GAP = 36.0


def attach_captions(tables: list[Table], lines: list[Line]) -> None:
    """Give each table the caption line nearest above it ("Table 3: Results ..."), else below it.

    A caption must overlap the table horizontally and start like one; the search is by lines so a
    caption is found whether it is typeset above (reports) or below (some papers) the table."""
    for table in tables:
        x0, top, x1, bottom = table.bbox
        best: tuple[float, Line] | None = None
        for line in lines:
            if not _CAPTION.match(line.text) or line.bbox[2] < x0 or line.bbox[0] > x1:
                continue
            if 0 <= top - line.bbox[3] <= CAPTION_GAP:
                gap = top - line.bbox[3]
            elif 0 <= line.bbox[1] - bottom <= CAPTION_GAP:
                gap = line.bbox[1] - bottom + CAPTION_GAP  # above wins over below
            else:
                continue
            if best is None or gap < best[0]:
                best = (gap, line)
        if best is not None:
            table.caption = join_lines(line.text.strip() for line in _caption_lines(best[1], lines, table))


def _caption_lines(first: Line, lines: list[Line], table: Table, most: int = 4) -> list[Line]:
    """The caption's first line and the lines that continue it ("Table 1: Number of questions in
    each QA dataset. The" goes on below): next lines a line-height apart, over the same stretch,
    never into the table."""
    out = [first]
    height = max(first.bbox[3] - first.bbox[1], 1.0)
    while len(out) < most:
        last = out[-1]
        following = [
            line for line in lines
            if 0 <= line.bbox[1] - last.bbox[3] <= 0.8 * height and line.bbox[0] < last.bbox[2] and line.bbox[2] > last.bbox[0]
            and not (line.bbox[3] > table.bbox[1] and line.bbox[1] < table.bbox[3]) and not _CAPTION.match(line.text)
        ]
        if not following or (last.bbox[3] <= table.bbox[1] < following[0].bbox[3]):
            break
        out.append(min(following, key=lambda line: line.bbox[1]))
    return out


__all__ = ["attach_captions", "find_tables", "find_ruled_tables", "inside", "outside"]
