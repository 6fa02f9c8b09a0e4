#!/usr/bin/env python3
"""Render the bundled sample corpus and its ground truth.

    python corpora/build.py [--out DIR]

Reads corpora/sources/<stem>.json, writes <out>/<stem>.pdf and
<out>/truth/<stem>.json (default out: corpora/). Output is byte-identical run to
run (canvas invariant mode, no clocks, sorted inputs).

Body text is set by a small typesetter of our own on the reportlab canvas rather
than platypus, so every line break, hyphenation point and superscript is known
exactly and the truth text is derived from the very lines that were drawn.

Source markup: "{^2}" is a superscript mark (drawn raised and small, never part
of the truth text); U+00AD is a soft hyphen, a permitted break point that is
invisible unless the word is broken there.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
SHY = "\u00ad"
SUP = re.compile(r"\{\^([^}]*)\}")
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)
JOURNAL_7x10 = (504.0, 720.0)
ROLES = {"abstract", "introduction", "status", "dilemma", "recommendation",
         "conclusion", "references", "other"}
KINDS = {"count", "percent", "money", "rank", "fraction", "ratio", "growth", "quantity"}
QUALIFIERS = {"", "approximate", "lower_bound", "upper_bound", "range"}
INDICATOR_KEYS = ["sentence", "raw_text", "value", "unit", "kind", "qualifier",
                  "indicator", "period", "place", "role"]


# --------------------------------------------------------------------------- styles

@dataclass(frozen=True)
class Style:
    font: str
    size: float
    leading: float
    bold: str = "Times-Bold"
    align: str = "justify"  # justify | left | center
    indent: float = 0.0  # first line
    hang: float = 0.0  # following lines
    before: float = 0.0
    after: float = 0.0
    hyphenate: bool = False
    keep: bool = False  # keep with the next paragraph (headings)


def S(font, size, leading, **kw):
    return Style(font, size, leading, **kw)


# One dict per layout: page geometry and the paragraph styles the blocks refer to.
LAYOUTS = {
    "single_column": dict(
        page=JOURNAL_7x10, left=56, right=56, top=62, bottom=58, columns=1,
        styles=dict(
            title=S("Times-Bold", 15, 18.5, align="center", after=8),
            authors=S("Times-Roman", 11, 14, align="center", after=3),
            affil=S("Times-Italic", 8.5, 10.5, align="center"),
            email=S("Times-Roman", 8.5, 10.5, align="center", after=10),
            abstract_h=S("Times-Bold", 9.5, 12, align="left", keep=True),
            abstract=S("Times-Roman", 9, 11, hyphenate=True, after=4),
            keywords=S("Times-Roman", 9, 11, align="left", after=6),
            h1=S("Times-Bold", 12, 14.5, align="left", before=9, after=3, keep=True),
            h2=S("Times-Bold", 10.5, 13, align="left", before=5, after=1, keep=True),
            body=S("Times-Roman", 10, 12.6, indent=14, hyphenate=True, after=1),
            caption=S("Times-Roman", 9, 11, align="center", before=4, after=3),
            list_h=S("Times-Bold", 10.5, 13, align="left", before=9, after=2, keep=True),
            note=S("Times-Roman", 8.5, 10.5, hang=10, after=1),
            ref=S("Times-Roman", 8.5, 10.5, align="left", hang=14, after=1),
        )),
    "two_column": dict(
        page=A4, left=60, right=60, top=74, bottom=66, columns=2, gutter=18,
        styles=dict(
            title=S("Helvetica-Bold", 17, 21, bold="Helvetica-Bold", align="center", after=8),
            authors=S("Helvetica", 10.5, 13, bold="Helvetica-Bold", align="center", after=3),
            affil=S("Times-Italic", 9, 11, align="center"),
            email=S("Times-Roman", 9, 11, align="center", after=12),
            abstract=S("Times-Roman", 9.5, 11.5, hyphenate=True, after=3),
            keywords=S("Times-Roman", 9.5, 11.5, align="left", after=6),
            h1=S("Times-Bold", 10, 12.5, align="center", before=8, after=3, keep=True),
            h2=S("Times-Italic", 10, 12.5, align="left", before=4, after=1, keep=True),
            body=S("Times-Roman", 10, 12.6, indent=10, hyphenate=True),
            caption=S("Times-Roman", 9, 11, align="center", before=4, after=3),
            list_h=S("Times-Bold", 10, 12.5, align="center", before=8, after=3, keep=True),
            note=S("Times-Roman", 8.5, 10.2, hang=10, after=1),
            ref=S("Times-Roman", 8.5, 10.2, align="left", hang=16, after=1),
        )),
    "report": dict(
        page=LETTER, left=72, right=72, top=86, bottom=74, columns=1,
        styles=dict(
            title=S("Helvetica-Bold", 18, 22, bold="Helvetica-Bold", align="left", after=8),
            authors=S("Helvetica", 10.5, 13, bold="Helvetica-Bold", align="left", after=3),
            affil=S("Times-Italic", 9, 11, align="left"),
            email=S("Times-Roman", 9, 11, align="left", after=12),
            abstract_h=S("Helvetica-Bold", 11, 14, bold="Helvetica-Bold", align="left", after=2,
                         keep=True),
            abstract=S("Times-Roman", 10.5, 13.5, align="left", hyphenate=True, after=5),
            keywords=S("Times-Roman", 10.5, 13.5, bold="Helvetica-Bold", align="left", after=8),
            h1=S("Helvetica-Bold", 12, 15, bold="Helvetica-Bold", align="left", before=10,
                 after=3, keep=True),
            h2=S("Helvetica-Bold", 10.5, 13.5, bold="Helvetica-Bold", align="left", before=6,
                 after=2, keep=True),
            body=S("Times-Roman", 11, 14.2, align="left", hyphenate=True, after=5),
            caption=S("Times-Roman", 10, 12.5, bold="Helvetica-Bold", align="left", before=6,
                      after=4),
            list_h=S("Helvetica-Bold", 12, 15, bold="Helvetica-Bold", align="left", before=10,
                     after=3, keep=True),
            note=S("Times-Roman", 9, 11, hang=12, after=1),
            ref=S("Times-Roman", 9, 11, align="left", hang=12, after=1.5),
        )),
}


# --------------------------------------------------------------------------- words

@dataclass
class Word:
    segs: list[tuple[str, str]]  # (text, kind) with kind in base | bold | sup
    origin: str = ""  # the whole source word, for hyphen-break records

    @property
    def plain(self) -> str:
        return "".join(t for t, k in self.segs if k != "sup").replace(SHY, "")


def parse_words(text: str, label: str = "") -> list[Word]:
    assert "  " not in text and text == text.strip(), f"bad spacing: {text[:60]!r}"
    words = [Word([(w, "bold")]) for w in label.split()] if label else []
    glue = label.endswith("\u2014")  # a dash label runs into the first word: "Abstract\u2014This"
    if glue:
        words.pop()
    for tok in text.split(" "):
        segs, pos = [], 0
        for m in SUP.finditer(tok):
            if m.start() > pos:
                segs.append((tok[pos:m.start()], "base"))
            segs.append((m.group(1), "sup"))
            pos = m.end()
        if pos < len(tok):
            segs.append((tok[pos:], "base"))
        words.append(Word(segs, tok))
    if glue:
        words[len(label.split()) - 1].segs.insert(0, (label.split()[-1], "bold"))
    return words


def plain_text(text: str, label: str = "") -> str:
    return " ".join(w.plain for w in parse_words(text, label))


def seg_font(kind: str, st: Style) -> tuple[str, float, float]:
    """(font, size, rise) for a segment kind under a style."""
    if kind == "sup":
        return st.font, round(st.size * 0.62, 2), round(st.size * 0.38, 2)
    return (st.bold if kind == "bold" else st.font), st.size, 0.0


def width(text: str, kind: str, st: Style) -> float:
    font, size, _ = seg_font(kind, st)
    return stringWidth(text.replace(SHY, ""), font, size)


def word_width(w: Word, st: Style) -> float:
    return sum(width(t, k, st) for t, k in w.segs)


# --------------------------------------------------------------------------- line breaking

@dataclass
class Line:
    words: list[Word]
    brk: str = ""  # "" | soft | hard: how the last word was cut
    origin: str = ""  # source word that was cut
    last: bool = False
    x_off: float = 0.0
    avail: float = 0.0


def split_word(w: Word, room: float, st: Style):
    """Longest head of w that fits in room, cut at a soft hyphen or after a compound hyphen."""
    if len(w.segs) != 1 or w.segs[0][1] != "base":
        return None
    t = w.segs[0][0]
    best = None
    for i, ch in enumerate(t):
        if ch == SHY:
            head, tail, kind = t[:i].replace(SHY, "") + "-", t[i + 1:], "soft"
        elif ch == "-" and 0 < i < len(t) - 1 and t[i - 1].isalpha() and t[i + 1].isalpha():
            head, tail, kind = t[:i + 1].replace(SHY, ""), t[i + 1:], "hard"
        else:
            continue
        if width(head, "base", st) <= room + 0.01:
            best = (Word([(head, "base")]), Word([(tail, "base")], w.origin), kind)
    return best


def break_lines(words: list[Word], st: Style, avail: float) -> list[Line]:
    sp = width(" ", "base", st)
    lines, cur, curw = [], [], 0.0
    queue = list(words)

    def room(n):  # usable width of line n
        return avail - (st.indent if n == 0 else st.hang)

    while queue:
        w = queue.pop(0)
        need = word_width(w, st) + (sp if cur else 0.0)
        if curw + need <= room(len(lines)) + 0.01:
            cur.append(w)
            curw += need
            continue
        cut = split_word(w, room(len(lines)) - curw - (sp if cur else 0.0), st) \
            if st.hyphenate else None
        if cut:
            head, tail, kind = cut
            lines.append(Line(cur + [head], kind, w.origin))
            queue.insert(0, tail)
        else:
            if not cur:
                raise SystemExit(f"word too wide for the measure: {w.plain!r}")
            lines.append(Line(cur))
            queue.insert(0, w)
        cur, curw = [], 0.0
    lines.append(Line(cur, last=True))
    for n, ln in enumerate(lines):
        ln.x_off = st.indent if n == 0 else st.hang
        ln.avail = room(n)
    return lines


def rejoin(lines: list[Line]) -> str:
    """Reader's text of a paragraph: words cut at line ends are joined again."""
    out = ""
    for ln in lines:
        s = " ".join(w.plain for w in ln.words)
        if ln.brk == "soft":
            out += s[:-1]
        elif ln.brk == "hard":
            out += s
        else:
            out += s + (" " if not ln.last else "")
    return out


