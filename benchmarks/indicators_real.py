"""Indicators on real documents, scored against hand annotations made from the PDFs themselves.

    python benchmarks/indicators_real.py                  # shared data at ../shared
    python benchmarks/indicators_real.py /path/to/shared --skip-baselines -v

Gold: benchmarks/gold/indicators/*.json (conventions in its README.md: whole pages of real PDFs,
prose and tables) and benchmarks/gold/industrial_intelligence_shandong.indicators.json (the seed
paper, all 9 pages). The PDFs are ingested into a fresh store with the default pipeline, exactly
as `policy-nlp ingest` does, and the stored indicator rows are what is scored: what an analyst
exports.

Matching, per document and page: a stored row and a gold indicator pair up when their values agree
(relative difference <= 1e-4; for a table cell whose header gives a scale, the printed number is
accepted too). Among several candidates the pair whose printed text and sentence agree best wins;
pairing is one-to-one. Only rows on annotated pages count.
  value           P/R/F1 of such pairs (precision over every stored row on annotated pages)
  value+unit      ... and the unit right (the gold unit or one of its accepted alternatives)
  value+subject   ... and the subject right (benchmarks/indicators.py: the predicted phrase's content
                  words all in the gold subject, or Dice >= 0.5)
  value+period    ... and the period right (both empty, or the same years/months, or one phrase
                  containing the other)
  place right     share of value pairs whose place is right (both empty, or the same name after
                  aliases, or an accepted alternative)
Baselines (same pages, same run): quantulum3 and spaCy NER over the stored passages of each
annotated page; they give values and units only, so only value and value+unit are scored.

Results: a table on stdout and benchmarks/results/indicators_real.json.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from indicators import content_words, prf, same_value, subject_right  # noqa: E402

GOLD_DIR = REPO / "benchmarks" / "gold" / "indicators"
SEED_GOLD = REPO / "benchmarks" / "gold" / "industrial_intelligence_shandong.indicators.json"
OUT = REPO / "benchmarks" / "results" / "indicators_real.json"

_PLACE_ALIASES = {"us": "united states", "u.s.": "united states", "usa": "united states", "u.s.a.": "united states",
                  "the united states": "united states", "uk": "united kingdom", "the united kingdom": "united kingdom",
                  "nationwide": "nation", "prc": "china"}
_UNIT_ALIASES = {"hours": "h", "hour": "h", "hrs": "h", "hr": "h", "days": "d", "day": "d", "weeks": "wk",
                 "week": "wk", "months": "mo", "month": "mo", "years": "yr", "year": "yr", "seconds": "s",
                 "second": "s", "sec": "s", "minutes": "min", "minute": "min", "percent": "%", "pct": "%",
                 "dollars": "usd", "$": "usd", "ft2": "sq ft", "gallon": "gal", "gallons": "gal",
                 "times": "times", "x": "times", "fold": "times", "knots": "kn", "kt": "kn", "°": "deg",
                 "degrees": "deg", "degree": "deg", "cents": "cent", "¢": "cent"}


# ---------------------------------------------------------------------------------------------
# gold


def load_gold(shared: Path) -> list[dict]:
    docs = []
    for path in sorted(GOLD_DIR.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        gold["pdf"] = shared / gold["folder"] / gold["document"]
        docs.append(gold)
    if SEED_GOLD.exists():
        seed = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
        docs.append({
            "document": "industrial_intelligence_shandong.pdf", "folder": "corpus",
            "pdf": shared / "corpus" / "industrial_intelligence_shandong.pdf",
            "pages": list(range(1, 10)),
            "indicators": [{
                "id": g["id"], "page": g["page"], "source": "text", "table": "", "raw_text": g["raw_text"],
                "context": g["sentence"], "value": g["value"], "scale": 1, "unit": g["unit"], "unit_alt": [],
                "kind": g["kind"], "subject": g["indicator"], "period": g["period"], "place": g["place"],
                "place_alt": [],
            } for g in seed["indicators"]],
        })
    return docs


# ---------------------------------------------------------------------------------------------
# field agreement


def unit_key(unit: str) -> str:
    unit = unit.strip().lower().replace(" per ", "/").replace("²", "2")
    parts = [_UNIT_ALIASES.get(p.strip(), p.strip()) for p in unit.split("/")]
    return "/".join(parts)


def unit_right(predicted: str, gold: dict) -> bool:
    return unit_key(predicted) in {unit_key(u) for u in [gold["unit"], *gold.get("unit_alt", [])]}


def place_key(place: str) -> str:
    place = re.sub(r"\s+", " ", place.strip().lower())
    return _PLACE_ALIASES.get(place, place)


def place_right(predicted: str, gold: dict) -> bool:
    return place_key(predicted) in {place_key(p) for p in [gold["place"], *gold.get("place_alt", [])]}


def _period_marks(text: str) -> set[str]:
    return set(re.findall(r"\b(?:1[89]|20)\d\d\b|\b\d+(?:st|nd|rd|th)\b", text.lower()))


def period_right(predicted: str, gold: str) -> bool:
    p, g = re.sub(r"\s+", " ", predicted.strip().lower()), re.sub(r"\s+", " ", gold.strip().lower())
    if not p or not g:
        return p == g
    if p in g or g in p:
        return True
    marks = _period_marks(p)
    return bool(marks) and marks == _period_marks(g)


def subject_ok(predicted: str, gold: dict) -> bool:
    return subject_right(predicted, gold["subject"]) if gold["subject"] else not content_words(predicted)


# ---------------------------------------------------------------------------------------------
# matching


def _digits(text: str) -> str:
    return re.sub(r"[^\d.]", "", text)


def _affinity(pred: dict, gold: dict) -> float:
    """How well a candidate pair agrees beyond the value: printed number, then sentence words."""
    score = 0.0
    if _digits(pred["raw_text"]) and _digits(pred["raw_text"]) == _digits(gold["raw_text"]):
        score += 2.0
    p, g = content_words(pred.get("sentence", "")), content_words(gold.get("context", ""))
    if p and g:
        score += len(p & g) / len(p | g)
    return score


def _values_agree(pred: dict, gold: dict) -> bool:
    if same_value(pred["value"], gold["value"]):
        return True
    scale = float(gold.get("scale") or 1)
    return scale != 1 and same_value(pred["value"], gold["value"] / scale)


def match(preds: list[dict], golds: list[dict]) -> list[tuple[int, int]]:
    pairs = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            if p["page"] == g["page"] and _values_agree(p, g):
                pairs.append((_affinity(p, g), i, j))
    used_p, used_g, out = set(), set(), []
    for _, i, j in sorted(pairs, key=lambda t: -t[0]):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def score(preds: list[dict], golds: list[dict], fields: bool = True) -> dict:
    pairs = match(preds, golds)
    checks = {"value": lambda p, g: True, "value+unit": lambda p, g: unit_right(p["unit"], g)}
    if fields:
        checks.update({
            "value+subject": lambda p, g: subject_ok(p["indicator"], g),
            "value+period": lambda p, g: period_right(p["period"], g["period"]),
        })
    out = {}
    for name, ok in checks.items():
        n = sum(1 for i, j in pairs if ok(preds[i], golds[j]))
        out[name] = prf(n, len(preds), n, len(golds))
    if fields:
        right = sum(1 for i, j in pairs if place_right(preds[i]["place"], golds[j]))
        out["place_right"] = {"right": right, "of": len(pairs), "share": round(right / len(pairs), 4) if pairs else 0.0}
    return out


def errors(preds: list[dict], golds: list[dict]) -> dict[str, list]:
    pairs = match(preds, golds)
    mp, mg = {i for i, _ in pairs}, {j for _, j in pairs}
    out: dict[str, list] = {
        "spurious": [f"p{p['page']} {p['raw_text']!r} [{p['indicator']}] in: {p['sentence'][:100]}" for i, p in enumerate(preds) if i not in mp],
        "missed": [f"p{g['page']} {g['raw_text']!r} ({g['source']}) [{g['subject']}] in: {g['context'][:100]}" for j, g in enumerate(golds) if j not in mg],
        "unit": [], "subject": [], "period": [], "place": [],
    }
    for i, j in pairs:
        p, g = preds[i], golds[j]
        if not unit_right(p["unit"], g):
            out["unit"].append(f"p{g['page']} {g['raw_text']!r}: {p['unit']!r} vs {g['unit']!r}")
        if not subject_ok(p["indicator"], g):
            out["subject"].append(f"p{g['page']} {g['raw_text']!r}: {p['indicator']!r} vs {g['subject']!r}")
        if not period_right(p["period"], g["period"]):
            out["period"].append(f"p{g['page']} {g['raw_text']!r}: {p['period']!r} vs {g['period']!r}")
        if not place_right(p["place"], g):
            out["place"].append(f"p{g['page']} {g['raw_text']!r}: {p['place']!r} vs {g['place']!r}")
    return out


# ---------------------------------------------------------------------------------------------
# systems


def ingest_all(pdfs: list[Path], db: Path) -> float:
    from policy_nlp.ingestion import ingest

    start = time.perf_counter()
    for result in ingest([str(p) for p in pdfs], db=db, force=True):
        if getattr(result, "error", None):
            print(f"  ingest failed: {result.error}", file=sys.stderr)
    return time.perf_counter() - start


def stored_rows(db: Path, name: str, pages: set[int]) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute(
        "SELECT i.* FROM indicators i JOIN documents d ON d.id = i.doc_id WHERE d.name = ? ORDER BY i.seq", (name,))]
    conn.close()
    return [r for r in rows if r["page"] in pages]


def page_texts(db: Path, name: str, pages: set[int]) -> dict[int, list[str]]:
    conn = sqlite3.connect(db)
    out: dict[int, list[str]] = defaultdict(list)
    for page, text in conn.execute(
            "SELECT p.page, p.text FROM passages p JOIN documents d ON d.id = p.doc_id WHERE d.name = ? ORDER BY p.seq", (name,)):
        if page in pages:
            out[page].append(text)
    conn.close()
    return out


def baseline_rows(baselines, texts: dict[int, list[str]]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"quantulum3": [], "spacy-ner": []}
    for page, passages in texts.items():
        for text in passages:
            if baselines.quantulum is not None:
                for q in baselines.quantulum_quantities(text):
                    out["quantulum3"].append({"page": page, "value": q["value"], "unit": q["unit"],
                                              "raw_text": text[q["start"]:q["end"]], "sentence": text})
        if baselines.ner is not None:
            for text, items in zip(passages, baselines.ner_quantities(passages)):
                for q in items:
                    out["spacy-ner"].append({"page": page, "value": q["value"], "unit": q["unit"],
                                             "raw_text": text[q["start"]:q["end"]], "sentence": text})
    return out


# ---------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shared", nargs="?", default=str(REPO.parent / "shared"))
    ap.add_argument("--skip-baselines", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every error")
    ap.add_argument("--db", help="score this store as it is instead of ingesting afresh")
    args = ap.parse_args()
    shared = Path(args.shared)
    if not shared.exists():
        print(f"{shared}: the shared data folder is missing; nothing to score.")
        return 1
    docs = [d for d in load_gold(shared) if d["pdf"].exists()]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "real.db"
        seconds = 0.0 if args.db else ingest_all([d["pdf"] for d in docs], db)
        baselines = None
        if not args.skip_baselines:
            from indicators import Baselines

            baselines = Baselines()
        all_preds: list[dict] = []
        all_golds: list[dict] = []
        per_doc = {}
        by_source: dict[str, list[dict]] = defaultdict(list)
        base_preds: dict[str, list[dict]] = defaultdict(list)
        for d in docs:
            pages = set(d["pages"])
            golds = [dict(g, page=int(g["page"])) for g in d["indicators"] if int(g["page"]) in pages]
            preds = stored_rows(db, d["document"], pages)
            # Pages are scored apart, so tag both sides with the document to keep them apart in the totals.
            for g in golds:
                g["page"] = (d["document"], g["page"])
                by_source[g["source"]].append(g)
            for p in preds:
                p["page"] = (d["document"], p["page"])
            per_doc[d["document"]] = {"pages": len(pages), "gold": len(golds), **score(preds, golds)}
            if args.verbose:
                per_doc[d["document"]]["errors"] = errors(preds, golds)
            all_preds += preds
            all_golds += golds
            if baselines is not None:
                for system, rows in baseline_rows(baselines, page_texts(db, d["document"], pages)).items():
                    for r in rows:
                        r["page"] = (d["document"], r["page"])
                    base_preds[system] += rows
    n_pages = sum(len(d["pages"]) for d in docs)
    results = {
        "documents": len(docs), "pages": n_pages, "gold": len(all_golds),
        "gold_by_source": {k: len(v) for k, v in by_source.items()},
        "ingest_seconds": round(seconds, 1),
        "ours": score(all_preds, all_golds),
        "ours_by_source": {src: score([p for p in all_preds], golds)["value"]["recall"] for src, golds in by_source.items()},
        "baselines": {system: score(rows, all_golds, fields=False) for system, rows in base_preds.items()},
        "per_document": per_doc,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print_table(results, args.verbose)
    return 0


def print_table(r: dict, verbose: bool) -> None:
    print(f"{r['documents']} documents, {r['pages']} pages, {r['gold']} gold indicators {r['gold_by_source']}; "
          f"ingest {r['ingest_seconds']} s")
    print(f"{'system':<12} {'measure':<14} {'P':>6} {'R':>6} {'F1':>6}  pred  gold")
    for system, s in [("ours", r["ours"]), *r["baselines"].items()]:
        for name, m in s.items():
            if name == "place_right":
                continue
            print(f"{system:<12} {name:<14} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} {m['predicted']:>5} {m['gold']:>5}")
    pr = r["ours"]["place_right"]
    print(f"ours place right: {pr['right']}/{pr['of']} = {pr['share']:.3f}; recall by source {r['ours_by_source']}")
    print(f"\n{'document':<40} {'pages':>5} {'gold':>5} {'valF1':>6} {'unit':>6} {'subj':>6} {'per':>6} {'place':>6}")
    for name, d in r["per_document"].items():
        print(f"{name[:40]:<40} {d['pages']:>5} {d['gold']:>5} {d['value']['f1']:>6.3f} {d['value+unit']['f1']:>6.3f} "
              f"{d['value+subject']['f1']:>6.3f} {d['value+period']['f1']:>6.3f} {d['place_right']['share']:>6.3f}")
        if verbose:
            for kind, items in d.get("errors", {}).items():
                for item in items:
                    print(f"    {kind:<9} {item}")


if __name__ == "__main__":
    sys.exit(main())
