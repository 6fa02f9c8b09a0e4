"""Store-backed helpers of the Python API (the same operations as the CLI)."""

from __future__ import annotations

from pathlib import Path

from .model import Document
from .store import open_store
from .store.db import DocumentInfo


def documents(db: str | Path | None = None) -> list[DocumentInfo]:
    """Stored documents, like `policy-nlp docs`."""
    with open_store(db, create=False) as store:
        return store.documents()


def load(doc: str | int, db: str | Path | None = None) -> Document:
    """One stored document by id, file name or stem, like `policy-nlp show`."""
    with open_store(db, create=False) as store:
        return store.load(doc)


def delete(docs, db: str | Path | None = None) -> list[DocumentInfo]:
    """Remove documents (ids, file names, stems or paths) and everything derived from them, in
    one transaction; if one is unknown nothing is removed and NotFoundError names it. Returns the
    removed documents."""
    with open_store(db, create=False) as store:
        return store.delete_documents(docs)
