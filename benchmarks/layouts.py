"""Layouts benchmark: the project's own policy-paper texts rendered under randomised layouts.

    python benchmarks/layouts.py [--n 200] [--seed 1000] [--keep DIR] [--only-seed S]

Each rendering i uses seed `--seed + i` (random.Random(seed)); the same seed gives the same PDF,
byte for byte. A rendering draws a topic and its sections from benchmarks/layout_texts.json
(abstract, introduction, status -> dilemma -> recommendation with subsections that inherit the
parent's role, conclusion, references) and a layout: 1-3 columns, A4 or letter, body font
(Helvetica, Times-Roman or Courier families, 9-11 pt), heading styles (bold larger, bold at body
size, regular larger, upper case at a smaller size, small caps, italic, spacing only, run-in
subsection headings), numbering schemes (2 / 2.1, 1. / 1.1., I. / A., A. / (a), 1. / (a), none),
long headings that wrap over several lines in narrow columns, page breaks that put headings at the
top of a page, running headers and footers with page numbers, footnotes with superscript markers,
a title and sometimes an author line.

Truth is what was rendered: every heading's text (without its number), number, level and role,
and the title. Each PDF goes through `process_file(pdf, load_pipeline())`; predicted sections with
level > 0 are matched to the truth by normalised text (lower case, whitespace collapsed, number
and trailing "." / ":" stripped, as in benchmarks/sections.py). Per rendering: heading P/R/F1,
role and level accuracy over matched headings; overall micro F1 and role accuracy, distribution,
the worst seeds with their layouts and missed/false headings, recall by heading kind, and the
title right rate. Writes benchmarks/results/layouts.json.

Targets: heading F1 >= 0.95, role accuracy >= 0.95, worst rendering F1 >= 0.80.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Frame, FrameBreak, NextPageTemplate, PageBreak, Paragraph
from reportlab.platypus.doctemplate import BaseDocTemplate, PageTemplate

REPO = Path(__file__).resolve().parents[1]
TEXTS = REPO / "benchmarks" / "layout_texts.json"
ROLES_IN_ORDER = ["abstract", "introduction", "status", "dilemma", "recommendation", "conclusion", "references"]

FAMILIES = {
    "Helvetica": {"regular": "Helvetica", "bold": "Helvetica-Bold", "italic": "Helvetica-Oblique", "bolditalic": "Helvetica-BoldOblique"},
    "Times": {"regular": "Times-Roman", "bold": "Times-Bold", "italic": "Times-Italic", "bolditalic": "Times-BoldItalic"},
    "Courier": {"regular": "Courier", "bold": "Courier-Bold", "italic": "Courier-Oblique", "bolditalic": "Courier-BoldOblique"},
}

# ---------------------------------------------------------------------------------------------
# Numbering schemes: (level-1 number for section i, level-2 number for subsection j of section i)


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


NUMBERING = {
    "none": (lambda i: "", lambda i, j: ""),
    "decimal": (lambda i: f"{i}", lambda i, j: f"{i}.{j}"),
    "decimal_dot": (lambda i: f"{i}.", lambda i, j: f"{i}.{j}."),
    "roman_alpha": (lambda i: f"{_roman(i)}.", lambda i, j: f"{chr(64 + j)}."),
    "alpha_paren": (lambda i: f"{chr(64 + i)}.", lambda i, j: f"({chr(96 + j)})"),
    "decimal_paren": (lambda i: f"{i}.", lambda i, j: f"({chr(96 + j)})"),
}

H1_KINDS = ["bold_large", "bold_large", "bold_near", "bold_near", "regular_large", "upper_small", "smallcaps", "italic", "spacing_only"]
H2_KINDS = ["bold_near", "bold_near", "bold_large", "italic", "bolditalic", "upper_small", "smallcaps", "run_in", "run_in"]

_NUMBER = re.compile(r"^\s*(?:\((?:\d+|[a-z]|[ivxl]+)\)|\d+(?:\.\d+)*\.?|[IVXL]+\.|[A-H]\.)\s+")


def norm(text: str) -> str:
    """benchmarks/sections.py's norm, also stripping "(a)"-style numbers."""
    return re.sub(r"\s+", " ", _NUMBER.sub("", text or "")).strip().rstrip(".:").strip().lower()


# ---------------------------------------------------------------------------------------------
# Layout and content draws


