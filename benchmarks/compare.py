"""Compare benchmark: aligned-pair precision/recall against labels, unique points, indicator
alignment, off-topic separation, and the time to compare 2 and 10 documents.

    python benchmarks/compare.py [--shared ../shared]

Labels: benchmarks/gold/compare_pairs.json (hand labels for the two same-topic sample
papers). The threshold comes from models/compare_threshold.json (calibrated on a separate
labelled set). Writes benchmarks/results/compare.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from policy_nlp.compare import compare  # noqa: E402
from policy_nlp.ingest import ingest  # noqa: E402


def squash(text: str) -> str:
    return " ".join(text.split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=str(REPO / "benchmarks/results/compare.json"))
    args = parser.parse_args()
    labels = json.loads((REPO / "benchmarks/gold/compare_pairs.json").read_text())
    a, b = labels["documents"]
    report: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "compare.db"
        sources = [REPO / "corpora"]
        shared = Path(args.shared) / "corpus"
        if shared.is_dir():
            sources.append(shared)
        else:
            print(f"note: {shared} not found; the 10-document timing uses text copies of the sample corpus", file=sys.stderr)
            for truth in sorted((REPO / "corpora/truth").glob("*.json")):
                for copy in range(2):
                    text = json.loads(truth.read_text())["text"]
                    (Path(tmp) / f"{truth.stem}_copy{copy}.txt").write_text(text)
            sources.append(Path(tmp))
        results = ingest(sources, db, workers=2)
        stems = [Path(r.path).stem for r in results if not r.failed]

        result = compare([a, b, "elderly_care_services_report", "rural_clean_energy_hexi"], db=db)
        pairs = [p for p in result.pairs if {p["a"]["document"], p["b"]["document"]} == {a, b}]

        def matches(pair, gold) -> bool:
            texts = {pair["a"]["document"]: squash(pair["a"]["text"]), pair["b"]["document"]: squash(pair["b"]["text"])}
            return squash(gold["a"]) in texts.get(a, "") and squash(gold["b"]) in texts.get(b, "")

        correct = [p for p in pairs if any(matches(p, g) for g in labels["pairs"])]
        found = [g for g in labels["pairs"] if any(matches(p, g) for p in pairs)]
        precision = len(correct) / len(pairs) if pairs else 0.0
        recall = len(found) / len(labels["pairs"])
        unique_hits = {
            stem: sum(squash(u["text"]) in " ".join(squash(r["text"]) for r in result.unique[stem]) for u in points) / len(points)
            for stem, points in labels["unique"].items()
        }
        rows = [r for r in result.indicators if a in r["values"] and b in r["values"]]
        aligned = [g for g in labels["indicators"] if any(r["values"][a]["raw_text"] == g["a"] and r["values"][b]["raw_text"] == g["b"] for r in rows)]
        sim = result.similarity
        report["alignment"] = {
            "threshold": result.threshold, "threshold_source": result.threshold_source,
            "predicted_pairs": len(pairs), "correct": len(correct), "gold_pairs": len(labels["pairs"]),
            "precision": round(precision, 3), "recall": round(recall, 3),
            "wrong_pairs": [(p["role"], p["similarity"], p["a"]["text"][:80], p["b"]["text"][:80]) for p in pairs if p not in correct],
            "missed": [g["a"][:80] for g in labels["pairs"] if g not in found],
            "unique_recall": {k: round(v, 3) for k, v in unique_hits.items()},
            "indicators_aligned": f"{len(aligned)}/{len(labels['indicators'])}",
            "similarity": dict(zip(result.documents, sim)),
        }
        print(f"aligned pairs {a} vs {b}: P {precision:.3f}  R {recall:.3f}  ({len(correct)}/{len(pairs)} predicted correct, "
              f"{len(found)}/{len(labels['pairs'])} gold found; threshold {result.threshold} — {result.threshold_source})")
        print(f"unique points found: {report['alignment']['unique_recall']}; shared indicators aligned: {len(aligned)}/{len(labels['indicators'])}")
        print("similarity:", {d: [round(x, 3) for x in row] for d, row in zip(result.documents, sim)})
        for item in report["alignment"]["wrong_pairs"]:
            print("  wrong:", item)
        for item in report["alignment"]["missed"]:
            print("  missed:", item)

        for n in (2, 10):
            docs = stems[:n]
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                compare(docs, db=db)
                times.append(time.perf_counter() - start)
            report[f"time_{n}_documents_s"] = {"median": round(statistics.median(times), 4), "max": round(max(times), 4)}
            print(f"compare {n} documents: median {statistics.median(times):.3f}s, max {max(times):.3f}s over {args.runs} runs (store load included)")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
