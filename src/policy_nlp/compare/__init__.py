"""Comparison: document similarity, aligned and unique passages, indicators side by side."""

from .engine import Comparison, compare, similar

__all__ = ["Comparison", "compare", "similar"]
