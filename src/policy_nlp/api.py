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


def search(query: str, *, lang: str | None = None, top: int = 10, db: str | Path | None = None, **options):
    """Passages that answer `query`, best first, like `policy-nlp search` (options: mode, role,
    doc, year, pipeline, as retrieval.search takes them). `lang` ("zh" | "en") keeps passages of
    that language only: the back ends filter their bm25 candidates (and PostgreSQL its dense ones)
    in SQL; the in-process dense index of a SQLite store has no language column, so there the
    ranking is read deeper and the other language's hits are dropped after it."""
    from .language import check_language
    from .retrieval import search as run_search
    from .retrieval.engine import DEPTH
    from .retrieval.lexical import only_language

    lang = check_language(lang)
    if lang is None:
        return run_search(query, top=top, db=db, **options)
    with only_language(lang):
        hits = run_search(query, top=max(top, DEPTH), db=db, **options)
    if not hits:
        return []
    languages = passage_languages(db, [h.passage_id for h in hits])
    return [h for h in hits if languages.get(h.passage_id) == lang][:top]


def passage_languages(db, ids) -> dict[int, str]:
    """Passage id -> language, read from the store's search module."""
    from .retrieval.backends import search_backend

    with open_store(db, create=False) as store:
        return search_backend(store).passage_languages(store, ids)
