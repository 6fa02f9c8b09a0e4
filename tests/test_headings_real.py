"""Headings and roles that hold on real layouts: bookmarks, run-in labels, letter sequences,
masthead titles, page-top titles, roles weighed in context. Small PDFs written here with reportlab."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_nlp.extract import extract_pdf
from policy_nlp.segment.headings import detect_headings

BODY = (
    "The province added 42 new water stations in 2021 and extended its pipe network by a fifth. "
    "Coverage in rural districts rose to 91 percent, while losses from ageing pipes stayed high. "
    "Tariffs still cover only two thirds of the cost of supply and treatment in most counties."
)


class _Page:
    """Lines written top-down on a reportlab canvas, wrapping body text at 450 pt."""

    def __init__(self, canvas):
        self.c, self.y = canvas, 780

    def line(self, text: str, font: str = "Times-Roman", size: float = 10.5, gap: float = 14) -> None:
        self.c.setFont(font, size)
        self.c.drawString(72, self.y, text)
        self.y -= gap

    def paragraph(self, text: str, lead: str = "", lead_font: str = "Times-Bold") -> None:
        words, line, first = text.split(), "", True
        for word in words:
            width = self.c.stringWidth(f"{lead} {line} {word}" if first else f"{line} {word}", "Times-Roman", 10.5)
            if width > 450:
                self._write(line, lead if first else "", lead_font)
                first, line = False, word
            else:
                line = f"{line} {word}".strip()
        self._write(line, lead if first else "", lead_font)
        self.y -= 6

    def _write(self, text: str, lead: str, lead_font: str) -> None:
        x = 72
        if lead:
            self.c.setFont(lead_font, 10.5)
            self.c.drawString(x, self.y, lead)
            x += self.c.stringWidth(lead + " ", lead_font, 10.5)
        self.c.setFont("Times-Roman", 10.5)
        self.c.drawString(x, self.y, text)
        self.y -= 13


def _canvas(path: Path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    return canvas.Canvas(str(path), pagesize=A4, invariant=1)


def _outline(path: Path) -> list[tuple[str, str, int, str]]:
    doc = extract_pdf(path)
    return [(h.number, h.text, h.level, h.evidence) for h in detect_headings(doc)]


def test_bookmarks_count_where_the_page_prints_them(tmp_path):
    """A bookmark whose text is printed on its page is a heading even in plain type; one that
    points at text the page does not print is not."""
    path = tmp_path / "bookmarked.pdf"
    c = _canvas(path)
    page = _Page(c)
    page.line("Water Supply Review 2023", "Helvetica-Bold", 18, 30)
    page.paragraph(BODY)
    page.y -= 8
    page.line("Where the network stands", gap=20)  # plain body type: only the bookmark says it is a heading
    page.paragraph(BODY)
    page.paragraph(BODY)
    c.bookmarkPage("stands")
    c.bookmarkPage("missing")  # reportlab keys entries by destination: one each
    c.addOutlineEntry("Where the network stands", "stands", level=0)
    c.addOutlineEntry("A chapter this excerpt does not print", "missing", level=0)
    c.showPage()
    c.save()
    outline = _outline(path)
    assert ("", "Where the network stands", 1, "outline") in outline
    assert not any("excerpt" in text for _, text, _, _ in outline)


def test_run_in_labels_numbered_or_not_and_list_items_are_not_headings(tmp_path):
    path = tmp_path / "run_in.pdf"
    c = _canvas(path)
    page = _Page(c)
    page.line("Water Supply Review 2023", "Helvetica-Bold", 18, 30)
    page.line("1 Recommendations", "Helvetica-Bold", 12, 18)
    page.paragraph(BODY)
    page.paragraph(BODY, lead="Policy priorities.")
    page.paragraph(BODY, lead="(a) Reduce leakage.")
    page.paragraph(BODY, lead="\u2022 Tariffs.")
    c.showPage()
    c.save()
    outline = _outline(path)
    assert ("", "Policy priorities", 2, "run-in") in outline  # inside section 1
    assert any(n == "(a)" and t == "Reduce leakage" for n, t, _, _ in outline)
    assert not any("Tariffs" in t for _, t, _, _ in outline)


def test_letters_after_h_continue_the_sequence_and_stray_numbers_do_not_count():
    from policy_nlp.segment.numbering import in_sequence, numbered_levels, resolve_letters

    letters = ["(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)", "(h)", "(i)", "(j)"]
    assert resolve_letters(letters)[8] == "(letter)"  # "(i)" after "(h)" is the letter i
    assert len(set(numbered_levels(letters))) == 1  # so it is not nested under "(h)"
    assert resolve_letters(["1", "(i)", "(ii)"])[1] == "(roman)"
    assert in_sequence(["(a)", "(k)"]) == [True, False]  # "(k)" with no "(j)" before it
    assert in_sequence(["1", "2", "14"]) == [True, True, False]  # "14 CFR Part 39"


def test_masthead_title_and_a_page_top_title_that_does_not_repeat(tmp_path):
    """A stack of bold body-size lines (agency, docket, title) gives the title; a title printed once
    at the top of a later page is a heading, not a running head."""
    path = tmp_path / "rule.pdf"
    c = _canvas(path)
    page = _Page(c)
    for text in ("DEPARTMENT OF WATER", "Office of Rural Supply", "[Docket No. W-2023-0042]",
                 "Water Stations; Rural Network Extension"):
        page.line(text, "Times-Bold", 10.5, 28)
    page.paragraph(BODY)
    page.paragraph(BODY)
    c.showPage()
    for title, text in (("Safety concerns", "Crossings near schools lack lights and signs. " * 6),
                        ("Network connections", "Paths end at the river and do not reach the station. " * 6)):
        page = _Page(c)
        page.line(title, "Helvetica", 14, 22)
        page.paragraph(text)
        c.showPage()
    c.save()
    doc = extract_pdf(path)
    outline = detect_headings(doc)
    assert doc.title == "Water Stations; Rural Network Extension"
    assert [h.text for h in outline] == ["Safety concerns", "Network connections"]  # the masthead is no section


@pytest.mark.parametrize(("heading", "position", "role"), [
    ("Risks to the Outlook", 0.5, "dilemma"),
    ("Forces Shaping the Outlook", 0.2, None),  # the role word is in a modifier: content decides
    ("Credit for Previous Actions", 0.9, "other"),  # a fixed part of a directive, not its actions
    ("The Forecast", 0.3, "status"),
    ("Policy Priorities", 0.8, "recommendation"),
    ("Summary", 0.0, "abstract"),
    ("Summary", 0.95, "conclusion"),
    ("Suggestions and implementation paths for the upgrading of manufacturing", 0.7, "recommendation"),
])
def test_heading_words_weighed_in_context(heading, position, role):
    from policy_nlp.config import models_dir
    from policy_nlp.segment.heading_roles import heading_role
    from policy_nlp.segment.roles import load_lexicon

    hit = heading_role(heading, position, load_lexicon(str(models_dir() / "role_lexicon.toml")))
    assert (hit[0] if hit else None) == role


def test_metadata_title_only_when_page_one_prints_it():
    from policy_nlp.extract.outline import plausible_title

    page = "Cybersecurity: Launching and Implementing the National Cybersecurity Strategy June 2023"
    assert plausible_title("Cybersecurity: Launching and Implementing the National Cybersecurity Strategy", page)
    assert plausible_title("Microsoft Word - SPECIAL BOARD AGENDA 040616.doc", page) == ""
    assert plausible_title("905_Precinct_NoOU", page) == ""
    assert plausible_title("Annual Report of Another Agency", page) == ""


CHELSEA = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "chelsea_pdta.pdf"


@pytest.mark.skipif(not CHELSEA.exists(), reason="needs ../shared/realdocs")
def test_tagged_pdf_headings_are_read_with_their_pages():
    """A tagged PDF declares H1–H6 elements; their text comes from the page's marked content."""
    doc = extract_pdf(CHELSEA)
    tagged = [(b.page, b.level, b.text) for b in doc.bookmarks if b.source == "tagged"]
    assert (5, 1, "1. Mise en contexte") in tagged
    assert (25, 3, "Structuration du Plan d’action") in tagged
    outline = detect_headings(doc)
    assert any(h.text == "Mise en contexte" and h.page == 5 and h.evidence in ("outline", "tagged") for h in outline)


