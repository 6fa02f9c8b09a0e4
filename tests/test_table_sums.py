"""Cells that show a sum ("1 work-hour × $85 per hour = $85"), headers set over two lines beside
one-line headers, and grids drawn without outer sides or rules between rows (Federal Register)."""

from __future__ import annotations

import pytest

from conftest import SHARED_CORPUS

from policy_nlp.extract import extract_pdf
from policy_nlp.indicators.table_cells import cell_figures, parse_cell, read_layout, table_indicators
from policy_nlp.model import Table


@pytest.mark.parametrize("cell, figures", [
    ("1 work-hour × $85 per hour = $85", ["1 work-hour", "$85 per hour", "$85"]),
    ("Up to 79 work-hours × $85 per hour = Up to $6,715.", ["Up to 79 work-hours", "$85 per hour", "Up to $6,715."]),
    ("$6,205.", ["$6,205."]),
    ("Sainsbury 55; Tesco 46", []),
])
def test_figures_of_a_cell(cell: str, figures: list[str]) -> None:
    assert cell_figures(cell) == figures


def test_money_rate_bound_and_closing_period() -> None:
    assert parse_cell("$85 per hour")[3] == "USD/h"
    assert parse_cell("Up to $6,715.")[:1] == (pytest.approx(6715),)


def test_estimated_costs_table() -> None:
    table = Table(page=5, bbox=(0, 0, 1, 1), rows=[
        ["", "", "", "", "Cost on U.S."],
        ["Action", "Labor cost", "Parts cost", "Cost per product", ""],
        ["", "", "", "", "operators"],
        ["AFM revisions ..........", "1 work-hour × $85 per hour = $85", "$0", "$85", "$6,205."],
    ])
    layout = read_layout(table)
    assert (layout.title, layout.label_columns) == ("", 1)
    assert layout.headers[-1] == "Cost on U.S. operators"
    found = table_indicators(table)
    assert [(i.raw_text, i.unit) for i in found] == [
        ("1 work-hour", "work-hours"), ("$85 per hour", "USD/h"), ("$85", "USD"), ("$0", "USD"), ("$85", "USD"),
        ("$6,205.", "USD")]
    assert found[0].indicator == "AFM revisions — Labor cost"
    up_to = table_indicators(Table(page=1, bbox=(0, 0, 1, 1), rows=[["Action", "Cost"], ["Wiring", "Up to $3,790"]]))
    assert up_to[0].qualifier == "upper_bound"


def test_open_sided_grid_with_rows_drawn_as_one() -> None:
    pdf = SHARED_CORPUS / "federal-register-2020-17221.pdf"
    if not pdf.exists():
        pytest.skip("shared corpus absent (../shared/corpus)")
    table = next(t for t in extract_pdf(pdf).tables if t.page == 6)
    labels = [row[0] for row in table.rows]
    assert labels[0] == "Action" and labels[1].startswith("Stabilizer wiring change") and labels[2].startswith("AOA sensor")
    assert len(table.rows[0]) == 5  # the label column and the last one, which no vertical rule closes
    found = table_indicators(table)
    assert sorted(i.value for i in found if "Cost on U.S. operators" in i.indicator) == [248200, 766865]
