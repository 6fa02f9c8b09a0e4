"""Search: lexical (SQLite FTS5, bm25), dense (passage embeddings) and hybrid (rank fusion)."""

from .engine import Hit, search

__all__ = ["Hit", "search"]
