"""Embedding: passages -> L2-normalised vectors with the configured sentence-transformers model."""

from .model import Embedder, load_embedder

__all__ = ["Embedder", "load_embedder"]
