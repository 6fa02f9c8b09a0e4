"""A Document as table rows and back, shared by every store back end.

Both back ends write the rows built here and rebuild documents from the rows they read, so a
document stored in SQLite and in PostgreSQL is the same row for row (ids apart), and a change to
the model is made in one place. Only the vector encoding differs (float16 blobs in SQLite,
pgvector `halfvec` in PostgreSQL): the caller passes its encoder and decoder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import PurePath
from typing import Callable, Iterable, Sequence

from ..model import Block, Document, Heading, Indicator, Line, Page, Passage, Section, Table

# Column orders of the rows below; each back end's INSERT and SELECT name them in this order.
DOCUMENT_COLUMNS = ("path", "name", "stem", "sha256", "title", "n_pages", "n_blocks", "n_lines", "n_chars", "metadata",
                    "pipeline", "embed_model", "embed_dim", "year", "language", "ingested_at")
PAGE_COLUMNS = ("doc_id", "number", "width", "height", "columns")
BLOCK_COLUMNS = ("id", "doc_id", "seq", "page", "kind", "text")
LINE_COLUMNS = ("doc_id", "block_id", "page", "seq", "text", "x0", "top", "x1", "bottom", "font", "size", "bold", "col", "marks")
TABLE_COLUMNS = ("id", "doc_id", "page", "x0", "top", "x1", "bottom", "caption", "rows")
HEADING_COLUMNS = ("doc_id", "seq", "level", "number", "text", "page", "block", "run_in", "evidence")
SECTION_COLUMNS = ("doc_id", "seq", "level", "number", "heading", "path", "role", "role_confidence", "role_evidence",
                   "page_start", "page_end", "text")
# fts_text: what the lexical index holds when it differs from text (a Chinese passage cut into
# words, wordseg.py), else NULL; embedding stays last (copy checks compare vectors apart).
PASSAGE_COLUMNS = ("id", "doc_id", "seq", "section_seq", "page", "section", "role", "role_confidence", "role_evidence",
                   "text", "kind", "language", "fts_text", "embedding")
INDICATOR_COLUMNS = ("doc_id", "seq", "page", "section", "section_role", "indicator", "value", "unit", "kind", "qualifier",
                     "low", "high", "period", "place", "change", "base", "raw_text", "sentence", "start", "end", "embedding")
# The indicator fields of model.Indicator, in the order of INDICATOR_COLUMNS.
INDICATOR_FIELDS = INDICATOR_COLUMNS[2:-1]
INFO_COLUMNS = ("id", "path", "name", "stem", "sha256", "title", "n_pages", "n_blocks", "n_chars", "ingested_at", "language",
                "pipeline")

# Pages whose text layer does not decode, "2,5", kept with the document's metadata rather than in
# a column of `pages`: a per-document fact that needs no schema version of its own (stores and the
# benchmark caches keyed on the version stay valid), and load() puts it back on the pages.
UNREADABLE_PAGES_KEY = "unreadable_pages"


@dataclass
class DocumentInfo:
    id: int
    path: str
    name: str
    stem: str
    sha256: str
    title: str
    n_pages: int
    n_blocks: int
    n_chars: int
    ingested_at: str
    language: str = ""  # "zh" | "en" (language.py); "" for a document stored before languages were recorded
    pipeline: str = ""  # the pipeline name it was ingested with (provenance; `copy` carries it)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class DocumentRows:
    """Every row one document adds, keyed by table, in the column orders above."""

    document: tuple
    pages: list[tuple] = field(default_factory=list)
    blocks: list[tuple] = field(default_factory=list)
    lines: list[tuple] = field(default_factory=list)
    tables: list[tuple] = field(default_factory=list)
    headings: list[tuple] = field(default_factory=list)
    sections: list[tuple] = field(default_factory=list)
    passages: list[tuple] = field(default_factory=list)
    indicators: list[tuple] = field(default_factory=list)


@dataclass(frozen=True)
class IdBases:
    """First ids for the document's blocks, tables and passages: the back end reserves them."""

    block: int
    table: int
    passage: int


def counts(doc: Document) -> tuple[int, int, int]:
    """(blocks, tables, passages) of a document: how many ids put_document reserves."""
    return len(list(doc.blocks())), sum(len(p.tables) for p in doc.pages), len(doc.passages)


def has_vectors(doc: Document) -> bool:
    return doc.embeddings is not None and len(doc.passages) > 0


def document_row(doc: Document, pipeline: str, year: int | None) -> tuple:
    blocks = list(doc.blocks())
    vectors = has_vectors(doc)
    return (
        doc.path, doc.name, doc.stem, doc.sha256, doc.title, doc.n_pages, len(blocks),
        sum(len(b.lines) for b in blocks), sum(len(b.text) for b in blocks),
        json.dumps(stored_metadata(doc), ensure_ascii=False), pipeline,
        doc.embed_model if vectors else "", doc.embeddings.shape[1] if vectors else 0, year, document_language(doc),
        datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )


