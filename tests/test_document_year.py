"""The document year is read from the printed text, never from PDF metadata or citations."""

from __future__ import annotations

from policy_nlp.model import Block, Document, Line, Page, Table
from policy_nlp.segment.dates import document_year
from policy_nlp.store.db import document_year as stored_year


def _block(text: str, page: int, kind: str = "text") -> Block:
    return Block(lines=[Line(text=text, page=page, bbox=(50.0, 100.0, 500.0, 112.0))], page=page, kind=kind, text=text)


def _document(pages: list[list[str]], metadata: dict[str, str] | None = None) -> Document:
    return Document(path="constructed.pdf", sha256="0" * 64, metadata=metadata or {},
                    pages=[Page(number=n, width=595.0, height=842.0,
                                blocks=[_block(t, n, "heading" if t == "References" else "text") for t in texts])
                           for n, texts in enumerate(pages, 1)])


BODY = ("Rooftop solar grew quickly across the province, as earlier surveys found (Zhang and Li, 2024; "
        "Wang et al., 2025).")


def test_page_one_date_wins_over_citations():
    doc = _document([["Provincial Energy Outlook", "June 2019", BODY], ["Installed capacity doubled in 2018."]])
    assert document_year(doc) == 2019


def test_page_one_date_forms():
    assert document_year(_document([["Memo", "February 24, 2017"]])) == 2017
    assert document_year(_document([["Release", "Issued 2023-06-15"]])) == 2023
    assert document_year(_document([["关于加快发展的通知", "2020年3月"]])) == 2020
    assert document_year(_document([["Integrated Annual Report 2021-22"]])) == 2022


def test_metadata_creation_date_is_ignored():
    meta = {"CreationDate": "D:20261124195919Z", "ModDate": "D:20261124195919Z"}
    assert document_year(_document([["A note without any date."]], meta)) is None
    assert document_year(_document([["As of 2022, 198 centres were certified."]], meta)) == 2022
    assert stored_year(_document([["As of 2022, 198 centres were certified."]], meta)) == 2022


def test_reference_list_years_are_ignored():
    doc = _document([["Research on the Path of Industrial Intelligence", BODY],
                     ["In March 2023, the province issued an action plan.", "As of 2021, 40 parks were built."],
                     ["References", "1. Liu, W.: Smart factories. Journal of Industry 12, 1-9 (2025)",
                      "2. Chen, D. 2026. Dense retrieval at scale."]])
    assert document_year(doc) == 2023


def test_future_targets_do_not_date_the_text():
    doc = _document([["The plan sets goals.", "In 2021, 40 parks were certified; output should double by 2027."]])
    assert document_year(doc) == 2021


def test_date_in_a_page_one_table_header():
    page = Page(number=1, width=595.0, height=842.0,
                tables=[Table(page=1, bbox=(0.0, 0.0, 1.0, 1.0), rows=[["Background Checks\nNovember - 2015", ""]])])
    assert document_year(Document(path="t.pdf", sha256="0" * 64, pages=[page])) == 2015


def test_no_year_gives_none():
    assert document_year(_document([["Heading in Helvetica", "Here is a lovely sentence."]])) is None
    assert document_year(Document(path="empty.pdf", sha256="0" * 64)) is None
