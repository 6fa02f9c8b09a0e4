"""Extraction: files -> Document (pages, lines in reading order, blocks, tables)."""

from __future__ import annotations

from pathlib import Path

from .pdf import extract_pdf, file_sha256
from .plaintext import extract_text_file

TEXT_SUFFIXES = (".txt", ".md", ".markdown")

__all__ = ["extract_document", "extract_pdf", "extract_text_file", "file_sha256", "TEXT_SUFFIXES"]


def extract_document(path: str | Path, settings: dict | None = None):
    """A Document from a PDF, or from a plain-text or Markdown file."""
    if Path(path).suffix.lower() in TEXT_SUFFIXES:
        return extract_text_file(path, settings)
    return extract_pdf(path, settings)
