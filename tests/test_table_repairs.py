"""Repairs of table cells: stacked rows split, spanning header boxes split, letter-spaced numbers rejoined."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SHARED_CORPUS

from policy_nlp.extract import extract_pdf
from policy_nlp.extract.tables import rejoin_characters, split_stacked

A4 = (595.28, 841.89)
STATES = ["Alabama", "Alaska", "Arizona", "Arkansas", "California"]
PERMITS = ["18,870", "209", "2,303", "3,298", "98,452"]
HANDGUNS = ["23,022", "3,062", "12,382", "6,359", "41,181"]


@pytest.mark.parametrize("spaced, joined", [
    ("0 3 / 2 5 / 2 0 16", "03/25/2016"),
    ("1 2 , 3 4 5", "12,345"),
    ("3 8 . 0 0", "38.00"),
    ("Filed 0 3 / 2 5 / 2 0 16 at noon", "Filed 03/25/2016 at noon"),
])
def test_spaced_characters_rejoined(spaced: str, joined: str) -> None:
    assert rejoin_characters(spaced) == joined


@pytest.mark.parametrize("text", ["1 2 3 4", "40 11 17 31 38", ". . . .", "5 , 10 , 15", "Table 3 . 1"])
def test_numbers_side_by_side_stay_apart(text: str) -> None:
    assert rejoin_characters(text) == text


def test_stacked_cells_become_rows() -> None:
    row = ["\n".join(STATES), "\n".join(PERMITS), "", "\n".join(HANDGUNS)]
    rows = split_stacked(row)
    assert rows == [[s, p, "", h] for s, p, h in zip(STATES, PERMITS, HANDGUNS)]


@pytest.mark.parametrize("row", [
    ["Nonylphenol and ethoxylates\n(NP/NPEs)", "-", "1"],  # a wrapped label beside one-line numbers
    ["Benzene", "1 000", "200 (as\nBTEX)"],  # a wrapped note, no number per line
    ["Pre-Pawn\nHandgun Long Gun", "State / Territory", "x"],
    ["Alabama\nAlaska", "1\n2\n3", ""],  # line counts disagree: not one stack
])
def test_cells_that_are_no_stack_stay(row: list[str]) -> None:
    assert split_stacked(row) == [row]


def _ruled_stacked_pdf(path: Path) -> Path:
    """A ruled grid without inner row rules: five states and their numbers in one cell each."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    x = [72, 200, 300, 400]
    top, header_bottom, bottom = 700, 660, 560
    c.setLineWidth(0.6)
    for y in (top, header_bottom, bottom):
        c.line(x[0], y, x[-1], y)
    for xi in x:
        c.line(xi, top, xi, bottom)
    c.line(x[1], 680, x[-1], 680)  # the spanning box's lower edge: columns split below it only
    c.setFont("Helvetica-Bold", 9)
    c.drawString(x[0] + 4, 668, "State")
    c.drawString(x[1] + 4, 686, "Permit")
    c.drawString(x[2] + 4, 686, "Handgun")
    c.setFont("Helvetica", 9)
    for i, (state, permit, handgun) in enumerate(zip(STATES, PERMITS, HANDGUNS)):
        y = header_bottom - 14 - 13 * i
        c.drawString(x[0] + 4, y, state)
        c.drawRightString(x[2] - 4, y, permit)
        c.drawRightString(x[3] - 4, y, handgun)
    c.setFont("Times-Roman", 10)
    c.drawString(72, 760, "Table 1: Firearm background checks by state, November 2015.")
    c.showPage()
    c.save()
    return path


def test_ruled_grid_with_stacked_cells(tmp_path: Path) -> None:
    doc = extract_pdf(_ruled_stacked_pdf(tmp_path / "stacked.pdf"))
    assert len(doc.tables) == 1
    rows = doc.tables[0].rows
    assert [r[0] for r in rows[-5:]] == STATES
    assert [r[1] for r in rows[-5:]] == PERMITS


def test_spanning_header_split_over_its_columns() -> None:
    pdf = SHARED_CORPUS / "nics-background-checks-2015-11.pdf"
    if not pdf.exists():
        pytest.skip("shared corpus absent (../shared/corpus)")
    table = extract_pdf(pdf).tables[0]
    header = next(r for r in table.rows if r[0] == "State / Territory")
    assert header[1:7] == ["Permit", "Handgun", "Long Gun", "*Other", "**Multiple", "Admin"]
    states = [r[0] for r in table.rows]
    assert "Alabama" in states and "Wyoming" in states and len(table.rows) >= 56
    assert next(r for r in table.rows if r[0] == "Alabama")[1] == "18,870"
