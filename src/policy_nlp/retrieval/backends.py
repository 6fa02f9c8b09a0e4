"""Which module reads a store's search indexes: each back end keeps its own (SQLite: FTS5 and
float16 blobs read into the dense sidecar). The ranking in engine.py is the same for all."""

from __future__ import annotations

from types import ModuleType

from ..errors import StoreError


def search_backend(store) -> ModuleType:
    """The search module of `store`'s back end; a clear error where none is built yet."""
    if store.backend == "sqlite":
        from . import sqlite_index

        return sqlite_index
    raise StoreError(f"{store.path}: search on PostgreSQL is not built yet (search, similar and the dense index "
                     "need a SQLite store; ingest, docs, show, export, delete and indicators work)")