def document_language(doc: Document) -> str:
    """The document's language as the segment stage set it, else read from its passages' script
    (a document built without the segment stage, or loaded from a store older than languages)."""
    if doc.language:
        return doc.language
    from ..language import language_of_texts

    return language_of_texts([p.text for p in doc.passages] or [doc.title, *(b.text for b in doc.blocks())])


def passage_languages(doc: Document) -> list[str]:
    """Each passage's language as set, else by its script, else the document's."""
    from ..language import detect_language

    fallback = None
    out = []
    for p in doc.passages:
        lang = p.language or detect_language(p.text)
        if not lang:
            fallback = fallback if fallback is not None else document_language(doc)
            lang = fallback
        out.append(lang)
    return out


def fts_text(text: str, language: str) -> str | None:
    from ..wordseg import fts_text as segmented

    return segmented(text, language)


def child_rows(doc: Document, doc_id: int, bases: IdBases, encode: Callable[[object], Sequence]) -> DocumentRows:
    """The rows of everything derived from `doc` (all but the documents row itself, which the
    caller inserts first to learn `doc_id`). `encode`: a float matrix -> one stored value per row."""
    blocks = list(doc.blocks())
    removed = [line for page in doc.pages for line in page.removed]
    lines = [_line_row(doc_id, None, seq, line) for seq, line in enumerate(removed)]
    seq = len(removed)
    for k, block in enumerate(blocks):
        lines += [_line_row(doc_id, bases.block + k, seq + i, line) for i, line in enumerate(block.lines)]
        seq += len(block.lines)
    vectors = list(encode(doc.embeddings)) if has_vectors(doc) else [None] * len(doc.passages)
    ind_vectors = (list(encode(doc.indicator_embeddings)) if doc.indicator_embeddings is not None
                   else [None] * len(doc.indicators))
    return DocumentRows(
        document=(),
        pages=[(doc_id, p.number, p.width, p.height, p.columns) for p in doc.pages],
        blocks=[(bases.block + k, doc_id, k, b.page, b.kind, b.text) for k, b in enumerate(blocks)],
        lines=lines,
        tables=[(bases.table + k, doc_id, t.page, *t.bbox, t.caption, json.dumps(t.rows, ensure_ascii=False))
                for k, t in enumerate(t for page in doc.pages for t in page.tables)],
        headings=[(doc_id, i, h.level, h.number, h.text, h.page, h.block, int(h.run_in), h.evidence)
                  for i, h in enumerate(doc.outline)],
        sections=[(doc_id, i, s.level, s.number, s.heading, s.path, s.role, s.role_confidence, s.role_evidence,
                   s.page_start, s.page_end, s.text) for i, s in enumerate(doc.sections)],
        passages=[(bases.passage + i, doc_id, p.seq, p.section_index, p.page, p.section, p.role, p.role_confidence,
                   p.role_evidence, p.text, p.kind, lang, fts_text(p.text, lang), vectors[i])
                  for i, (p, lang) in enumerate(zip(doc.passages, passage_languages(doc)))],
        indicators=[(doc_id, i, *(getattr(ind, c) for c in INDICATOR_FIELDS), ind_vectors[i])
                    for i, ind in enumerate(doc.indicators)],
    )


def name_rows(doc_id: int, paths: Iterable[str]) -> list[tuple]:
    """document_names rows (path, doc_id, name, stem), each path once."""
    return [(n, doc_id, PurePath(n).name, PurePath(n).stem) for n in dict.fromkeys(paths)]


def _line_row(doc_id: int, block_id: int | None, seq: int, line: Line) -> tuple:
    return (doc_id, block_id, line.page, seq, line.text, *line.bbox, line.font, line.size, int(line.bold), line.column,
            "\t".join(line.marks))


def stored_metadata(doc: Document) -> dict[str, str]:
    unreadable = [str(p.number) for p in doc.pages if not p.readable]
    return {**doc.metadata, UNREADABLE_PAGES_KEY: ",".join(unreadable)} if unreadable else doc.metadata


def _page_numbers(text: str) -> list[int]:
    return [int(n) for n in text.split(",") if n.strip().isdigit()]


@dataclass
class StoredRows:
    """What a back end reads for one document, in the SELECT orders named by `assemble`."""

    metadata: str
    embed_model: str
    pages: Iterable[tuple]  # number, width, height, columns (by number)
    blocks: Iterable[tuple]  # id, page, kind, text (by seq)
    lines: Iterable[tuple]  # block_id, page, text, x0, top, x1, bottom, font, size, bold, col, marks (by seq)
    tables: Iterable[tuple]  # page, x0, top, x1, bottom, caption, rows (by id)
    headings: Iterable[tuple]  # level, number, text, page, block, run_in, evidence (by seq)
    sections: Iterable[tuple]  # level, number, heading, path, role, role_confidence, role_evidence, page_start, page_end, text
    passages: list[tuple]  # seq, section_seq, page, section, role, role_confidence, role_evidence, text, kind, language, embedding
    indicators: list[tuple]  # INDICATOR_FIELDS..., embedding (by seq)


