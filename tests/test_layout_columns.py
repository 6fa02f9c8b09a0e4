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


def _title_pdf(path: Path, title: str, font: str, size: float, ncol: int, centred: bool) -> Path:
    style = ParagraphStyle("t", fontName=font, fontSize=size, leading=size * 1.2,
                           alignment=TA_CENTER if centred else 0, spaceAfter=6)
    body, head = _body(), _heading()
    cols = [[Paragraph(f"{i + 1} Section heading", head)] + [Paragraph(FILLER, body) for _ in range(5)] for i in range(ncol)]
    return _columns_pdf(path, cols, ncol=ncol, gutter=14, title=[Paragraph(title, style)], title_h=90)


def test_monospaced_title_is_not_cut_at_a_word_space_over_the_gutter(tmp_path: Path):
    """A Courier title in large type: its word spaces are wider than a narrow gutter, and one falls
    over it. The title stays one block, in order."""
    # 18 letters of 12.3 pt from the margin at 72: the space after "for" lies over the gutter's middle.
    title = "Managing Water for a Growing City: The Case of Baishui"
    pdf = _title_pdf(tmp_path / "mono.pdf", title, "Courier-Bold", 20.5, 2, centred=False)
    from policy_nlp.config import load_pipeline
    from policy_nlp.pipeline import process_file

    doc = process_file(pdf, load_pipeline())
    assert doc.title == title


def test_title_last_line_over_one_column_joins_the_title(tmp_path: Path):
    """A centred title whose short last line sits over the middle column (or flush left over the
    first): it is read with the title, not after the first column."""
    from policy_nlp.config import load_pipeline
    from policy_nlp.pipeline import process_file

    for centred in (True, False):
        title = "Charging Ahead: Electric Vehicle Infrastructure in the Region of Kestrel Bay"
        pdf = _title_pdf(tmp_path / f"t{centred}.pdf", title, "Helvetica-Bold", 16, 3, centred=centred)
        lines = extract_pdf(pdf).pages[0].lines
        last = next(line for line in lines if "Kestrel" in line.text)
        assert last.column == -1
        assert process_file(pdf, load_pipeline()).title == title


def test_monospaced_single_column_has_no_river_gutter(tmp_path: Path):
    """Courier text in one column: letters on a grid can leave a white river one letter wide down the
    page (here every line has a space at letter 45). It is a word space, not a gutter."""
    from reportlab.pdfgen import canvas

    import random

    rng = random.Random(7)
    pdf = tmp_path / "river.pdf"
    c = canvas.Canvas(str(pdf), pagesize=A4)
    c.setFont("Courier", 9.5)

    def words(n: int) -> str:
        out = ""
        while len(out) < n:
            out += "".join(rng.choice("abcdefghij") for _ in range(rng.randint(2, 8))) + " "
        return out[:n - 1].rstrip() .ljust(n - 1, "x")

    for i in range(45):
        c.drawString(72, 780 - i * 11.4, words(45) + " " + words(25))
    c.save()
    doc = extract_pdf(pdf)
    assert doc.pages[0].columns == 1


def _running_head_pdf(path: Path, title: str, heading: str) -> Path:
    """Three pages with the title as running head on every page, page 1 included; page 1 prints the
    title big over a bold heading and body text."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    for n in range(1, 4):
        c.setFont("Times-Italic", 8.5)
        c.drawString(45, h - 25, title)
        c.drawRightString(w - 45, h - 25, "Research Report for Decision Makers")
        y = h - 80
        if n == 1:
            c.setFont("Times-Bold", 18)
            c.drawString(45, y, title)
            y -= 40
            c.setFont("Times-Bold", 12)
            c.drawString(45, y, heading)
            y -= 20
        c.setFont("Times-Roman", 10.5)
        for _ in range(30):
            c.drawString(45, y, "The city has extended piped water to nearly all residents and raised treatment.")
            y -= 13
        c.showPage()
    c.save()
    return path


def test_title_repeated_as_running_head_is_still_the_title(tmp_path: Path):
    """A short title repeated in the running heads (page 1's too) is the title, and a named section
    heading ("Abstract") under it never is."""
    from policy_nlp.config import load_pipeline
    from policy_nlp.pipeline import process_file

    title = "Urban Water Security in Baishui City"
    for heading in ("Abstract", "Summary"):
        pdf = _running_head_pdf(tmp_path / f"{heading}.pdf", title, heading)
        assert process_file(pdf, load_pipeline()).title == title


def test_columns_over_a_wide_table_stay_columns_though_full_width_notes_follow_it(tmp_path):
    """Three columns of text, a ruled table as wide as the text, then full-width table notes: the
    notes cross the gutters and, counted with the text over the table, hid them."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    from policy_nlp.extract import extract_pdf

    path = tmp_path / "report.pdf"
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.setFont("Times-Roman", 9)
    columns = {72: "left column words", 250: "middle column words", 430: "right column words"}
    for x, label in columns.items():
        for k in range(9):
            c.drawString(x, 740 - 11 * k, f"{label} line {k} goes on here")
    top, rows, xs = 620, 8, [72, 200, 330, 460, 560]
    for r in range(rows + 1):
        c.line(72, top - 14 * r, 560, top - 14 * r)
    for x in xs:
        c.line(x, top, x, top - 14 * rows)
    for r in range(rows):
        for k, x in enumerate(xs[:-1]):
            c.drawString(x + 4, top - 14 * r - 10, f"{r * 10 + k + 1},{r}00" if k else f"Region {r}")
    for k in range(12):
        c.drawString(72, 480 - 10 * k, "Note: estimates are rounded and may not add to totals; margins of error are shown "
                                       f"at the 90 percent confidence level in every row {k}.")
    c.showPage()
    c.save()
    page = extract_pdf(path).pages[0]
    assert page.columns == 3
    first = page.blocks[0].text
    assert "left column" in first and "middle column" not in first
