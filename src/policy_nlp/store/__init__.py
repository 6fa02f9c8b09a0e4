"""Store: the documents and everything derived from them, in a SQLite file (the default, no
server) or a PostgreSQL database (`postgresql://...`), behind one contract (contract.py)."""

from .contract import DocumentStore
from .db import SCHEMA_VERSION, Store
from .open import open_store
from .rows import DocumentInfo

__all__ = ["SCHEMA_VERSION", "DocumentInfo", "DocumentStore", "Store", "open_store"]
