"""Segmentation: title, headings, section tree, passages and their roles."""

from __future__ import annotations

from .headings import detect_headings
from .sections import build_passages, build_sections

__all__ = ["detect_headings", "build_sections", "build_passages", "segment_document", "label_by_content"]


def segment_document(doc, settings: dict | None = None) -> None:
    """Fill doc.outline, doc.sections and doc.passages, with roles from headings and parents.

    Sections the headings say nothing about, and documents without headings,
    are left for `label_by_content`, which needs the passage embeddings.
    """
    from ..config import models_dir
    from .roles import assign_section_roles, load_lexicon, mark_role_turns

    settings = settings or {}
    lexicon = load_lexicon(str(models_dir() / settings.get("lexicon", "role_lexicon.toml")))
    if doc.metadata.get("format") not in ("text", "markdown"):
        doc.outline = detect_headings(doc)  # text files bring their headings from Markdown
    doc.sections = build_sections(doc)
    assign_section_roles(doc.sections, lexicon)
    doc.passages = build_passages(doc, int(settings.get("passage_max_sentences", 3)), int(settings.get("passage_max_chars", 700)))
    mark_role_turns(doc)


def label_by_content(doc, classifier_factory, vectors=None) -> None:
    """Roles from content for unlabelled sections and headless passages (see roles.py)."""
    from .roles import classify_unlabelled

    classify_unlabelled(doc, classifier_factory, vectors)
