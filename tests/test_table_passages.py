"""Table rows as passages: searchable, in the section the table sits in, marked so the miner skips them."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SHARED_CORPUS
from test_tables_unruled import ALIGNED, CAPTION, INTRO, OUTRO, _canvas, _paragraph, _table_rows

from policy_nlp.config import load_pipeline
from policy_nlp.pipeline import extract, run_stages
from policy_nlp.segment.table_passages import is_table_passage, table_sections


def _segmented(path: Path):
    pipeline = load_pipeline()
    return run_stages([extract(path, pipeline)], pipeline, only=["segment"])[0]


@pytest.fixture
def report_pdf(tmp_path: Path) -> Path:
    """A heading, prose, a captioned table of aligned numbers, prose; then a second section."""
    c = _canvas(tmp_path / "report.pdf")
    c.setFont("Helvetica-Bold", 15)
    c.drawString(72, 790, "1 Digital infrastructure")
    y = _paragraph(c, INTRO, 72, 765, 450)
    y = _paragraph(c, CAPTION, 72, y - 6, 450, size=9.5)
    y = _table_rows(c, ALIGNED, 72, [330, 410, 490], y - 8)
    y = _paragraph(c, OUTRO, 72, y - 12, 450)
    c.setFont("Helvetica-Bold", 15)
    c.drawString(72, y - 20, "2 Outlook")
    _paragraph(c, "Demand will keep rising through 2030 as more services move online.", 72, y - 45, 450)
    c.showPage()
    c.save()
    return tmp_path / "report.pdf"


def test_each_row_is_a_passage_with_its_headers(report_pdf: Path) -> None:
    doc = _segmented(report_pdf)
    rows = [p for p in doc.passages if is_table_passage(p)]
    assert len(rows) == len(ALIGNED) - 1
    stations = next(p for p in rows if "5G base stations" in p.text)
    assert stations.text.startswith("Table 2. Digital economy indicators")
    assert "5G base stations | 2020: 3,200; 2021: 8,450; 2022: 16,200" in stations.text
    assert stations.page == 1


def test_row_passages_sit_in_the_tables_section(report_pdf: Path) -> None:
    doc = _segmented(report_pdf)
    rows = [p for p in doc.passages if is_table_passage(p)]
    section = doc.sections[rows[0].section_index]
    assert section.heading.endswith("Digital infrastructure")
    assert {p.section for p in rows} == {f"{section.path} / [table 1]"}
    assert table_sections(doc) == [rows[0].section_index]
    assert [p.seq for p in doc.passages] == list(range(len(doc.passages)))


def test_prose_passages_are_not_marked(report_pdf: Path) -> None:
    doc = _segmented(report_pdf)
    prose = [p for p in doc.passages if not is_table_passage(p)]
    assert prose and not any("16,200" in p.text for p in prose)
    assert any("1,200 new charging stations" in p.text for p in prose)


def test_document_of_one_table_gets_passages() -> None:
    pdf = SHARED_CORPUS / "nics-background-checks-2015-11.pdf"
    if not pdf.exists():
        pytest.skip("shared corpus absent (../shared/corpus)")
    doc = _segmented(pdf)
    alabama = next(p for p in doc.passages if ": Alabama |" in p.text)
    assert is_table_passage(alabama) and alabama.page == 1
    assert "Permit: 18,870" in alabama.text and alabama.text.startswith("NICS Firearm Background Checks")
    assert all(len(p.text) <= 800 for p in doc.passages)


def test_rows_without_figures_or_cells_make_no_passage_and_undecodable_glyphs_are_left_out():
    from policy_nlp.extract.tables import repair_rows
    from policy_nlp.model import Table
    from policy_nlp.segment.table_passages import row_texts

    rows = repair_rows([
        ["Item", "Amount (yuan)", "Share (%)"],
        ["Settlement reserves", "", ""],  # a label alone
        ["Status", "Number", ""],  # a header repeated inside the table
        ["Deposits (cid:12)(cid:7)", "1,250,000", "12.5"],
    ])
    assert rows[3][0] == "Deposits"
    texts = row_texts(Table(page=1, bbox=(0, 0, 100, 100), rows=rows, caption="Table 2 Balance sheet items"))
    assert len(texts) == 1 and texts[0].startswith("Table 2 Balance sheet items: Deposits | ")
    assert "1,250,000" in texts[0] and "(cid:" not in texts[0]
