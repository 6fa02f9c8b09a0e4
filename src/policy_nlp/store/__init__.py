"""Store: one SQLite file holding documents, pages, blocks, lines and tables."""

from .db import SCHEMA_VERSION, Store, open_store

__all__ = ["SCHEMA_VERSION", "Store", "open_store"]