def line_runs(ln: Line, st: Style) -> tuple[list[tuple[str, str, float, float]], float, int]:
    """Drawing runs (text, font, size, rise), natural width, number of spaces."""
    runs: list[list] = []
    nat, spaces = 0.0, 0
    for i, w in enumerate(ln.words):
        segs = ([(" ", "base")] if i else []) + w.segs
        spaces += 1 if i else 0
        for t, k in segs:
            t = t.replace(SHY, "")
            nat += width(t, k, st)
            font, size, rise = seg_font(k, st)
            if runs and runs[-1][1:] == [font, size, rise]:
                runs[-1][0] += t
            else:
                runs.append([t, font, size, rise])
    return [tuple(r) for r in runs], nat, spaces


# --------------------------------------------------------------------------- page flow

@dataclass
class Frame:
    x: float
    top: float
    bottom: float
    w: float


@dataclass
class PageOps:
    ops: list = field(default_factory=list)


class Flow:
    """Pours blocks into frames: full width, or columns, page after page."""

    def __init__(self, lay: dict, balance: tuple[int, float] | None = None):
        self.lay = lay
        self.balance = balance  # (page, bottom): a raised bottom for the last page
        self.pages: list[PageOps] = []
        self.new_page()

    def body_frames(self, top: float) -> list[Frame]:
        lay = self.lay
        pw, ph = lay["page"]
        full = pw - lay["left"] - lay["right"]
        bottom = lay["bottom"]
        if self.balance and self.balance[0] == len(self.pages):
            bottom = self.balance[1]
        if self.columns == 1:
            return [Frame(lay["left"], top, bottom, full)]
        g = lay["gutter"]
        cw = (full - g) / 2
        return [Frame(lay["left"], top, bottom, cw), Frame(lay["left"] + cw + g, top, bottom, cw)]

    def new_page(self):
        self.pages.append(PageOps())
        # page 1 of a two-column paper starts full width; start_columns() splits it
        self.columns = 1 if len(self.pages) == 1 else self.lay["columns"]
        self.frames = self.body_frames(self.lay["page"][1] - self.lay["top"])
        self.fi = 0
        self.y = self.frame.top

    def start_columns(self, gap: float):
        self.columns = self.lay["columns"]
        self.frames = self.body_frames(self.y - gap)
        self.fi = 0
        self.y = self.frame.top

    @property
    def frame(self) -> Frame:
        return self.frames[self.fi]

    @property
    def page(self) -> int:
        return len(self.pages)

    def next_frame(self):
        if self.fi + 1 < len(self.frames):
            self.fi += 1
            self.y = self.frame.top
        else:
            self.new_page()

    def fits(self, h: float) -> bool:
        return self.y - h >= self.frame.bottom - 0.01

    def at_top(self) -> bool:
        return abs(self.y - self.frame.top) < 0.01

    def emit(self, op):
        self.pages[-1].ops.append(op)


