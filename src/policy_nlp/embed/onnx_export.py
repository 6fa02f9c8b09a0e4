"""One-time export of a sentence-transformers model to ONNX (fp32, then dynamic int8), cached.

Only this module imports torch and transformers, and only when a cache entry is missing.
Cache layout: <cache>/models/<name>-<hash of the model files>-e<EXPORTER_VERSION>/<backend>/
holding model.onnx and meta.json; each <backend> folder is written in a temporary folder and
renamed into place, so a concurrent reader never sees half an entry.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import warnings
from pathlib import Path

from ..errors import PolicyNLPError
from .cache import cache_root, folder_hash, publish_dir, remove_entry, safe_name

# Bump when the export or quantisation recipe changes: old entries are then ignored.
EXPORTER_VERSION = 2
OPSET = 17
ONNX_BACKENDS = ("onnx", "onnx-int8")

# Per-channel int8 weights: per-tensor int8 drops the mean cosine to torch to ~0.95 on MiniLM
# (one outlier channel sets the scale of a whole matrix); per-channel keeps it at ~0.994.
# The word-embedding table (Gather) is quantised too: same cosine, file 58 -> 22 MB, so a cold
# session loads faster.
QUANT_OPTIONS = dict(per_channel=True, reduce_range=False, op_types_to_quantize=["MatMul", "Gather"])


def entry_dir(model_dir: Path, name: str, backend: str, root: Path | None = None) -> Path:
    root = root or cache_root()
    key = f"{safe_name(name)}-{folder_hash(model_dir, root)[:16]}-e{EXPORTER_VERSION}"
    return root / "models" / key / backend


def read_meta(entry: Path) -> dict | None:
    """The entry's metadata when the entry is complete and intact, else None."""
    try:
        meta = json.loads((entry / "meta.json").read_text())
        model = entry / "model.onnx"
        if model.stat().st_size != meta["size"]:
            return None
        return meta
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ensure_entry(model_dir: Path, name: str, backend: str, rebuild: bool = False) -> tuple[Path, dict]:
    """The cache entry of (model, backend), exported now when missing or damaged."""
    entry = entry_dir(model_dir, name, backend)
    meta = None if rebuild else read_meta(entry)
    if meta is not None:
        return entry, meta
    remove_entry(entry)
    if backend == "onnx":
        _build(entry, lambda tmp: _export_fp32(model_dir, tmp / "model.onnx"))
    else:
        fp32, _ = ensure_entry(model_dir, name, "onnx")
        _build(entry, lambda tmp: _quantise(fp32 / "model.onnx", tmp / "model.onnx", model_dir))
    meta = read_meta(entry)
    if meta is None:
        raise PolicyNLPError(f"embedding model '{name}': the exported {backend} model in {entry} is unreadable")
    return entry, meta


def _build(entry: Path, write) -> None:
    entry.parent.mkdir(parents=True, exist_ok=True)
    _sweep(entry.parent)
    tmp = Path(tempfile.mkdtemp(dir=entry.parent, prefix=f".tmp-{entry.name}-"))
    try:
        info = write(tmp)
        model = tmp / "model.onnx"
        meta = {"exporter_version": EXPORTER_VERSION, "size": model.stat().st_size, **info}
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2))
        publish_dir(tmp, entry)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _sweep(folder: Path, max_age_s: float = 3600.0) -> None:
    """Temporary folders left by killed exports (an export takes seconds, not an hour)."""
    import shutil
    import time

    for tmp in folder.glob(".tmp-*"):
        try:
            if time.time() - tmp.stat().st_mtime > max_age_s:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError:
            pass


def _export_fp32(model_dir: Path, out: Path) -> dict:
    import inspect

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    # Eager attention traces to plain MatMul/Softmax with the padding mask always applied;
    # the SDPA path has shape-dependent branches the tracer would freeze.
    try:
        model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", dtype=torch.float32)
    except TypeError:
        model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", torch_dtype=torch.float32)
    model.eval()
    accepts = inspect.signature(model.forward).parameters
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if "token_type_ids" in accepts else [])

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *tensors):
            return self.inner(**dict(zip(names, tensors))).last_hidden_state

    # A padded second row, so the traced graph applies the attention mask.
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 3231, 102, 0, 0, 0]], dtype=torch.long)
    ids = ids.clamp(max=model.config.vocab_size - 1)
    mask = (torch.arange(6)[None, :] < torch.tensor([[6], [3]])).long()
    args = (ids, mask, torch.zeros_like(ids))[: len(names)]
    axes = {n: {0: "batch", 1: "sequence"} for n in [*names, "token_embeddings"]}
    wrapper = TokenEmbeddings(model).eval()  # export restores the wrapper's mode afterwards
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper, args, str(out), input_names=names, output_names=["token_embeddings"],
            dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True, dynamo=False,
        )
        expected = wrapper.eval()(*args).numpy()
    _check_export(out, names, [a.numpy() for a in args], expected, mask.numpy())
    return {"inputs": names, "hidden_size": int(expected.shape[-1]), "opset": OPSET,
            "torch": torch.__version__}


def _check_export(path: Path, names, arrays, expected, mask) -> None:
    """The ONNX graph must give torch's token embeddings (real tokens) before it is cached."""
    import numpy as np
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, dict(zip(names, arrays)))[0]
    real = mask.astype(bool)
    error = float(np.abs(got[real] - expected[real]).max())
    if not error < 1e-3:
        raise RuntimeError(f"exported graph differs from torch (max abs error {error:.2g})")


def _quantise(src: Path, out: Path, model_dir: Path) -> dict:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root_logger = logging.getLogger()
    level = root_logger.level
    root_logger.setLevel(logging.ERROR)  # "consider pre-processing" advice, not a problem here
    try:
        quantize_dynamic(str(src), str(out), weight_type=QuantType.QInt8, **QUANT_OPTIONS)
    finally:
        root_logger.setLevel(level)
    meta = json.loads((src.parent / "meta.json").read_text())
    return {"inputs": meta["inputs"], "hidden_size": meta["hidden_size"], "opset": meta["opset"],
            "quantisation": {"weight_type": "QInt8", **QUANT_OPTIONS}}
