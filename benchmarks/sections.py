"""Sections benchmark: headings P/R/F1, level and role accuracy; passage-role macro-F1 for
headless text; time that sectioning and role labelling add to ingest.

    python benchmarks/sections.py [--shared ../shared]

Ground truth: corpora/truth/*.json (sample corpus), benchmarks/gold/*.headings.json (the
reference paper in ../shared/corpus, used when present), benchmarks/gold/role_passages.jsonl
(187 labelled passages from 6 documents). Writes benchmarks/results/sections.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from heading_match import match_in_order  # noqa: E402
from policy_nlp.config import load_pipeline  # noqa: E402
from policy_nlp.pipeline import process_file  # noqa: E402
from policy_nlp.segment.stage import role_classifier  # noqa: E402
from policy_nlp.segment.roles import CONTENT_ROLES  # noqa: E402

_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-H]\.)\s+")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", _NUMBER.sub("", text)).strip().rstrip(".:").lower()


def heading_scores(doc, gold: list[dict]) -> dict:
    predicted = [(norm(s.heading), s.level, s.role) for s in doc.sections if s.level > 0]
    gold_rows = [(norm(g["text"]), g["level"], g["role"]) for g in gold]
    matched, unmatched = match_in_order(predicted, gold_rows)
    tp = len(matched)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(gold_rows) if gold_rows else 0.0
    return {
        "gold": len(gold_rows), "predicted": len(predicted), "matched": tp,
        "precision": round(precision, 3), "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if tp else 0.0,
        "level_accuracy": round(sum(g[1] == p[1] for g, p in matched) / tp, 3) if tp else 0.0,
        "role_accuracy": round(sum(g[2] == p[2] for g, p in matched) / tp, 3) if tp else 0.0,
        "missed": [g[0] for g in gold_rows if g[0] not in {m[0][0] for m in matched}],
        "false": [p[0] for p in unmatched],
    }


def macro_f1(pred: list[str], gold: list[str]) -> float:
    scores = []
    for role in CONTENT_ROLES:
        tp = sum(p == g == role for p, g in zip(pred, gold))
        fp = sum(p == role != g for p, g in zip(pred, gold))
        fn = sum(g == role != p for p, g in zip(pred, gold))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return round(float(np.mean(scores)), 3)


def headless_roles(doc, classifier) -> tuple[list[str], list[str]]:
    """Classify a document's passages in order as if it had no headings; gold = section roles."""
    passages = [p for p in doc.passages if doc.sections[p.section_index].level > 0]
    texts = [p.text for p in passages]
    predicted = [role for role, _ in classifier.classify(texts, in_order=True)]
    gold = [doc.sections[p.section_index].role for p in passages]
    keep = [i for i, g in enumerate(gold) if g in CONTENT_ROLES]
    return [predicted[i] for i in keep], [gold[i] for i in keep]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(REPO.parent / "shared"), help="folder with corpus/ (optional)")
    parser.add_argument("--out", default=str(REPO / "benchmarks/results/sections.json"))
    args = parser.parse_args()
    pipeline = load_pipeline()
    shared_pdf = Path(args.shared) / "corpus" / "industrial_intelligence_shandong.pdf"

    documents = []
    for truth_file in sorted((REPO / "corpora/truth").glob("*.json")):
        truth = json.loads(truth_file.read_text())
        documents.append((truth["stem"], REPO / "corpora" / f"{truth['stem']}.pdf", truth["headings"]))
    if shared_pdf.exists():
        gold = json.loads((REPO / "benchmarks/gold/industrial_intelligence_shandong.headings.json").read_text())
        documents.append(("industrial_intelligence_shandong", shared_pdf, gold["headings"]))
    else:
        print(f"note: {shared_pdf} not found; the reference paper is left out", file=sys.stderr)

    report: dict = {"headings": {}, "passage_roles": {}, "timing": {}}
    classifier = role_classifier(pipeline)
    all_pred, all_gold = [], []
    print(f"{'document':38} {'gold':>4} {'pred':>4} {'P':>6} {'R':>6} {'F1':>6} {'level':>6} {'role':>6}")
    for stem, pdf, gold in documents:
        doc = process_file(pdf, pipeline)
        scores = heading_scores(doc, gold)
        report["headings"][stem] = scores
        print(f"{stem:38} {scores['gold']:>4} {scores['predicted']:>4} {scores['precision']:>6} {scores['recall']:>6} {scores['f1']:>6} {scores['level_accuracy']:>6} {scores['role_accuracy']:>6}")
        for label in ("missed", "false"):
            if scores[label]:
                print(f"    {label}: {scores[label]}")
        pred, gold_roles = headless_roles(doc, classifier)
        report["passage_roles"][f"headless:{stem}"] = {"passages": len(gold_roles), "macro_f1": macro_f1(pred, gold_roles)}
        if stem != "industrial_intelligence_shandong":
            all_pred += pred
            all_gold += gold_roles
    corpus = [s for s, _, _ in documents if s != "industrial_intelligence_shandong"]
    pooled = {k: sum(report["headings"][s][k] for s in corpus) for k in ("gold", "predicted", "matched")}
    p, r = pooled["matched"] / pooled["predicted"], pooled["matched"] / pooled["gold"]
    level = sum(report["headings"][s]["level_accuracy"] * report["headings"][s]["matched"] for s in corpus) / pooled["matched"]
    role = sum(report["headings"][s]["role_accuracy"] * report["headings"][s]["matched"] for s in corpus) / pooled["matched"]
    report["headings"]["sample_corpus_pooled"] = {"f1": round(2 * p * r / (p + r), 3), "level_accuracy": round(level, 3), "role_accuracy": round(role, 3)}
    print(f"sample corpus pooled: heading F1 {2 * p * r / (p + r):.3f}, level accuracy {level:.3f}, role accuracy {role:.3f}")

    # Headless passages: the labelled set, leave-one-document-out (training script's CV).
    spec = importlib.util.spec_from_file_location("train", REPO / "models/train_role_classifier.py")
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    rows = [json.loads(line) for line in (REPO / "benchmarks/gold/role_passages.jsonl").read_text().splitlines() if line.strip()]
    texts = [r["text"] for r in rows]
    embed = classifier.embed
    X = classifier.features(texts, embed(texts), train.CUE_SCALE)
    y = np.array([CONTENT_ROLES.index(r["role"]) for r in rows])
    docs = np.array([r["doc"] for r in rows])
    import tomllib

    protos = tomllib.loads((REPO / "models/role_prototypes.toml").read_text())
    ptexts = [t for role in CONTENT_ROLES for t in protos[role]]
    Xp = classifier.features(ptexts, embed(ptexts), train.CUE_SCALE)
    yp = np.array([CONTENT_ROLES.index(role) for role in CONTENT_ROLES for _ in protos[role]])
    single, ordered = np.zeros_like(y), np.zeros_like(y)
    for d in sorted(set(docs)):
        test = docs == d
        W, b = train.fit(np.vstack([X[~test], Xp]), np.concatenate([y[~test], yp]))
        probs = train.predict(X[test], W, b)
        single[test] = probs.argmax(axis=1)
        ordered[test] = train.decode_in_order(probs)
    names = list(CONTENT_ROLES)
    report["passage_roles"]["labelled_set_lodo"] = {
        "passages": len(rows), "documents": len(set(docs)),
        "macro_f1_in_order": macro_f1([names[i] for i in ordered], [names[i] for i in y]),
        "macro_f1_passage_by_passage": macro_f1([names[i] for i in single], [names[i] for i in y]),
    }
    report["passage_roles"]["sample_corpus_headless_pooled"] = {"passages": len(all_gold), "macro_f1": macro_f1(all_pred, all_gold)}
    print("passage roles, headings removed (macro-F1 over status/dilemma/recommendation):")
    for key, value in report["passage_roles"].items():
        print(f"  {key:45} {value}")

    # Time that sectioning and role labelling add to ingest (best of 3 per file, models loaded).
    folders = [REPO / "corpora"] + ([Path(args.shared) / "corpus"] if (Path(args.shared) / "corpus").is_dir() else [])
    for folder in folders:
        totals: dict[str, float] = {}
        pages = 0
        for pdf in sorted(folder.glob("*.pdf")):
            best: dict[str, float] = {}
            for _ in range(3):
                timings: dict[str, float] = {}
                doc = process_file(pdf, pipeline, timings)
                best = {k: min(v, best.get(k, v)) for k, v in timings.items()}
            pages += doc.n_pages
            for k, v in best.items():
                totals[k] = totals.get(k, 0.0) + v
        ingest = sum(totals.values())
        added = totals.get("segment", 0.0) + totals.get("roles", 0.0)
        report["timing"][folder.name] = {"pages": pages, **{f"{k}_s": round(v, 3) for k, v in totals.items()},
                                         "ingest_s": round(ingest, 3), "segment_and_roles_share": round(added / ingest, 4)}
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in totals.items())
        print(f"timing {folder.name}: {pages} pages; {stages}; sectioning + role labelling = {100 * added / ingest:.1f}% of ingest time")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
