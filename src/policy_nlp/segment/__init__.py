"""Segmentation: headings, title and outline (sections and roles build on these)."""

from .headings import detect_headings

__all__ = ["detect_headings"]
