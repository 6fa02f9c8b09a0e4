"""SQLite document store.

One file, WAL journal and a busy timeout so several ingest processes can share
it; every document is written inside one transaction, so an interrupted ingest
(Ctrl-C, kill -9) leaves either the whole document or none of it.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Iterator

from ..config import default_db
from ..errors import NotFoundError, StoreError
from ..model import Document
from ..vocabulary import INDICATOR_KINDS, ROLES, check_choice
from . import rows
from .rows import UNREADABLE_PAGES_KEY, DocumentInfo  # noqa: F401  (other modules import them from here)

if TYPE_CHECKING:
    import numpy as np

SCHEMA_VERSION = 6
_APP_ID = 0x504E4C50  # "PNLP": marks the file as a policy_nlp store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    stem TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    n_pages INTEGER NOT NULL,
    n_blocks INTEGER NOT NULL,
    n_lines INTEGER NOT NULL,
    n_chars INTEGER NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    pipeline TEXT NOT NULL DEFAULT '',
    embed_model TEXT NOT NULL DEFAULT '',
    embed_dim INTEGER NOT NULL DEFAULT 0,
    year INTEGER,
    ingested_at TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
CREATE INDEX IF NOT EXISTS documents_stem ON documents(stem);
CREATE TABLE IF NOT EXISTS pages (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    width REAL NOT NULL,
    height REAL NOT NULL,
    columns INTEGER NOT NULL,
    PRIMARY KEY (doc_id, number)
);
CREATE TABLE IF NOT EXISTS blocks (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    page INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS blocks_doc ON blocks(doc_id, seq);
CREATE TABLE IF NOT EXISTS lines (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    block_id INTEGER REFERENCES blocks(id) ON DELETE CASCADE,  -- NULL: removed running line
    page INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    x0 REAL, top REAL, x1 REAL, bottom REAL,
    font TEXT, size REAL, bold INTEGER, col INTEGER,
    marks TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS lines_doc ON lines(doc_id, seq);
CREATE TABLE IF NOT EXISTS tables (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    x0 REAL, top REAL, x1 REAL, bottom REAL,
    caption TEXT NOT NULL DEFAULT '',
    rows TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sections (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    level INTEGER NOT NULL,
    number TEXT NOT NULL,
    heading TEXT NOT NULL,
    path TEXT NOT NULL,
    role TEXT NOT NULL,
    role_confidence REAL NOT NULL,
    role_evidence TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (doc_id, seq)
);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    section_seq INTEGER NOT NULL,
    page INTEGER NOT NULL,
    section TEXT NOT NULL,
    role TEXT NOT NULL,
    role_confidence REAL NOT NULL,
    role_evidence TEXT NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'text',  -- 'text', or 'table' for a table row with its headers
    embedding BLOB,  -- float16, L2-normalised, NULL when the embed stage did not run
    language TEXT NOT NULL DEFAULT '',  -- 'zh' | 'en' (language.py)
    fts_text TEXT  -- what the FTS index holds when not the text itself (Chinese cut into words)
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id, seq);
CREATE INDEX IF NOT EXISTS passages_role ON passages(role);
CREATE TABLE IF NOT EXISTS indicators (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    page INTEGER,
    section TEXT NOT NULL,
    section_role TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    qualifier TEXT NOT NULL,
    low REAL,
    high REAL,
    period TEXT NOT NULL,
    place TEXT NOT NULL,
    change TEXT NOT NULL,
    base TEXT NOT NULL DEFAULT '',
    raw_text TEXT NOT NULL,
    sentence TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    embedding BLOB,  -- float16 "subject: sentence" vector, for aligning indicators across documents
    PRIMARY KEY (doc_id, seq)
);
CREATE INDEX IF NOT EXISTS indicators_kind ON indicators(kind);
CREATE TABLE IF NOT EXISTS headings (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    level INTEGER NOT NULL,
    number TEXT NOT NULL,
    text TEXT NOT NULL,
    page INTEGER NOT NULL,
    block INTEGER NOT NULL,
    run_in INTEGER NOT NULL,
    evidence TEXT NOT NULL DEFAULT ''
);
"""

