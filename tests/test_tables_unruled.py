"""Tables without vertical rules: booktabs-style and whitespace-aligned tables, and no false tables on prose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SHARED_CORPUS

from policy_nlp.extract import extract_pdf
from policy_nlp.store import open_store

A4 = (595.28, 841.89)

INTRO = (
    "In 2023 the province built 1,200 new charging stations, 15% more than in 2022, and the five districts "
    "reported their totals to the energy bureau in March. The figures below count public stations only; "
    "private chargers in 34,000 homes are left out of the comparison."
)
OUTRO = (
    "Growth was fastest where grid upgrades came first. Donggang doubled its share of fast chargers to 40% "
    "within 18 months, while Qinghe still waits for 2 substations promised in 2021."
)
BOOKTABS = [
    ["District", "2022", "2023", "Growth (%)"],
    ["Lanshan", "1,240", "1,515", "22.2"],
    ["Qinghe", "980", "1,102", "12.4"],
    ["Hexi Corridor", "2,310", "2,655", "14.9"],
    ["Donggang", "415", "530", "27.7"],
    ["Total", "4,945", "5,802", "17.3"],
]
ALIGNED = [
    ["Indicator", "2020", "2021", "2022"],
    ["Broadband users (million)", "12.5", "14.1", "15.8"],
    ["5G base stations", "3,200", "8,450", "16,200"],
    ["Data centres", "14", "17", "21"],
    ["Cloud adoption (%)", "31.0", "38.5", "44.2"],
    ["Industrial robots", "–", "1,050", "1,380"],
]
CAPTION = "Table 2. Digital economy indicators of the province, 2020 to 2022."


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _wrap(c, text: str, font: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and c.stringWidth(f"{line} {word}", font, size) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line]


def _paragraph(c, text: str, x: float, y: float, width: float, size: float = 10.5) -> float:
    """Draws a ragged-right paragraph from baseline y down; returns the next free baseline."""
    c.setFont("Times-Roman", size)
    for line in _wrap(c, text, "Times-Roman", size, width):
        c.drawString(x, y, line)
        y -= 1.3 * size
    return y - 0.8 * size


def _table_rows(c, rows: list[list[str]], x: float, right_edges: list[float], y: float, pitch: float = 13) -> float:
    """Label column left-aligned at x, the other columns right-aligned at their edges."""
    for i, row in enumerate(rows):
        c.setFont("Helvetica-Bold" if i == 0 else "Helvetica", 9)
        c.drawString(x, y, row[0])
        for cell, edge in zip(row[1:], right_edges):
            c.drawRightString(edge, y, cell)
        y -= pitch + (4 if i == 0 else 0)
    return y


def _canvas(path: Path):
    from reportlab.pdfgen import canvas

    return canvas.Canvas(str(path), pagesize=A4, invariant=1)


@pytest.fixture
def booktabs_pdf(tmp_path: Path) -> Path:
    """Prose, a table with a top rule, a rule below the header and a bottom rule, a caption, prose."""
    c = _canvas(tmp_path / "booktabs.pdf")
    c.setFont("Helvetica-Bold", 15)
    c.drawString(72, 770, "Charging networks in five districts")
    y = _paragraph(c, INTRO, 72, 740, 450)
    x0, x1, edges = 72, 400, [230, 310, 396]
    top = y - 4
    c.setLineWidth(0.8)
    c.line(x0, top, x1, top)
    _table_rows(c, BOOKTABS[:1], 76, edges, top - 12)
    c.setLineWidth(0.4)
    c.line(x0, top - 17, x1, top - 17)
    y = _table_rows(c, BOOKTABS[1:], 76, edges, top - 30)
    bottom = y + 8
    c.setLineWidth(0.8)
    c.line(x0, bottom, x1, bottom)
    y = _paragraph(c, "Table 1: Public charging stations by district.", 72, bottom - 16, 450, size=9.5)
    _paragraph(c, OUTRO, 72, y - 6, 450)
    c.showPage()
    c.save()
    return tmp_path / "booktabs.pdf"


@pytest.fixture
def aligned_pdf(tmp_path: Path) -> Path:
    """Prose, a caption, a table with no rule at all (columns by white space only), prose."""
    c = _canvas(tmp_path / "aligned.pdf")
    y = _paragraph(c, INTRO, 72, 770, 450)
    y = _paragraph(c, CAPTION, 72, y - 6, 450, size=9.5)
    y = _table_rows(c, ALIGNED, 72, [330, 410, 490], y - 8)
    _paragraph(c, OUTRO, 72, y - 12, 450)
    c.showPage()
    c.save()
    return tmp_path / "aligned.pdf"


def _columns_page(c, texts: list[str], n_columns: int, top: float = 790) -> None:
    width = (451 - (n_columns - 1) * 18) / n_columns
    for i, text in enumerate(texts):
        _paragraph(c, text, 72 + i * (width + 18), top, width, size=9.5)


PROSE = [
    "The 14th Five-Year Plan set 2025 as the year by which 95% of towns should have gigabit access. By 2022, "
    "162,000 5G base stations had been built and 130 million IoT terminals were online, 25 more cities "
    "than in 2021 reported full coverage. Costs fell from 3.2 to 2.1 yuan per gigabyte in 2 years, and "
    "the average download speed reached 58.3 Mbps in 2023, 12% above the national mean of 52 Mbps.",
    "Problems remain. Only 38 of 137 counties had a data centre in 2022, 41% of small firms had no cloud "
    "service, and 3 in 10 technicians left within 2 years. Investment of 4.5 billion yuan in 2021 was "
    "followed by 3.9 billion in 2022 and 3.1 billion in 2023, a fall of 31% over 2 years, while demand "
    "rose by 18% a year. In 2023, 2,400 posts stayed vacant for 6 months or more.",
    "We recommend 1,000 training places a year from 2025, a fund of 800 million yuan for 60 rural "
    "networks, and 2 reviews a year. Targets for 2027: 99% coverage, 200 data centres, 15,000 "
    "engineers and 10 regional hubs, with 5 pilot zones chosen by 2026 and 3 more by 2028.",
]


@pytest.fixture
def two_column_pdf(tmp_path: Path) -> Path:
    c = _canvas(tmp_path / "two_column.pdf")
    _columns_page(c, [PROSE[0] + " " + PROSE[1], PROSE[2] + " " + PROSE[0]], 2)
    c.showPage()
    c.save()
    return tmp_path / "two_column.pdf"


@pytest.fixture
def three_column_pdf(tmp_path: Path) -> Path:
    c = _canvas(tmp_path / "three_column.pdf")
    _columns_page(c, PROSE, 3)
    c.showPage()
    c.save()
    return tmp_path / "three_column.pdf"


NUMBERED = [f"{i}. Build {n} charging stations and {m} substations by {year}." for i, n, m, year in
            [(1, 120, 4, 2024), (2, 340, 6, 2025), (3, 95, 2, 2025), (4, 410, 8, 2026), (5, 230, 5, 2027), (6, 180, 3, 2028)]]
REFERENCES = [f"[{i}] Li W, Zhang H. Grid study {i}. Energy Policy {v}, {p}-{p + 14} ({y})." for i, v, p, y in
              [(1, 112, 45, 2019), (2, 118, 301, 2020), (3, 121, 88, 2020), (4, 125, 210, 2021), (5, 131, 17, 2022), (6, 140, 402, 2023)]]


@pytest.fixture
def lists_pdf(tmp_path: Path) -> Path:
    """A numbered list beside a reference list, line for line on the same baselines, between two equal rules."""
    c = _canvas(tmp_path / "lists.pdf")
    c.setLineWidth(0.5)
    c.line(72, 800, 523, 800)
    c.setFont("Times-Roman", 9.5)
    y = 780
    for item, ref in zip(NUMBERED, REFERENCES):
        c.drawString(72, y, item)
        c.drawString(310, y, ref)
        y -= 12.5
    c.line(72, y, 523, y)
    c.showPage()
    c.save()
    return tmp_path / "lists.pdf"


def test_booktabs_table_is_found_with_its_cells(booktabs_pdf: Path):
    doc = extract_pdf(booktabs_pdf)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.page == 1
    assert table.rows == BOOKTABS


def test_booktabs_table_text_leaves_the_running_text(booktabs_pdf: Path):
    text = _squash(extract_pdf(booktabs_pdf).text)
    for row in BOOKTABS:
        assert " ".join(row) not in text
    for cell in ("1,515", "2,655", "27.7", "Hexi Corridor", "Growth (%)"):
        assert cell not in text
    assert INTRO in text and OUTRO in text
    assert "Table 1: Public charging stations by district." in text  # the caption stays prose


def test_aligned_table_without_rules_is_found_with_its_cells(aligned_pdf: Path):
    doc = extract_pdf(aligned_pdf)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.page == 1
    assert table.rows == ALIGNED


def test_aligned_table_text_leaves_the_running_text(aligned_pdf: Path):
    text = _squash(extract_pdf(aligned_pdf).text)
    for cell in ("Broadband users (million)", "16,200", "44.2", "1,380", "Industrial robots"):
        assert cell not in text
    assert INTRO in text and OUTRO in text and CAPTION in text


@pytest.mark.parametrize("name", ["two_column_pdf", "three_column_pdf", "lists_pdf"])
def test_prose_and_lists_give_no_table(name: str, request):
    doc = extract_pdf(request.getfixturevalue(name))
    assert doc.tables == []


def test_column_prose_stays_intact(two_column_pdf: Path, three_column_pdf: Path):
    two = _squash(extract_pdf(two_column_pdf).text)
    assert PROSE[0] in two and PROSE[1] in two and PROSE[2] in two
    three = _squash(extract_pdf(three_column_pdf).text)
    assert all(p in three for p in PROSE)


def test_lists_stay_intact(lists_pdf: Path):
    text = _squash(extract_pdf(lists_pdf).text)
    assert all(item in text for item in NUMBERED)
    assert all(ref in text for ref in REFERENCES)


def test_unruled_tables_are_stored_and_loaded(booktabs_pdf: Path, aligned_pdf: Path, tmp_path: Path):
    docs = [extract_pdf(booktabs_pdf), extract_pdf(aligned_pdf)]
    with open_store(tmp_path / "store.db") as store:
        ids = [store.put_document(doc)[0] for doc in docs]
        loaded = [store.load(doc_id) for doc_id in ids]
    for doc, back in zip(docs, loaded):
        assert [(t.page, t.rows) for t in back.tables] == [(t.page, t.rows) for t in doc.tables]
        assert back.text == doc.text


@pytest.mark.parametrize("settings", [{"tables": False}, {"unruled_tables": False}])
def test_tables_can_be_switched_off(booktabs_pdf: Path, settings: dict):
    doc = extract_pdf(booktabs_pdf, settings)
    assert doc.tables == []
    text = _squash(doc.text)
    assert all(cell in text for row in BOOKTABS for cell in row)


# --- third-party PDFs in ../shared (skipped on a fresh clone) ------------------------------

shared = pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="../shared/corpus not present (optional third-party PDFs)")


@shared
def test_booktabs_tables_of_a_two_column_paper():
    doc = extract_pdf(SHARED_CORPUS / "dpr-paper-two-column.pdf")
    assert sorted(t.page for t in doc.tables) == [4, 5, 6, 8, 12, 12, 13]
    first = next(t for t in doc.tables if t.page == 4)
    assert ["Natural Questions", "79,168", "58,880", "8,757", "3,610"] in first.rows
    text = _squash(doc.text)
    assert "79,168" not in text and "59.1 66.9" not in text
    assert "Table 1: Number of questions in each QA dataset." in text


@shared
def test_three_column_prose_gives_no_table():
    doc = extract_pdf(SHARED_CORPUS / "federal-register-2020-17221.pdf")
    # The only tables are the two cost estimates (pages 5 and 6); none comes from the prose.
    assert {t.page for t in doc.tables} <= {5, 6}
    assert all("FAA" not in cell for t in doc.tables for row in t.rows for cell in row)


@pytest.fixture
def two_column_with_tables_pdf(tmp_path: Path) -> Path:
    """Two columns of prose; a booktabs table heads the right column, an unruled table sits lower in the left one."""
    c = _canvas(tmp_path / "two_column_tables.pdf")
    width = (451 - 18) / 2
    right = 72 + width + 18
    y = _paragraph(c, PROSE[0], 72, 790, width, size=9.5)
    y = _table_rows(c, [["Year", "Stations", "Share"], ["2021", "3,200", "41.5"], ["2022", "8,450", "55.0"], ["2023", "16,200", "63.2"]],
                    76, [180, 286], y - 4, pitch=12)
    _paragraph(c, PROSE[1], 72, y - 10, width, size=9.5)
    c.setLineWidth(0.6)
    c.line(right, 795, right + width, 795)
    _table_rows(c, BOOKTABS[:1], right + 2, [right + 100, right + 150, right + 212], 784, pitch=12)
    c.line(right, 778, right + width, 778)
    y = _table_rows(c, BOOKTABS[1:], right + 2, [right + 100, right + 150, right + 212], 766, pitch=12)
    c.line(right, y + 8, right + width, y + 8)
    _paragraph(c, PROSE[2] + " " + PROSE[0], right, y - 8, width, size=9.5)
    c.showPage()
    c.save()
    return tmp_path / "two_column_tables.pdf"


def test_tables_inside_one_column_of_two(two_column_with_tables_pdf: Path):
    doc = extract_pdf(two_column_with_tables_pdf)
    by_rows = sorted((t.rows for t in doc.tables), key=len)
    assert by_rows == [
        [["Year", "Stations", "Share"], ["2021", "3,200", "41.5"], ["2022", "8,450", "55.0"], ["2023", "16,200", "63.2"]],
        BOOKTABS,
    ]
    text = _squash(doc.text)
    assert PROSE[0] in text and PROSE[1] in text and PROSE[2] in text
    assert "16,200 63.2" not in text and "Hexi Corridor" not in text
