"""Compare benchmark: aligned-pair precision/recall against labels, unique points (sentences),
indicator alignment, off-topic separation, and the time to compare 2 and 10 documents.

    python benchmarks/compare.py [--shared ../shared]

Labels: benchmarks/gold/compare_pairs.json (hand labels for the two same-topic sample
papers: aligned sentence pairs, unique sentences, indicators),
benchmarks/gold/compare_unique_labels.json (unique or not, for every status / dilemma /
recommendation sentence of the same two papers: the precision of the reported unique points) and
benchmarks/gold/compare_indicator_pairs.json (indicator pairs of three document pairs, the seed
paper of ../shared/corpus against both sample papers included, labelled comparable or not by
reading both sentences: precision and recall of the indicator pairs `compare` makes).

    python benchmarks/compare.py --indicator-pairs-only   # that score alone, no timing, no file written
The thresholds come from models/compare_threshold.json (calibrated on a separate labelled set).

Pairs and indicators are scored on a comparison of the two papers with two off-topic ones;
unique points on a comparison of the two papers alone, since the labels say what one paper
makes that the other does not. Unique recall counts a labelled sentence as found when it is
reported as a sentence of its own (a whole passage that contains it does not count). Time:
median of --runs compares of the two papers with the embedding model already loaded, and in
fresh processes where the model load is part of the compare (Python start and imports not
counted). Writes benchmarks/results/compare.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from policy_nlp.comparison import compare  # noqa: E402
from policy_nlp.ingestion import ingest  # noqa: E402


def squash(text: str) -> str:
    return " ".join(text.split())


_COLD = """
import sys, time
sys.path.insert(0, sys.argv[1])
from policy_nlp.comparison import compare
start = time.perf_counter()
compare(sys.argv[3:], db=sys.argv[2])
print(time.perf_counter() - start)
"""


def score_unique(result, gold: dict, labels: dict) -> dict:
    """Recall of the labelled unique sentences and precision of the reported ones."""
    docs, missed, wrong = {}, [], []
    for stem, points in gold.items():
        reported = [squash(r["text"]) for r in result.unique[stem]]
        judged = {squash(row["text"]): row for row in labels.get(stem, [])}
        found = [p for p in points if squash(p["text"]) in reported]
        missed += [(stem, p["text"]) for p in points if p not in found]
        correct = [t for t in reported if judged.get(t, {}).get("unique")]
        wrong += [(stem, t, judged[t]["why"] if t in judged else "no label") for t in reported if t not in correct]
        docs[stem] = {"gold": len(points), "found": len(found), "recall": round(len(found) / len(points), 3),
                      "reported": len(reported), "correct": len(correct), "unlabelled": sum(t not in judged for t in reported)}
    reported = sum(d["reported"] for d in docs.values())
    correct = sum(d["correct"] for d in docs.values())
    return {"threshold": result.unique_threshold, "threshold_source": result.unique_threshold_source, "documents": docs,
            "reported": reported, "correct": correct, "precision": round(correct / reported, 3) if reported else 0.0,
            "missed": missed, "wrong": wrong}


def _label_matches(value: dict, raw: str, snippet: str) -> bool:
    return value["raw_text"] == raw and squash(snippet) in squash(value.get("sentence", ""))


def score_indicator_pairs(gold: dict, run_compare, extracted: dict[str, list[dict]]) -> dict:
    """Precision and recall of the indicator pairs `compare` makes for each labelled document pair.

    `run_compare(a, b)` returns the comparison's indicator rows; `extracted[stem]` lists that
    document's indicators (raw_text, sentence). Precision counts the pairs made that carry a label
    (made pairs without one are listed, to be judged); recall counts the labelled comparable pairs
    (alternatives aside) whose two indicators the extractor produced."""
    made_ok = made_wrong = positives = found = 0
    unlabelled, wrong, missed, not_extracted, per_pair = [], [], [], [], {}
    for entry in gold["document_pairs"]:
        a, b = entry["a"], entry["b"]
        if a not in extracted or b not in extracted:
            per_pair[f"{a} vs {b}"] = "skipped: document not ingested"
            continue
        rows = [r for r in run_compare(a, b) if a in r["values"] and b in r["values"]]

        def label_of(row):
            return next((g for g in entry["labels"] if _label_matches(row["values"][a], g["a"], g["a_sentence"])
                         and _label_matches(row["values"][b], g["b"], g["b_sentence"])), None)

        def exists(stem, raw, snippet):
            return any(_label_matches(v, raw, snippet) for v in extracted[stem])

        made = [(row, label_of(row)) for row in rows]
        ok = sum(1 for _, g in made if g and g["comparable"])
        bad = [(row, g) for row, g in made if g and not g["comparable"]]
        made_ok, made_wrong = made_ok + ok, made_wrong + len(bad)
        wrong += [(a, b, g["a"], g["b"], g["why"], row.get("reason", "")) for row, g in bad]
        unlabelled += [(a, b, row["values"][a]["raw_text"], row["values"][a]["indicator"], row["values"][b]["raw_text"],
                        row["values"][b]["indicator"]) for row, g in made if g is None]
        pos = [g for g in entry["labels"] if g["comparable"] and not g.get("alternative")]
        present = [g for g in pos if exists(a, g["a"], g["a_sentence"]) and exists(b, g["b"], g["b_sentence"])]
        not_extracted += [(a, b, g["a"], g["b"]) for g in pos if g not in present]
        hit = [g for g in present if any(label_of(row) is g for row in rows)]
        missed += [(a, b, g["a"], g["b"], g["why"]) for g in present if g not in hit]
        positives, found = positives + len(present), found + len(hit)
        per_pair[f"{a} vs {b}"] = {"made": len(rows), "correct": ok, "wrong": len(bad), "unlabelled": sum(g is None for _, g in made),
                                   "positives": len(present), "found": len(hit)}
    judged = made_ok + made_wrong
    return {"labels": sum(len(e["labels"]) for e in gold["document_pairs"]), "made_labelled": judged, "correct": made_ok,
            "precision": round(made_ok / judged, 3) if judged else 0.0, "positives": positives, "found": found,
            "recall": round(found / positives, 3) if positives else 0.0, "unlabelled_made": unlabelled,
            "wrong": wrong, "missed": missed, "not_extracted": not_extracted, "document_pairs": per_pair}


def print_indicator_pairs(score: dict) -> None:
    print(f"indicator pairs: P {score['precision']:.3f} ({score['correct']}/{score['made_labelled']} labelled pairs made are "
          f"comparable)  R {score['recall']:.3f} ({score['found']}/{score['positives']} comparable pairs made); "
          f"{len(score['unlabelled_made'])} pairs made without a label; {score['labels']} labels")
    for name, item in score["document_pairs"].items():
        print(f"  {name}: {item}")
    for item in score["wrong"]:
        print("  wrong pair:", item)
    for item in score["missed"]:
        print("  missed pair:", item)
    for item in score["unlabelled_made"]:
        print("  unlabelled pair:", item)
    for item in score["not_extracted"]:
        print("  not extracted (not scored):", item)


def indicator_pair_report(db: Path) -> dict:
    from policy_nlp.store import open_store

    gold = json.loads((REPO / "benchmarks/gold/compare_indicator_pairs.json").read_text())
    stems = {stem for e in gold["document_pairs"] for stem in (e["a"], e["b"])}
    extracted = {}
    with open_store(db, create=False) as store:
        known = {info.stem for info in store.documents()}
        for stem in stems & known:
            extracted[stem] = [{"raw_text": i.raw_text, "sentence": i.sentence} for i in store.load(stem).indicators]
    return score_indicator_pairs(gold, lambda a, b: compare([a, b], db=db).indicators, extracted)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=str(REPO / "benchmarks/results/compare.json"))
    parser.add_argument("--indicator-pairs-only", action="store_true",
                        help="ingest the sample corpus and the seed paper, score indicator pairs, write nothing")
    args = parser.parse_args()
    if args.indicator_pairs_only:
        with tempfile.TemporaryDirectory() as tmp:
            seed = Path(args.shared) / "corpus/industrial_intelligence_shandong.pdf"
            ingest([REPO / "corpora", *([seed] if seed.exists() else [])], Path(tmp) / "pairs.db", workers=2)
            print_indicator_pairs(indicator_pair_report(Path(tmp) / "pairs.db"))
        return 0
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
        unique_labels = json.loads((REPO / "benchmarks/gold/compare_unique_labels.json").read_text())["labels"]
        pair_result = compare([a, b], db=db)
        unique_report = score_unique(pair_result, labels["unique"], unique_labels)
        rows = [r for r in result.indicators if a in r["values"] and b in r["values"]]
        aligned = [g for g in labels["indicators"] if any(r["values"][a]["raw_text"] == g["a"] and r["values"][b]["raw_text"] == g["b"] for r in rows)]
        sim = result.similarity
        report["alignment"] = {
            "threshold": result.threshold, "threshold_source": result.threshold_source,
            "predicted_pairs": len(pairs), "correct": len(correct), "gold_pairs": len(labels["pairs"]),
            "precision": round(precision, 3), "recall": round(recall, 3),
            "wrong_pairs": [(p["role"], p["similarity"], p["a"]["text"][:80], p["b"]["text"][:80]) for p in pairs if p not in correct],
            "missed": [g["a"][:80] for g in labels["pairs"] if g not in found],
            "indicators_aligned": f"{len(aligned)}/{len(labels['indicators'])}",
            "similarity": dict(zip(result.documents, sim)),
        }
        print(f"aligned pairs {a} vs {b}: P {precision:.3f}  R {recall:.3f}  ({len(correct)}/{len(pairs)} predicted correct, "
              f"{len(found)}/{len(labels['pairs'])} gold found; threshold {result.threshold} — {result.threshold_source})")
        report["unique"] = unique_report
        print(f"unique sentences ({a} vs {b}; no sentence or passage of the other at cosine >= {pair_result.unique_threshold} — "
              f"{pair_result.unique_threshold_source}):")
        for stem in (a, b):
            u = unique_report["documents"][stem]
            print(f"  {stem}: recall {u['found']}/{u['gold']} = {u['recall']:.3f}; reported {u['reported']}, "
                  f"{u['correct']} truly unique, {u['unlabelled']} unlabelled")
        print(f"  precision {unique_report['precision']:.3f} ({unique_report['correct']}/{unique_report['reported']} reported sentences truly unique)")
        for stem, text in unique_report["missed"]:
            print(f"  missed ({stem}): {text[:100]}")
        for stem, text, why in unique_report["wrong"]:
            print(f"  not unique ({stem}): {text[:100]}  [{why[:80]}]")
        print(f"shared indicators aligned: {len(aligned)}/{len(labels['indicators'])}")
        print("similarity:", {d: [round(x, 3) for x in row] for d, row in zip(result.documents, sim)})
        for item in report["alignment"]["wrong_pairs"]:
            print("  wrong:", item)
        for item in report["alignment"]["missed"]:
            print("  missed:", item)
        report["indicator_pairs"] = indicator_pair_report(db)
        print_indicator_pairs(report["indicator_pairs"])

        def clear_vector_cache() -> None:
            with sqlite3.connect(db) as conn:
                conn.execute("DROP TABLE IF EXISTS vector_cache")

        for n, docs in ((2, [a, b]), (10, stems[:10])):
            clear_vector_cache()
            start = time.perf_counter()
            compare(docs, db=db)
            first = time.perf_counter() - start
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                compare(docs, db=db)
                times.append(time.perf_counter() - start)
            report[f"time_{n}_documents_s"] = {"first": round(first, 4), "median": round(statistics.median(times), 4),
                                                 "max": round(max(times), 4), "documents": len(docs)}
            print(f"compare {len(docs)} documents: first {first:.3f}s (sentence vectors computed), then median "
                  f"{statistics.median(times):.3f}s, max {max(times):.3f}s over {args.runs} runs (cached in the store; "
                  "store load included, embedding model already loaded)")
        for label, cached in (("cached", True), ("first", False)):
            cold = []
            for _ in range(args.runs):
                if not cached:
                    clear_vector_cache()
                out = subprocess.run([sys.executable, "-c", _COLD, str(REPO / "src"), str(db), a, b],
                                     capture_output=True, text=True, check=True)
                cold.append(float(out.stdout.split()[-1]))
            report[f"time_2_documents_fresh_process_{label}_s"] = {"median": round(statistics.median(cold), 4),
                                                                   "max": round(max(cold), 4)}
            print(f"compare 2 documents in a fresh process, sentence vectors {'cached' if cached else 'computed (model loaded)'}: "
                  f"median {statistics.median(cold):.3f}s, max {max(cold):.3f}s over {args.runs} runs "
                  "(Python start and imports not included)")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