def draw_layout(rng: random.Random) -> dict:
    columns = rng.choice([1, 2, 3])
    body_family = rng.choice(list(FAMILIES))
    heading_family = body_family if rng.random() < 0.6 else rng.choice(list(FAMILIES))
    body_size = rng.choice([9, 9.5, 10, 10.5, 11] if columns < 3 else [8.5, 9, 9.5, 10])
    h1_kind = rng.choice(H1_KINDS)
    h2_kind = rng.choice(H2_KINDS)
    delta_1 = {
        "bold_large": rng.choice([1, 1.5, 2, 3, 4]),
        "bold_near": rng.choice([0, 0.25, 0.5]),
        "regular_large": rng.choice([2, 3, 4]),
        "upper_small": rng.choice([-1.5, -1, -0.5, 0, 0.5]),
        "smallcaps": rng.choice([0, 0.5, 1, 2]),
        "italic": rng.choice([0, 0.5, 1, 2]),
        "spacing_only": rng.choice([0, 0.25, 0.5]),
    }[h1_kind]
    delta_2 = {
        "bold_near": rng.choice([0, 0.25, 0.5]),
        "bold_large": rng.choice([0.5, 1, 1.5, 2]),
        "italic": rng.choice([0, 0.5, 1]),
        "bolditalic": rng.choice([0, 0.5, 1]),
        "upper_small": rng.choice([-1.5, -1, -0.5, 0]),
        "smallcaps": rng.choice([0, 0.5]),
        "run_in": 0,
    }[h2_kind]
    if h2_kind == "bold_large":
        delta_2 = min(delta_2, max(delta_1 - 0.5, 0.5))
    return {
        "columns": columns,
        "page_size": rng.choice(["A4", "letter"]),
        "margin": rng.choice([36, 45, 54, 63, 72]),
        "gutter": rng.choice([10, 14, 18, 24]),
        "body_family": body_family,
        "heading_family": heading_family,
        "body_size": body_size,
        "leading_factor": rng.choice([1.15, 1.2, 1.25, 1.35]),
        "justify": rng.random() < 0.6,
        "indent_first_line": rng.random() < 0.3,
        "paragraph_space": rng.choice([0, 0.3, 0.5, 0.8]),  # times the body size
        "numbering": rng.choice(["none", "none", "decimal", "decimal", "decimal_dot", "roman_alpha", "alpha_paren", "decimal_paren"]),
        "h1_kind": h1_kind,
        "h1_delta": delta_1,
        "h1_bold_when_caps": rng.random() < 0.5,
        "h1_centered": rng.random() < 0.15,
        "h1_space_before": rng.choice([0.6, 1.0, 1.5, 2.0]),  # times the body size
        "h2_kind": h2_kind,
        "h2_delta": delta_2,
        "number_gap": rng.choice([" ", "  ", "   "]),
        "long_headings": rng.random() < (0.45 if columns == 1 else 0.65),
        "subsections": rng.random() < 0.75,
        "abstract_run_in": rng.random() < 0.2,
        "page_breaks": rng.choice([0, 0, 1, 1, 2]),
        "header": rng.random() < 0.75,
        "footer": rng.random() < 0.8,
        "page_number_style": rng.choice(["{n}", "Page {n}", "- {n} -", "{n}", "p. {n}"]),
        "footnotes": rng.choice([0, 1, 2, 3]),
        "author_line": rng.random() < 0.5,
        "title_size_delta": rng.choice([4, 5, 6, 8, 10]),
        "title_centered": rng.random() < 0.6,
    }