# Schema 2: other paths with a document's content (a renamed or copied file), so it can be found
# under those names too. A path names at most one document.
_NAMES_SCHEMA = """
CREATE TABLE IF NOT EXISTS document_names (
    path TEXT PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    stem TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS document_names_doc ON document_names(doc_id);
CREATE INDEX IF NOT EXISTS document_names_name ON document_names(name);
CREATE INDEX IF NOT EXISTS document_names_stem ON document_names(stem);
"""
# passages_language: `search --lang` asks whether a store holds passages of a language at all.
# bm25's index (FTS5). Its external content is a view giving each passage's indexed text: the
# words of a Chinese passage as wordseg.py cut them (fts_text), else the text itself, so the
# index and its content agree (FTS5's integrity-check, 'rebuild') while the stored text stays as
# printed. English passages have no fts_text: their index is what it was before languages.
_FTS_SCHEMA = """
CREATE INDEX IF NOT EXISTS passages_language ON passages(language);
CREATE VIEW IF NOT EXISTS passages_fts_source AS SELECT id, coalesce(fts_text, text) AS text FROM passages;
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    text, content='passages_fts_source', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS passages_fts_insert AFTER INSERT ON passages BEGIN
    INSERT INTO passages_fts(rowid, text) VALUES (new.id, coalesce(new.fts_text, new.text));
END;
CREATE TRIGGER IF NOT EXISTS passages_fts_delete AFTER DELETE ON passages BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, coalesce(old.fts_text, old.text));
END;
"""

# Tables holding rows derived from a document, children before parents.
_DERIVED = ("lines", "blocks", "pages", "tables", "sections", "headings", "indicators", "passages", "document_names")