def test_untagged_pdf_has_no_tagged_headings(tmp_path):
    path = tmp_path / "plain.pdf"
    c = _canvas(path)
    _Page(c).paragraph(BODY)
    c.showPage()
    c.save()
    assert not [b for b in extract_pdf(path).bookmarks if b.source == "tagged"]


@pytest.mark.parametrize(("text", "is_heading"), [
    ("Sources of finance", True),
    ("L'INCITATION DE MON EMPLOYEUR OU DE MON ÉCOLE À", False),  # a chart label cut mid-phrase
    ("LA QUALITÉ DU RÉSEAU N'EST PAS ADÉQUATE /", False),
    ("Annexe A", True),
    ("CHELSEA 26%", False),  # a chart's bar label and its share
    ("Table 1. Water supply by district", False),  # a caption
    ("Table des matières", True),
    ("Shri Mukesh D. Ambani", False),  # a portrait's caption
    ("Drivers of growth", True),
    ("150 Integrated Approach to Sustainable Growth", False),  # a contents entry's page number
    ("2030 Targets for the Grid", True),  # a year opens headings too
    ("非经常性损益项目和金额 √ 适用 □ 不适用", False),  # tick boxes of a form
    ("None", False),  # an empty answer
    ("In our third decade of climate action, we recognize that", False),
])
def test_what_a_bold_line_must_look_like_to_be_a_heading(text, is_heading):
    from policy_nlp.model import Block, Line
    from policy_nlp.segment.heading_cues import heading_evidence

    block = Block(lines=[Line(text=text, page=1, bbox=(72, 100, 400, 112), font="Helvetica-Bold", size=12, bold=True)],
                  page=1, text=text)
    assert bool(heading_evidence(block, body_size=10, body_bold=False)) is is_heading


