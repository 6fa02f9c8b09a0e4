"""Short passages and footnotes, on small generated PDFs.

A label, a figure or table line, or a section of a few words is no passage of its own: it goes with
a neighbour of its section, or, a whole section that short, with the next passage of the document
under its heading when the page and the role allow it, and otherwise stays alone under its heading.
Footnotes are passages of their own, and a body paragraph broken by a page break joins its rest
across the notes printed at the foot of the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("reportlab")

from reportlab.lib.pagesizes import letter  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from policy_nlp.segment.sections import MIN_PASSAGE_CHARS  # noqa: E402

BODY, NOTE = 10, 7.5


def _document(path: Path):
    from policy_nlp.extract import extract_pdf
    from policy_nlp.segment import segment_document

    doc = extract_pdf(path)
    segment_document(doc)
    return doc


def _lines(c, x: float, top: float, lines: list[str], size: float, font: str = "Helvetica") -> float:
    c.setFont(font, size)
    for i, text in enumerate(lines):
        c.drawString(x, top - i * 1.2 * size, text)
    return top - len(lines) * 1.2 * size


# 1. Labels, figure lines and one-line sections.


def _short_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    y = 720

    def heading(text: str) -> None:
        nonlocal y
        y -= 14
        _lines(c, 72, y, [text], 14, "Helvetica-Bold")
        y -= 24

    def paragraph(lines: list[str]) -> None:
        nonlocal y
        y = _lines(c, 72, y, lines, BODY) - 10

    _lines(c, 72, y, ["County energy review 2023"], 20, "Helvetica-Bold")
    y -= 40
    paragraph(["This review sets out what the county installed last year and what it plans next."])
    heading("Key findings")
    paragraph(["See the annex."])
    heading("Results")
    paragraph(["Installed rooftop capacity grew to 120 megawatts across the county in 2023, twice",
               "the capacity the county had counted three years before."])
    paragraph(["Figure 2"])
    paragraph(["Grid reinforcement lags behind, so curtailment reached eight percent last winter",
               "on the busiest feeders of the northern district."])
    paragraph(["Source: county data office"])
    heading("Options")
    paragraph(["Not applicable."])
    heading("Recommendations")
    paragraph(["The county should fund storage pilots at the three largest substations by 2026",
               "and report on their use to the council every year."])
    c.showPage()
    c.save()
    return path


def test_labels_and_a_one_line_section_leave_no_orphan_passage(tmp_path: Path):
    doc = _document(_short_pdf(tmp_path / "short.pdf"))
    by_section = {s.heading: s for s in doc.sections}
    assert {"Key findings", "Results", "Options", "Recommendations"} <= set(by_section)
    assert by_section["Key findings"].role == by_section["Results"].role  # status, from the headings
    assert by_section["Options"].role != by_section["Recommendations"].role

    def holding(words: str):
        found = [p for p in doc.passages if words in p.text]
        assert len(found) == 1, (words, [p.text for p in doc.passages])
        return found[0]

    # Labels inside a section go with a passage of that section.
    for label in ("Figure 2", "Source: county data office"):
        passage = holding(label)
        assert passage.section == "Results" and len(passage.text) > len(label) + MIN_PASSAGE_CHARS
    # A section of one line joins the next passage, same page, same role, its heading with it.
    annex = holding("See the annex.")
    assert annex.section == "Results" and "Installed rooftop capacity" in annex.text
    assert annex.text.startswith("Key findings\nSee the annex.")
    assert annex.role == by_section["Results"].role
    # A section of one line whose neighbours have another role is not passed off under theirs:
    # it stays alone, under its own heading.
    alone = holding("Not applicable.")
    assert alone.section == "Options" and alone.text == "Options\nNot applicable."
    assert "storage pilots" not in alone.text and "curtailment" not in alone.text
    others = [p for p in doc.passages if p is not alone]
    assert all(len(p.text) >= MIN_PASSAGE_CHARS for p in others)


# 2. Footnotes at the foot of a page, a paragraph running on to the next page.

LEFT, RIGHT = 60, 320
PAGE1_LEFT = [
    "The operators keep their approved lists and",
    "report each finding within ten days of the",
    "inspection, as the rules of the program say.",
    "Reports from the first accident show that a",
    "single sensor input to the control system can",
    "repeat the nose-down trim of the stabilizer and",
    "produce several flightdeck effects on the crew.",
    "The agency has reviewed these effects in detail.",
]
PAGE1_RIGHT = [
    "The manufacturer has revised the software of the",
    "flight control computers to compare the inputs",
    "of both sensors before any command is made, and",
    "to limit the command to one activation for each",
    "event of elevated angle of attack on the airplane.",
    "In addition to these four design changes, the",
    "agency also proposes to",
]
PAGE2_LEFT = [
    "require operators to conduct a sensor system test",
    "and a flight before each airplane returns to the",
    "service of the fleet, as the notice explains below.",
    "The operators will keep the records of each test",
    "and send them to the agency within thirty days of",
    "the flight, together with the list of the parts",
    "that were replaced during the work on the airplane.",
]
PAGE2_RIGHT = [
    "The agency will review the records of each of the",
    "operators during the next scheduled audit of their",
    "maintenance programs and their lists of approved",
    "parts and procedures before the end of this year.",
    "Comments on this proposal are invited from every",
    "person who has an interest in the safety of the",
    "fleet and of the passengers who fly on it today.",
]


def _notes_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    _lines(c, LEFT, 750, ["Background"], 14, "Helvetica-Bold")
    _lines(c, LEFT, 720, PAGE1_LEFT, BODY)
    _lines(c, RIGHT, 720, PAGE1_RIGHT, BODY)
    foot = 720 - 9 * 1.2 * BODY
    c.setFont("Helvetica", 5)
    c.drawString(LEFT, foot + 2.5, "1")
    _lines(c, LEFT + 4, foot, ["Preliminary report of the accident, dated November",
                               "2018, can be found in the docket of this rule."], NOTE)
    c.setFont("Helvetica", 5)
    c.drawString(RIGHT, foot + 2.5, "2")
    # A note that does not end its sentence: it must not run into the next page's body.
    _lines(c, RIGHT + 4, foot, ["The magnitude of the command varies according to",
                                "parameters such as the airplane\u2019s"], NOTE)
    c.showPage()
    _lines(c, LEFT, 720, PAGE2_LEFT, BODY)
    _lines(c, RIGHT, 720, PAGE2_RIGHT, BODY)
    c.showPage()
    c.save()
    return path


def test_footnotes_are_own_passages_and_the_body_joins_across_them(tmp_path: Path):
    doc = _document(_notes_pdf(tmp_path / "notes.pdf"))
    notes = [b for b in doc.blocks() if b.kind == "footnote"]
    assert [b.page for b in notes] == [1, 1]
    assert notes[0].text.startswith("Preliminary report") and notes[1].text.startswith("The magnitude")
    assert all(line.note for b in notes for line in b.lines)
    assert not any(line.note for b in doc.blocks() if b.kind != "footnote" for line in b.lines)
    assert all(h.text not in {b.text for b in notes} for h in doc.outline)  # no note became a heading

    texts = [p.text for p in doc.passages]
    # The sentence broken by the page break is whole, in one passage, the notes not inside it.
    joined = [t for t in texts if "also proposes to require operators to conduct a sensor system test" in t]
    assert len(joined) == 1 and "Preliminary" not in joined[0] and "magnitude" not in joined[0]
    # Each note is searchable as a passage of its own, holding no body text.
    for opening in ("Preliminary report of the accident", "The magnitude of the command"):
        (note,) = [p for p in doc.passages if opening in p.text]
        assert "operators" not in note.text and "agency" not in note.text
        assert note.page == 1
    assert not any("airplane\u2019s require" in t or "airplane\u2019s The agency" in t for t in texts)
    # The document's text reads the same way: body paragraph whole, notes on lines of their own.
    paragraphs = doc.text.split("\n")
    assert any("also proposes to require operators" in p for p in paragraphs)
    assert any(p.startswith("Preliminary report") and p.endswith("docket of this rule.") for p in paragraphs)
    assert any(p.startswith("The magnitude") and p.endswith("airplane\u2019s") for p in paragraphs)


def test_text_paragraphs_join_body_across_notes_only():
    from policy_nlp.extract.text import joins_paragraph

    assert joins_paragraph(["text", "footnote", "footnote"], "text") == 0  # over the page's notes
    assert joins_paragraph(["text", "footnote"], "footnote") == 1  # a note carried to the next column
    assert joins_paragraph(["footnote"], "text") is None  # never into a note
    assert joins_paragraph(["text"], "footnote") is None  # a note never into the body
    assert joins_paragraph(["heading", "footnote"], "text") is None


def test_a_cover_line_joins_the_text_after_it(tmp_path):
    """Front matter has no role: a cover's "Final report, January 2021" joins the passage that
    follows it instead of standing as a fragment."""
    path = tmp_path / "cover.pdf"
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.setFont("Helvetica-Bold", 20)
    c.drawString(72, 720, "Active Transport Plan for Chelsea")
    top = _lines(c, 72, 690, ["Final report, January 2021"], BODY)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, top - 30, "1 Current situation")  # a role from its heading: status
    _lines(c, 72, top - 55, [
        "The municipality adopted its first active transport plan in 2014 and has since built",
        "twelve kilometres of cycle paths, most of them along the river and the old railway line.",
    ], BODY)
    c.showPage()
    c.save()
    doc = _document(path)
    assert all(len(p.text) >= MIN_PASSAGE_CHARS for p in doc.passages), [p.text for p in doc.passages]
    assert any("Final report, January 2021" in p.text for p in doc.passages)