class Store:
    """The SQLite back end of the store contract (contract.DocumentStore)."""

    backend = "sqlite"

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn

    # -- lifecycle -------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------
    def find_by_sha(self, sha256: str) -> DocumentInfo | None:
        row = self.conn.execute(f"SELECT {_INFO_COLUMNS} FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return DocumentInfo(*row) if row else None

    def put_document(self, doc: Document, pipeline: str = "", replace: bool = True) -> tuple[int, str]:
        """Write `doc` in one transaction. Returns (id, "added" | "replaced").

        A stored document with the same content (sha256) or the same path is replaced inside the
        same transaction, so readers never see neither. The other names of a document with the
        same content pass to the new one; a document stored under this path with other content
        that also has other names stays, under one of them (those files still hold it).
        """
        delay = float(os.environ.get("POLICY_NLP_WRITE_DELAY", "0"))  # lets tests kill mid-write
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            old = cur.execute("SELECT id, sha256, path FROM documents WHERE sha256 = ? OR path = ?", (doc.sha256, doc.path)).fetchall()
            if old and not replace:
                raise StoreError(f"{doc.path}: already stored as document {old[0][0]}")
            carried: list[str] = []
            gone: list[int] = []
            for old_id, sha, path in old:
                names = _other_names(cur, old_id)
                if sha == doc.sha256:
                    carried += [n for n in [path, *names] if n != doc.path]
                    gone.append(old_id)
                elif names:
                    _promote_name(cur, old_id, names[0])
                else:
                    gone.append(old_id)
            _delete_rows(cur, gone)
            # This path may have named another document whose content the file no longer holds.
            cur.execute("DELETE FROM document_names WHERE path = ?", (doc.path,))
            cur.execute(f"INSERT INTO documents ({', '.join(rows.DOCUMENT_COLUMNS)}) VALUES ({_marks(rows.DOCUMENT_COLUMNS)})",
                        rows.document_row(doc, pipeline, document_year(doc)))
            doc_id = cur.lastrowid
            # Row ids are given, not read back row by row, so every table takes one executemany.
            # BEGIN IMMEDIATE holds the write lock: no other writer can take these ids meanwhile.
            bases = rows.IdBases(_next_id(cur, "blocks"), _next_id(cur, "tables"), _next_id(cur, "passages"))
            children = rows.child_rows(doc, doc_id, bases, to_blobs)
            cur.executemany(_insert("pages", rows.PAGE_COLUMNS), children.pages)
            cur.executemany(_insert("tables", rows.TABLE_COLUMNS), children.tables)
            if delay:
                time.sleep(delay * max(1, len(doc.pages)))
            for table, columns in (("blocks", rows.BLOCK_COLUMNS), ("lines", rows.LINE_COLUMNS),
                                   ("headings", rows.HEADING_COLUMNS), ("sections", rows.SECTION_COLUMNS),
                                   ("passages", rows.PASSAGE_COLUMNS), ("indicators", rows.INDICATOR_COLUMNS)):
                cur.executemany(_insert(table, columns), getattr(children, table))
            cur.executemany("INSERT OR REPLACE INTO document_names (path, doc_id, name, stem) VALUES (?, ?, ?, ?)",
                            rows.name_rows(doc_id, carried))
            _bump_generation(cur)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return doc_id, ("replaced" if old else "added")

    # -- other names -----------------------------------------------------
    def has_name(self, doc_id: int, path: str) -> bool:
        """Whether `path` is the document's own path or one of its other names."""
        return self.conn.execute(
            "SELECT 1 FROM documents WHERE id = ? AND path = ? UNION ALL SELECT 1 FROM document_names WHERE doc_id = ? AND path = ?",
            (doc_id, path, doc_id, path),
        ).fetchone() is not None

    def add_name(self, doc_id: int, path: str) -> None:
        """Record `path` (a renamed or copied file with the same content) as another name of the
        document, in one transaction. A document stored under that path before, with other
        content, is outdated (the file now holds this content) and goes, unless other names
        still hold it."""
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            gone = []
            for (old_id,) in cur.execute("SELECT id FROM documents WHERE path = ? AND id != ?", (path, doc_id)).fetchall():
                names = _other_names(cur, old_id)
                if names:
                    _promote_name(cur, old_id, names[0])
                else:
                    gone.append(old_id)
            _delete_rows(cur, gone)
            cur.execute("INSERT OR REPLACE INTO document_names (path, doc_id, name, stem) VALUES (?, ?, ?, ?)",
                        (path, doc_id, PurePath(path).name, PurePath(path).stem))
            _bump_generation(cur)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def names(self, ref: str | int) -> list[str]:
        """The other paths recorded for a document (renamed or copied files), oldest first."""
        return _other_names(self.conn, self.resolve(ref).id)

    # -- deleting --------------------------------------------------------
    def delete_documents(self, refs) -> list[DocumentInfo]:
        """Remove documents and everything derived from them, in one transaction.

        `refs`: ids, file names, stems or paths (any name of a document). If one is unknown,
        nothing is deleted and NotFoundError names it. Vector-cache rows of sentences that no
        remaining document holds go too.
        """
        refs = [refs] if isinstance(refs, (str, int)) else list(refs)
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            infos: dict[int, DocumentInfo] = {}
            for ref in refs:
                info = self.resolve(ref)
                infos.setdefault(info.id, info)
            ids = list(infos)
            orphans = self._cache_keys_only_in(cur, ids)
            _delete_rows(cur, ids)
            if orphans:  # the cache table exists only once a comparison has run
                cur.executemany("DELETE FROM vector_cache WHERE text_key = ?", [(k,) for k in orphans])
            if ids:
                _bump_generation(cur)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return list(infos.values())

    def delete(self, doc_id: int) -> None:
        self.delete_documents([int(doc_id)])

    def _cache_keys_only_in(self, cur, ids: list[int]) -> set[bytes]:
        """Vector-cache keys of sentences of these documents that no other document holds.

        The comparison caches sentence vectors keyed by model and a hash of the sentence
        (comparison.engine._encoder), so a row does not name its document: passages are split
        into sentences the way the comparison splits them, and the hashes matched."""
        if not ids or not self._has_vector_cache():
            return set()
        from ..comparison.sentences import passage_sentences

        marks = ",".join("?" * len(ids))
        keys = list({
            _text_key(s)
            for (text,) in cur.execute(f"SELECT text FROM passages WHERE doc_id IN ({marks})", ids).fetchall()
            for s in passage_sentences(text)
        } | {_text_key(t) for t in _indicator_texts(cur, f"doc_id IN ({marks})", ids)})
        cached: set[bytes] = set()
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            cached |= {r[0] for r in cur.execute(
                f"SELECT text_key FROM vector_cache WHERE text_key IN ({','.join('?' * len(part))})", part)}
        if cached:
            for (text,) in cur.execute(f"SELECT text FROM passages WHERE doc_id NOT IN ({marks})", ids).fetchall():
                cached.difference_update(_text_key(s) for s in passage_sentences(text))
                if not cached:
                    break
            cached.difference_update(_text_key(t) for t in _indicator_texts(cur, f"doc_id NOT IN ({marks})", ids))
        return cached

    def generation(self) -> int:
        """Changes whenever a document is added, replaced or removed (for caches)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def set_embeddings(self, doc_id: int, vectors, model: str) -> None:
        """Replace one document's passage vectors (reindex), in one transaction."""
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            ids = [r[0] for r in cur.execute("SELECT id FROM passages WHERE doc_id = ? ORDER BY seq", (doc_id,))]
            blobs = to_blobs(vectors)
            cur.executemany("UPDATE passages SET embedding = ? WHERE id = ?", list(zip(blobs, ids)))
            cur.execute("UPDATE documents SET embed_model = ?, embed_dim = ? WHERE id = ?", (model, len(blobs[0]) // 2 if blobs else 0, doc_id))
            _bump_generation(cur)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    # -- vector cache ----------------------------------------------------
    # Vectors of texts that are not stored with a document (the sentences compared by
    # `compare`), keyed by model and text. Added after schema 1 was fixed: created on first use,
    # so older stores gain it and older versions of the package ignore it.

    def cached_vectors(self, model: str, texts: list[str]) -> dict[str, "np.ndarray"]:
        """Text -> float32 vector for the texts already cached for `model`."""
        if not texts or not self._has_vector_cache():
            return {}
        keys = {_text_key(t): t for t in texts}
        found: dict[str, "np.ndarray"] = {}
        chunk = list(keys)
        for i in range(0, len(chunk), 500):
            part = chunk[i:i + 500]
            rows = self.conn.execute(
                f"SELECT text_key, embedding FROM vector_cache WHERE model = ? AND text_key IN ({','.join('?' * len(part))})",
                [model, *part],
            ).fetchall()
            if rows:
                vectors = from_blobs([r[1] for r in rows])
                found.update((keys[r[0]], vectors[n]) for n, r in enumerate(rows))
        return found

    def cache_vectors(self, model: str, texts: list[str], vectors) -> bool:
        """Keep vectors for later calls; False (and nothing written) when the store is read-only."""
        if not texts:
            return True
        try:
            cur = self.conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                cur.execute(_VECTOR_CACHE)
                cur.executemany("INSERT OR REPLACE INTO vector_cache VALUES (?, ?, ?)",
                                [(model, _text_key(t), b) for t, b in zip(texts, to_blobs(vectors))])
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError:
            return False  # a read-only file or folder: the cache is an optimisation only
        return True

    def _has_vector_cache(self) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vector_cache'").fetchone() is not None

    def embed_models(self) -> dict[str, int]:
        """Embedding model name -> number of documents embedded with it."""
        return dict(self.conn.execute("SELECT embed_model, count(*) FROM documents WHERE embed_model != '' GROUP BY embed_model").fetchall())

    # -- reading ---------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        rows = self.conn.execute(f"SELECT {_INFO_COLUMNS} FROM documents ORDER BY id").fetchall()
        return [DocumentInfo(*row) for row in rows]

    def resolve(self, ref: str | int) -> DocumentInfo:
        """A document by id, file name, file stem or path; the names of renamed or copied files
        with its content count too."""
        text = str(ref).strip()
        queries = []
        if text.isdigit():
            queries.append(("SELECT id FROM documents WHERE id = ?", (int(text),)))
        for column in ("name", "stem", "path"):
            queries.append((f"SELECT id FROM documents WHERE {column} = ? UNION SELECT doc_id FROM document_names WHERE {column} = ?",
                            (text, text)))
        for column in ("name", "stem"):
            queries.append((f"SELECT id FROM documents WHERE {column} = ? COLLATE NOCASE"
                            f" UNION SELECT doc_id FROM document_names WHERE {column} = ? COLLATE NOCASE", (text, text)))
        for sql, args in queries:
            ids = sorted({r[0] for r in self.conn.execute(sql, args)})
            if len(ids) == 1:
                return DocumentInfo(*self.conn.execute(f"SELECT {_INFO_COLUMNS} FROM documents WHERE id = ?", (ids[0],)).fetchone())
            if len(ids) > 1:
                raise NotFoundError(f"'{text}' matches several documents (ids {', '.join(map(str, ids))}); use the id")
        raise NotFoundError(f"no document '{text}' in {self.path} (try `policy-nlp docs`)")

    def load(self, ref: str | int) -> Document:
        info = self.resolve(ref)
        q = lambda sql: self.conn.execute(sql, (info.id,)).fetchall()  # noqa: E731
        metadata, embed_model = self.conn.execute("SELECT metadata, embed_model FROM documents WHERE id = ?", (info.id,)).fetchone()
        stored = rows.StoredRows(
            metadata=metadata, embed_model=embed_model,
            pages=q(f"SELECT {rows.PAGE_SELECT} FROM pages WHERE doc_id = ? ORDER BY number"),
            blocks=q(f"SELECT {rows.BLOCK_SELECT} FROM blocks WHERE doc_id = ? ORDER BY seq"),
            lines=q(f"SELECT {rows.LINE_SELECT} FROM lines WHERE doc_id = ? ORDER BY seq"),
            tables=q(f"SELECT {rows.TABLE_SELECT.format(rows='rows')} FROM tables WHERE doc_id = ? ORDER BY id"),
            headings=q(f"SELECT {rows.HEADING_SELECT} FROM headings WHERE doc_id = ? ORDER BY seq"),
            sections=q(f"SELECT {rows.SECTION_SELECT} FROM sections WHERE doc_id = ? ORDER BY seq"),
            passages=q(f"SELECT {rows.PASSAGE_SELECT} FROM passages WHERE doc_id = ? ORDER BY seq"),
            indicators=q(f"SELECT {', '.join(rows.INDICATOR_FIELDS)}, embedding FROM indicators WHERE doc_id = ? ORDER BY seq"),
        )
        return rows.assemble(info, stored, from_blobs)

    def passage_texts(self, doc_id: int) -> list[str]:
        """A document's passage texts in order (what reindex embeds)."""
        return [r[0] for r in self.conn.execute("SELECT text FROM passages WHERE doc_id = ? ORDER BY seq", (doc_id,))]

    def missing_embeddings(self, doc_id: int) -> int:
        """How many of a document's passages have no vector."""
        return self.conn.execute("SELECT count(*) FROM passages WHERE doc_id = ? AND embedding IS NULL", (doc_id,)).fetchone()[0]

    def sections(self, doc: str | int | None = None, role: str | None = None, lang: str | None = None) -> Iterator[dict]:
        """Section rows with their document, for export; filtered by document, role and the document's language."""
        if role is not None:
            check_choice("role", role, ROLES)
        where, args = _language_where(lang)
        if doc is not None:
            where.append("s.doc_id = ?")
            args.append(self.resolve(doc).id)
        if role:
            where.append("s.role = ?")
            args.append(role)
        sql = (
            "SELECT d.stem, s.path, s.heading, s.level, s.role, s.role_confidence, s.role_evidence, s.page_start, s.page_end, s.text,"
            " d.language FROM sections s JOIN documents d ON d.id = s.doc_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY s.doc_id, s.seq"
        )
        for row in self.conn.execute(sql, args):
            yield dict(zip((*rows.SECTION_EXPORT_KEYS, "language"), row))

    def table_cells(self, doc: str | int | None = None, lang: str | None = None) -> Iterator[dict]:
        """One row per table cell (document, page, table number in the document, caption, row,
        column, text), for export: long format, so tables of any shape share one CSV."""
        where, args = _language_where(lang)
        if doc is not None:
            where.append("t.doc_id = ?")
            args.append(self.resolve(doc).id)
        sql = ("SELECT d.stem, t.doc_id, t.page, t.caption, t.rows FROM tables t JOIN documents d ON d.id = t.doc_id"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY t.doc_id, t.id")
        yield from rows.table_cell_rows(self.conn.execute(sql, args))

    def indicators(self, doc: str | int | None = None, role: str | None = None, kind: str | None = None,
                   lang: str | None = None) -> Iterator[dict]:
        """Indicator rows with their document, for export; filtered by document, section role, kind and
        the document's language."""
        if role is not None:
            check_choice("role", role, ROLES)
        if kind is not None:
            check_choice("kind", kind, INDICATOR_KINDS)
        where, args = _language_where(lang)
        if doc is not None:
            where.append("i.doc_id = ?")
            args.append(self.resolve(doc).id)
        if role:
            where.append("i.section_role = ?")
            args.append(role)
        if kind:
            where.append("i.kind = ?")
            args.append(kind)
        columns = rows.INDICATOR_FIELDS
        sql = (
            f"SELECT d.stem, {', '.join('i.' + c for c in columns)}, d.language FROM indicators i JOIN documents d ON d.id = i.doc_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY i.doc_id, i.seq"
        )
        for row in self.conn.execute(sql, args):
            yield dict(zip(("document", *columns, "language"), row))

    def iter_documents(self) -> Iterator[Document]:
        for info in self.documents():
            yield self.load(info.id)


_INFO_COLUMNS = ", ".join(rows.INFO_COLUMNS)


def _language_where(lang: str | None) -> tuple[list[str], list]:
    """The condition on the document's language (d), checked: an unknown code is a ChoiceError."""
    from ..language import check_language

    lang = check_language(lang)
    return (["d.language = ?"], [lang]) if lang else ([], [])


def _marks(columns) -> str:
    return ", ".join("?" * len(columns))


def _insert(table: str, columns) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_marks(columns)})"


def document_year(doc: Document) -> int | None:
    """The document's year as its text gives it (segment.dates); None when the text gives none.

    PDF creation dates are not used: they are usually when a file was converted, not written."""
    from ..segment.dates import document_year as year_from_text

    return year_from_text(doc)


_VECTOR_CACHE = (
    "CREATE TABLE IF NOT EXISTS vector_cache (model TEXT NOT NULL, text_key BLOB NOT NULL, embedding BLOB NOT NULL,"
    " PRIMARY KEY (model, text_key)) WITHOUT ROWID"
)


def _indicator_texts(cur, where: str, args) -> list[str]:
    return rows.indicator_texts(cur.execute(f"SELECT indicator, sentence FROM indicators WHERE {where}", args).fetchall())


def _text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def to_blobs(vectors) -> list[bytes]:
    """float16 bytes per row (half the size of float32; cosine scores change < 1e-3)."""
    import numpy as np

    return [row.tobytes() for row in np.asarray(vectors, dtype=np.float16)]


def from_blobs(blobs: list[bytes]):
    """float32 matrix from rows written by `to_blobs`."""
    import numpy as np

    return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(blobs), -1).astype(np.float32)


def _next_id(cur, table: str) -> int:
    return cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]


