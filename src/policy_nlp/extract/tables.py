"""Tables, kept out of the prose: ruled grids, tables ruled only horizontally, tables of aligned numbers.

Ruled grids are found by pdfplumber's line-based table finder. Tables without
vertical rules are found in two further passes over the words the first left:
regions between horizontal rules (booktabs.py), then columns of numbers aligned
by white space alone (aligned.py).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..model import Line, Table
from .aligned import find_aligned_tables
from .booktabs import find_booktabs_tables, has_graphics, horizontal_rules
from .decode import drop_cid_tokens
from .grid import inside, is_filler, is_numeric_cell
from .layout import Word
from .text import join_lines, normalize_text


def find_tables(page, page_number: int, words: list[Word] | None = None, min_gutter: float = 7.0) -> list[Table]:
    """Tables with at least two rows and two columns of text.

    `words` (the page's words) enables the passes for tables without rules;
    `min_gutter` is the narrowest white strip between two page columns (layout.py).
    """
    tables = find_ruled_tables(page, page_number)
    if not words:
        return tables  # repaired already
    rest = outside(words, tables)
    rules = horizontal_rules(page) if len(page.lines) + len(page.rects) >= 2 else []
    if len(rules) >= 2:
        found = find_booktabs_tables(page, page_number, rest, rules, [t.bbox for t in tables])
        tables += found
        rest = outside(rest, found)
    aligned = find_aligned_tables(rest, page_number, [r.y for r in rules], min_gutter)
    # Value labels of a chart line up too; the chart's bars and curves give it away.
    tables += [t for t in aligned if not has_graphics(page, t.bbox)]
    for table in tables:
        table.rows = repair_rows(table.rows)
    return tables


def repair_rows(rows: list[list[str]]) -> list[list[str]]:
    """Cells as printed: digits set apart rejoined ("0 3 / 2 5 / 2 0 16" -> "03/25/2016"), then
    rows stacked into one cell each split (five states over five numbers -> five rows). Glyphs
    that do not decode ("(cid:12)") are left out, as in the prose."""
    return [split for row in rows for split in split_stacked([rejoin_characters(drop_cid_tokens(c)) for c in row])]


# A run of one- or two-character pieces of a number or date, at least four of them.
_PIECES = re.compile(r"(?<![^\s(])(?:[\d/.,:\-]{1,2} ){3,}[\d/.,:\-]{1,4}(?![^\s)%])")
_WHOLE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d{1,2}:\d{2}(?::\d{2})?|\d{1,2}-\d{1,2}-\d{2,4}")


def rejoin_characters(text: str) -> str:
    """Numbers and dates whose characters a letter-spaced font set apart, joined again.

    Only a run that holds a separator (/ . , : -) and reads as one date, time or number once
    joined is touched: "1 2 3 4" may well be four counts side by side."""
    if not text or " " not in text:
        return text

    def join(m: re.Match) -> str:
        joined = m.group(0).replace(" ", "")
        return joined if _WHOLE.fullmatch(joined) else m.group(0)

    return _PIECES.sub(join, text)


def split_stacked(row: list[str]) -> list[list[str]]:
    """A row whose cells each hold the same number (two or more) of lines, one per row of the
    table, as several rows; a ruled grid missing its inner horizontal rules prints them so.

    It is a stack only when some cell's lines are all numbers and every cell holding several
    lines holds exactly that many (empty cells stay empty): a label wrapped over two lines
    beside one-line numbers is not."""
    lines = [cell.split("\n") if cell else [] for cell in row]
    counts = {len(parts) for parts in lines if len(parts) > 1}
    if len(counts) != 1 or any(len(parts) == 1 for parts in lines):
        return [row]
    n = counts.pop()
    if not any(all(is_numeric_cell(part) or is_filler(part) for part in parts) and any(is_numeric_cell(p) for p in parts)
               for parts in lines if parts):
        return [row]
    return [[parts[k].strip() if parts else "" for parts in lines] for k in range(n)]


def find_ruled_tables(page, page_number: int) -> list[Table]:
    """Tables drawn as a grid of lines or boxes."""
    # Most prose pages have no ruling at all; skip the table finder for them.
    if len(page.lines) + len(page.rects) < 4:
        return []
    tables: list[Table] = []
    for found in page.find_tables():
        found = _with_open_sides(page, found)
        raw = _cell_texts(found, page.chars)
        # Per drawn row, the rows it holds: headers split over their columns, else rows split at its label's lines.
        by_label = _split_by_label_lines(found, page.chars, raw)
        texts = [row for spans, labels in zip(_split_spanning_headers(found, page.chars, raw), by_label)
                 for row in (labels if len(labels) > 1 else spans)]
        rows = [[normalize_text(cell or "") for cell in row] for row in texts]
        rows = [row for row in rows if any(row)]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2 and not is_frame(rows):
            tables.append(Table(page=page_number, bbox=tuple(found.bbox), rows=repair_rows(rows)))
    return tables


# Two numbers side by side ("1.35- 1.42 1.38- 1.43", "41.25 39.38"), no word between them.
_NUMBERS_SIDE_BY_SIDE = re.compile(r"(?<!\S)[($]?\d[\d.,]*[%)]?[-–]?\s+[($]?\d[\d.,]*[%)]?(?!\S)")
_LETTERS = re.compile(r"[A-Za-z]{2,}")
# Lines of one cell that read as rows of a table inside it (a label, then numbers).
MIN_INNER_ROWS = 3


def is_frame(rows: list[list[str]]) -> bool:
    """A ruled grid that only boxes the page's parts: some cell holds a whole table of its own.

    A newsletter draws a box per group of rows and one beside them for a chart; pdfplumber
    reads the boxes as a two-column table whose cells hold every line of the table inside
    ("Iowa 1.35- 1.42 1.38- 1.43 ..."). A cell is such a table when at least three of its lines,
    and half of them, hold a label and numbers side by side. A stacked cell (one number a line),
    a wrapped label or a list of names with their figures ("Aldi 90; Metro 33") is not. The words inside a frame are left to the passes for tables
    without vertical rules, which find the table itself."""
    for row in rows:
        for cell in row:
            lines = [line for line in (cell or "").split("\n") if line.strip()]
            if len(lines) < MIN_INNER_ROWS:
                continue
            inner = sum(1 for line in lines if _NUMBERS_SIDE_BY_SIDE.search(line) and _LETTERS.search(line))
            if inner >= MIN_INNER_ROWS and 2 * inner >= len(lines):
                return True
    return False


MAX_SPLIT_CELL = 60  # characters; a longer piece of a cell is prose, never one row's figure
OPEN_SIDE = 10.0  # points a rule runs past the grid's outer vertical before that side counts as open


def _with_open_sides(page, found):
    """The grid again, with its outer columns, when its rules run on past its outer verticals.

    A Federal Register table draws its rules over the whole width but vertical rules only
    between columns: pdfplumber closes no cell at either side and drops the first and last
    columns (the row labels among them). The rules' ends are taken as the missing sides."""
    x0, top, x1, bottom = found.bbox
    ends = [(line["x0"], line["x1"]) for line in page.lines
            if abs(line["top"] - line["bottom"]) <= 1 and (abs(line["top"] - top) <= 1 or abs(line["top"] - bottom) <= 1)]
    left, right = min((a for a, _ in ends), default=x0), max((b for _, b in ends), default=x1)
    if left > x0 - OPEN_SIDE and right < x1 + OPEN_SIDE:
        return found
    sides = [{"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top, "object_type": "line"}
             for x in (left, right)]
    wider = [t for t in page.find_tables({"explicit_vertical_lines": sides})
             if t.bbox[0] <= x0 + 1 and t.bbox[2] >= x1 - 1 and t.bbox[1] <= top + 1 and t.bbox[3] >= bottom - 1]
    return min(wider, key=lambda t: (t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1])) if wider else found


def _split_by_label_lines(found, chars: list[dict], texts: list[list[str | None]]) -> list[list[list[str | None]]]:
    """Rows a grid drew as one, split at the lines of their row label.

    Without rules between rows, pdfplumber puts two rows in one ("Stabilizer wiring change /
    AOA sensor system test"), and a wrapped cell beside them ("Up to 79 work-hours × $85 per
    hour = / Up to $6,715.") keeps split_stacked from pairing lines one to one. Each line of the
    label cell starts a row; every line of the other cells goes with the label line at or above
    it. Only when every other filled cell has at least as many lines: a label wrapped beside
    one-line figures stays one row."""
    from pdfplumber.utils import extract_words

    out: list[list[list[str | None]]] = []  # the rows each drawn row holds
    for row, cells in zip(found.rows, texts):
        boxes = list(row.cells)
        first = next((j for j, c in enumerate(cells) if c), None)
        if first is None or len(boxes) != len(cells) or boxes[first] is None:
            out.append([cells])
            continue
        label_lines = _line_tops(_chars_in(chars, boxes[first]))
        others = [j for j, c in enumerate(cells) if c and j != first and boxes[j] is not None]
        if len(label_lines) < 2 or not others or any(len(_line_tops(_chars_in(chars, boxes[j]))) < len(label_lines) for j in others):
            out.append([cells])
            continue
        split: list[list[str | None]] = [[None] * len(cells) for _ in label_lines]
        for j, box in enumerate(boxes):
            if box is None or not cells[j]:
                continue
            for word in extract_words(_chars_in(chars, box)):
                k = max(0, bisect_right(label_lines, word["top"] + 2) - 1)
                split[k][j] = f"{split[k][j]} {word['text']}" if split[k][j] else word["text"]
        # Each row so made has figures of its own, and no cell reads as prose; else the lines
        # were one row's wrapped text.
        if all(any(c and j != first and re.search(r"\d", c) for j, c in enumerate(part)) for part in split) and not any(
                len(re.sub(r"\.{2,}", "", c or "")) > MAX_SPLIT_CELL for part in split for c in part):
            out.append(split)
        else:
            out.append([cells])
    return out


def _chars_in(chars: list[dict], box) -> list[dict]:
    x0, top, x1, bottom = box
    return [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= (c["top"] + c["bottom"]) / 2 < bottom]


def _line_tops(chars: list[dict]) -> list[float]:
    tops: list[float] = []
    for c in sorted(chars, key=lambda c: c["top"]):
        if c["text"].strip() and (not tops or c["top"] - tops[-1] > 2):
            tops.append(c["top"])
    return tops


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


HEADER_ROWS_TO_SPLIT = 3


def _split_spanning_headers(found, chars: list[dict], texts: list[list[str | None]]) -> list[list[list[str | None]]]:
    """Header cells drawn over several columns whose words each stand over one column, split.

    "Permit Handgun Long Gun *Other **Multiple Admin" in one box over six columns is six headers;
    a line whose words all fall over one column ("Pre-Pawn", centred) is a group label over
    them all, and goes in a row of its own above. Without this every number under the box would
    take the whole string for its column."""
    from pdfplumber.utils import extract_words

    edges = sorted({round(cell[0], 1) for row in found.rows for cell in row.cells if cell is not None})
    out: list[list[list[str | None]]] = []  # the rows each drawn row holds
    for i, (row, cells) in enumerate(zip(found.rows, texts)):
        # A box over the whole width is the table's title, not a header.
        spans = [(j, k) for j, k in _spans(row.cells) if k - j < len(row.cells)] if i < HEADER_ROWS_TO_SPLIT else []
        if not spans:
            out.append([cells])
            continue
        above: list[str | None] = [None] * len(cells)
        below: list[str | None] = list(cells)
        for j, k in spans:
            x0, top, x1, bottom = row.cells[j]
            inside_box = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= (c["top"] + c["bottom"]) / 2 < bottom]
            columns = [edges.index(e) for e in edges if x0 - 1 <= e < x1 - 1]
            lines: dict[float, list[dict]] = {}
            for word in extract_words(inside_box):
                key = next((t for t in lines if abs(t - word["top"]) < 2), word["top"])
                lines.setdefault(key, []).append(word)
            parts: dict[int, list[str]] = {}
            spanning: list[str] = []
            for n, top_of_line in enumerate(sorted(lines)):
                words = lines[top_of_line]
                at = [_column_at(edges, (w["x0"] + w["x1"]) / 2) for w in words]
                # Only the last line can hold the headers of the columns; lines above it label the group.
                if n == len(lines) - 1 and len(set(at)) >= 2:
                    for column, word in zip(at, words):
                        parts.setdefault(column, []).append(word["text"])
                else:
                    spanning.append(" ".join(w["text"] for w in words))
            if not parts:
                continue
            offset = j - columns[0] if columns else j
            above[j] = " ".join(spanning) or None
            for column in range(j, k):
                below[column] = " ".join(parts.get(column - offset, [])) or None
        out.append([above, below] if any(above) else [below])
    return out


def _spans(cells: list) -> list[tuple[int, int]]:
    """(first, end) column indices of each cell that covers the empty (None) cells after it."""
    spans = []
    for j, cell in enumerate(cells):
        if cell is None:
            continue
        k = j + 1
        while k < len(cells) and cells[k] is None:
            k += 1
        if k > j + 1:
            spans.append((j, k))
    return spans


def _column_at(edges: list[float], x: float) -> int:
    return max(0, bisect_right(edges, x) - 1)


def outside(words: list[Word], tables: list[Table]) -> list[Word]:
    """The words not printed inside any of the tables."""
    if not tables:
        return words
    return [w for w in words if not any(inside(t.bbox, w.x0, w.top, w.x1, w.bottom) for t in tables)]


_CAPTION = re.compile(r"^(?:Table|TABLE|Tab\.|Exhibit|EXHIBIT|表)\s*[0-9A-Z]+[0-9A-Za-z.\-–]*[.:：]?(?:\s|$|(?<=\d)(?=[\u4e00-\u9fff]))")
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


__all__ = ["attach_captions", "find_tables", "find_ruled_tables", "inside", "is_frame", "outside", "rejoin_characters", "repair_rows",
           "split_stacked"]
