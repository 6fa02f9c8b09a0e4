"""Chinese documents: indicators, headings and roles against hand-made gold, and ingest speed.

    python benchmarks/chinese.py [--shared ../shared] [-v]
    python benchmarks/chinese.py --write-gold      # re-render the written sources, rewrite their gold files

Gold: benchmarks/gold/chinese/*.json, one per document, in the shape of the English indicator gold
(benchmarks/gold/indicators/README.md) plus the outline gold (benchmarks/gold/outlines/README.md:
title, headings with level and role). Two are real PDFs of ../shared/realdocs annotated by hand
(make_real_gold.py types them in); the others are policy reports written by hand in
gold/chinese/sources/*.txt (figures marked in the text with their value, unit, subject, period and
place) and rendered with reportlab in three layouts (benchmarks/chinese_render.py).

Scoring reuses the English benchmarks: indicators_real.py (ingest into a fresh store, stored rows,
one-to-one value matching, value / value+unit / value+subject / value+period P/R/F1, place share)
with subjects compared by characters (Dice of character bigrams >= 0.5, or containment) and
periods by their years, and outlines.py (heading P/R/F1 by page and text, level and role
accuracy). Speed: characters of passage text per second of extract + segment + indicators on the
real PDFs, after a warm-up (embedding excluded).

Writes benchmarks/results/chinese.json.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import indicators_real  # noqa: E402
import outlines  # noqa: E402
from chinese_render import paragraph_roles, read_source, render  # noqa: E402
from heading_match import prf  # noqa: E402
from indicators_real import ingest_all, stored_rows  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "benchmarks" / "gold" / "chinese"
OUT = REPO / "benchmarks" / "results" / "chinese.json"
_CJK = re.compile(r"[\u3400-\u9fff]")

_english_subject_right = indicators_real.subject_right
_english_period_marks = indicators_real._period_marks


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[\s，、。；：（）()“”\"—-]+", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)} or ({chars} if chars else set())


def subject_right(predicted: str, gold: str) -> bool:
    """English: content words (indicators.subject_right). Chinese: the predicted phrase inside the
    gold one or the gold inside it, or a Dice of character bigrams of at least 0.5."""
    if not (_CJK.search(gold) or _CJK.search(predicted)):
        return _english_subject_right(predicted, gold)
    p, g = re.sub(r"\s+", "", predicted), re.sub(r"\s+", "", gold)
    if not p or not g:
        return False
    if p in g or g in p:
        return True
    a, b = _bigrams(p), _bigrams(g)
    return bool(a and b) and 2 * len(a & b) / (len(a) + len(b)) >= 0.5


def period_marks(text: str) -> set[str]:
    """Years and Chinese period words ("十四五", "今年以来", "每年") of a period phrase."""
    marks = _english_period_marks(text) | set(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", text))
    return marks | set(re.findall(r"十[一二三四五六七八九]五|今年以来|每年|本报告期末?|上年同期|上年度末|期初", text))


def _use_chinese_rules() -> None:
    indicators_real.subject_right = subject_right
    indicators_real._period_marks = period_marks


# ---------------------------------------------------------------------------------------------


def write_generated_gold(folder: Path) -> None:
    """Render every source and write its gold file (pages as rendered)."""
    for source in sorted((GOLD / "sources").glob("*.txt")):
        src = read_source(source)
        indicators, headings = render(src, folder / f"{src.stem}.pdf")
        for n, ind in enumerate(indicators, 1):
            ind["id"] = f"{src.stem}-{n:03d}"
        gold = {
            "document": f"{src.stem}.pdf", "folder": "generated", "generated": True,
            "source": f"sources/{source.name}", "layout": src.layout,
            "pages": sorted({i["page"] for i in indicators} | {h["page"] for h in headings}),
            "annotator_notes": "Written by hand; each figure marked in the source with its value, unit, kind, "
                               "subject, period and place; table cells scaled by the table's unit line.",
            "title": src.title, "indicators": indicators, "headings": headings, "non_indicators": [],
        }
        (GOLD / f"{src.stem}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{src.stem}: {len(indicators)} indicators, {len(headings)} headings ({src.layout})")


def load_gold(shared: Path, rendered: Path) -> list[dict]:
    docs = []
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if gold.get("generated"):
            src = read_source(GOLD / gold["source"])
            render(src, rendered / gold["document"])
            gold["pdf"] = rendered / gold["document"]
        else:
            gold["pdf"] = shared / gold["folder"] / gold["document"]
            if not gold["pdf"].exists():
                print(f"{gold['pdf']}: missing, document skipped (needs ../shared/realdocs)", file=sys.stderr)
                continue
        docs.append(gold)
    return docs


def speed(pdfs: list[Path], warm_up: Path) -> dict:
    """Characters of passage text per second, each PDF read once after a warm-up on another one
    (models loaded; no cache holds these texts): extract + segment + indicators, and the text
    stages alone (segment + indicators, what reads the Chinese text; extraction is pdfplumber's
    per-page cost, the same as for English pages)."""
    from policy_nlp.config import load_pipeline
    from policy_nlp.pipeline import extract, run_stages

    pipeline = load_pipeline()
    run_stages([extract(warm_up, pipeline)], pipeline, only=["segment", "indicators"])
    chars, timings, start = 0, {}, time.perf_counter()
    for pdf in pdfs:
        t = time.perf_counter()
        doc = extract(pdf, pipeline)
        timings["extract"] = timings.get("extract", 0.0) + time.perf_counter() - t
        doc = run_stages([doc], pipeline, timings, only=["segment", "indicators"])[0]
        chars += sum(len(p.text) for p in doc.passages)
    seconds = time.perf_counter() - start
    text_seconds = timings.get("segment", 0.0) + timings.get("indicators", 0.0)
    return {"characters": chars, "seconds": round(seconds, 3), "chars_per_s": round(chars / seconds),
            "text_stages_chars_per_s": round(chars / text_seconds) if text_seconds else 0,
            "stage_seconds": {k: round(v, 3) for k, v in timings.items()}, "pdfs": [p.name for p in pdfs]}


def content_roles(folder: Path) -> dict:
    """Roles read from content alone: each written source rendered without its headings; a passage
    is right when its role is that of the heading its paragraph stood under."""
    from policy_nlp.config import load_pipeline
    from policy_nlp.pipeline import process_file

    pipeline = load_pipeline()
    right = total = 0
    per_doc = {}
    for source in sorted((GOLD / "sources").glob("*.txt")):
        src = read_source(source)
        pdf = folder / f"{src.stem}-headless.pdf"
        render(src, pdf, headless=True)
        doc = process_file(pdf, pipeline)
        paragraphs = [(re.sub(r"\s+", "", text), role) for text, role in paragraph_roles(src)]
        r = n = 0
        for passage in doc.passages:
            squeezed = re.sub(r"\s+", "", passage.text)
            gold = next((role for text, role in paragraphs if squeezed[:20] and squeezed[:20] in text), None)
            if gold is None:
                continue
            n += 1
            r += passage.role == gold
        per_doc[src.stem] = {"passages": n, "right": r}
        right, total = right + r, total + n
    return {"passages": total, "right": right, "accuracy": round(right / total, 4) if total else 0.0, "documents": per_doc}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--write-gold", action="store_true", help="render the sources and rewrite their gold files")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every error")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--speed", nargs="+", metavar="PDF", help=argparse.SUPPRESS)  # WARM_UP PDF...: speed only
    args = ap.parse_args()
    if args.speed:
        print(json.dumps(speed([Path(p) for p in args.speed[1:]], Path(args.speed[0]))))
        return 0
    _use_chinese_rules()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.write_gold:
            write_generated_gold(tmp)
            return 0
        shared = Path(args.shared)
        if not (shared / "realdocs").is_dir():
            print(f"{shared}/realdocs: not found; scoring the generated documents only", file=sys.stderr)
        golds = load_gold(shared, tmp)
        db = tmp / "chinese.db"
        ingest_all([g["pdf"] for g in golds], db)
        report: dict = {"documents": {}, "totals": {}}
        all_preds, all_golds = [], []
        heads = {"gold": 0, "predicted": 0, "matched": 0, "level_right": 0, "role_right": 0}
        from policy_nlp.config import load_pipeline
        from policy_nlp.pipeline import process_file

        pipeline = load_pipeline()
        for gold in golds:
            name = gold["document"]
            pages = set(gold["pages"])
            preds = stored_rows(db, name, pages)
            golds_i = [dict(g, page=int(g["page"])) for g in gold["indicators"] if int(g["page"]) in pages]
            # Pages are scored apart: tag both sides with the document to keep them apart in the totals.
            all_preds += [dict(p, page=(name, p["page"])) for p in preds]
            all_golds += [dict(g, page=(name, g["page"])) for g in golds_i]
            doc = process_file(gold["pdf"], pipeline)
            outline = outlines.score(outlines.predicted_outline(doc), gold["headings"])
            for k in heads:
                heads[k] += outline[k]
            result = {"indicators": indicators_real.score(preds, golds_i), "headings": {
                k: outline[k] for k in ("gold", "predicted", "matched", "level_right", "role_right")}}
            result["title"] = doc.title
            if args.verbose:
                result["errors"] = indicators_real.errors(preds, golds_i)
                result["headings"].update({k: outline[k] for k in ("missed", "false", "wrong_role")})
            report["documents"][name] = result
        ind = indicators_real.score(all_preds, all_golds)
        p, r, f = prf(heads["matched"], heads["gold"], heads["predicted"])
        m = heads["matched"] or 1
        report["totals"] = {
            "indicators": ind,
            "headings": {**heads, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                         "level_accuracy": round(heads["level_right"] / m, 4), "role_accuracy": round(heads["role_right"] / m, 4)},
            "gold_indicators": len(all_golds),
            "gold_indicators_real": sum(len(g["indicators"]) for g in golds if not g.get("generated")),
            "gold_headings": heads["gold"],
        }
        report["content_roles"] = content_roles(tmp)
        generated = [g["pdf"] for g in golds if g.get("generated")]
        real = [g["pdf"] for g in golds if not g.get("generated")] or generated[1:]
        # In a fresh process: nothing read above is cached there.
        done = subprocess.run([sys.executable, __file__, "--speed", str(generated[0]), *map(str, real)],
                              capture_output=True, text=True, check=True)
        report["speed"] = json.loads(done.stdout.strip().splitlines()[-1])
    _print(report, args.verbose)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {args.out}")
    return 0


def _print(report: dict, verbose: bool) -> None:
    print(f"{'document':28} {'gold':>4} {'pred':>4} {'val F1':>6} {'+unit':>6} {'+subj':>6} {'+per':>6} {'place':>6}"
          f" | {'hgold':>5} {'hpred':>5} {'match':>5} {'level':>5} {'role':>5}")
    for name, r in report["documents"].items():
        i, h = r["indicators"], r["headings"]
        m = h["matched"] or 1
        print(f"{name[:28]:28} {i['value']['gold']:>4} {i['value']['predicted']:>4} {i['value']['f1']:>6.3f} "
              f"{i['value+unit']['f1']:>6.3f} {i['value+subject']['f1']:>6.3f} {i['value+period']['f1']:>6.3f} "
              f"{i['place_right']['share']:>6.3f} | {h['gold']:>5} {h['predicted']:>5} {h['matched']:>5} "
              f"{h['level_right'] / m:>5.2f} {h['role_right'] / m:>5.2f}")
        if verbose:
            for key, items in r.get("errors", {}).items():
                for item in items:
                    print(f"    {key}: {item}")
            for key in ("missed", "false", "wrong_role"):
                for item in r["headings"].get(key, []):
                    print(f"    heading {key}: {item}")
    t = report["totals"]
    i, h = t["indicators"], t["headings"]
    print(f"indicators ({t['gold_indicators']} gold, {t['gold_indicators_real']} from real PDFs): "
          f"value F1 {i['value']['f1']:.3f} (P {i['value']['precision']:.3f} R {i['value']['recall']:.3f}), "
          f"value+unit {i['value+unit']['f1']:.3f}, value+subject {i['value+subject']['f1']:.3f}, "
          f"value+period {i['value+period']['f1']:.3f}, place right {i['place_right']['share']:.3f}")
    print(f"headings ({h['gold']} gold): P {h['precision']:.3f} R {h['recall']:.3f} F1 {h['f1']:.3f}, "
          f"level {h['level_accuracy']:.3f}, role {h['role_accuracy']:.3f}")
    c = report["content_roles"]
    print(f"content roles (sources rendered without headings): {c['right']}/{c['passages']} passages = {c['accuracy']:.3f}")
    s = report["speed"]
    print(f"speed on {', '.join(s['pdfs'])}: {s['characters']} characters in {s['seconds']} s = {s['chars_per_s']} chars/s "
          f"with PDF extraction, {s['text_stages_chars_per_s']} chars/s in the text stages (segment + indicators); "
          f"{s['stage_seconds']}")


if __name__ == "__main__":
    sys.exit(main())
