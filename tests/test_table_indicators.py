"""Indicators from table cells: subject from row and column headers, unit, scale and period from headers and caption."""

from __future__ import annotations

import pytest

from conftest import SHARED_CORPUS

from policy_nlp.extract import extract_pdf
from policy_nlp.indicators.table_cells import parse_cell, read_layout, table_indicators
from policy_nlp.model import Table

MARKET = Table(page=2, bbox=(72, 98, 523, 339), caption="Table 6.1: Size of the market across the member states", rows=[
    ["", "per capita\nGNP ($000)\n1995", "population\n1995 (mn)", "Growth (%)", "Outlets opened"],
    ["Germany", "27.5", "81.9", "2.5", "1,204"],
    ["France", "25.0", "58.1", "–", "n.a."],
    ["Lanshan District", "", "1.2", "-0.4", "35"],
])


def _by(indicators, row: str, header: str):
    return next(i for i in indicators if f"{row} | {header}" in i.sentence.replace("\n", " "))


def test_every_numeric_cell_is_one_indicator() -> None:
    found = table_indicators(MARKET)
    assert len(found) == 4 + 2 + 3  # fillers ("–", "n.a.") and empty cells are none
    assert all(i.page == 2 for i in found)


def test_scale_and_currency_from_the_header() -> None:
    gnp = _by(table_indicators(MARKET), "Germany", "per capita GNP ($000) 1995")
    assert gnp.value == pytest.approx(27500) and gnp.unit == "USD" and gnp.kind == "money"
    assert gnp.indicator == "per capita GNP" and gnp.period == "1995"
    population = _by(table_indicators(MARKET), "France", "population 1995 (mn)")
    assert population.value == pytest.approx(58.1e6) and population.unit == "" and population.kind == "count"


def test_percent_header_and_sign() -> None:
    growth = _by(table_indicators(MARKET), "Lanshan District", "Growth (%)")
    assert growth.value == pytest.approx(-0.4) and growth.unit == "%" and growth.kind == "percent"
    assert growth.indicator == "Lanshan District — Growth"


def test_place_from_the_row_label_and_subject_from_the_column() -> None:
    outlets = _by(table_indicators(MARKET), "Germany", "Outlets opened")
    assert outlets.place == "Germany" and outlets.indicator == "Outlets opened"
    assert outlets.sentence.endswith("Germany | Outlets opened: 1,204") and outlets.raw_text == "1,204"
    assert outlets.sentence[outlets.start:outlets.end] == "1,204"


def test_years_and_identifiers_are_not_indicators() -> None:
    table = Table(page=1, bbox=(0, 0, 1, 1), rows=[
        ["Project", "Start", "Code", "Budget (in millions of yuan)"],
        ["Fibre backbone", "2019", "0042", "120"],
        ["Data centre", "2021", "0107", "85.5"],
        ["Rural towers", "2022", "0311", "40"],
    ])
    found = table_indicators(table)
    assert [i.value for i in found] == [pytest.approx(120e6), pytest.approx(85.5e6), pytest.approx(40e6)]
    assert {i.unit for i in found} == {"CNY"} and {i.kind for i in found} == {"money"}


def test_year_headers_give_periods_and_caption_the_subject() -> None:
    table = Table(page=4, bbox=(0, 0, 1, 1), caption="Table 2. Diffusion of scanning (measured in hundreds)", rows=[
        ["", "1994", "1991"],
        ["Italy", "68", "37"],
        ["Spain", "115", "0.1"],
    ])
    found = table_indicators(table, number=3, section="2 Retail")
    spain = [i for i in found if i.place == "Spain"]
    assert [(i.value, i.period) for i in spain] == [(pytest.approx(11500), "1994"), (pytest.approx(10), "1991")]
    assert spain[0].indicator == "Diffusion of scanning"
    assert {i.section for i in found} == {"2 Retail / [table 3]"}


