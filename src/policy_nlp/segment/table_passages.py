"""Table rows as passages, so a table's text can be searched like the prose around it.

Tables are kept out of the prose by extraction (their cells would break sentences apart); here
each body row becomes one passage that carries its headers: "Table 6.1: Size of the market across
the member states: Germany | population 1995 (mn): 81.9; Retail sales (Ecu bn): 373". A row
passage takes the page of its table and the section the table sits in, and its section path ends
in "[table N]" (N: the table's place in the document, as in the table export), which marks it:
the indicator miner skips such passages, since table_cells.py reads their numbers from the grid.
"""

from __future__ import annotations

import re

from ..extract.text import flatten_breaks
from ..indicators.table_cells import read_layout
from ..model import Document, Passage, Section, Table
from .sections import FRONT_MATTER

_TAG = re.compile(r"(?:^|/ )\[table \d+\]$")
# Cells of a row without figures shorter than this (characters, all cells) are a header or a label.
_FEW_WORDS = 12
# Rows longer than this are cut into several passages (a 25-column row reads as a paragraph).
MAX_CHARS = 700


def table_tag(number: int) -> str:
    return f"[table {number}]"


def is_table_passage(passage: Passage) -> bool:
    """A passage made from a table row (Passage.kind; its section path also ends in "[table N]")."""
    return passage.kind == "table" or bool(_TAG.search(passage.section))


def table_path(section_path: str, number: int) -> str:
    return f"{section_path} / {table_tag(number)}" if section_path else table_tag(number)


def table_sections(doc: Document) -> list[int]:
    """For each of doc.tables, the index of the section it is printed in (-1 without sections):
    the section of the last block above it in reading order, or of the heading above it."""
    blocks = list(doc.blocks())
    starts = _section_starts(doc)
    out = []
    for table in doc.tables:
        before = [k for k, b in enumerate(blocks) if b.page < table.page or (b.page == table.page and b.bbox[1] <= table.bbox[1])]
        last = max(before, default=-1)
        owner = max((i for i, start in enumerate(starts) if start <= last), default=0 if doc.sections else -1)
        out.append(owner)
    return out


def _section_starts(doc: Document) -> list[int]:
    """The first block index of each section (its heading's, else its first body block's)."""
    headings = iter(sorted(h.block for h in doc.outline))
    starts = []
    for section in doc.sections:
        if section.level > 0:
            start = next(headings, None)
            starts.append(start if start is not None else min(section.blocks, default=10**9))
        else:
            starts.append(min(section.blocks, default=-1))
    return starts


def row_texts(table: Table, label: str = "") -> list[str]:
    """One readable line per body row: "<caption>: <row label> | <header>: <cell>; <header>: <cell>"."""
    layout = read_layout(table)
    context = label or " — ".join(filter(None, [_flat(table.caption), layout.title]))
    out = []
    for row in layout.rows[layout.header_rows:]:
        labels = [_flat(c) for c in row[: layout.label_columns] if c]
        cells = [
            f"{layout.headers[j]}: {_flat(c)}" if layout.headers[j] else _flat(c)
            for j, c in enumerate(row) if j >= layout.label_columns and c
        ]
        if not cells:
            continue  # a label alone ("结算备付金" with empty cells) says nothing a search could use
        values = [_flat(c) for j, c in enumerate(row) if j >= layout.label_columns and c]
        if not any(ch.isdigit() for c in values for ch in c) and sum(len(c) for c in values) < _FEW_WORDS:
            continue  # a few words and no figure: a header repeated inside the table ("股份状态; 数量")
        head = (f"{context}: " if context else "") + " | ".join(labels) + (" | " if labels and cells else "")
        out += _cut(head, "; ".join(cells))
    return out


def _cut(head: str, body: str) -> list[str]:
    """The row as one passage, or cut at cell boundaries into passages of at most MAX_CHARS,
    each opening with the table's label and the row's so that it still says where it comes from."""
    if len(head) + len(body) <= MAX_CHARS:
        return [head + body]
    parts, current = [], ""
    for cell in body.split("; "):
        if current and len(head) + len(current) + len(cell) + 2 > MAX_CHARS:
            parts.append(head + current)
            current = ""
        current = f"{current}; {cell}" if current else cell
    return parts + ([head + current] if current else [])


def table_passages(doc: Document, start_seq: int | None = None) -> list[Passage]:
    """Passages for the rows of every table of the document, numbered after its other passages."""
    seq = len(doc.passages) if start_seq is None else start_seq
    out = []
    for number, (table, index) in enumerate(zip(doc.tables, table_sections(doc)), start=1):
        section = doc.sections[index] if index >= 0 else None
        label = "" if table.caption else f"Table {number} (p. {table.page})" if not read_layout(table).title else ""
        for text in row_texts(table, label):
            out.append(Passage(
                text=text, page=table.page, section=table_path(section.path if section else "", number), seq=seq,
                role=section.role if section else "other", role_confidence=section.role_confidence if section else 0.0,
                role_evidence="table row", section_index=index, kind="table",
            ))
            seq += 1
    return out


def add_table_passages(doc: Document) -> None:
    """Append the table-row passages to doc.passages (prose passages keep their numbers).

    A document whose every word is in its tables (a one-page statistical release) has no
    section yet: it gets the front-matter section that headless text would have had."""
    if not doc.tables:
        return
    if not doc.sections:
        pages = [t.page for t in doc.tables]
        doc.sections.append(Section(heading=FRONT_MATTER, level=0, path=FRONT_MATTER, page_start=min(pages), page_end=max(pages)))
    doc.passages.extend(table_passages(doc))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", flatten_breaks(text or "")).strip()


__all__ = ["add_table_passages", "is_table_passage", "row_texts", "table_passages", "table_path", "table_sections", "table_tag"]
