"""Outlines of real PDFs against hand-made gold: heading P/R/F1, level and role accuracy, titles.

    python benchmarks/outlines.py [--shared ../shared] [--only STEM ...] [-v]

Gold: benchmarks/gold/outlines/*.json (one per PDF of ../shared/corpus and ../shared/realdocs,
written from the PDFs by hand; see the README there). Each PDF goes through the full pipeline
(process_file), as `policy-nlp ingest` would. A predicted heading matches a gold heading of the
same page (±1) whose normalised text is the same or nearly (difflib ratio ≥ 0.9: a wrapped line
joined differently). Totals are micro-averaged over every heading of every document. Writes
benchmarks/results/outlines.json.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from heading_match import match_in_order, prf  # noqa: E402
from policy_nlp.config import load_pipeline  # noqa: E402
from policy_nlp.errors import InputError  # noqa: E402
from policy_nlp.pipeline import process_file  # noqa: E402

GOLD = REPO / "benchmarks" / "gold" / "outlines"
_NUMBER = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\.?|[(（][^)）]{1,4}[)）]|(?:[IVXivx]+|[A-Za-z])[.．]|[一二三四五六七八九十]+[、.．])\s*(?=\S)")


_LABEL = re.compile(r"^\s*(?:part|chapter|section|article|annex|appendix|chapitre|partie|annexe)\s+[\dIVXA-Z]{1,5}\s*[-\u2013\u2014:.]\s*", re.IGNORECASE)


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _LABEL.sub("", _NUMBER.sub("", text))
    return re.sub(r"\s+", " ", text).strip().rstrip(".:：").lower()


def _similar(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 4 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.9)


def match(predicted: list[dict], gold: list[dict]) -> list[tuple[dict, dict]]:
    """Greedy in document order: each gold heading takes the first unmatched similar prediction."""
    return match_in_order(predicted, gold, lambda p, g: abs(p["page"] - g["page"]) <= 1 and _similar(norm(p["text"]), norm(g["text"])))[0]


def score(predicted: list[dict], gold: list[dict]) -> dict:
    pairs = match(predicted, gold)
    matched_gold = {id(g) for g, _ in pairs}
    matched_pred = {id(p) for _, p in pairs}
    return {
        "gold": len(gold), "predicted": len(predicted), "matched": len(pairs),
        "level_right": sum(g["level"] == p["level"] for g, p in pairs),
        "role_right": sum(g["role"] == p["role"] for g, p in pairs),
        "missed": [f'p{g["page"]} {g["text"]}' for g in gold if id(g) not in matched_gold],
        "false": [f'p{p["page"]} {p["text"]}' for p in predicted if id(p) not in matched_pred],
        "wrong_role": [f'{g["text"]}: {p["role"]} (gold {g["role"]}; {p["evidence"]})' for g, p in pairs if g["role"] != p["role"]],
        "pairs": [{"gold": g["role"], **p} for g, p in pairs],
    }


f1 = prf


def predicted_outline(doc) -> list[dict]:
    return [
        {"text": s.heading, "level": s.level, "role": s.role, "page": s.page_start, "evidence": s.role_evidence,
         "confidence": s.role_confidence}
        for s in doc.sections if s.level > 0
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--only", nargs="*", help="PDF stems to score (default: every gold file)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print missed, false and wrong-role headings")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "outlines.json"))
    args = parser.parse_args()
    shared = Path(args.shared)
    if not shared.is_dir():
        print(f"{shared}: not found; this benchmark needs ../shared/corpus and ../shared/realdocs", file=sys.stderr)
        return 2
    pipeline = load_pipeline()
    golds = sorted(GOLD.glob("*.json"))
    if args.only:
        golds = [g for g in golds if g.stem in args.only]
    report: dict = {"documents": {}, "folders": {}}
    totals = {"gold": 0, "predicted": 0, "matched": 0, "level_right": 0, "role_right": 0, "titles_right": 0, "documents": 0}
    print(f"{'document':36} {'gold':>4} {'pred':>4} {'match':>5} {'F1':>5} {'level':>5} {'role':>5} title")
    for gold_file in golds:
        gold = json.loads(gold_file.read_text())
        pdf = shared / gold["folder"] / gold["document"]
        start = time.perf_counter()
        try:
            doc = process_file(pdf, pipeline)
            predicted, title = predicted_outline(doc), doc.title
        except InputError as exc:
            predicted, title = [], ""
            print(f"  {gold['document']}: not ingested ({exc})")
        seconds = time.perf_counter() - start
        result = score(predicted, gold["headings"])
        result["title"] = title
        result["title_right"] = norm(title) == norm(gold["title"]) or _similar(norm(title), norm(gold["title"]))
        result["seconds"] = round(seconds, 2)
        report["documents"][gold_file.stem] = result
        folder = report["folders"].setdefault(gold["folder"], {"documents": 0, "matched": 0, "role_right": 0, "level_right": 0})
        folder["documents"] += 1
        for key in ("matched", "role_right", "level_right"):
            folder[key] += result[key]
        for key in ("gold", "predicted", "matched", "level_right", "role_right"):
            totals[key] += result[key]
        totals["titles_right"] += result["title_right"]
        totals["documents"] += 1
        _, _, f = f1(result["matched"], result["gold"], result["predicted"])
        m = result["matched"] or 1
        print(f"{gold_file.stem[:36]:36} {result['gold']:>4} {result['predicted']:>4} {result['matched']:>5} {f:>5.2f} "
              f"{result['level_right'] / m:>5.2f} {result['role_right'] / m:>5.2f} {'ok' if result['title_right'] else repr(title[:50])}")
        if args.verbose:
            for key in ("missed", "false", "wrong_role"):
                for item in result[key]:
                    print(f"    {key}: {item}")
    p, r, f = f1(totals["matched"], totals["gold"], totals["predicted"])
    m = totals["matched"] or 1
    report["total"] = {
        **totals, "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
        "level_accuracy": round(totals["level_right"] / m, 3), "role_accuracy": round(totals["role_right"] / m, 3),
    }
    print(f"total: {totals['documents']} documents, {totals['gold']} gold headings, {totals['predicted']} predicted: "
          f"P {p:.3f} R {r:.3f} F1 {f:.3f}, level accuracy {totals['level_right'] / m:.3f}, "
          f"role accuracy {totals['role_right'] / m:.3f}, titles {totals['titles_right']}/{totals['documents']}")
    for name, folder in sorted(report["folders"].items()):
        fm = folder["matched"] or 1
        folder["role_accuracy"] = round(folder["role_right"] / fm, 3)
        folder["level_accuracy"] = round(folder["level_right"] / fm, 3)
        print(f"  {name}: {folder['documents']} documents, {folder['matched']} matched headings, "
              f"level accuracy {folder['level_accuracy']:.3f}, role accuracy {folder['role_accuracy']:.3f}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
