"""Which module reads a store's search indexes: each back end keeps its own (SQLite: FTS5 and
float16 blobs read into the dense sidecar; PostgreSQL: a full-text column with a GIN index and
an HNSW index on the vectors). The ranking in engine.py is the same for all."""

from __future__ import annotations

from types import ModuleType

from ..errors import StoreError


def search_backend(store) -> ModuleType:
    """The search module of `store`'s back end (sqlite_index or postgres_index)."""
    if store.backend == "sqlite":
        from . import sqlite_index

        return sqlite_index
    if store.backend == "postgresql":
        from . import postgres_index

        return postgres_index
    raise StoreError(f"{store.path}: no search for a '{store.backend}' store")
