"""Chinese test documents for benchmarks/chinese.py: hand-written sources rendered to PDF.

A source (benchmarks/gold/chinese/sources/*.txt) is written by hand like a provincial report. Lines:

    title: ...                         the title printed atop page 1
    running_head: ...                  printed atop every page after the first
    H|level|number|text|role           a heading ("一", "（一）", "第一章", "1", "(1)")
    P|text                             a paragraph; each figure is marked by hand:
                                       [[raw|value|unit|kind|subject|period|place]]
    T|caption|unit line|header,..|cell,..;cell,..   a ruled table (numbers in cells scaled by the unit line)

The first comment line names the layout: one-column, two-column or compact. Rendering is
deterministic (reportlab, the built-in CID font STSong-Light), so each figure's page is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FONT = "STSong-Light"
MARK = re.compile(r"\[\[([^\]|]*)\|([^\]|]*)\|([^\]|]*)\|([^\]|]*)\|([^\]|]*)\|([^\]|]*)\|([^\]|]*)\]\]")
_TABLE_SCALE = {"单位：万元": (1e4, "CNY"), "单位：亿元": (1e8, "CNY"), "单位：元": (1.0, "CNY"), "单位：万人": (1e4, "")}

LAYOUTS = {
    # body size, leading, heading sizes by level, columns, title size
    "one-column": {"body": 10.5, "lead": 18, "h": {1: 16, 2: 12.5}, "columns": 1, "title": 20},
    "two-column": {"body": 9.5, "lead": 15, "h": {1: 14, 2: 11}, "columns": 2, "title": 18},
    "compact": {"body": 10, "lead": 16, "h": {1: 12.5, 2: 11}, "columns": 1, "title": 16},
}


@dataclass
class Source:
    stem: str
    layout: str
    title: str = ""
    running_head: str = ""
    items: list[tuple] = field(default_factory=list)


def read_source(path: Path) -> Source:
    lines = path.read_text(encoding="utf-8").splitlines()
    layout = re.search(r"layout:\s*([\w-]+)", lines[0]).group(1)
    src = Source(path.stem, layout)
    for line in lines[1:]:
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("title:"):
            src.title = line.split(":", 1)[1].strip()
        elif line.startswith("running_head:"):
            src.running_head = line.split(":", 1)[1].strip()
        else:
            src.items.append(tuple(line.split("|", 1)[0:1]) + tuple(_fields(line)))
    return src


def _fields(line: str) -> list[str]:
    kind, rest = line.split("|", 1)
    if kind == "H":
        return rest.split("|")
    if kind == "T":
        return rest.split("|")
    return [rest]


def _plain(text: str) -> tuple[str, list[tuple[int, int, tuple[str, ...]]]]:
    """The printed text of a marked paragraph and each mark's (start, end, fields)."""
    out, marks, pos = [], [], 0
    for m in MARK.finditer(text):
        out.append(text[pos:m.start()])
        start = sum(len(s) for s in out)
        out.append(m.group(1))
        marks.append((start, start + len(m.group(1)), m.groups()))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), marks


def _units(text: str) -> list[str]:
    """Pieces that may not be broken across lines: runs of Latin letters, digits and number signs."""
    return re.findall(r"[A-Za-z0-9.,%]+|.", text)


