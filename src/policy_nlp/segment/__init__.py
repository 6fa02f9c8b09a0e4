"""Segmentation: title, headings, section tree, passages and their roles."""

from .headings import detect_headings
from .sections import build_passages, build_sections

__all__ = ["detect_headings", "build_sections", "build_passages", "segment_document"]


def segment_document(doc, settings: dict | None = None, classifier_factory=None) -> None:
    """Fill doc.outline, doc.sections (with roles) and doc.passages (with roles)."""
    from ..config import models_dir
    from .roles import assign_passage_roles, assign_section_roles, load_lexicon

    settings = settings or {}
    lexicon = load_lexicon(str(models_dir() / settings.get("lexicon", "role_lexicon.toml")))
    doc.outline = detect_headings(doc)
    doc.sections = build_sections(doc)

    def classify_sections(sections):
        model = classifier_factory()
        import numpy as np

        results = []
        for section in sections:
            texts = [t for t in section.text.split("\\n") if t.strip()][:12] or [section.heading]
            scores = model.scores(texts).mean(axis=0)
            exp = np.exp((scores - scores.max()) * 20.0)
            probs = exp / exp.sum()
            best = int(probs.argmax())
            from .roles import CONTENT_ROLES

            results.append((CONTENT_ROLES[best], float(probs[best])))
        return results

    assign_section_roles(doc.sections, lexicon, classify_sections if classifier_factory else None)
    doc.passages = build_passages(doc, int(settings.get("passage_max_sentences", 3)), int(settings.get("passage_max_chars", 700)))
    assign_passage_roles(doc, classifier_factory)
