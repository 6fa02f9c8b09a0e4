"""Comparison: document similarity, aligned passages, unique sentences, indicators side by side."""

from .engine import Comparison, compare
from .similarity import similar

__all__ = ["Comparison", "compare", "similar"]