PAGE_SELECT = "number, width, height, columns"
BLOCK_SELECT = "id, page, kind, text"
LINE_SELECT = "block_id, page, text, x0, top, x1, bottom, font, size, bold, col, marks"
TABLE_SELECT = "page, x0, top, x1, bottom, caption, {rows}"
HEADING_SELECT = "level, number, text, page, block, run_in, evidence"
SECTION_SELECT = "level, number, heading, path, role, role_confidence, role_evidence, page_start, page_end, text"
PASSAGE_SELECT = "seq, section_seq, page, section, role, role_confidence, role_evidence, text, kind, language, embedding"


def assemble(info: DocumentInfo, rows: StoredRows, decode: Callable[[list], object]) -> Document:
    """The Document a back end stored, from its rows. `decode`: stored vectors -> float32 matrix."""
    doc = Document(path=info.path, sha256=info.sha256, title=info.title, id=info.id, language=info.language)
    doc.metadata = json.loads(rows.metadata)
    pages = {number: Page(number=number, width=width, height=height, columns=columns)
             for number, width, height, columns in rows.pages}
    for number in _page_numbers(doc.metadata.pop(UNREADABLE_PAGES_KEY, "")):
        if number in pages:
            pages[number].readable = False
    blocks: dict[int, Block] = {}
    for block_id, page, kind, text in rows.blocks:
        block = Block(lines=[], page=page, kind=kind, text=text)
        blocks[block_id] = block
        pages[page].blocks.append(block)
    for block_id, page, text, x0, top, x1, bottom, font, size, bold, col, marks in rows.lines:
        line = Line(text=text, page=page, bbox=(x0, top, x1, bottom), font=font, size=size, bold=bool(bold), column=col,
                    marks=marks.split("\t") if marks else [])
        if block_id is None:
            pages[page].removed.append(line)
        else:
            blocks[block_id].lines.append(line)
    for page, x0, top, x1, bottom, caption, table_rows in rows.tables:
        pages[page].tables.append(Table(page=page, bbox=(x0, top, x1, bottom), rows=json.loads(table_rows), caption=caption))
    doc.outline = [
        Heading(text=text, level=level, page=page, number=number, block=block, run_in=bool(run_in), evidence=evidence)
        for level, number, text, page, block, run_in, evidence in rows.headings
    ]
    doc.sections = [
        Section(heading=heading, level=level, path=path, page_start=ps, page_end=pe, text=text, number=number,
                role=role, role_confidence=conf, role_evidence=evidence)
        for level, number, heading, path, role, conf, evidence, ps, pe, text in rows.sections
    ]
    doc.passages = [
        Passage(text=text, page=page, section=section, seq=seq, role=role, role_confidence=conf,
                role_evidence=evidence, section_index=section_seq, kind=kind, language=language)
        for seq, section_seq, page, section, role, conf, evidence, text, kind, language, _ in rows.passages
    ]
    doc.indicators = [Indicator(**dict(zip(INDICATOR_FIELDS, row[:-1])), document=info.stem) for row in rows.indicators]
    if rows.indicators and all(row[-1] is not None for row in rows.indicators):
        doc.indicator_embeddings = decode([r[-1] for r in rows.indicators])
    if rows.passages and all(r[-1] is not None for r in rows.passages):
        doc.embeddings = decode([r[-1] for r in rows.passages])
        doc.embed_model = rows.embed_model
    doc.pages = [pages[n] for n in sorted(pages)]
    return doc


def table_cell_rows(rows: Iterable[tuple]) -> Iterable[dict]:
    """(stem, doc_id, page, caption, rows JSON) ordered by document and table -> one dict per cell
    (long format, so tables of any shape share one CSV); tables numbered from 1 in each document."""
    number, current = 0, None
    for stem, doc_id, page, caption, table_rows in rows:
        number = number + 1 if doc_id == current else 1
        current = doc_id
        for r, cells in enumerate(json.loads(table_rows), start=1):
            for c, text in enumerate(cells, start=1):
                yield {"document": stem, "page": page, "table": number, "caption": caption, "row": r,
                       "column": c, "text": text}


SECTION_EXPORT_KEYS = ("document", "path", "heading", "level", "role", "role_confidence", "role_evidence",
                       "page_start", "page_end", "text")


def indicator_texts(rows: Iterable[tuple]) -> list[str]:
    """The texts the comparison embeds for indicators (comparison.engine.indicator_text), from
    (indicator, sentence) rows: the vector cache is keyed by them."""
    return [f"{subject}: {sentence}" for subject, sentence in rows]