def draw_content(rng: random.Random, layout: dict, bank: dict) -> dict:
    topic = rng.choice(bank["topics"])
    subject = topic["subject"]
    numbering = NUMBERING[layout["numbering"]]
    sections = []  # each: {"role", "heading", "paragraphs", "subsections": [{"heading", "paragraphs"}]}
    include = {
        "abstract": rng.random() < 0.8,
        "introduction": rng.random() < 0.9,
        "status": True, "dilemma": True, "recommendation": True,
        "conclusion": rng.random() < 0.85,
        "references": rng.random() < 0.8,
    }
    for role in ROLES_IN_ORDER:
        if not include[role]:
            continue
        wordings = bank["headings"][role]
        if layout["long_headings"] and role in ("status", "dilemma", "recommendation"):
            long = [w for w in wordings if len(w.format(subject=subject)) > 60]
            heading = rng.choice(long + wordings[:1])
        else:
            heading = rng.choice(wordings)
        heading = heading.format(subject=subject)
        fallback = sorted((w.format(subject=subject) for w in wordings), key=lambda w: (-len(w), w))
        section = {"role": role, "heading": heading, "fallback": fallback, "paragraphs": [], "subsections": []}
        if role in ("status", "dilemma", "recommendation"):
            block = topic[role]
            section["paragraphs"] = list(block["lead"])
            subs = block["subsections"]
            if layout["subsections"]:
                k = rng.choice([2, 3, 3])
                chosen = sorted(rng.sample(range(len(subs)), k))
                for j in range(len(subs)):
                    if j in chosen:
                        variant = 1 if layout["long_headings"] and rng.random() < 0.6 else 0
                        section["subsections"].append({"heading": subs[j]["headings"][variant], "fallback": [subs[j]["headings"][0]],
                                                       "paragraphs": list(subs[j]["paragraphs"])})
                    else:  # its text stays, without a heading of its own
                        (section["subsections"][-1]["paragraphs"] if section["subsections"] else section["paragraphs"]).extend(subs[j]["paragraphs"])
            else:
                for sub in subs:
                    section["paragraphs"].extend(sub["paragraphs"])
        elif role == "references":
            section["paragraphs"] = list(topic["references"])
        else:
            section["paragraphs"] = list(topic[role])
        sections.append(section)
    # numbers: abstract and references unnumbered; the rest numbered in order
    i = 0
    for section in sections:
        if section["role"] in ("abstract", "references") or layout["numbering"] == "none":
            section["number"] = ""
        else:
            i += 1
            section["number"] = numbering[0](i)
        for j, sub in enumerate(section["subsections"], 1):
            sub["number"] = numbering[1](i, j) if section["number"] else ""
    # page breaks before some level-1 headings (not the first section)
    candidates = list(range(1, len(sections)))
    breaks = sorted(rng.sample(candidates, min(layout["page_breaks"], len(candidates))))
    for b in breaks:
        sections[b]["page_break_before"] = True
    # footnotes attach to body paragraphs of content sections
    slots = [(si, -1, pi) for si, s in enumerate(sections) if s["role"] not in ("references", "abstract")
             for pi in range(len(s["paragraphs"]))]
    slots += [(si, sj, pi) for si, s in enumerate(sections) for sj, sub in enumerate(s["subsections"]) for pi in range(len(sub["paragraphs"]))]
    notes = sorted(rng.sample(slots, min(layout["footnotes"], len(slots))))
    note_texts = rng.sample(bank["footnotes"], len(notes))
    return {
        "topic": topic["id"],
        "title": rng.choice(topic["titles"]),
        "author": rng.choice(bank["authors"]),
        "running_head": rng.choice(bank["running_heads"]),
        "sections": sections,
        "notes": dict(zip(notes, note_texts)),
    }


# ---------------------------------------------------------------------------------------------
# Rendering


class _Anchor(Flowable):
    """Zero-size flowable that records the page it lands on (footnotes, heading pages)."""

    def __init__(self, callback, keep_with_next: bool = False):
        super().__init__()
        self.callback = callback
        self.keepWithNext = keep_with_next

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        self.callback(self.canv.getPageNumber())


def _small_caps(text: str, size: float) -> str:
    """Small caps: capitals and digits at `size`, lower-case letters as capitals at 80 %."""
    small = round(size * 0.8, 2)
    out, run, run_small = [], "", None
    for ch in text:
        is_small = ch.islower()
        if run and is_small != run_small:
            out.append(f'<font size="{small if run_small else size}">{escape(run.upper() if run_small else run)}</font>')
            run = ""
        run += ch
        run_small = is_small
    if run:
        out.append(f'<font size="{small if run_small else size}">{escape(run.upper() if run_small else run)}</font>')
    return "".join(out)


def _heading_markup(number: str, text: str, kind: str, size: float, layout: dict) -> tuple[str, str, float]:
    """(markup, font weight, font size) for a heading of `kind`."""
    gap = layout["number_gap"].replace(" ", "&nbsp;") if len(layout["number_gap"]) > 1 else " "
    prefix = f"{escape(number)}{gap}" if number else ""
    if kind in ("upper_small",):
        weight = "bold" if layout["h1_bold_when_caps"] else "regular"
        return prefix + escape(text.upper()), weight, size
    if kind == "smallcaps":
        weight = "bold" if layout["h1_bold_when_caps"] else "regular"
        return prefix + _small_caps(text, size), weight, size
    weight = {"bold_large": "bold", "bold_near": "bold", "regular_large": "regular", "italic": "italic",
              "bolditalic": "bolditalic", "spacing_only": "regular", "run_in": "bold"}[kind]
    return prefix + escape(text), weight, size


