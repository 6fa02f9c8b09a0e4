"""Tables, kept out of the prose: ruled grids, tables ruled only horizontally, tables of aligned numbers.

Ruled grids are found by pdfplumber's line-based table finder. Tables without
vertical rules are found in two further passes over the words the first left:
regions between horizontal rules (booktabs.py), then columns of numbers aligned
by white space alone (aligned.py).
"""

from __future__ import annotations

from ..model import Table
from .aligned import find_aligned_tables
from .booktabs import find_booktabs_tables, has_graphics, horizontal_rules
from .grid import inside
from .layout import Word
from .text import normalize_text


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
        rows = [[normalize_text(cell or "") for cell in row] for row in found.extract()]
        rows = [row for row in rows if any(row)]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            tables.append(Table(page=page_number, bbox=tuple(found.bbox), rows=rows))
    return tables


def outside(words: list[Word], tables: list[Table]) -> list[Word]:
    """The words not printed inside any of the tables."""
    if not tables:
        return words
    return [w for w in words if not any(inside(t.bbox, w.x0, w.top, w.x1, w.bottom) for t in tables)]


__all__ = ["find_tables", "find_ruled_tables", "inside", "outside"]
