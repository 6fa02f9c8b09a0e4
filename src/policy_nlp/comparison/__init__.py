"""Comparison: document similarity, aligned passages, unique sentences, indicators side by side."""

from .engine import Comparison, compare, similar

__all__ = ["Comparison", "compare", "similar"]