def _other_names(conn, doc_id: int) -> list[str]:
    return [r[0] for r in conn.execute("SELECT path FROM document_names WHERE doc_id = ? ORDER BY rowid", (doc_id,))]


def _delete_rows(cur, ids: list[int]) -> None:
    """Delete documents and every row derived from them (the passages' trigger clears their FTS rows)."""
    if not ids:
        return
    rows = [(i,) for i in ids]
    for table in _DERIVED:
        cur.executemany(f"DELETE FROM {table} WHERE doc_id = ?", rows)
    cur.executemany("DELETE FROM documents WHERE id = ?", rows)


def _promote_name(cur, doc_id: int, path: str) -> None:
    """Make one of a document's other names its path: its own file now holds other content."""
    cur.execute("DELETE FROM document_names WHERE path = ?", (path,))
    cur.execute("UPDATE documents SET path = ?, name = ?, stem = ? WHERE id = ?",
                (path, PurePath(path).name, PurePath(path).stem, doc_id))


def _bump_generation(cur) -> None:
    cur.execute(
        "INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def open_sqlite(path: str | Path | None = None, create: bool = True) -> Store:
    """Open (and create if needed) a SQLite store; refuse files that are not a compatible store."""
    path = Path(path) if path else Path(default_db())
    if not path.exists() and not create:
        raise StoreError(f"{path}: no such database (ingest something first)")
    if path.exists() and path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise StoreError(f"{path}: not a SQLite database")
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=60.0, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout = 60000")
        _retry_while_locked(lambda: conn.execute("PRAGMA journal_mode = WAL"))
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        _retry_while_locked(lambda: _check_or_create_schema(conn, path))
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path}: cannot be used as a store ({exc})") from None
    except StoreError:
        conn.close()
        raise
    return Store(path, conn)


