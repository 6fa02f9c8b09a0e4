"""open_store: the back end a --db value names, a SQLite file or a PostgreSQL URL."""

from __future__ import annotations

from pathlib import Path

from ..config import default_db, is_db_url
from ..errors import StoreError
from .contract import DocumentStore

POSTGRES_SCHEMES = ("postgresql", "postgres")


def open_store(target: str | Path | None = None, create: bool = True) -> DocumentStore:
    """Open (and create if needed) the store `target` names: `postgresql://user@host:port/dbname`
    selects PostgreSQL, anything else is a SQLite file; None: `POLICY_NLP_DB`, else ./policy_nlp.db."""
    if target is None or str(target) == "":
        target = default_db()
    text = str(target)
    if is_db_url(text):
        scheme = text.split(":", 1)[0].lower()
        if scheme not in POSTGRES_SCHEMES:
            raise StoreError(f"{scheme}://: not a supported store (a SQLite file path, or postgresql://user@host:port/dbname)")
        if not text[len(scheme):].startswith("://"):
            # pathlib folds "//": a URL passed as a Path would otherwise become a folder "postgresql:".
            raise StoreError(f"{text}: a PostgreSQL URL needs 'postgresql://' (pass it as a string, not a Path)")
        from .postgres import open_postgres

        return open_postgres(text, create=create)
    from .db import open_sqlite

    return open_sqlite(Path(target), create=create)
