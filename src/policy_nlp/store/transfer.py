"""Moving a library between stores (SQLite -> PostgreSQL, back, or file to file), checked.

Each document is read whole from the source (`load`) and written whole at the destination
(`put_document`, one transaction), so an interrupted copy leaves whole documents only, and a
re-run skips those already there by content hash and finishes the rest. A final check compares,
per document, every derived row (ids apart) and the vectors, hashed on both sides: a copy is
trusted because it was read back, not because the writes raised nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import StoreError
from ..model import Document
from . import rows
from .contract import DocumentStore
from .db import to_blobs
from .open import open_store

# What the check compares per document, in report order.
PARTS = ("document", "pages", "blocks", "lines", "headings", "sections", "passages", "indicators", "table cells",
         "vectors")
OUTCOMES = ("copied", "skipped", "conflict")


@dataclass(frozen=True)
class Part:
    rows: int
    digest: str


@dataclass(frozen=True)
class Mismatch:
    sha256: str
    name: str
    part: str  # one of PARTS, or "missing" when the destination lacks the document
    source: str  # "rows digest" of each side, or why
    destination: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class CopyReport:
    source: str
    destination: str
    outcomes: dict[str, list[str]] = field(default_factory=lambda: {o: [] for o in OUTCOMES})
    checked: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.outcomes["conflict"]

    def as_dict(self) -> dict:
        return {"source": self.source, "destination": self.destination,
                "copied": len(self.outcomes["copied"]), "skipped": len(self.outcomes["skipped"]),
                "conflicts": self.outcomes["conflict"], "checked": self.checked, "ok": self.ok,
                "mismatches": [m.as_dict() for m in self.mismatches]}


def fingerprint(doc: Document) -> dict[str, Part]:
    """Per part of a document, its row count and a hash of its rows with the ids left out, built
    by the rows both back ends write (rows.child_rows), so equal documents hash equal whatever
    store they were read from. Vectors are their stored float16 bytes, hashed apart from the text."""
    # Ids from 0 (IdBases(0, 0, 0)) make every id a position in the document: rows compare across stores.
    children = rows.child_rows(doc, 0, rows.IdBases(0, 0, 0), to_blobs)
    # document_row's last field is the time of writing, not content.
    document = rows.document_row(doc, "", None)[:-1]
    parts = {
        "document": [document],
        "pages": children.pages,
        "blocks": children.blocks,
        "lines": children.lines,
        "headings": children.headings,
        "sections": children.sections,
        "passages": [r[:-1] for r in children.passages],
        "indicators": [r[:-1] for r in children.indicators],
        "table cells": children.tables,  # each table's bounding box, caption and cells (rows JSON)
        "vectors": [r[-1] for r in children.passages if r[-1] is not None]
                   + [r[-1] for r in children.indicators if r[-1] is not None],
    }
    return {name: Part(len(table), _digest(table)) for name, table in parts.items()}


def _digest(table: list) -> str:
    h = hashlib.sha256()
    for row in table:
        h.update(repr(row).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()[:16]


def differences(sha256: str, name: str, source: dict[str, Part], destination: dict[str, Part]) -> list[Mismatch]:
    return [Mismatch(sha256, name, part, f"{source[part].rows} rows {source[part].digest}",
                     f"{destination[part].rows} rows {destination[part].digest}")
            for part in PARTS if source[part] != destination[part]]


def copy_library(source: str | Path, destination: str | Path, check: bool = True,
                 on_document: Callable[[int, int, str, str], None] | None = None) -> CopyReport:
    """Copy every document of `source` (a SQLite file or a postgresql:// URL) to `destination`
    (created if needed), with its other names and its vectors; documents already at the
    destination (same content hash) are skipped, so an interrupted copy re-run finishes the rest.
    A destination document with another content under the same path is left alone and reported
    as a conflict. `check`: read every document back and compare it part by part with the source.
    `on_document(done, total, outcome, name)` is called after each document (progress)."""
    if same_store(source, destination):
        raise StoreError(f"{source}: source and destination are the same store")
    with open_store(source, create=False) as src, open_store(destination) as dst:
        return copy_between(src, dst, check=check, on_document=on_document)


def copy_between(src: DocumentStore, dst: DocumentStore, check: bool = True,
                 on_document: Callable[[int, int, str, str], None] | None = None) -> CopyReport:
    report = CopyReport(str(src.path), str(dst.path))
    expected: dict[str, tuple[str, dict[str, Part]]] = {}
    infos = src.documents()
    for done, info in enumerate(infos, start=1):
        doc = src.load(info.id)
        outcome = _copy_one(src, dst, info, doc)
        report.outcomes[outcome].append(info.name)
        if check and outcome != "conflict":
            expected[info.sha256] = (info.name, fingerprint(doc))
        if on_document:
            on_document(done, len(infos), outcome, info.name)
    for sha, (name, parts) in expected.items():
        report.checked += 1
        stored = dst.find_by_sha(sha)
        if stored is None:
            report.mismatches.append(Mismatch(sha, name, "missing", "stored", "absent"))
            continue
        report.mismatches += differences(sha, name, parts, fingerprint(dst.load(stored.id)))
    return report


def _copy_one(src: DocumentStore, dst: DocumentStore, info: rows.DocumentInfo, doc: Document) -> str:
    existing = dst.find_by_sha(info.sha256)
    if existing is None:
        try:
            doc_id, _ = dst.put_document(doc, pipeline=_pipeline(src, info.id), replace=False)
        except StoreError:
            return "conflict"  # its path holds another content there: not ours to overwrite
        outcome = "copied"
    else:
        doc_id, outcome = existing.id, "skipped"
    # Names are a second transaction: a copy stopped between the two adds them on its re-run.
    for name in src.names(info.id):
        if not dst.has_name(doc_id, name):
            dst.add_name(doc_id, name)
    return outcome


def _pipeline(store: DocumentStore, doc_id: int) -> str:
    """The pipeline a document was ingested with."""
    return store.resolve(doc_id).pipeline


def same_store(a: str | Path, b: str | Path) -> bool:
    a, b = str(a), str(b)
    if "://" in a or "://" in b:
        return a == b
    return Path(a).resolve() == Path(b).resolve()