class _Writer:
    def __init__(self, src: Source, path: Path) -> None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        self.width = pdfmetrics.stringWidth
        self.src, self.spec = src, LAYOUTS[src.layout]
        self.c = canvas.Canvas(str(path), pagesize=(595.3, 841.9))
        self.page, self.margin, self.gap = 1, 60.0, 22.0
        ncol = self.spec["columns"]
        self.col_w = (595.3 - 2 * self.margin - (ncol - 1) * self.gap) / ncol
        self.col = 0
        self.top = 841.9 - 80
        self.y = self.top
        self.gold: list[dict] = []
        self.headings: list[dict] = []

    def x0(self) -> float:
        return self.margin + self.col * (self.col_w + self.gap)

    def _page_furniture(self) -> None:
        c = self.c
        c.setFont(FONT, 9)
        if self.page > 1 and self.src.running_head:
            c.drawCentredString(595.3 / 2, 841.9 - 45, self.src.running_head)
            c.line(self.margin, 841.9 - 50, 595.3 - self.margin, 841.9 - 50)
        c.drawCentredString(595.3 / 2, 36, str(self.page))

    def need(self, height: float) -> None:
        if self.y - height >= 60:
            return
        if self.col + 1 < self.spec["columns"]:
            self.col += 1
        else:
            self._page_furniture()
            self.c.showPage()
            self.page += 1
            self.col = 0
        self.y = self.top

    def title(self) -> None:
        size = self.spec["title"]
        self.c.setFont(FONT, size)
        self.c.drawCentredString(595.3 / 2, self.y, self.src.title)
        self.y -= size * 2.5

    def heading(self, level: int, number: str, text: str, role: str) -> None:
        size = self.spec["h"][int(level)]
        label = _label(number) + text
        self.need(size * 2.4)
        self.y -= size * 0.6
        self.c.setFont(FONT, size)
        # Bold by fill and stroke (the CID font has no bold face), as WPS exports often do.
        self.c.setLineWidth(0.3)
        t = self.c.beginText()
        t.setTextRenderMode(2)
        t.setFont(FONT, size)
        centred = self.src.layout == "two-column" and int(level) == 1
        x = self.x0() + ((self.col_w - self.width(label, FONT, size)) / 2 if centred else 0)
        t.setTextOrigin(x, self.y)
        t.textOut(label)
        self.c.drawText(t)
        self.headings.append({"text": text, "number": number, "level": int(level), "role": role,
                              "page": self.page, "run_in": False})
        self.y -= size * 1.6

    def paragraph(self, marked: str) -> None:
        text, marks = _plain(marked)
        size, lead = self.spec["body"], self.spec["lead"]
        pieces, lines, line, offset, width = _units(text), [], [], 0, 2 * size  # first-line indent
        starts = []
        for piece in pieces:
            w = self.width(piece, FONT, size)
            if width + w > self.col_w and line:
                lines.append(line)
                line, width = [], 0.0
            if not line:
                starts.append(offset)
            line.append(piece)
            width += w
            offset += len(piece)
        if line:
            lines.append(line)
        sentence_of = _sentences(text)
        char_page: list[int] = []
        for n, pieces_of_line in enumerate(lines):
            self.need(lead)
            x = self.x0() + (2 * size if n == 0 else 0)
            self.c.setFont(FONT, size)
            s = "".join(pieces_of_line)
            self.c.drawString(x, self.y, s)
            char_page += [self.page] * len(s)
            self.y -= lead
        self.y -= lead * 0.3
        for start, end, f in marks:
            raw, value, unit, kind, subject, period, place = f
            self.gold.append({
                "page": char_page[start], "source": "text", "table": "", "raw_text": raw,
                "context": sentence_of(start), "value": float(value), "scale": 1, "unit": unit, "unit_alt": [],
                "kind": kind, "subject": subject, "period": period, "place": place, "place_alt": [],
            })

    def table(self, caption: str, unit_line: str, header: str, rows: str) -> None:
        size = self.spec["body"] - 1
        head = header.split(",")
        body = [r.split(",") for r in rows.split(";")]
        row_h = size * 2
        self.need(row_h * (len(body) + 3))
        self.c.setFont(FONT, size + 0.5)
        self.c.drawCentredString(self.x0() + self.col_w / 2, self.y, caption)
        self.y -= row_h * 0.8
        self.c.setFont(FONT, size)
        self.c.drawRightString(self.x0() + self.col_w, self.y, unit_line)
        self.y -= row_h * 0.5
        col_w = self.col_w / len(head)
        top = self.y
        scale, unit = _TABLE_SCALE.get(unit_line, (1.0, ""))
        period = (re.search(r"(?:19|20)\d\d年", caption) or [""])[0]
        for r, cells in enumerate([head] + body):
            for k, cell in enumerate(cells):
                x = self.x0() + k * col_w
                if k == 0 or r == 0:
                    self.c.drawCentredString(x + col_w / 2, top - row_h * r - row_h * 0.65, cell)
                else:
                    self.c.drawRightString(x + col_w - 4, top - row_h * r - row_h * 0.65, cell)
                    pct = "%" in head[k]
                    self.gold.append({
                        "page": self.page, "source": "table", "table": caption, "raw_text": cell,
                        "context": f"{cells[0]} | {head[k]}", "value": float(cell) * (1 if pct else scale),
                        "scale": 1 if pct else scale, "unit": "%" if pct else unit, "unit_alt": [],
                        "kind": "growth" if pct else ("money" if unit == "CNY" else "count"),
                        "subject": f"{head[k]}", "period": period, "place": cells[0] + "市",
                        "place_alt": [cells[0]],
                    })
        n = len(body) + 1
        for r in range(n + 1):
            self.c.line(self.x0(), top - row_h * r, self.x0() + self.col_w, top - row_h * r)
        for k in range(len(head) + 1):
            self.c.line(self.x0() + k * col_w, top, self.x0() + k * col_w, top - row_h * n)
        self.y = top - row_h * n - row_h

    def close(self) -> None:
        self._page_furniture()
        self.c.save()


def paragraph_roles(src: Source) -> list[tuple[str, str]]:
    """(printed paragraph, role of the heading above it) for each paragraph of the source."""
    out, role = [], "other"
    for item in src.items:
        if item[0] == "H":
            role = item[4]
        elif item[0] == "P":
            out.append((_plain(item[1])[0], role))
    return out


def _label(number: str) -> str:
    if not number:
        return ""
    if number.startswith("第"):
        return number + " "
    if number.startswith(("（", "(")):
        return number
    return number + "、"


def _sentences(text: str):
    bounds, start = [], 0
    for m in re.finditer(r"[。！？；]", text):
        bounds.append((start, m.end()))
        start = m.end()
    if start < len(text):
        bounds.append((start, len(text)))

    def of(pos: int) -> str:
        return next(text[a:b] for a, b in bounds if a <= pos < b)
    return of


def render(src: Source, path: Path, headless: bool = False) -> tuple[list[dict], list[dict]]:
    """Write the PDF; return its gold indicators and headings (pages as rendered). `headless`
    leaves the headings out (for roles read from content alone)."""
    w = _Writer(src, path)
    w.title()
    for item in src.items:
        if item[0] == "H":
            if not headless:
                w.heading(*item[1:5])
        elif item[0] == "P":
            w.paragraph(item[1])
        elif item[0] == "T":
            w.table(*item[1:5])
    w.close()
    return w.gold, w.headings