@dataclass
class Placed:
    text: str
    page: int
    breaks: list[dict]


def place_para(flow: Flow, st: Style, text: str, label: str = "", keep_next: float = 0.0) -> Placed:
    words = parse_words(text, label)
    avail = flow.frame.w
    lines = break_lines(words, st, avail)
    joined = rejoin(lines)
    assert joined == plain_text(text, label), (joined, plain_text(text, label))
    if not flow.at_top():
        flow.y -= st.before
    # headings travel with two lines of what follows; paragraphs leave no lone first line
    need = (len(lines) * st.leading + keep_next) if (st.keep or keep_next) \
        else min(len(lines), 2) * st.leading
    if not flow.fits(need):
        flow.next_frame()
    first_page, breaks = None, []
    for n, ln in enumerate(lines):
        if not flow.fits(st.leading) or (n == len(lines) - 2 and n > 0 and not flow.fits(2 * st.leading)):
            flow.next_frame()  # no widow: the last line never starts a frame alone
        if flow.frame.w != avail:
            raise SystemExit("paragraph continues into a frame of another width")
        first_page = first_page or flow.page
        runs, nat, spaces = line_runs(ln, st)
        ws, x = 0.0, flow.frame.x + ln.x_off
        if st.align == "justify" and not ln.last and spaces:
            ws = (ln.avail - nat) / spaces
        elif st.align == "center":
            x = flow.frame.x + (avail - nat) / 2
        base = flow.y - st.leading * 0.78
        flow.emit(("text", round(x, 3), round(base, 3), runs, round(ws, 4)))
        if ln.brk:
            end = ln.words[-1].plain
            breaks.append({"page": flow.page, "line_end": end,
                           "word": ln.origin.replace(SHY, "").strip(".,;:()[]\"'"),
                           "kept_hyphen": ln.brk == "hard"})
        flow.y -= st.leading
    flow.y -= st.after
    return Placed(joined, first_page, breaks)


