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
    in SQL. The in-process dense index of a SQLite store has no language column: where the store
    holds passages of both languages, the ranking is read deeper (ten times `top`, then the
    engine's whole depth if that was not enough) and the other language's hits dropped after it."""
    from .language import check_language
    from .retrieval import search as run_search
    from .retrieval.engine import DEPTH
    from .retrieval.lexical import only_language

    lang = check_language(lang)
    if lang is None:
        return mark_chinese_words(run_search(query, top=top, db=db, **options), query)
    plan = _language_plan(db, lang)
    if plan == "none":
        return []
    with only_language(lang):
        if plan == "sql" or options.get("mode") == "bm25":
            return mark_chinese_words(run_search(query, top=top, db=db, **options), query)
        kept: list = []
        for depth in (max(top, 10 * top), max(top, DEPTH)):
            hits = run_search(query, top=depth, db=db, **options)
            languages = passage_languages(db, [h.passage_id for h in hits]) if hits else {}
            kept = [h for h in hits if languages.get(h.passage_id) == lang]
            if len(kept) >= top or len(hits) < depth:
                break
    return mark_chinese_words(kept[:top], query)


def _language_plan(db, lang: str) -> str:
    """How a search limited to `lang` runs: "sql" when the back end filters every candidate list
    itself (PostgreSQL) or the store holds no passage of another language, "none" when it holds
    none of `lang`, else "post" (filter the ranking afterwards)."""
    with open_store(db, create=False) as store:
        if store.backend != "sqlite":
            return "sql"
        has = lambda sql: store.conn.execute(f"SELECT EXISTS (SELECT 1 FROM passages WHERE {sql})", (lang,)).fetchone()[0]  # noqa: E731
        if not has("language = ?"):
            return "none"
        return "post" if has("language != ?") else "sql"


def mark_chinese_words(hits, query: str):
    """Hits whose `highlighted` text marks the query's Chinese words (**人才**): the engine marks
    words by English stems, which a run of Chinese characters never matches."""
    from .language import has_han

    if not hits or not has_han(query):
        return hits
    import re

    from .wordseg import query_words

    words = sorted({w for w in query_words(query) if has_han(w)}, key=len, reverse=True)
    if not words:
        return hits
    pattern = re.compile("|".join(re.escape(w) for w in words))
    for hit in hits:
        hit.highlighted = _mark_outside(hit.highlighted, pattern)
    return hits


def _mark_outside(text: str, pattern) -> str:
    """Mark the pattern's matches in the parts of `text` not already marked (the engine's English words)."""
    parts = text.split("**")
    return "**".join(p if i % 2 else pattern.sub(lambda m: f"**{m.group(0)}**", p) for i, p in enumerate(parts))


def passage_languages(db, ids) -> dict[int, str]:
    """Passage id -> language, read from the store's search module."""
    from .retrieval.backends import search_backend

    with open_store(db, create=False) as store:
        return search_backend(store).passage_languages(store, ids)