def test_a_missing_number_between_two_headings_is_looked_for():
    from policy_nlp.segment.numbering import between

    assert between("I", "III") == "II" and between("2", "4") == "3" and between("A", "C") == "B"
    assert between("1", "2") == "" and between("a", "C") == ""


def test_heading_missed_between_its_numbered_siblings_is_found(tmp_path):
    """"I." and "III." stand out by weight; "II." at the top of a column in plain type is found
    because the numbering says a heading is missing there."""
    path = tmp_path / "siblings.pdf"
    c = _canvas(path)
    page = _Page(c)
    page.line("Water Supply Review 2023", "Helvetica-Bold", 18, 30)
    page.line("I. Where the network stands", "Times-Bold", 10.5, 18)
    page.paragraph(BODY)
    page.y -= 4
    page.line("II. What holds it back", gap=20)  # plain type, about a paragraph's spacing: no typographic cue
    page.paragraph(BODY)
    page.line("III. What should be done", "Times-Bold", 10.5, 18)
    page.paragraph(BODY)
    c.showPage()
    c.save()
    outline = _outline(path)
    assert [(n, t) for n, t, _, _ in outline] == [
        ("I", "Where the network stands"), ("II", "What holds it back"), ("III", "What should be done")]


def test_a_dated_title_right_over_a_table_is_the_tables_title(tmp_path):
    path = tmp_path / "table_title.pdf"
    c = _canvas(path)
    page = _Page(c)
    page.line("Water Supply Review 2023", "Helvetica-Bold", 18, 30)
    page.line("1 Where the network stands", "Times-Bold", 12, 18)
    page.paragraph(BODY)
    page.line("Water supply by district: 2019 and 2023", "Times-Bold", 10.5, 16)
    top = page.y + 8
    rows = [("District", "2019", "2023"), ("North", "120", "164"), ("South", "98", "141"), ("East", "77", "102")]
    for r, row in enumerate(rows):
        for k, cell in enumerate(row):
            c.setFont("Times-Roman", 10)
            c.drawString(80 + 120 * k, top - 14 - 18 * r, cell)
    for r in range(len(rows) + 1):
        c.line(72, top - 18 * r, 432, top - 18 * r)
    for k in range(4):
        c.line(72 + 120 * k, top, 72 + 120 * k, top - 18 * len(rows))
    page.y = top - 18 * len(rows) - 24
    page.paragraph(BODY)
    c.showPage()
    c.save()
    doc = extract_pdf(path)
    assert doc.pages[0].tables, "the ruled table is found"
    texts = [h.text for h in detect_headings(doc)]
    assert "Where the network stands" in texts
    assert not any("2019 and 2023" in t for t in texts)