def place_table(flow: Flow, rows: list[list[str]]):
    font, bold, size, pad, rh = "Helvetica", "Helvetica-Bold", 8.5, 5.0, 15.0
    avail = flow.frame.w
    ncol = len(rows[0])
    assert all(len(r) == ncol for r in rows)
    nat = [max(stringWidth(r[c], bold if i == 0 else font, size) for i, r in enumerate(rows)) + 2 * pad
           for c in range(ncol)]
    extra = (avail - sum(nat)) / ncol
    assert extra >= 0, "table wider than the measure"
    cw = [w + extra for w in nat]
    h = rh * len(rows)
    if not flow.fits(h + 4):
        flow.next_frame()
    x0, top = flow.frame.x, flow.y
    xs = [x0]
    for w in cw:
        xs.append(xs[-1] + w)
    for i in range(len(rows) + 1):
        lw = 0.9 if i in (0, 1, len(rows)) else 0.4
        flow.emit(("rule", x0, top - i * rh, xs[-1], top - i * rh, lw))
    for x in xs:
        flow.emit(("rule", x, top, x, top - h, 0.4))
    for i, row in enumerate(rows):
        base = top - i * rh - rh + 4.6
        f = bold if i == 0 else font
        for c, cell in enumerate(row):
            if c == 0 or i == 0:
                flow.emit(("string", xs[c] + pad, base, cell, f, size, "left"))
            else:
                flow.emit(("string", xs[c + 1] - pad, base, cell, f, size, "right"))
    flow.y = top - h - 8
    return flow.page


