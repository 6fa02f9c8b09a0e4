"""Extraction faults seen on real documents, each shown on a small generated PDF.

Raised numerator and ordinal digits kept in the text (the FAA handbook's "1⁄4 inch", "10th"), dash joins
that keep identifiers whole (Federal Register "737–9", "FAA–2020–0686"), footnotes kept out of the
body flow, and page 1 of a three-column page under a masthead read column by column.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_nlp.extract.text import join_lines

pytest.importorskip("reportlab")

from reportlab.lib.pagesizes import letter  # noqa: E402
from reportlab.pdfbase.pdfmetrics import registerFont, stringWidth  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _canvas(path: Path):
    return canvas.Canvas(str(path), pagesize=letter, invariant=1)


def _pieces(c, x: float, y: float, pieces: list[tuple[str, float, float]], font: str = "Helvetica") -> float:
    """Draw (text, size, rise) pieces one after another; returns the x after the last one."""
    for text, size, rise in pieces:
        c.setFont(font, size)
        c.drawString(x, y + rise, text)
        x += stringWidth(text, font, size)
    return x


def _extract(path: Path):
    from policy_nlp.extract import extract_pdf

    return extract_pdf(path)


# 1. Raised digits of a number stay in the text; note marks still go to `marks`.


def _superscript_pdf(path: Path, font: str = "Helvetica", slash: str = "/") -> Path:
    c = _canvas(path)
    body, small, up = 10, 6, 4
    _pieces(c, 72, 700, [
        ("Use bolts of ", body, 0), ("1", small, up), (slash, body, 0), ("4", small, 0),
        (" inch on the 10", body, 0), ("th", small, up), (" and 25", body, 0), ("th", small, up),
        (" floors, as the policy says.", body, 0), ("3", small, up),
    ], font)
    _pieces(c, 72, 686, [("Each 1", body, 0), ("st", small, up), (" and 3", body, 0), ("rd", small, up),
                         (" check is logged in the register", body, 0), ("12", small, up), (".", body, 0)], font)
    c.setFont(font, body)
    c.drawString(72, 672, "Inspectors sign the register after every check of the floors.")
    c.showPage()
    c.save()
    return path


def test_raised_numerators_and_ordinals_stay_marks_go(tmp_path: Path):
    doc = _extract(_superscript_pdf(tmp_path / "sup.pdf"))
    lines = list(doc.lines())
    assert lines[0].text == "Use bolts of 1/4 inch on the 10th and 25th floors, as the policy says."
    assert lines[0].marks == ["3"]
    assert lines[1].text == "Each 1st and 3rd check is logged in the register."
    assert lines[1].marks == ["12"]


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs DejaVuSans for U+2044 FRACTION SLASH")
def test_fraction_slash_numerator_is_kept(tmp_path: Path):
    registerFont(__import__("reportlab.pdfbase.ttfonts", fromlist=["TTFont"]).TTFont("DejaVuSans", str(DEJAVU)))
    doc = _extract(_superscript_pdf(tmp_path / "frac.pdf", font="DejaVuSans", slash="\u2044"))
    first = next(iter(doc.lines()))
    assert "of 1\u20444 inch" in first.text
    assert first.marks == ["3"]


# 2. A dash at a line end inside an identifier joins without a space; word hyphenation is unchanged.


def _lines_pdf(path: Path, lines: list[str], size: float = 10, x: float = 72, top: float = 700) -> Path:
    c = _canvas(path)
    c.setFont("Helvetica", size)
    for i, text in enumerate(lines):
        c.drawString(x, top - i * 1.2 * size, text)
    c.showPage()
    c.save()
    return path


def test_identifier_dashes_join_without_space(tmp_path: Path):
    lines = [
        "The rule applies to all Model 737\u20138 and 737\u2013",
        "9 airplanes listed in Docket No. FAA\u20132020\u2013",
        "0686, call 206\u2013231\u2013",
        "3195 for the in-",
        "dustrial and provincial-",
        "level plans of the FAA-",
        "approved list under COVID-",
        "19 rules, see results \u2013",
        "as shown.",
    ]
    doc = _extract(_lines_pdf(tmp_path / "dash.pdf", lines))
    text = doc.text
    assert "737\u20138 and 737\u20139 airplanes" in text
    assert "FAA\u20132020\u20130686," in text
    assert "206\u2013231\u20133195" in text
    assert "the industrial and provincial-level plans" in text
    assert "FAA-approved" in text and "COVID-19" in text
    assert "results \u2013 as shown." in text


def test_identifier_dash_join_rules():
    assert join_lines(["Model 737\u2013", "9 (737 MAX)"]) == "Model 737\u20139 (737 MAX)"
    assert join_lines(["(AD 2018\u2013", "23\u201351)"]) == "(AD 2018\u201323\u201351)"
    assert join_lines(["in-", "dustrial"]) == "industrial"
    assert join_lines(["provincial-", "level"]) == "provincial-level"
    assert join_lines(["non-", "EU"]) == "non-EU"
    assert join_lines(["a pause \u2013", "then"]) == "a pause \u2013 then"


# 4. A head band (title left, masthead right) over three columns with a narrow, ragged gutter.

WORDS = (
    "the agency proposes to require new software and revised procedures for every airplane of the "
    "model while operators keep their existing approved lists and report each finding within ten days"
).split()


def _column_text(label: str, n_words: int) -> str:
    return " ".join(f"{label}{i}" if i % 9 == 0 else WORDS[(i * 7) % len(WORDS)] for i in range(n_words))


def _three_column_pdf(path: Path) -> tuple[Path, list[list[str]]]:
    from reportlab.lib.utils import simpleSplit

    c = _canvas(path)
    c.setFont("Helvetica-Bold", 18)
    c.drawString(45, 730, "Proposed Rules")
    c.setFont("Helvetica", 8)
    for i, text in enumerate(["Federal Register", "Vol. 85, No. 152", "Thursday, August 6, 2020"]):
        c.drawString(399, 735 - i * 15, text)
    columns = []
    for x, label in ((45, "alpha"), (222, "bravo"), (399, "charlie")):
        lines = simpleSplit(_column_text(label, 260), "Helvetica", 9, 168)
        c.setFont("Helvetica", 9)
        for i, text in enumerate(lines[:55]):
            c.drawString(x, 680 - i * 10, text)
        columns.append(lines[:55])
    c.showPage()
    c.save()
    return path, columns


def test_head_band_then_three_columns_in_order(tmp_path: Path):
    path, columns = _three_column_pdf(tmp_path / "three.pdf")
    doc = _extract(path)
    lines = list(doc.lines())
    texts = [line.text for line in lines]
    assert texts[0] == "Proposed Rules"
    assert texts[1:4] == ["Federal Register", "Vol. 85, No. 152", "Thursday, August 6, 2020"]
    assert all(line.column != -1 for line in lines)  # no two columns' lines glued into one
    # The head band's blocks are their own, not glued to the first column's text.
    blocks = [block.text for block in doc.blocks()]
    assert blocks[0] == "Proposed Rules" and "alpha" not in " ".join(blocks[:4])
    # Each column top to bottom, left to right.
    assert texts[4:] == [text for column in columns for text in column]


# 3. Footnotes at the foot of a column are read after the page's body, not inside a sentence.


def _footnote_pdf(path: Path) -> Path:
    c = _canvas(path)
    left, right, body, note = 60, 320, 10, 7.5

    def column(x: float, top: float, lines: list[str], size: float) -> None:
        c.setFont("Helvetica", size)
        for i, text in enumerate(lines):
            c.drawString(x, top - i * 1.2 * size, text)

    column(left, 720, [
        "The operators keep their approved lists and",
        "report each finding within ten days of the",
        "inspection, as the rules of the program say.",
        "Reports from the first accident show that a",
        "single sensor input to the control system can",
        "repeat the nose-down trim of the stabilizer and",
        "produce several flightdeck effects, and the",
        "agency therefore proposes that operators will also",
    ], body)
    c.setFont("Helvetica", 5)
    c.drawString(left, 640 - 6 * 1.2 * body + 2.5, "1")
    column(left + 4, 640 - 6 * 1.2 * body, [
        "Preliminary report of the accident, dated November",
        "2018, can be found in the docket of this rule.",
    ], note)
    c.setFont("Helvetica", 5)
    c.drawString(left, 640 - 6 * 1.2 * body - 2 * 1.2 * note + 2.5, "2")
    column(left + 4, 640 - 6 * 1.2 * body - 2 * 1.2 * note, [
        "The magnitude of the command varies according to",
        "parameters such as the airplane\u2019s",
    ], note)
    column(right, 720, [
        "review the findings with the manufacturer and",
        "send the revised procedures to every crew of",
        "the fleet before the next flight of each of the",
        "airplanes in the register of the operator, and",
        "the agency will check the records of each of",
        "the operators during the next scheduled audit",
        "of their maintenance programs and their lists",
        "of approved parts and procedures this year.",
    ], body)
    column(right, 640 - 6 * 1.2 * body - 2 * 1.2 * note, ["altitude and airspeed at the time of the event."], note)
    c.showPage()
    c.save()
    return path


def test_footnotes_leave_the_body_flow(tmp_path: Path):
    doc = _extract(_footnote_pdf(tmp_path / "notes.pdf"))
    text = doc.text
    assert "operators will also review the findings with the manufacturer" in text
    assert "such as the airplane\u2019s altitude and airspeed at the time of the event." in text
    assert "Preliminary" not in text.split("this year.")[0]  # notes come after the body
    lines = list(doc.lines())
    note = next(line for line in lines if line.text.startswith("Preliminary report"))
    assert note.marks == ["1"]
    body_sizes = {round(line.size) for line in lines[: lines.index(note)]}
    assert body_sizes == {10}


def test_text_outside_the_page_box_is_not_read(tmp_path):
    """A spread cut into two pages keeps the other half's text outside each page's box: no viewer
    prints it, so it is not the page's text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from policy_nlp.extract import extract_pdf

    path = tmp_path / "half_spread.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 11)
    c.drawString(72, 700, "This half of the spread is printed on the page.")
    c.drawString(A4[0] + 72, 700, "The other half lies beyond the right edge.")
    c.drawString(-400, 650, "And some text lies beyond the left edge.")
    c.showPage()
    c.save()
    text = " ".join(b.text for b in extract_pdf(path).blocks())
    assert "printed on the page" in text
    assert "beyond" not in text


def test_a_page_whose_every_word_lies_outside_its_box_keeps_them(tmp_path):
    """Every word off the page means broken geometry (a malformed file), not half a spread: the
    words are kept rather than losing the document."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from policy_nlp.extract import extract_pdf

    path = tmp_path / "off_page.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 11)
    c.drawString(72, -300, "Signed on 31 March 2021.")
    c.showPage()
    c.save()
    assert "31 March 2021" in " ".join(b.text for b in extract_pdf(path).blocks())