def render(seed: int, bank: dict | None = None) -> tuple[bytes, dict]:
    """One rendering: (PDF bytes, truth). Deterministic in `seed`."""
    bank = bank or json.loads(TEXTS.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    layout = draw_layout(rng)
    content = draw_content(rng, layout, bank)

    page_w, page_h = A4 if layout["page_size"] == "A4" else letter
    m, gutter, ncol = layout["margin"], layout["gutter"], layout["columns"]
    body = layout["body_size"]
    fam, hfam = FAMILIES[layout["body_family"]], FAMILIES[layout["heading_family"]]
    leading = round(body * layout["leading_factor"], 2)
    text_w = page_w - 2 * m
    col_w = (text_w - (ncol - 1) * gutter) / ncol
    fn_size = max(body - 2, 6.5)
    fn_zone = (len(content["notes"]) * 2 * (fn_size + 2) + 10) if content["notes"] else 0

    body_style = ParagraphStyle(
        "body", fontName=fam["regular"], fontSize=body, leading=leading,
        alignment=TA_JUSTIFY if layout["justify"] else TA_LEFT,
        firstLineIndent=body * 1.5 if layout["indent_first_line"] else 0,
        spaceAfter=body * layout["paragraph_space"])
    ref_style = ParagraphStyle("ref", parent=body_style, alignment=TA_LEFT, firstLineIndent=-12, leftIndent=12,
                               spaceAfter=body * 0.3)

    def heading_style(level: int, kind: str, size: float, weight: str) -> ParagraphStyle:
        space_before = body * (layout["h1_space_before"] if level == 1 else 0.8)
        space_after = body * (0.5 if level == 1 else 0.3)
        if kind == "spacing_only":
            space_before, space_after = body * 2.2, body * 1.0
        return ParagraphStyle(
            f"h{level}", fontName=hfam[weight], fontSize=size, leading=round(size * 1.2, 2),
            spaceBefore=space_before, spaceAfter=space_after, keepWithNext=1,
            alignment=TA_CENTER if level == 1 and layout["h1_centered"] else TA_LEFT)

    state = {"notes_by_page": defaultdict(list), "heading_pages": {}}
    truth_headings = []
    story = []

    # Title block on page 1 (a frame of its own above the columns).
    title_style = ParagraphStyle("title", fontName=hfam["bold"], fontSize=body + layout["title_size_delta"],
                                 leading=round((body + layout["title_size_delta"]) * 1.2, 2),
                                 alignment=TA_CENTER if layout["title_centered"] else TA_LEFT, spaceAfter=body * 0.8)
    author_style = ParagraphStyle("author", fontName=fam["italic"], fontSize=body, leading=leading,
                                  alignment=title_style.alignment, spaceAfter=body * 0.5)
    title_block = [Paragraph(escape(content["title"]), title_style)]
    if layout["author_line"]:
        title_block.append(Paragraph(escape(content["author"]), author_style))
    title_h = sum(p.wrap(text_w, page_h)[1] + p.getSpaceAfter() for p in title_block) + body * 1.5
    title_lines = len(title_block[0].blPara.lines)

    def wrap_lines(p: Paragraph, width: float) -> int:
        p.wrap(width, page_h)
        return len(p.blPara.lines)

    note_no = [0]

    def paragraph_flowables(text: str, style: ParagraphStyle, note: str | None, lead_markup: str = "") -> list:
        markup = lead_markup + escape(text)
        if note is None:
            return [Paragraph(markup, style)]
        note_no[0] += 1
        n = note_no[0]
        markup += f"<super>{n}</super>"
        return [Paragraph(markup, style), _Anchor(lambda page, n=n, note=note: state["notes_by_page"][page].append((n, note)))]

    def add_heading(level: int, role: str, number: str, text: str, page_break: bool, fallback: list[str]):
        kind = layout["h1_kind"] if level == 1 else layout["h2_kind"]
        delta = layout["h1_delta"] if level == 1 else layout["h2_delta"]
        size = body + delta
        markup, weight, size = _heading_markup(number, text, kind, size, layout)
        for alternative in fallback:  # headings wrap over at most 4 lines: the longest wording that does
            if wrap_lines(Paragraph(markup, heading_style(level, kind, size, weight)), col_w) <= 4:
                break
            text = alternative
            markup, weight, size = _heading_markup(number, text, kind, size, layout)
        if page_break:
            story.append(PageBreak())
        p = Paragraph(markup, heading_style(level, kind, size, weight))
        idx = len(truth_headings)
        truth_headings.append({"text": text, "number": number, "level": level, "role": role, "kind": kind,
                               "size": size, "run_in": False, "page_break_before": page_break,
                               "wrap_lines": wrap_lines(Paragraph(markup, heading_style(level, kind, size, weight)), col_w)})
        story.append(p)
        story.append(_Anchor(lambda page, idx=idx: state["heading_pages"].setdefault(idx, page), keep_with_next=True))

    for si, section in enumerate(content["sections"]):
        role, number = section["role"], section["number"]
        paragraphs = section["paragraphs"]
        run_in_abstract = role == "abstract" and layout["abstract_run_in"]
        if run_in_abstract:
            idx = len(truth_headings)
            label = f"<b>{escape(section['heading'])}.</b> "
            truth_headings.append({"text": section["heading"], "number": "", "level": 1, "role": role, "kind": "run_in",
                                   "size": body, "run_in": True, "page_break_before": False, "wrap_lines": 1})
            story.append(_Anchor(lambda page, idx=idx: state["heading_pages"].setdefault(idx, page), keep_with_next=True))
            story.extend(paragraph_flowables(paragraphs[0], body_style, content["notes"].get((si, -1, 0)), label))
            start = 1
        else:
            add_heading(1, role, number, section["heading"], section.get("page_break_before", False), section["fallback"])
            start = 0
        for pi in range(start, len(paragraphs)):
            style = ref_style if role == "references" else body_style
            story.extend(paragraph_flowables(paragraphs[pi], style, content["notes"].get((si, -1, pi))))
        for sj, sub in enumerate(section["subsections"]):
            if layout["h2_kind"] == "run_in":
                idx = len(truth_headings)
                prefix = f"{escape(sub['number'])} " if sub["number"] else ""
                label = f"<b>{prefix}{escape(sub['heading'])}.</b> "
                truth_headings.append({"text": sub["heading"], "number": sub["number"], "level": 2, "role": role,
                                       "kind": "run_in", "size": body, "run_in": True, "page_break_before": False,
                                       "wrap_lines": wrap_lines(Paragraph(label, body_style), col_w)})
                story.append(_Anchor(lambda page, idx=idx: state["heading_pages"].setdefault(idx, page), keep_with_next=True))
                story.extend(paragraph_flowables(sub["paragraphs"][0], body_style, content["notes"].get((si, sj, 0)), label))
                rest = range(1, len(sub["paragraphs"]))
            else:
                add_heading(2, role, sub["number"], sub["heading"], False, sub["fallback"])
                rest = range(len(sub["paragraphs"]))
            for pi in rest:
                story.extend(paragraph_flowables(sub["paragraphs"][pi], body_style, content["notes"].get((si, sj, pi))))

    # Page templates: page 1 has the title frame above the columns; later pages only columns.
    bottom = m + fn_zone
    col_h_first = page_h - 2 * m - title_h - fn_zone
    col_h = page_h - 2 * m - fn_zone

    def columns(height: float, prefix: str) -> list:
        return [Frame(m + c * (col_w + gutter), bottom, col_w, height, id=f"{prefix}{c}",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0) for c in range(ncol)]

    title_frame = Frame(m, page_h - m - title_h, text_w, title_h, id="title",
                        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    short_title = content["title"].split(":")[0]

    def on_page(canv, doc):
        canv.saveState()
        n = canv.getPageNumber()
        number = layout["page_number_style"].format(n=n)
        hsize = max(body - 1.5, 7)
        if layout["header"] and (n > 1 or rng_header_first):
            canv.setFont(fam["italic"], hsize)
            y = page_h - m * 0.6
            if n % 2 == 0 or not layout["footer"]:
                canv.drawString(m, y, content["running_head"])
                canv.drawRightString(page_w - m, y, short_title if layout["footer"] else number)
            else:
                canv.drawString(m, y, short_title)
                canv.drawRightString(page_w - m, y, content["running_head"])
            canv.setLineWidth(0.4)
            canv.line(m, y - 3, page_w - m, y - 3)
        if layout["footer"]:
            canv.setFont(fam["regular"], hsize)
            canv.drawCentredString(page_w / 2, m * 0.45, number)
        canv.restoreState()

    def on_page_end(canv, doc):
        notes = state["notes_by_page"].get(canv.getPageNumber())
        if not notes:
            return
        canv.saveState()
        style = ParagraphStyle("fn", fontName=fam["regular"], fontSize=fn_size, leading=fn_size + 1.5, alignment=TA_LEFT)
        y = m + fn_zone - 4
        canv.setLineWidth(0.5)
        canv.line(m, y, m + min(120, text_w / 3), y)
        y -= 3
        for n, note in notes:
            p = Paragraph(f"<super>{n}</super> {escape(note)}", style)
            _, h = p.wrap(text_w, fn_zone)
            y -= h
            p.drawOn(canv, m, y)
        canv.restoreState()

    rng_header_first = layout["header"] and (seed % 2 == 0)  # some papers have a running head on page 1 too
    first = PageTemplate(id="first", frames=[title_frame] + columns(col_h_first, "f"), onPage=on_page, onPageEnd=on_page_end,
                         autoNextPageTemplate="later")
    later = PageTemplate(id="later", frames=columns(col_h, "c"), onPage=on_page, onPageEnd=on_page_end)
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=(page_w, page_h), leftMargin=m, rightMargin=m, topMargin=m, bottomMargin=m,
                          title="", author="", subject="", creator="", producer="", invariant=1)
    doc.addPageTemplates([first, later])
    full_story = title_block + [FrameBreak(), NextPageTemplate("later")] + story
    doc.build(full_story)
    for idx, page in state["heading_pages"].items():
        truth_headings[idx]["page"] = page
    truth = {
        "seed": seed,
        "title": content["title"],
        "author": content["author"] if layout["author_line"] else "",
        "title_lines": title_lines,
        "running_head_on_page_1": bool(rng_header_first),
        "topic": content["topic"],
        "pages": doc.page,
        "layout": layout,
        "headings": truth_headings,
        "footnotes": len(content["notes"]),
    }
    return buf.getvalue(), truth


# ---------------------------------------------------------------------------------------------
# Scoring


def score(doc, truth: dict) -> dict:
    predicted = [(norm(s.heading), s.level, s.role, s.heading) for s in doc.sections if s.level > 0]
    gold = [(norm(h["text"]), h["level"], h["role"], i) for i, h in enumerate(truth["headings"])]
    from heading_match import match_in_order

    matched, unmatched = match_in_order(predicted, gold)
    tp = len(matched)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    matched_idx = {g[3] for g, _ in matched}
    return {
        "gold": len(gold), "predicted": len(predicted), "matched": tp,
        "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
        "role_correct": sum(g[2] == p[2] for g, p in matched),
        "level_correct": sum(g[1] == p[1] for g, p in matched),
        "role_accuracy": round(sum(g[2] == p[2] for g, p in matched) / tp, 3) if tp else 0.0,
        "level_accuracy": round(sum(g[1] == p[1] for g, p in matched) / tp, 3) if tp else 0.0,
        "missed": [truth["headings"][g[3]]["text"] for g in gold if g[3] not in matched_idx],
        "missed_idx": [g[3] for g in gold if g[3] not in matched_idx],
        "false": [p[3] for p in unmatched],
        "role_errors": [f"{truth['headings'][g[3]]['text']}: {g[2]} -> {p[2]}" for g, p in matched if g[2] != p[2]],
        "level_errors": [f"{truth['headings'][g[3]]['text']}: {g[1]} -> {p[1]}" for g, p in matched if g[1] != p[1]],
        "per_heading": [{"text": h["text"], "number": h["number"], "level": h["level"], "role": h["role"], "kind": h["kind"],
                         "wrap_lines": h["wrap_lines"], "page": h.get("page"),
                         "found": i in matched_idx,
                         "predicted_level": next((p[1] for g, p in matched if g[3] == i), None),
                         "predicted_role": next((p[2] for g, p in matched if g[3] == i), None)}
                        for i, h in enumerate(truth["headings"])],
        "matched_idx": sorted(matched_idx),
        "role_ok_idx": sorted(g[3] for g, p in matched if g[2] == p[2]),
        "title_right": norm(doc.title) == norm(truth["title"]),
        "title_predicted": doc.title,
    }


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    if not s:
        return 0.0
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (k - lo), 3)