# --------------------------------------------------------------------------- page furniture

def furniture(src: dict, layout: str, page: int, npages: int, lay: dict) -> list:
    """Running heads, footers and page numbers: (op, is_running_text)."""
    pw, ph = lay["page"]
    left, right = lay["left"], pw - lay["right"]
    run = src["running"]
    out = []
    if layout == "single_column":
        if page > 1:
            text = run["even"] if page % 2 == 0 else run["odd"]
            align = "left" if page % 2 == 0 else "right"
            x = left if align == "left" else right
            out.append((("string", x, ph - 40, text, "Times-Italic", 8.5, align), True))
            out.append((("rule", left, ph - 45, right, ph - 45, 0.4), False))
        out.append((("string", pw / 2, 34, str(page), "Times-Roman", 9, "center"), False))
    elif layout == "two_column":
        text = run["first"] if page == 1 else run["other"]
        out.append((("string", left, ph - 42, text, "Times-Italic", 8.5, "left"), True))
        out.append((("string", right, ph - 42, str(page), "Times-Roman", 8.5, "right"), False))
    else:
        out.append((("string", left, ph - 52, run["header"], "Helvetica", 8.5, "left"), True))
        out.append((("rule", left, ph - 57, right, ph - 57, 0.5), False))
        foot = f"{run['footer']} | Page {page} of {npages}"
        out.append((("string", pw / 2, 42, foot, "Helvetica", 8, "center"), True))
    return out


def draw(c: canvas.Canvas, op):
    kind = op[0]
    if kind == "text":
        _, x, y, runs, ws = op
        t = c.beginText(x, y)
        t.setWordSpace(ws)  # justification via Tw keeps real space characters in the PDF
        for s, font, size, rise in runs:
            assert SHY not in s
            t.setFont(font, size)
            t.setRise(rise)
            t.textOut(s)
        c.drawText(t)
    elif kind == "string":
        _, x, y, s, font, size, align = op
        c.setFont(font, size)
        {"left": c.drawString, "right": c.drawRightString, "center": c.drawCentredString}[align](x, y, s)
    elif kind == "rule":
        _, x1, y1, x2, y2, lw = op
        c.setLineWidth(lw)
        c.line(x1, y1, x2, y2)


# --------------------------------------------------------------------------- document

@dataclass
class Typeset:
    flow: Flow
    text_lines: list[str]
    headings: list[dict]
    tables: list[dict]
    breaks: list[dict]
    paras: list[tuple[str, str]]


