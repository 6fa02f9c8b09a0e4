"""Columns, gutters and titles on small PDFs written with reportlab (extract/layout.py, segment/titles.py)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Frame, FrameBreak, Paragraph
from reportlab.platypus.doctemplate import BaseDocTemplate, PageTemplate

from policy_nlp.extract import extract_pdf

FILLER = (
    "The region has built a large network of public chargers in recent years, but much of it is in the "
    "wrong place or out of service, while many drivers cannot charge at home. Paying for service rather "
    "than construction would make the network fit the fleet. "
)


def _columns_pdf(path: Path, story_by_frame: list[list], ncol: int = 3, gutter: float = 14, font: str = "Courier",
                 title: list | None = None, title_h: float = 0, header: str = "") -> Path:
    """One A4 page: an optional full-width title frame, then `ncol` columns; story_by_frame[i] fills frame i."""
    w, h = A4
    m = 72
    col_w = (w - 2 * m - (ncol - 1) * gutter) / ncol
    frames = []
    if title:
        frames.append(Frame(m, h - m - title_h, w - 2 * m, title_h, id="title", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0))
    frames += [Frame(m + c * (col_w + gutter), m, col_w, h - 2 * m - title_h, id=f"c{c}",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0) for c in range(ncol)]

    def on_page(canv, doc):
        if header:
            canv.setFont("Helvetica-Oblique", 8)
            canv.drawString(m, h - m * 0.6, header)
            canv.drawRightString(w - m, h - m * 0.6, "Working Paper")

    doc = BaseDocTemplate(str(path), pagesize=A4, leftMargin=m, rightMargin=m, topMargin=m, bottomMargin=m)
    doc.addPageTemplates([PageTemplate(id="p", frames=frames, onPage=on_page)])
    story: list = []
    for i, part in enumerate(([title] if title else []) + story_by_frame):
        if i:
            story.append(FrameBreak())
        story.extend(part)
    doc.build(story)
    return path


def _body(font: str = "Courier", size: float = 9.5) -> ParagraphStyle:
    return ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.2, alignment=TA_JUSTIFY, spaceAfter=4)


def _heading(font: str = "Courier-Bold", size: float = 11.5) -> ParagraphStyle:
    return ParagraphStyle("h", fontName=font, fontSize=size, leading=size * 1.2, spaceBefore=6, spaceAfter=4)


def _lines(path: Path, page: int = 1) -> list[str]:
    return [line.text for line in extract_pdf(path).pages[page - 1].lines]


def test_short_second_column_keeps_its_gutter(tmp_path: Path):
    """A last page of three columns: the first full, the second a heading and a few lines, the third
    empty. The short column's word spaces must not pass for gutters, nor hide the real one: the
    headings at the top of the two columns stay two lines."""
    body, head = _body(), _heading()
    first = [Paragraph("4 Policy priorities", head)] + [Paragraph(FILLER, body) for _ in range(6)]
    second = [Paragraph("5 Concluding remarks", head), Paragraph(FILLER, body)]
    pdf = _columns_pdf(tmp_path / "short.pdf", [first, second])
    doc = extract_pdf(pdf)
    texts = [line.text for line in doc.pages[0].lines]
    assert "4 Policy priorities" in texts
    assert "5 Concluding remarks" in texts
    assert doc.pages[0].columns >= 2
    assert not any("priorities" in t and "Concluding" in t for t in texts)


def test_short_third_column_keeps_both_gutters(tmp_path: Path):
    """Two full columns and a third that stops after a few lines: all three are read apart."""
    body, head = _body("Times-Roman", 9.5), _heading("Times-Bold", 9.5)
    full = [Paragraph(FILLER, body) for _ in range(7)]
    third = [Paragraph("(c) Diversify water sources", head), Paragraph(FILLER, body)]
    pdf = _columns_pdf(tmp_path / "third.pdf", [[Paragraph("(a) High leakage", head)] + full,
                                                [Paragraph("(b) Reform tariffs", head)] + full, third])
    doc = extract_pdf(pdf)
    texts = [line.text for line in doc.pages[0].lines]
    assert doc.pages[0].columns == 3
    for heading in ("(a) High leakage", "(b) Reform tariffs", "(c) Diversify water sources"):
        assert heading in texts
