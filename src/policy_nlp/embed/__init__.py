"""Embedding: passages -> L2-normalised vectors with the configured sentence-transformers model,
run on onnxruntime (int8 or fp32, exported once and cached) or on sentence-transformers (torch)."""

from .model import BACKENDS, DEFAULT_BACKEND, Embedder, embedder_for, load_embedder, prepare_model, resolve_backend

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "Embedder", "embedder_for", "load_embedder", "prepare_model", "resolve_backend"]