def typeset(src: dict, lay: dict, balance: tuple[int, float] | None = None) -> Typeset:
    st = lay["styles"]
    flow = Flow(lay, balance)
    text_lines: list[str] = []
    headings: list[dict] = []
    tables: list[dict] = []
    breaks: list[dict] = []
    paras: list[tuple[str, str]] = []  # (role, text) of body paragraphs, for indicator checks

    def para(style: str, text: str, label: str = "", keep_next: float = 0.0) -> Placed:
        p = place_para(flow, st[style], text, label, keep_next)
        text_lines.append(p.text)
        breaks.extend(p.breaks)
        return p

    def heading(style: str, text: str, level: int, role: str, next_style: str = "body"):
        p = para(style, text, keep_next=2 * st[next_style].leading)
        headings.append({"text": p.text, "level": level, "role": role, "page": p.page})

    para("title", src["title"])
    para("authors", ", ".join(src["authors"]))
    for a in src["affiliations"]:
        para("affil", a)
    para("email", src["email"])
    # two-column paper: run-in "Abstract—" label; the others set "Abstract" on its own line
    if "abstract_h" in st:
        heading("abstract_h", "Abstract", 1, "abstract", "abstract")
        p = para("abstract", src["abstract"])
    else:
        label = "Abstract\u2014"
        p = para("abstract", src["abstract"], label)
        headings.append({"text": "Abstract", "level": 1, "role": "abstract", "page": p.page})
    paras.append(("abstract", p.text))
    p = para("keywords", src["keywords"], "Keywords:")
    headings.append({"text": "Keywords", "level": 1, "role": "other", "page": p.page})
    if lay["columns"] > 1:
        flow.start_columns(gap=6)

    role = None
    body = src["body"]
    for i, item in enumerate(body):
        if "h" in item:
            lvl = item["level"]
            if lvl == 1:
                role = item["role"]
            elif item.get("role", role) != role:
                raise SystemExit(f"subsection role differs from parent: {item['h']}")
            assert role in ROLES
            nxt = body[i + 1] if i + 1 < len(body) else {}
            extra = st["h2"].leading + st["h2"].before if "h" in nxt else 0.0
            p = para("h1" if lvl == 1 else "h2", item["h"], keep_next=2 * st["body"].leading + extra)
            headings.append({"text": p.text, "level": lvl, "role": role, "page": p.page})
        elif "p" in item:
            p = para("body", item["p"])
            paras.append((role, p.text))
        elif "table" in item:
            tb = item["table"]
            para("caption", tb["caption"], tb["label"], keep_next=len(tb["rows"]) * 15 + 4)
            page = place_table(flow, tb["rows"])
            tables.append({"page": page, "caption": f"{tb['label']} {tb['caption']}",
                           "rows": tb["rows"]})
        else:
            raise SystemExit(f"unknown body item {item}")

    heading("list_h", "Notes", 1, "other", "note")
    for n in src["notes"]:
        para("note", n)
    heading("list_h", "References", 1, "references", "ref")
    for r in src["references"]:
        para("ref", r)

    return Typeset(flow, text_lines, headings, tables, breaks, paras)


def build(src: dict, out_dir: Path) -> dict:
    layout = src["layout"]
    lay = LAYOUTS[layout]
    ts = typeset(src, lay)
    flow = ts.flow
    if flow.columns > 1 and flow.fi == 0:
        # last page only fills its left column: balance the two, as journals do
        used = flow.frame.top - flow.y
        for slack in range(0, 60, 3):
            bottom = flow.frame.top - used / 2 - slack
            cand = typeset(src, lay, (flow.page, bottom))
            if cand.flow.page == flow.page:
                ts = cand
                break
    flow = ts.flow
    text_lines, headings, tables, breaks = ts.text_lines, ts.headings, ts.tables, ts.breaks

    npages = flow.page
    if not 3 <= npages <= 4:
        raise SystemExit(f"{src['stem']}: {npages} pages, want 3-4")
    soft = sum(not b["kept_hyphen"] for b in breaks)
    hard = sum(b["kept_hyphen"] for b in breaks)
    if soft < 2 or hard < 1:
        raise SystemExit(f"{src['stem']}: {soft} soft-hyphen and {hard} compound breaks, "
                         "want >= 2 and >= 1 (retune wording)")

    running: list[str] = []
    c = canvas.Canvas(str(out_dir / f"{src['stem']}.pdf"), pagesize=lay["page"], invariant=1)
    c.setTitle(src["title"])
    c.setAuthor(", ".join(SUP.sub("", a) for a in src["authors"]))
    c.setCreator("policy_nlp corpora/build.py")
    for i, pg in enumerate(flow.pages, 1):
        c.setPageSize(lay["page"])
        for op in pg.ops:
            draw(c, op)
        for op, is_text in furniture(src, layout, i, npages, lay):
            draw(c, op)
            if is_text and op[3] not in running:
                running.append(op[3])
        c.showPage()
    c.save()

    text = "\n".join(text_lines)
    assert SHY not in text and "{^" not in text
    for r in running:  # so that "no running head survives" is testable by substring
        if r.lower() in text.lower():
            raise SystemExit(f"running string also occurs in the body text: {r!r}")
    truth = {
        "stem": src["stem"],
        "title": plain_text(src["title"]),
        "layout": layout,
        "pages": npages,
        "text": text,
        "running": running,
        "headings": headings,
        "tables": tables,
        "hyphen_breaks": breaks,
        "indicators": check_indicators(src, ts.paras),
    }
    return truth