def _breakdown(rows: list[tuple[dict, dict]]) -> dict:
    """Recall (and role accuracy among found) by heading property, over all renderings."""
    groups: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for truth, s in rows:
        found, role_ok = set(s["matched_idx"]), set(s["role_ok_idx"])
        lay = truth["layout"]
        for i, h in enumerate(truth["headings"]):
            keys = {
                "kind": f"L{h['level']} {h['kind']}",
                "level": str(h["level"]),
                "role": h["role"],
                "columns": str(lay["columns"]),
                "wrap_lines": str(min(h["wrap_lines"], 4)) + ("+" if h["wrap_lines"] >= 4 else ""),
                "numbered": "numbered" if h["number"] else "unnumbered",
                "numbering": lay["numbering"],
                "body_family": lay["body_family"],
                "top_of_page": "page_break_before" if h["page_break_before"] else "flow",
                "size_vs_body": ("+" if h["size"] - lay["body_size"] > 0.5 else "-" if h["size"] - lay["body_size"] < -0.5 else "within 0.5 pt"),
            }
            for group, key in keys.items():
                cell = groups[group][key]
                cell[0] += 1
                cell[1] += i in found
                cell[2] += i in role_ok
    out = {}
    for group, cells in groups.items():
        out[group] = {k: {"n": n, "recall": round(f / n, 3), "role_accuracy_found": round(r / f, 3) if f else None}
                      for k, (n, f, r) in sorted(cells.items())}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="number of renderings (default 200)")
    parser.add_argument("--seed", type=int, default=1000, help="base seed; rendering i uses seed + i")
    parser.add_argument("--only-seed", type=int, default=None, help="render and score this one seed only")
    parser.add_argument("--keep", default=None, help="folder to keep the PDFs and truth JSON in")
    parser.add_argument("--out", default=None, help="results JSON (default benchmarks/results/layouts.json; "
                                                         "not written with --only-seed unless given)")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO / "src"))
    from policy_nlp.config import load_pipeline
    from policy_nlp.pipeline import process_file, warm_up

    seeds = [args.only_seed] if args.only_seed is not None else [args.seed + i for i in range(args.n)]
    bank = json.loads(TEXTS.read_text(encoding="utf-8"))
    pipeline = load_pipeline()
    t0 = time.perf_counter()
    warm_up(pipeline)
    warm_s = time.perf_counter() - t0
    keep = Path(args.keep) if args.keep else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.TemporaryDirectory()
    rows, per_rendering = [], []
    timing = defaultdict(float)
    start = time.perf_counter()
    for k, seed in enumerate(seeds):
        t = time.perf_counter()
        pdf_bytes, truth = render(seed, bank)
        timing["render"] += time.perf_counter() - t
        folder = keep or Path(tmp.name)
        pdf = folder / f"layout_{seed}.pdf"
        pdf.write_bytes(pdf_bytes)
        if keep:
            (folder / f"layout_{seed}.truth.json").write_text(json.dumps(truth, indent=2))
        stage_times: dict[str, float] = {}
        try:
            doc = process_file(pdf, pipeline, stage_times)
        except Exception as exc:  # a crash is a result too: nothing found
            print(f"seed {seed}: process_file failed: {exc!r}", file=sys.stderr)
            from policy_nlp.model import Document
            doc = Document(path=str(pdf), sha256="")
        for name, v in stage_times.items():
            timing[name] += v
        s = score(doc, truth)
        rows.append((truth, s))
        lay = truth["layout"]
        per_rendering.append({
            "seed": seed, "topic": truth["topic"], "pages": truth["pages"],
            "layout": lay,
            **{key: s[key] for key in ("gold", "predicted", "matched", "precision", "recall", "f1", "role_accuracy",
                                       "level_accuracy", "missed", "false", "role_errors", "level_errors",
                                       "title_right", "title_predicted", "per_heading")},
            "title": truth["title"],
            "missed_kinds": [f"L{truth['headings'][i]['level']} {truth['headings'][i]['kind']}"
                             + (f" wrap{truth['headings'][i]['wrap_lines']}" if truth["headings"][i]["wrap_lines"] > 1 else "")
                             + (" top-of-page" if truth["headings"][i]["page_break_before"] else "")
                             for i in s["missed_idx"]],
        })
        if args.only_seed is not None or (k + 1) % 25 == 0:
            print(f"  {k + 1}/{len(seeds)} renderings, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    elapsed = time.perf_counter() - start

    tot = {k: sum(r[k] for r in per_rendering) for k in ("gold", "predicted", "matched")}
    p = tot["matched"] / tot["predicted"] if tot["predicted"] else 0.0
    r = tot["matched"] / tot["gold"] if tot["gold"] else 0.0
    micro_f1 = 2 * p * r / (p + r) if p + r else 0.0
    role_acc = sum(s["role_correct"] for _, s in rows) / tot["matched"] if tot["matched"] else 0.0
    level_acc = sum(s["level_correct"] for _, s in rows) / tot["matched"] if tot["matched"] else 0.0
    f1s = [x["f1"] for x in per_rendering]
    roles = [x["role_accuracy"] for x in per_rendering]
    worst = sorted(per_rendering, key=lambda x: (x["f1"], x["role_accuracy"], x["seed"]))[:10]
    summary = {
        "renderings": len(per_rendering), "headings": tot["gold"], "predicted": tot["predicted"], "matched": tot["matched"],
        "micro_precision": round(p, 3), "micro_recall": round(r, 3), "micro_f1": round(micro_f1, 3),
        "role_accuracy": round(role_acc, 3), "level_accuracy": round(level_acc, 3),
        "f1_distribution": {"min": min(f1s), "p5": _pct(f1s, 0.05), "median": _pct(f1s, 0.5)},
        "role_accuracy_distribution": {"min": min(roles), "p5": _pct(roles, 0.05), "median": _pct(roles, 0.5)},
        "worst_f1": min(f1s),
        "renderings_f1_below_0.80": sum(f < 0.8 for f in f1s),
        "title_right_rate": round(sum(x["title_right"] for x in per_rendering) / len(per_rendering), 3),
        "targets": {"heading_f1": 0.95, "role_accuracy": 0.95, "worst_rendering_f1": 0.80},
        "pages": {"min": min(x["pages"] for x in per_rendering), "max": max(x["pages"] for x in per_rendering),
                  "mean": round(sum(x["pages"] for x in per_rendering) / len(per_rendering), 2)},
        "seconds": {"total": round(elapsed, 1), "warm_up": round(warm_s, 1), **{k: round(v, 1) for k, v in timing.items()}},
    }
    import subprocess

    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True, timeout=30).stdout
        except Exception:
            return ""

    report = {
        "code": {"commit": git("rev-parse", "HEAD").strip(),
                 "uncommitted_src": [line[3:] for line in git("status", "--porcelain", "src").splitlines()]},
        "config": {"n": len(seeds), "base_seed": args.seed if args.only_seed is None else None,
                   "only_seed": args.only_seed, "seeds": seeds, "texts": str(TEXTS.relative_to(REPO))},
        "summary": summary,
        "worst": [{k: w[k] for k in ("seed", "f1", "precision", "recall", "role_accuracy", "level_accuracy", "layout",
                                     "missed", "missed_kinds", "false", "role_errors", "title_right", "title_predicted", "title")}
                  for w in worst],
        "breakdown": _breakdown(rows),
        "renderings": per_rendering,
    }

    print(f"{'seed':>6} {'cols':>4} {'h1':>13} {'h2':>11} {'num':>13} {'gold':>4} {'pred':>4} {'F1':>6} {'role':>6} {'level':>6}")
    for w in worst if args.only_seed is None else per_rendering:
        lay = w["layout"]
        print(f"{w['seed']:>6} {lay['columns']:>4} {lay['h1_kind']:>13} {lay['h2_kind']:>11} {lay['numbering']:>13} "
              f"{w['gold']:>4} {w['predicted']:>4} {w['f1']:>6} {w['role_accuracy']:>6} {w['level_accuracy']:>6}")
        if w["missed"]:
            print(f"       missed: {w['missed']}")
        if w["false"]:
            print(f"       false:  {w['false'][:6]}")
        if w["role_errors"]:
            print(f"       roles:  {w['role_errors'][:6]}")
    print(f"renderings {summary['renderings']}, headings {tot['gold']}: micro P {p:.3f} R {r:.3f} F1 {micro_f1:.3f}; "
          f"role accuracy {role_acc:.3f}; level accuracy {level_acc:.3f}; title right {summary['title_right_rate']:.3f}")
    print(f"per-rendering F1 min {summary['f1_distribution']['min']} p5 {summary['f1_distribution']['p5']} "
          f"median {summary['f1_distribution']['median']}; role accuracy min {summary['role_accuracy_distribution']['min']} "
          f"p5 {summary['role_accuracy_distribution']['p5']} median {summary['role_accuracy_distribution']['median']}; "
          f"{summary['renderings_f1_below_0.80']} renderings below F1 0.80; {elapsed:.0f} s")
    print("recall by heading kind: " + ", ".join(f"{k} {v['recall']} (n={v['n']})" for k, v in report["breakdown"]["kind"].items()))
    out = Path(args.out) if args.out else (REPO / "benchmarks/results/layouts.json" if args.only_seed is None else None)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2))
        print(f"written: {out}")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
