"""Extraction: files -> Document (pages, lines in reading order, blocks, tables)."""

from .pdf import extract_pdf, file_sha256

__all__ = ["extract_pdf", "file_sha256"]