# --------------------------------------------------------------------------- indicator checks

YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?!\d|[.,]\d|%)")
CITE = re.compile(r"\[\d+(?:[-\u2013,]\s?\d+)*\]")
NUMWORD = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|hundred|thousand|million|billion|trillion|first|second|third|"
    r"fourth|fifth|half|quarter|double|doubled|twice|triple|tripled|fold)\b", re.I)


def check_indicators(src: dict, paras: list[tuple[str, str]]) -> list[dict]:
    """Validate the hand annotation against the drawn text and return it in reading order.

    Every sentence must occur in a body paragraph of the stated role, every raw_text
    inside its sentence, and every digit or number word of the body must be covered by
    an indicator, a year, a citation mark or a declared non-indicator.
    """
    masks = [bytearray(len(t)) for _, t in paras]

    def cover(pi, start, end):
        for k in range(start, end):
            masks[pi][k] = 1

    out = []
    for ind in src["indicators"]:
        assert list(ind) == INDICATOR_KEYS, f"keys of {ind}"
        assert ind["kind"] in KINDS and ind["qualifier"] in QUALIFIERS, ind
        hits = [(i, t.find(ind["sentence"])) for i, (_, t) in enumerate(paras) if ind["sentence"] in t]
        if len(hits) != 1:
            raise SystemExit(f"sentence found {len(hits)} times: {ind['sentence'][:80]!r}")
        pi, s0 = hits[0]
        role = paras[pi][0]
        if ind["role"] != role:
            raise SystemExit(f"role {ind['role']} != section role {role}: {ind['raw_text']}")
        pat = re.compile(r"(?<![\w.,])" + re.escape(ind["raw_text"]) + r"(?![\w]|[.,]\d)")
        m = list(pat.finditer(ind["sentence"]))
        if len(m) != 1:
            raise SystemExit(f"raw_text {ind['raw_text']!r} found {len(m)} times in its sentence")
        if ind["period"] and ind["period"] not in ind["sentence"]:
            raise SystemExit(f"period {ind['period']!r} not in sentence")
        cover(pi, s0 + m[0].start(), s0 + m[0].end())
        out.append(dict(ind, value=float(ind["value"]), _pos=(pi, s0 + m[0].start())))
    for pi, (_, t) in enumerate(paras):
        for rx in [YEAR, CITE] + [re.compile(re.escape(s)) for s in src["non_indicators"]]:
            for m in rx.finditer(t):
                cover(pi, m.start(), m.end())
        loose = [m.group() for m in re.finditer(r"\d+|" + NUMWORD.pattern, t, re.I)
                 if not all(masks[pi][m.start():m.end()])]
        if loose:
            raise SystemExit(f"{src['stem']}: unannotated numbers {loose} in: {t[:70]!r}")
    out.sort(key=lambda d: d.pop("_pos"))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE, help="folder for PDFs (truth/ goes inside)")
    args = ap.parse_args(argv)
    (args.out / "truth").mkdir(parents=True, exist_ok=True)
    for path in sorted((HERE / "sources").glob("*.json")):
        src = json.loads(path.read_text(encoding="utf-8"))
        assert src["stem"] == path.stem, path
        truth = build(src, args.out)
        (args.out / "truth" / f"{path.stem}.json").write_text(
            json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path.stem}: {truth['pages']} pages, {len(truth['headings'])} headings, "
              f"{len(truth['indicators'])} indicators, {len(truth['hyphen_breaks'])} hyphen breaks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
