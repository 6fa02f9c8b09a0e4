"""Reading what the pages show from a store: pure functions over the store's rows and the
document model, so each can be tested without a server."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

CONTENT_ROLES = ("status", "dilemma", "recommendation")
SUBJECT_THRESHOLD = 0.8  # cosine of two subject phrases that name the same thing (all-MiniLM-L6-v2)


def document_years(store) -> dict[int, int | None]:
    """Document id -> its year (the store's `year` column, read from the text at ingest). Both
    back ends keep it in `documents`; DocumentInfo leaves it out, so it is read here."""
    try:
        return {int(i): y for i, y in store.conn.execute("SELECT id, year FROM documents").fetchall()}
    except AttributeError:  # a store without a SQL connection: no years to show
        return {}


def role_shares(section_rows) -> dict[str, dict[str, float]]:
    """Per document stem, each role's share of its section text (characters): what the
    library's bar shows. Roles outside status/dilemma/recommendation count as `other`."""
    chars: dict[str, Counter] = defaultdict(Counter)
    for row in section_rows:
        role = row["role"] if row["role"] in CONTENT_ROLES else "other"
        chars[row["document"]][role] += len(row.get("text") or "")
    out = {}
    for stem, counter in chars.items():
        total = sum(counter.values()) or 1
        out[stem] = {role: counter[role] / total for role in (*CONTENT_ROLES, "other")}
    return out


def library_rows(store) -> list[dict]:
    """One row per document for the library page: its DocumentInfo, year, role shares, indicator count."""
    infos = store.documents()
    years = document_years(store)
    shares = role_shares(store.sections())
    indicators = Counter(row["document"] for row in store.indicators())
    empty = {role: 0.0 for role in (*CONTENT_ROLES, "other")}
    return [{"info": info, "year": years.get(info.id), "shares": shares.get(info.stem, empty),
             "indicators": indicators.get(info.stem, 0)} for info in infos]


# -- positions on the page ------------------------------------------------------------------

def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def locate(text: str, lines) -> tuple[float, float, float, float] | None:
    """The box of the first run of consecutive lines whose joined text contains `text` (an
    indicator's raw text may wrap onto the next line). Indicators keep offsets into their
    sentence, not positions, so the page position is found from the stored lines."""
    want = _norm(text)
    if not want:
        return None
    texts = [_norm(line.text) for line in lines]
    for i, text in enumerate(texts):  # one line first: a figure repeated later must not match across lines
        at = text.find(want)
        if at >= 0:
            return _within(lines[i], at, at + len(want), len(text))
    for span in (2, 3):
        for i in range(len(lines) - span + 1):
            joined = " ".join(texts[i:i + span])
            if want in joined or want in joined.replace("- ", ""):
                run = lines[i:i + span]
                return (min(ln.x0 for ln in run), min(ln.top for ln in run), max(ln.x1 for ln in run), max(ln.bottom for ln in run))
    return None


def _within(line, start: int, end: int, length: int, pad: float = 2.0) -> tuple[float, float, float, float]:
    """The part of a line's box that characters start..end take, by their share of its characters:
    lines keep no per-character positions, and in running text characters are near enough of
    one width that the estimate lands on the figure (padded a little either side)."""
    width = line.x1 - line.x0
    x0 = line.x0 + width * start / max(length, 1) - pad
    x1 = line.x0 + width * end / max(length, 1) + pad
    return (max(line.x0, x0), line.top, min(line.x1, x1), line.bottom)


def page_boxes(document, page_number: int) -> list[dict]:
    """Headings and indicators on one page, each with its box in PDF points (x0, top, x1,
    bottom from the page's top-left) and as percentages of the page, which the page scales to
    any image size."""
    page = next((p for p in document.pages if p.number == page_number), None)
    if page is None:
        return []
    blocks = list(document.blocks())
    boxes = []
    for k, heading in enumerate(document.outline):
        if heading.page == page_number and 0 <= heading.block < len(blocks):
            block = blocks[heading.block]
            box = block.lines[0].bbox if heading.run_in and block.lines else block.bbox
            boxes.append({"kind": "heading", "label": heading.text, "id": f"h{k}", "bbox": box})
    lines = page.lines
    for k, indicator in enumerate(document.indicators):
        if indicator.page != page_number:
            continue
        box = locate(indicator.raw_text, lines)
        if box is not None:
            boxes.append({"kind": "indicator", "label": indicator.raw_text, "id": f"i{k}", "bbox": box,
                          "role": indicator.section_role})
    for box in boxes:
        x0, top, x1, bottom = box["bbox"]
        box["pct"] = {"left": 100 * x0 / page.width, "top": 100 * top / page.height,
                      "width": 100 * (x1 - x0) / page.width, "height": 100 * (bottom - top) / page.height}
    return boxes


# -- indicators across documents ------------------------------------------------------------

INDICATOR_FILTERS = ("subject", "kind", "unit", "place", "period", "document")


def filter_indicators(rows, **filters) -> list[dict]:
    """Rows whose fields match every given filter: kind, unit and document exactly, subject (the
    row's `group` when grouped, else its `indicator`), place and period as case-free substrings."""
    out = []
    for row in rows:
        ok = True
        for key, want in filters.items():
            if not want:
                continue
            if key == "subject":
                ok = want == row.get("group") or _norm(want) == _norm(row.get("indicator") or "")
            elif key in ("place", "period"):
                ok = _norm(want) in _norm(row.get(key) or "")
            else:
                ok = str(row.get(key) or "") == want
            if not ok:
                break
        if ok:
            out.append(row)
    return out


def group_subjects(subjects: list[str], vectors, threshold: float = SUBJECT_THRESHOLD) -> dict[str, str]:
    """Subject phrase -> its group's name. Greedy by frequency: a subject joins the first group
    whose leading phrase it meets at cosine >= threshold, else leads a new one; the most frequent
    phrase names the group. `vectors` are L2-normalised, one row per distinct phrase of `subjects`
    in order of first appearance."""
    import numpy as np

    counts = Counter(subjects)
    distinct = list(dict.fromkeys(subjects))
    row_of = {s: i for i, s in enumerate(distinct)}
    vectors = np.asarray(vectors, dtype=np.float32)
    leaders: list[str] = []
    out: dict[str, str] = {}
    for subject in sorted(distinct, key=lambda s: (-counts[s], s)):
        if not subject.strip():
            out[subject] = ""
            continue
        best, best_cos = None, threshold
        for leader in leaders:
            cos = float(vectors[row_of[subject]] @ vectors[row_of[leader]])
            if cos >= best_cos:
                best, best_cos = leader, cos
        if best is None:
            leaders.append(subject)
            best = subject
        out[subject] = best
    return out


def _year_of(period: str) -> int | None:
    years = re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", period or "")
    return int(years[-1]) if years else None


def chart_series(rows) -> dict[str, list[tuple[str, float]]]:
    """The rows of one subject as series for a chart: place -> [(period label, value)], ordered
    by the year the period names (periods without one after, in their order)."""
    series: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for row in rows:
        if row.get("value") is None:
            continue
        place = row.get("place") or row.get("document") or "?"
        period = row.get("period") or "(no period)"
        series[place].append((period, float(row["value"])))
    for place in series:
        series[place].sort(key=lambda pv: (_year_of(pv[0]) is None, _year_of(pv[0]) or 0))
    return dict(series)
