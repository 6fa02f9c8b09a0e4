"""A table boxed group by group beside a chart: the boxes are a frame, the table inside is found
without vertical rules, its headers above the first box, ranges read as their two figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SHARED_CORPUS

from policy_nlp.extract import extract_pdf
from policy_nlp.extract.tables import is_frame
from policy_nlp.indicators.table_cells import read_layout, table_indicators
from policy_nlp.model import Table

LETTER = (792.0, 612.0)
GROUPS = [
    ("Ethanol ($/gal)", [("Iowa", "1.35 - 1.42", "1.38 - 1.43", "1.27 - 1.35"),
                         ("Minnesota", "1.38 - 1.48", "1.40 - 1.49", "1.28 - 1.35"),
                         ("Nebraska", "1.38 - 1.40", "1.36 - 1.43", "1.27 - 1.35")]),
    ("Crude Soybean Oil (cents/lb)", [("Central Illinois", "30.02 - 30.82", "31.22 - 32.52", "29.58 - 31.08"),
                                      ("Iowa", "30.92 - 31.92", "31.94 - 33.19", "30.49 - 31.24")]),
    ("Bio Mass (IA/MN/NE/SD)", [("Cornstalks", "41.25", "39.38", "52.00"), ("Straw", "55.71", "54.29", "58.33")]),
]
HEADERS = [(190, "W/E 02/24/17"), (260, "Last Week"), (330, "Year Ago")]


def _boxed_pdf(path: Path) -> Path:
    """A newsletter page: the price table in one box per group, a chart boxed on the right."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=LETTER, invariant=1)
    height = LETTER[1]
    y = lambda top: height - top  # noqa: E731  (tops read downwards, as pdfplumber gives them)
    left, split, right = 16, 420, 770
    c.setFont("Times-Roman", 10)
    c.drawString(left + 2, y(30), "National Weekly Energy Round-Up")
    for x, text in HEADERS:
        c.drawString(x, y(44), text)
    top = 48
    c.setLineWidth(0.8)
    boxes = []
    for group, rows in GROUPS:
        bottom = top + 14 * (len(rows) + 1) + 4
        boxes.append((top, bottom))
        c.drawString(left + 2, y(top + 12), group)
        for i, (label, *cells) in enumerate(rows):
            line = y(top + 12 + 14 * (i + 1))
            c.drawString(left + 14, line, label)
            for (x, _), cell in zip(HEADERS, cells):
                c.drawString(x, line, cell)
        top = bottom
    for box_top, box_bottom in boxes:  # one box per group drawn in lines, the chart's box beside them
        for edge in (box_top, box_bottom):
            c.line(left, y(edge), split, y(edge))
        for x in (left, split):
            c.line(x, y(box_top), x, y(box_bottom))
        c.rect(split + 10, y(box_bottom), right - split - 10, box_bottom - box_top)
    chart_top, chart_bottom = boxes[0][0] + 20, boxes[-1][1] - 40
    for k in range(6):  # gridlines of the plot, a curve over them
        gy = chart_top + k * (chart_bottom - chart_top) / 5
        c.line(split + 40, y(gy), right - 10, y(gy))
        c.drawRightString(split + 36, y(gy + 3), f"{2.6 - 0.2 * k:.2f}")
    path_ = c.beginPath()
    path_.moveTo(split + 40, y(chart_top + 30))
    path_.curveTo(split + 120, y(chart_top + 10), split + 200, y(chart_top + 60), right - 10, y(chart_top + 40))
    c.drawPath(path_, stroke=1, fill=0)
    for i, month in enumerate("JFMAMJJASOND"):
        c.drawString(split + 42 + 25 * i, y(chart_bottom + 12), month)
    c.drawString(split + 80, y(chart_bottom + 26), "2017")
    c.drawString(split + 160, y(chart_bottom + 26), "2016")
    c.drawString(split + 240, y(chart_bottom + 26), "5 Yr Avg")
    c.line(split + 40, y(chart_bottom + 32), right - 10, y(chart_bottom + 32))
    c.showPage()
    c.save()
    return path


def test_boxes_around_a_table_are_a_frame(tmp_path: Path) -> None:
    doc = extract_pdf(_boxed_pdf(tmp_path / "boxed.pdf"))
    assert len(doc.tables) == 1  # the table, not the boxes, and not the chart's legend
    table = doc.tables[0]
    assert table.rows[0][-3:] == [text for _, text in HEADERS]
    assert ["Iowa", "1.35 - 1.42", "1.38 - 1.43", "1.27 - 1.35"] in table.rows
    found = table_indicators(table)
    iowa = [i for i in found if i.place == "Iowa" and "Ethanol" in i.indicator]
    assert [(i.raw_text, i.period) for i in iowa[:2]] == [("1.35", "week ending February 24, 2017")] * 1 + [
        ("1.42", "week ending February 24, 2017")]
    assert {i.unit for i in iowa} == {"USD/gal"}
    # Ranges are two figures; each cell of the table is counted.
    assert len(found) == sum(len(cell.split(" - ")) for _, rows in GROUPS for row in rows for cell in row[1:])
    straw = [i for i in found if "Straw" in i.indicator]
    assert [i.value for i in straw] == [pytest.approx(55.71), pytest.approx(54.29), pytest.approx(58.33)]
    assert {i.unit for i in straw} == {""}  # "(IA/MN/NE/SD)" names states: no millions, no unit


@pytest.mark.parametrize("cell, frame", [
    ("Ethanol ($/gal)\nIowa 1.35- 1.42 1.38- 1.43 1.27- 1.35 Iowa Ethanol\nMinnesota 1.38- 1.48 1.40- 1.49 1.28- 1.35\n"
     "Nebraska 1.38- 1.40 1.36- 1.43 1.27- 1.35", True),
    ("Cornstalks 41.25 39.38 52.00\nStraw 55.71 54.29 58.33\nGrass 61.46 59.17 63.75", True),
    ("Monoprix 28; Casino 25;\nIntermarche 23; Carrefour 22;\nAuchan 19; Leclerc 10", False),  # names and figures
    ("1,240\n980\n2,310\n415", False),  # a stacked cell
    ("Installation of the new 2 sensors\non 3 airplanes and the test of\nthe 4 systems within 30 days", False),
])
def test_frame_is_a_cell_holding_rows(cell: str, frame: bool) -> None:
    assert is_frame([["Prices", "Chart"], [cell, ""]]) is frame


def test_group_label_under_headers_is_no_header() -> None:
    table = Table(page=1, bbox=(0, 0, 1, 1), rows=[
        ["", "W/E 02/24/17", "Year Ago"],
        ["Ethanol ($/gal)", "", ""],
        ["Iowa", "1.35", "1.27"],
    ])
    assert read_layout(table).header_rows == 1
    first = table_indicators(table)[0]
    assert (first.indicator, first.unit, first.period) == ("Ethanol", "USD/gal", "week ending February 24, 2017")
    assert table_indicators(table)[1].period == "Year Ago"


def test_real_price_round_up() -> None:
    pdf = SHARED_CORPUS.parent / "realdocs" / "ag-energy-round-up-2017-02-24.pdf"
    if not pdf.exists():
        pytest.skip("shared realdocs absent (../shared/realdocs)")
    doc = extract_pdf(pdf)
    assert len(doc.tables) == 1
    found = table_indicators(doc.tables[0])
    assert len(found) >= 130  # 140 figures printed in its cells (hand count), "unq" cells hold none
    assert sum(i.unit == "USD/gal" for i in found) >= 40
