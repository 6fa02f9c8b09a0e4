"""Ruled tables: found with pdfplumber's line-based table finder, kept out of the prose."""

from __future__ import annotations

from ..model import BBox, Table
from .text import normalize_text


def find_tables(page, page_number: int) -> list[Table]:
    """Tables with at least two rows and two columns of text."""
    # Most prose pages have no ruling at all; skip the table finder for them.
    if len(page.lines) + len(page.rects) < 4:
        return []
    tables: list[Table] = []
    for found in page.find_tables():
        rows = [[normalize_text(cell or "") for cell in row] for row in found.extract()]
        rows = [row for row in rows if any(row)]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            tables.append(Table(page=page_number, bbox=tuple(found.bbox), rows=rows))
    return tables


def inside(bbox: BBox, x0: float, top: float, x1: float, bottom: float) -> bool:
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    return bbox[0] - 1 <= cx <= bbox[2] + 1 and bbox[1] - 1 <= cy <= bbox[3] + 1