def test_spanning_header_and_ranges() -> None:
    table = Table(page=1, bbox=(0, 0, 1, 1), caption="", rows=[
        ["", "Ethanol ($/gal)", ""],
        ["", "Last Week", "Year Ago"],
        ["Iowa", "1.35- 1.42", "1.27- 1.35"],
        ["Nebraska", "1.38", "1.27"],
    ])
    layout = read_layout(table)
    assert layout.headers[1:] == ["Ethanol ($/gal) Last Week", "Ethanol ($/gal) Year Ago"]
    low, high = table_indicators(table)[:2]
    # A range is its two printed figures, each keeping the range; "Last Week" is when, not what.
    assert [(i.raw_text, i.value) for i in (low, high)] == [("1.35", pytest.approx(1.35)), ("1.42", pytest.approx(1.42))]
    assert (low.low, low.high, low.qualifier) == (pytest.approx(1.35), pytest.approx(1.42), "range") == (high.low, high.high, high.qualifier)
    assert low.unit == "USD/gal" and low.kind == "money" and low.period == "Last Week"
    assert (low.indicator, high.indicator) == ("Ethanol, low", "Ethanol, high")


@pytest.mark.parametrize("cell, value", [
    ("10 000", 10000), ("0,1", 0.1), ("100 million", 100), ("111.4**", 111.4), ("+14", 14), ("$85", 85),
])
def test_cells_read(cell: str, value: float) -> None:
    assert parse_cell(cell)[0] == pytest.approx(value)


@pytest.mark.parametrize("cell", ["1990-96", "0014", "Sainsbury 55; Tesco 46", "03/25/2016", "412 413 414 415"])
def test_cells_that_are_no_amount(cell: str) -> None:
    assert parse_cell(cell) is None


def _shared(name: str):
    pdf = SHARED_CORPUS / name
    if not pdf.exists():
        pytest.skip("shared corpus absent (../shared/corpus)")
    return extract_pdf(pdf)


def test_nics_cells_by_state_and_column() -> None:
    doc = _shared("nics-background-checks-2015-11.pdf")
    found = table_indicators(doc.tables[0], number=1)
    alabama = {i.indicator: i.value for i in found if i.place == "Alabama"}
    assert alabama["Permit"] == 18870 and alabama["Long Gun"] == 22650 and alabama["Pre-Pawn Handgun"] == 14
    wyoming = [i for i in found if i.place == "Wyoming"]
    assert len(wyoming) >= 20 and all(i.period == "November - 2015" for i in wyoming)
    assert len(found) > 1000


def test_icdar_market_table() -> None:
    doc = _shared("icdar2013-eu-004.pdf")
    found = table_indicators(doc.tables[0], number=1)
    germany = {i.indicator: (i.value, i.unit, i.period) for i in found if i.place == "Germany"}
    assert germany["per capita GNP"] == (pytest.approx(27500), "USD", "1995")
    assert germany["population"] == (pytest.approx(81.9e6), "", "1995")
    assert germany["Number of retail outlets"][0] == pytest.approx(415300)


def test_headers_set_a_column_off_their_figures_are_moved_over_them():
    """A grid drawn from words: "to water kg/year" over an empty column beside the figures, and
    "THRESHOLD" (no unit) over the figures themselves; both read the whole header."""
    from policy_nlp.model import Table

    table = Table(page=2, bbox=(0, 0, 100, 100), rows=[
        ["", "", "THRESHOLD", "FOR RELEASES", ""],
        ["", "to air kg/year", "", "to water kg/year", "to land kg/year"],
        ["Dieldrin", "1", "1", "", "1"],
        ["Hexabromobifenyl", "0,1", "0,1", "", "0,1"],
    ])
    found = {(i.value, i.indicator): i.unit for i in table_indicators(table)}
    assert found and all(unit == "kg/year" for unit in found.values())
    assert any("water" in subject for _, subject in found)


def test_a_note_after_a_figure_does_not_hide_it():
    from policy_nlp.indicators.table_cells import parse_cell

    assert parse_cell("200 (as\nBTEX)")[0] == 200.0
    assert parse_cell("45 (incl. Malta)")[0] == 45.0
    assert parse_cell("200 (as BTEX) and more") is None
