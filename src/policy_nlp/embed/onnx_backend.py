"""Sentence embeddings on onnxruntime + tokenizers + numpy (no torch on this path).

Reproduces the sentence-transformers pipeline of the model folder: Transformer (truncation to
max_seq_length, optional lower-casing), Pooling (cls / max / mean / mean_sqrt_len, concatenated in
sentence-transformers' order) and L2 normalisation.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

SUPPORTED_MODULES = {"Transformer", "Pooling", "Normalize"}


def _read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


class PipelineConfig:
    """What modules.json, sentence_bert_config.json and the pooling config ask for."""

    def __init__(self, model_dir: Path):
        self.max_seq_length: int | None = None
        self.do_lower_case = False
        self.pooling = ["mean"]
        self.dimension: int | None = None
        modules = model_dir / "modules.json"
        pooling_dir = None
        if modules.is_file():
            for module in _read_json(modules):
                kind = module.get("type", "").rsplit(".", 1)[-1]
                if kind not in SUPPORTED_MODULES:
                    raise ValueError(f"module {module.get('type')} is not supported by the ONNX backends (use backend 'torch')")
                if kind == "Pooling":
                    pooling_dir = model_dir / module.get("path", "1_Pooling")
                if kind == "Transformer" and module.get("path"):
                    raise ValueError("a Transformer module in a subfolder is not supported by the ONNX backends (use backend 'torch')")
        bert_config = model_dir / "sentence_bert_config.json"
        if bert_config.is_file():
            settings = _read_json(bert_config)
            self.max_seq_length = settings.get("max_seq_length")
            self.do_lower_case = bool(settings.get("do_lower_case", False))
        if self.max_seq_length is None:
            limits = []
            config = model_dir / "config.json"
            if config.is_file():
                limits.append(_read_json(config).get("max_position_embeddings"))
            tok_config = model_dir / "tokenizer_config.json"
            if tok_config.is_file():
                limits.append(_read_json(tok_config).get("model_max_length"))
            limits = [int(x) for x in limits if isinstance(x, int) and 0 < x < 100_000]
            self.max_seq_length = min(limits) if limits else 512
        if pooling_dir is not None and (pooling_dir / "config.json").is_file():
            pooling = _read_json(pooling_dir / "config.json")
            unsupported = [k for k in ("pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken") if pooling.get(k)]
            if unsupported or pooling.get("include_prompt") is False:
                raise ValueError(f"pooling {unsupported or 'without prompt'} is not supported by the ONNX backends (use backend 'torch')")
            # sentence-transformers concatenates the modes in this order
            order = [("pooling_mode_cls_token", "cls"), ("pooling_mode_max_tokens", "max"),
                     ("pooling_mode_mean_tokens", "mean"), ("pooling_mode_mean_sqrt_len_tokens", "mean_sqrt_len")]
            self.pooling = [mode for key, mode in order if pooling.get(key)] or ["mean"]
            if pooling.get("word_embedding_dimension"):
                self.dimension = int(pooling["word_embedding_dimension"]) * len(self.pooling)


def pool(hidden: np.ndarray, mask: np.ndarray, modes: list[str]) -> np.ndarray:
    mask_f = mask[:, :, None].astype(np.float32)
    parts = []
    for mode in modes:
        if mode == "cls":
            parts.append(hidden[:, 0])
        elif mode == "max":
            parts.append(np.where(mask_f > 0, hidden, np.float32(-1e9)).max(axis=1))
        else:
            summed = (hidden * mask_f).sum(axis=1)
            counts = np.maximum(mask_f.sum(axis=1), 1e-9)
            parts.append(summed / counts if mode == "mean" else summed / np.sqrt(counts))
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)


def thread_count() -> int:
    for var in ("POLICY_NLP_THREADS", "POLICY_NLP_TORCH_THREADS"):
        value = os.environ.get(var, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    return os.cpu_count() or 1


def open_session(model_path: Path, threads: int | None = None):
    """An onnxruntime session on the CPU with `threads` intra-op threads.

    Saving the optimised graph and reloading it with optimisation off was tried: on the 22 MB
    int8 graph session creation stayed ~0.11 s either way, so the graph is optimised each time.
    """
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads or thread_count()
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    # The arena keeps the largest buffers each input shape ever needed: over a long ingest of
    # varied lengths it grew by 400 MB (978 -> 1,391 MB re-ingesting 300 abstracts); without it
    # memory stays flat.
    so.enable_cpu_mem_arena = False
    return ort.InferenceSession(str(model_path), so, providers=["CPUExecutionProvider"])


class OnnxEncoder:
    """Tokenise, batch by length, run the graph, pool, normalise."""

    def __init__(self, model_dir: Path, onnx_path: Path, inputs: list[str], threads: int | None = None,
                 per_text: bool = False):
        from tokenizers import Tokenizer

        self.config = PipelineConfig(model_dir)
        tokenizer_file = model_dir / "tokenizer.json"
        if not tokenizer_file.is_file():
            raise ValueError(f"no tokenizer.json in {model_dir} (the ONNX backends need a fast tokenizer file; use backend 'torch')")
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=int(self.config.max_seq_length))
        self.pad_id = self._pad_id(model_dir)
        self.session = open_session(onnx_path, threads)
        self.inputs = [i.name for i in self.session.get_inputs()]
        missing = set(self.inputs) - {"input_ids", "attention_mask", "token_type_ids"}
        if missing:
            raise ValueError(f"the ONNX graph wants inputs {sorted(missing)}")
        self.dimension = self.config.dimension or int(self.session.get_outputs()[0].shape[-1])
        # Dynamic int8 quantisation scales activations by the range of the whole batch, so in a
        # batch a text's vector would depend on its batch-mates (cosine down to 0.990 against the
        # same text alone): a query would not meet its own passage exactly, and re-ingesting a
        # file in another batch would change its vectors. Each text runs alone instead; on
        # passages of ~120 words that is as fast as batches of 64 (166 against 140 texts/s).
        self.per_text = per_text

    def _pad_id(self, model_dir: Path) -> int:
        padding = self.tokenizer.padding
        if padding and "pad_id" in padding:
            return int(padding["pad_id"])
        for path in (model_dir / "special_tokens_map.json", model_dir / "tokenizer_config.json"):
            if path.is_file():
                token = _read_json(path).get("pad_token")
                token = token.get("content") if isinstance(token, dict) else token
                if token and self.tokenizer.token_to_id(token) is not None:
                    return int(self.tokenizer.token_to_id(token))
        return 0

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        prepared = [str(t).strip() for t in texts]
        if self.config.do_lower_case:
            prepared = [t.lower() for t in prepared]
        encodings = self.tokenizer.encode_batch(prepared)
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(-lengths, kind="stable")  # similar lengths share a batch: little padding
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        batch_size = 1 if self.per_text else max(1, int(batch_size))
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            width = int(lengths[rows].max())
            ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
            types = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, k in enumerate(rows):
                e = encodings[k]
                n = len(e.ids)
                ids[r, :n] = e.ids
                types[r, :n] = e.type_ids
                mask[r, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            hidden = self.session.run(None, {name: feeds[name] for name in self.inputs})[0]
            out[rows] = pool(hidden.astype(np.float32, copy=False), mask, self.config.pooling)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out /= np.maximum(norms, 1e-12)
        return out
