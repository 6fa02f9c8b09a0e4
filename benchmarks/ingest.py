"""Ingest benchmark: pages/s (PDF folders) or documents/s (short text files), per stage, peak memory.

    python benchmarks/ingest.py                            # the bundled corpora/, workers 1 and 2
    python benchmarks/ingest.py ../shared/corpus --workers 1 2 --runs 3
    python benchmarks/ingest.py --short-text 3000          # 3,000 abstracts, one .txt file each
    python benchmarks/ingest.py ../shared/corpus --engines local ray   # also the Ray engine (a local
                                                           # Ray on the same cores; the `ray` extra)
    python benchmarks/ingest.py ../shared/corpus --ray-clusters 1x2 1x1 2x1   # Ray clusters started
                                                           # beforehand with `ray start` (NODESxCPUS
                                                           # each, on this machine), as a team's runs

"ray" starts its own local Ray inside the timed run (as `ingest --engine ray` without an address
does); a --ray-clusters cluster is started just before its run and stopped after it (its start-up
time is reported apart; no other run shares the cores with an idle cluster) and the run joins it
with --ray-address, as on a team's cluster that is already running. Each node
is pinned to its own cores (node n: cores n*C … n*C+C-1), so a 1-CPU node is one core as a machine
of its own would be; 1x1 and 2x1 then compare one core against two.

"first s" is when the first document was stored: the start-up a run pays once (a Ray cluster,
worker processes, models) plus that document.

Each run is a fresh process ingesting every file into a new temporary store, so peak memory (max
RSS of the main process and of the workers) belongs to that run alone. Runs with different worker
counts alternate, so a change in the machine's load hits them alike; the speed-up of each worker
count over the first is taken from these paired runs. Reported: medians over runs, and the load
average before and after (other work on the machine skews every figure; compare within one run).
Results also go to benchmarks/results/ingest.json (ingest_short.json for --short-text).

--short-text N writes N short documents, the abstracts (.W fields) of the CISI, MED and Cranfield
collections in ../shared/bench/retrieval, one per file, and reports documents/s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ABSTRACT_SOURCES = ("cisi/CISI.ALL", "med/MED.ALL", "cran/cran.all.1400")


def one_run(folder: str, workers: int, pipeline: str | None, engine: str = "local", ray_address: str | None = None) -> dict:
    from policy_nlp.ingestion import ingest

    stored: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()  # for Ray without an address this includes starting its local cluster
        results = ingest([folder], Path(tmp) / "bench.db", workers=workers, pipeline=pipeline, engine=engine,
                         ray_address=ray_address, on_result=lambda result: stored.append(time.perf_counter() - start))
        wall = time.perf_counter() - start
    failed = [r.message for r in results if r.failed]
    stages: dict[str, float] = {}
    for r in results:
        for stage, seconds in r.timings.items():
            stages[stage] = stages.get(stage, 0.0) + seconds
    return {
        "wall_s": wall,
        "files": len(results),
        "documents": sum(1 for r in results if not r.failed),
        "pages": sum(r.pages for r in results),
        "failed": failed,
        "warnings": sum(r.n_warnings for r in results),
        "stage_s": stages,
        # Start-up (a Ray cluster, worker processes, models) and the first document: what a run
        # pays once, whatever the size of the library.
        "first_stored_s": stored[0] if stored else wall,
        # CPU seconds of this process and its workers: on a busy machine wall time mostly measures the
        # others; CPU time says what the ingest itself cost.
        "cpu_s": sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                     for f in ("ru_utime", "ru_stime")),
        "peak_rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _spin(_=None) -> float:
    start = time.perf_counter()
    x = 0
    for i in range(10_000_000):
        x += i
    return time.perf_counter() - start


def parallel_capacity() -> float:
    """Throughput of two CPU-bound processes over one (2.0 on two idle cores). On a shared machine
    this is the ceiling for any speed-up from two workers at that moment."""
    import multiprocessing

    one = _spin()
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [0, 1])  # start-up outside the timing
        start = time.perf_counter()
        pool.map(_spin, [0, 1])
        two = time.perf_counter() - start
    return round(2 * one / two, 2)


def write_abstracts(folder: Path, n: int, source: Path) -> int:
    """N abstracts, one per .txt file (title line, blank line, abstract). Returns how many."""
    written = 0
    for name in ABSTRACT_SOURCES:
        path = source / name
        if not path.exists():
            continue
        records = re.split(r"^\.I\s", path.read_text(encoding="utf-8", errors="replace"), flags=re.M)[1:]
        for record in records:
            fields = dict(re.findall(r"^\.([A-Z])\s*\n(.*?)(?=^\.[A-Z]\s*$|\Z)", record, flags=re.M | re.S))
            abstract = " ".join(fields.get("W", "").split())
            if not abstract:
                continue
            title = " ".join(fields.get("T", "").split())
            written += 1
            (folder / f"abstract_{written:05d}.txt").write_text(f"{title}\n\n{abstract}\n" if title else f"{abstract}\n", encoding="utf-8")
            if written >= n:
                return written
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", default=str(REPO / "corpora"), help="folder of PDFs (default: corpora/)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", nargs="+", choices=["local", "ray"], default=["local"],
                        help="local: one run per --workers count; ray: one run on a local Ray with all CPUs")
    parser.add_argument("--ray-clusters", nargs="*", default=[], metavar="NODESxCPUS",
                        help="Ray clusters to start beforehand on this machine and join, e.g. 1x2 2x1")
    parser.add_argument("--pipeline", default=None, help="pipeline TOML (default: pipelines/default.toml; "
                        "pipelines/extract_only.toml measures extraction alone)")
    parser.add_argument("--short-text", type=int, metavar="N", default=0,
                        help="ingest N short .txt documents (abstracts) instead of a folder; reports documents/s")
    parser.add_argument("--abstracts", default=str(REPO.parent / "shared" / "bench" / "retrieval"),
                        help="folder with cisi/, med/, cran/ (for --short-text)")
    parser.add_argument("--out", default=None, help="JSON results (default: benchmarks/results/ingest.json or ingest_short.json)")
    parser.add_argument("--one-run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="local", help=argparse.SUPPRESS)
    parser.add_argument("--ray-address", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one_run:
        print(json.dumps(one_run(args.folder, args.workers[0], args.pipeline, args.engine, args.ray_address)))
        return 0
    out = Path(args.out or REPO / "benchmarks" / "results" / ("ingest_short.json" if args.short_text else "ingest.json"))
    with tempfile.TemporaryDirectory() as tmp:
        if args.short_text:
            folder = Path(tmp) / "abstracts"
            folder.mkdir()
            made = write_abstracts(folder, args.short_text, Path(args.abstracts))
            if made < args.short_text:
                print(f"error: only {made} abstracts found under {args.abstracts} (cisi/, med/, cran/)", file=sys.stderr)
                return 2
        else:
            folder = Path(args.folder)
            if not folder.is_dir():
                print(f"error: {folder}: no such folder (the shared corpus lives in ../shared/corpus beside the repository)", file=sys.stderr)
                return 2
        return run(folder, args, out)


def start_cluster(spec: str):
    """NODESxCPUS -> (a running cluster (tests/ray_nodes.py), the seconds it took to come up)."""
    sys.path.insert(0, str(REPO / "tests"))
    import ray_nodes

    nodes, cpus = (int(x) for x in spec.lower().split("x"))
    start = time.perf_counter()
    cluster, why = ray_nodes.start(nodes=nodes, cpus_per_node=cpus, object_store_mb=500, pin_cores=True)
    if cluster is None:
        raise RuntimeError(f"Ray cluster {spec}: {why}")
    return cluster, round(time.perf_counter() - start, 1)


def run(folder: Path, args, out: Path) -> int:
    summary = measure(folder, args)
    if summary is None:
        return 1
    report(summary, folder, args, out)
    return 0


def measure(folder: Path, args) -> dict | None:
    """The runs of every configuration, alternating; None when one failed."""
    load_before = os.getloadavg()
    capacity_before = parallel_capacity()
    # A configuration is a label: a worker count for the local engine, "ray" for the Ray engine
    # with its own local cluster, "ray NxC" for a cluster started before its run (and stopped
    # after it: an idle cluster's processes took a share of the 2 cores from every other run;
    # with all three clusters up, one 2-CPU node took 59.8 s on 619 pages, alone 41.6 s).
    specs = {f"ray {spec}": spec for spec in (getattr(args, "ray_clusters", []) or [])}
    configs = (([str(w) for w in args.workers] if "local" in args.engines else []) + (["ray"] if "ray" in args.engines else [])
               + list(specs))
    runs: dict[str, list[dict]] = {c: [] for c in configs}
    cluster_start_s: dict[str, float] = {}
    for _ in range(args.runs):
        for config in configs:
            engine, workers = ("ray", os.cpu_count() or 1) if config.startswith("ray") else ("local", int(config))
            cluster = None
            if config in specs:
                cluster, cluster_start_s[config] = start_cluster(specs[config])
            try:
                done = subprocess.run(
                    [sys.executable, __file__, str(folder), "--workers", str(workers), "--one-run", "--engine", engine]
                    + (["--ray-address", cluster.address] if cluster else [])
                    + (["--pipeline", args.pipeline] if args.pipeline else []),
                    capture_output=True, text=True,
                    env={**os.environ, "RAY_AUTH_MODE": os.environ.get("RAY_AUTH_MODE", "disabled")},
                )
            finally:
                if cluster is not None:
                    cluster.stop()
            if done.returncode != 0:
                print(done.stderr[-3000:], file=sys.stderr)
                return None
            runs[config].append(json.loads(done.stdout.strip().splitlines()[-1]))
    load_after = os.getloadavg()
    capacity_after = parallel_capacity()

    base = configs[0]
    rows = []
    for workers, rs in runs.items():
        wall = statistics.median(r["wall_s"] for r in rs)
        pages, documents = rs[0]["pages"], rs[0]["documents"]
        stage_names = sorted({s for r in rs for s in r["stage_s"]})
        stage_s = {s: statistics.median(r["stage_s"].get(s, 0.0) for r in rs) for s in stage_names}
        rows.append({
            "workers": int(workers) if workers.isdigit() else workers,  # a worker count, or "ray"
            "files": rs[0]["files"],
            "documents": documents,
            "pages": pages,
            "failed": rs[0]["failed"],
            "library_warnings": rs[0]["warnings"],
            "wall_s_median": round(wall, 3),
            "pages_per_s": round(pages / wall, 2),
            "documents_per_s": round(documents / wall, 2),
            # Paired runs: the i-th run of each worker count ran back to back.
            f"speedup_over_{base}_workers": round(statistics.median(
                b["wall_s"] / r["wall_s"] for b, r in zip(runs[base], rs)), 2),
            "cpu_s_median": round(statistics.median(r["cpu_s"] for r in rs), 2),
            "first_stored_s_median": round(statistics.median(r["first_stored_s"] for r in rs), 2),
            "stage_s_median": {s: round(v, 3) for s, v in stage_s.items()},
            "stage_pages_per_s_per_process": {s: round(pages / v, 1) if v else None for s, v in stage_s.items()},
            "peak_rss_main_mb": round(max(r["peak_rss_main_mb"] for r in rs), 1),
            "peak_rss_worker_mb": round(max(r["peak_rss_worker_mb"] for r in rs), 1),
            "runs": args.runs,
        })
    what = f"{args.short_text} short .txt documents" if getattr(args, "short_text", 0) else str(folder)
    return {
        "input": what, "pipeline": args.pipeline or "pipelines/default.toml", "cpus": os.cpu_count(),
        "load_average_before": load_before, "load_average_after": load_after,
        "parallel_capacity_before": capacity_before, "parallel_capacity_after": capacity_after,
        "cluster_start_s": cluster_start_s, "base": base, "results": rows,
    }


def report(summary: dict, folder: Path, args, out: Path | None) -> None:
    rows, base = summary["results"], summary["base"]
    load_before, load_after = summary["load_average_before"], summary["load_average_after"]
    print(f"input: {summary['input']}  ({rows[0]['files']} files, {rows[0]['pages']} pages, median of {args.runs} runs, "
          f"pipeline {summary['pipeline']}, {os.cpu_count()} CPUs)")
    print(f"load average before {load_before[0]:.2f} / after {load_after[0]:.2f} (1 min); two CPU-bound processes ran "
          f"{summary['parallel_capacity_before']:.2f}x / {summary['parallel_capacity_after']:.2f}x as fast as one "
          "(2.0 on two idle cores: the ceiling for the speed-up)")
    for label, seconds in summary["cluster_start_s"].items():
        print(f"{label}: cluster up in {seconds:.1f} s (before the runs, not in their times)")
    print(f"{'workers':>7} {'wall s':>8} {'first s':>8} {'CPU s':>7} {'pages/s':>8} {'docs/s':>8} {'speed-up':>9} {'RSS main MB':>12} {'RSS worker MB':>14}"
          "  stage seconds (summed over files)")
    for row in rows:
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in row["stage_s_median"].items())
        print(f"{str(row['workers']):>7} {row['wall_s_median']:>8.2f} {row['first_stored_s_median']:>8.2f} {row['cpu_s_median']:>7.1f} {row['pages_per_s']:>8.1f} {row['documents_per_s']:>8.1f}"
              f" {row[f'speedup_over_{base}_workers']:>8.2f}x {row['peak_rss_main_mb']:>12.0f} {row['peak_rss_worker_mb']:>14.0f}  {stages}")
        for message in row["failed"][:10]:
            print(f"        failed: {message}")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(summary, indent=2))
        print(f"written: {out}")


if __name__ == "__main__":
    raise SystemExit(main())
