"""Extraction: files -> Document (pages, lines in reading order, blocks, tables)."""

from __future__ import annotations

from pathlib import Path

TEXT_SUFFIXES = (".txt", ".md", ".markdown")

__all__ = ["extract_document", "extract_pdf", "extract_text_file", "file_sha256", "TEXT_SUFFIXES"]


def extract_document(path: str | Path, settings: dict | None = None):
    """A Document from a PDF, or from a plain-text or Markdown file."""
    if Path(path).suffix.lower() in TEXT_SUFFIXES:
        from .plaintext import extract_text_file

        return extract_text_file(path, settings)
    from .pdf import extract_pdf

    return extract_pdf(path, settings)


def __getattr__(name: str):
    # pdfplumber loads only when a PDF is read: modules of this package (text.py's joins, used by
    # segmentation and comparison) must stay importable by commands that never open a PDF.
    if name in ("extract_pdf", "file_sha256"):
        from . import pdf

        return getattr(pdf, name)
    if name == "extract_text_file":
        from .plaintext import extract_text_file

        return extract_text_file
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