def test_chinese_enumerated_headings_in_body_type(tmp_path):
    """"（一）新增发行H股" on a short line over its paragraph, in body type: a heading."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "zh.pdf"
    c = _canvas(path)
    c.setFont("STSong-Light", 16)
    c.drawString(72, 780, "二、重要事项进展情况")
    y = 750
    for heading, body in (("（一）新增发行H股", "新增发行H股股票方案已经公司临时股东大会审议通过，公司正在推进相关工作，预计年内完成发行。"),
                          ("（二）重大资产出售事项进展", "公司召开董事会会议，审议通过了重大资产出售方案，目前交易各方正在办理资产交割手续。")):
        c.setFont("STSong-Light", 10)
        c.drawString(72, y, heading)
        y -= 14
        for start in range(0, len(body), 30):
            c.drawString(72, y, body[start:start + 30])
            y -= 14
        y -= 6
    c.showPage()
    c.save()
    texts = [(h.number, h.text) for h in detect_headings(extract_pdf(path))]
    assert ("（一）", "新增发行H股") in texts
    assert ("（二）", "重大资产出售事项进展") in texts


def test_larger_type_after_the_text_has_begun_is_a_heading_not_the_title(tmp_path):
    """An excerpt that starts mid-chapter: body text first, then a 14 pt line. The title opens a
    document, so this is the section's heading and the document has no printed title."""
    path = tmp_path / "excerpt.pdf"
    c = _canvas(path)
    page = _Page(c)
    page.paragraph(BODY)
    page.paragraph(BODY)
    page.line("Students with disabilities", "Helvetica-Bold", 14, 22)
    page.paragraph(BODY)
    c.showPage()
    c.save()
    doc = extract_pdf(path)
    outline = detect_headings(doc)
    assert doc.title == ""
    assert [h.text for h in outline] == ["Students with disabilities"]


def test_a_line_repeating_a_word_is_column_heads_read_across_not_a_heading(tmp_path):
    path = tmp_path / "survey.pdf"
    c = _canvas(path)
    page = _Page(c)
    page.line("Survey of Rural Water Users", "Helvetica-Bold", 16, 30)
    page.line("Results of the survey", "Times-Bold", 12, 18)
    page.paragraph(BODY)
    page.line("VERY IMPORTANT IMPORTANT NEUTRAL NOT IMPORTANT", "Times-Bold", 10.5, 18)  # a chart legend
    page.line("Purpose and scope Integration and and implementation", "Times-Bold", 10.5, 18)  # table heads
    page.paragraph(BODY)
    c.showPage()
    c.save()
    doc = extract_pdf(path)
    assert [h.text for h in detect_headings(doc)] == ["Results of the survey"]


def test_a_charts_title_over_its_axis_figures_heads_nothing_though_a_table_stands_beside_it(tmp_path):
    path = tmp_path / "roundup.pdf"
    c = _canvas(path)
    page = _Page(c)
    page.line("Weekly Energy Round-up", "Helvetica-Bold", 16, 30)
    page.line("Prices this week", "Times-Bold", 12, 18)
    page.paragraph(BODY)
    y = page.y - 10
    c.setFont("Helvetica-Bold", 10.5)
    c.drawString(420, y, "Iowa Ethanol")  # the chart's title, right of the table, over its axis
    c.setFont("Helvetica", 7)
    for k, tick in enumerate(("2.60", "2.40", "2.20", "2.00", "1.80", "1.60")):
        c.drawString(400, y - 14 - 8 * k, tick)
    c.setFont("Times-Roman", 9)
    rows = (("State", "This week", "Last week"), ("Iowa", "1.35", "1.38"), ("Minnesota", "1.38", "1.40"),
            ("Nebraska", "1.36", "1.36"), ("Kansas", "1.40", "1.43"), ("Illinois", "1.45", "1.47"), ("Ohio", "1.47", "1.49"))
    for k, row in enumerate(rows):
        for x, value in zip((72, 170, 250), row):
            c.drawString(x, y - 80 - 13 * k, value)
    c.showPage()
    c.save()
    doc = extract_pdf(path)
    assert len(doc.tables) == 1
    assert [h.text for h in detect_headings(doc)] == ["Prices this week"]
