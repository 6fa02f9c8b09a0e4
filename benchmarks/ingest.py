"""Ingest benchmark: pages/s and peak memory over a folder of PDFs, per stage.

    python benchmarks/ingest.py                       # the bundled corpora/
    python benchmarks/ingest.py ../shared/corpus --workers 1 2 --runs 3

Each run is a fresh process ingesting every PDF into a new temporary store, so
peak memory (max RSS of the main process and of the workers) belongs to that run
alone. Reported: the median over runs. Results also go to benchmarks/results/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def one_run(folder: str, workers: int, pipeline: str | None) -> dict:
    from policy_nlp.ingestion import ingest

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        results = ingest([folder], Path(tmp) / "bench.db", workers=workers, pipeline=pipeline)
        wall = time.perf_counter() - start
    failed = [r.message for r in results if r.failed]
    stages: dict[str, float] = {}
    for r in results:
        for stage, seconds in r.timings.items():
            stages[stage] = stages.get(stage, 0.0) + seconds
    return {
        "wall_s": wall,
        "files": len(results),
        "pages": sum(r.pages for r in results),
        "failed": failed,
        "stage_s": stages,
        "peak_rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", default=str(REPO / "corpora"), help="folder of PDFs (default: corpora/)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pipeline", default=None, help="pipeline TOML (default: pipelines/default.toml; "
                        "pipelines/extract_only.toml measures extraction alone)")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "ingest.json"))
    parser.add_argument("--one-run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one_run:
        print(json.dumps(one_run(args.folder, args.workers[0], args.pipeline)))
        return 0
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"error: {folder}: no such folder (the shared corpus lives in ../shared/corpus beside the repository)", file=sys.stderr)
        return 2

    rows = []
    for workers in args.workers:
        runs = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, __file__, str(folder), "--workers", str(workers), "--one-run"]
                + (["--pipeline", args.pipeline] if args.pipeline else []),
                capture_output=True, text=True, check=True,
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        wall = statistics.median(r["wall_s"] for r in runs)
        pages = runs[0]["pages"]
        stage_names = sorted({s for r in runs for s in r["stage_s"]})
        rows.append({
            "workers": workers,
            "files": runs[0]["files"],
            "pages": pages,
            "failed": runs[0]["failed"],
            "wall_s_median": round(wall, 3),
            "pages_per_s": round(pages / wall, 2),
            "stage_s_median": {s: round(statistics.median(r["stage_s"].get(s, 0.0) for r in runs), 3) for s in stage_names},
            "stage_pages_per_s_per_process": {
                s: round(pages / statistics.median(r["stage_s"].get(s, 0.0) for r in runs), 1) for s in stage_names
            },
            "peak_rss_main_mb": round(max(r["peak_rss_main_mb"] for r in runs), 1),
            "peak_rss_worker_mb": round(max(r["peak_rss_worker_mb"] for r in runs), 1),
            "runs": args.runs,
        })

    print(f"folder: {folder}  ({rows[0]['files']} files, {rows[0]['pages']} pages, median of {args.runs} runs, "
          f"pipeline {args.pipeline or 'pipelines/default.toml'})")
    header = f"{'workers':>7} {'wall s':>8} {'pages/s':>8} {'peak RSS main MB':>17} {'peak RSS worker MB':>19}  stage seconds (summed over files)"
    print(header)
    for row in rows:
        stages = ", ".join(f"{k} {v:.2f}s ({row['stage_pages_per_s_per_process'][k]} p/s)" for k, v in row["stage_s_median"].items())
        print(f"{row['workers']:>7} {row['wall_s_median']:>8.2f} {row['pages_per_s']:>8.1f} {row['peak_rss_main_mb']:>17.0f} {row['peak_rss_worker_mb']:>19.0f}  {stages}")
        for message in row["failed"]:
            print(f"        failed: {message}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"folder": str(folder), "pipeline": args.pipeline or "pipelines/default.toml", "results": rows}, indent=2))
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