def _statements(script: str) -> list[str]:
    """Split a script into statements (executescript would commit our transaction)."""
    out, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    return [s for s in out if s]


def _retry_while_locked(action, seconds: float = 60.0):
    # Switching to WAL needs a moment alone with the file, and SQLite answers
    # "locked" at once instead of waiting when another process is creating it.
    deadline = time.monotonic() + seconds
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _check_or_create_schema(conn: sqlite3.Connection, path: Path) -> None:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and app_id != _APP_ID:
        raise StoreError(f"{path}: a SQLite file that is not a policy_nlp store")
    if app_id == _APP_ID:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version in _MIGRATIONS:
            _migrate(conn, version)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"{path}: store schema version {version}, this policy_nlp needs {SCHEMA_VERSION}; "
                "ingest into a new database (--db) or re-ingest with this version"
            )
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have created it while we waited for the lock.
        if conn.execute("PRAGMA application_id").fetchone()[0] != _APP_ID:
            for statement in _statements(_SCHEMA + _FTS_SCHEMA + _NAMES_SCHEMA):
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {_APP_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


# An older schema version -> the statements that bring a store to the next version.
# Schema 3: why each heading is one ("outline", "tagged", "numbered+bold", ...; see model.Heading).
_EVIDENCE_SCHEMA = "ALTER TABLE headings ADD COLUMN evidence TEXT NOT NULL DEFAULT '';"
# Schema 4: table rows are passages too, marked by kind (their section path ends in "[table N]").
_PASSAGE_KIND_SCHEMA = (
    "ALTER TABLE passages ADD COLUMN kind TEXT NOT NULL DEFAULT 'text';\n"
    "UPDATE passages SET kind = 'table' WHERE section LIKE '%[table %]';"
)
# Schema 5: a language per document and passage, and the FTS index over the view of indexed text
# (the old index, over passages.text, is dropped and rebuilt; Chinese passages are cut into words).
_LANGUAGE_COLUMNS = (("documents", "language", "TEXT NOT NULL DEFAULT ''"), ("passages", "language", "TEXT NOT NULL DEFAULT ''"),
                     ("passages", "fts_text", "TEXT"))
_LANGUAGE_SCHEMA = (
    "DROP TRIGGER IF EXISTS passages_fts_insert;\n"
    "DROP TRIGGER IF EXISTS passages_fts_delete;\n"
    "DROP TABLE IF EXISTS passages_fts;\n"
)


def _add_languages(conn: sqlite3.Connection) -> None:
    """Schema 4 -> 5: the new columns, each stored passage's and document's language by script,
    the words of Chinese passages, and the FTS index rebuilt over the view."""
    from ..language import language_of_texts
    from .rows import fts_text

    for table, column, decl in _LANGUAGE_COLUMNS:  # SQLite has no ADD COLUMN IF NOT EXISTS
        if column not in {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
    for statement in _statements(_LANGUAGE_SCHEMA + _FTS_SCHEMA):
        conn.execute(statement)
    for (doc_id,) in conn.execute("SELECT id FROM documents").fetchall():
        found = conn.execute("SELECT id, text FROM passages WHERE doc_id = ? ORDER BY seq", (doc_id,)).fetchall()
        languages = passage_languages_of([text for _, text in found])
        conn.executemany("UPDATE passages SET language = ?, fts_text = ? WHERE id = ?",
                         [(lang, fts_text(text, lang), pid) for (pid, text), lang in zip(found, languages)])
        conn.execute("UPDATE documents SET language = ? WHERE id = ?",
                     (language_of_texts([text for _, text in found]), doc_id))
    conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')")


def passage_languages_of(texts: list[str]) -> list[str]:
    from ..language import detect_language, language_of_texts

    whole = language_of_texts(texts)
    return [detect_language(t) or whole for t in texts]


# Schema 6: what an indicator's change is measured against (model.Indicator.base).
_BASE_SCHEMA = "ALTER TABLE indicators ADD COLUMN base TEXT NOT NULL DEFAULT '';"

_MIGRATIONS = {1: _NAMES_SCHEMA, 2: _EVIDENCE_SCHEMA, 3: _PASSAGE_KIND_SCHEMA, 4: _add_languages, 5: _BASE_SCHEMA}


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Upgrade an older store in place on open, one version at a time, each step one transaction."""
    while version in _MIGRATIONS:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have upgraded it while we waited for the lock.
            if conn.execute("PRAGMA user_version").fetchone()[0] == version:
                step = _MIGRATIONS[version]
                if callable(step):
                    step(conn)
                else:
                    for statement in _statements(step):
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(version + 1),))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        version = conn.execute("PRAGMA user_version").fetchone()[0]
