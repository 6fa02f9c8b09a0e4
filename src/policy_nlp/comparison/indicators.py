"""Indicators about the same subject across documents, values side by side in comparable units."""

from __future__ import annotations

import re
from dataclasses import dataclass

_STOP = {
    "the", "a", "an", "of", "in", "for", "and", "to", "number", "total", "its", "their", "all", "new", "such",
    "as", "by", "with", "on", "at", "per", "each", "that", "which", "this", "these", "those", "there",
}


def subject_tokens(subject: str) -> frozenset[str]:
    """Content words of a subject phrase, crudely singularised ("stations" ~ "station")."""
    tokens = []
    for word in re.findall(r"[a-z0-9]+", subject.lower()):
        if word in _STOP:
            continue
        if len(word) > 3 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        tokens.append(word)
    return frozenset(tokens)


def subject_similarity(a: str, b: str) -> float:
    ta, tb = subject_tokens(a), subject_tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def comparable(indicator) -> tuple[str, float, str]:
    """(dimension, value, unit) with units reconciled: fractions become percent, counts stay absolute."""
    kind, value, unit = indicator.kind, float(indicator.value), indicator.unit or ""
    if kind == "fraction":
        return "percent", value * 100.0, "%"
    if kind == "percent" or unit == "%":
        return "percent", value, "%"
    if kind == "money":
        return f"money:{unit}", value, unit
    if kind in ("rank",):
        return "rank", value, ""
    if kind in ("growth", "ratio"):
        return kind, value, unit
    return f"count:{unit}", value, unit


# Two figures of one sentence ("from 28% at present to 55% by 2028") share subject and sentence, so
# their vectors are identical; the time frame decides which figure of the other paper each one meets
# (present with present, target with target). Small enough not to reorder any other candidates.
_SAME_TIME_FRAME_BONUS = 0.005


def _time_frame(indicator) -> str:
    period = (getattr(indicator, "period", "") or "").lower()
    if re.search(r"\b(?:present|current|currently|now|today|to date|so far)\b", period):
        return "now"
    if re.match(r"(?:by|until|before|in)\b.*\b20\d\d\b", period) and getattr(indicator, "section_role", "") == "recommendation":
        return "target"
    return ""


@dataclass
class IndicatorRow:
    subject: str
    dimension: str
    values: dict  # document stem -> {value, unit, raw_text, period, place, page, section}
    similarity: float


def _scores(a: list, b: list, va, vb) -> list[tuple[float, int, int]]:
    """Candidate (score, i, j) pairs of the same dimension.

    With embeddings of "subject: sentence" (first comparison, then the store cache) the score is their
    cosine: it sees that "items of industrial equipment connected" and "machines
    and devices linked" count the same thing. Without, shared subject words.
    """
    out = []
    for i, x in enumerate(a):
        dim = comparable(x)[0]
        for j, y in enumerate(b):
            if comparable(y)[0] != dim:
                continue
            if va is not None and vb is not None:
                score = float(va[i] @ vb[j])
            else:
                score = subject_similarity(x.indicator, y.indicator)
            if _time_frame(x) and _time_frame(x) == _time_frame(y):
                score += _SAME_TIME_FRAME_BONUS
            out.append((score, i, j))
    return sorted(out, reverse=True)


def align_indicators(by_doc: dict[str, list], vectors: dict[str, object] | None = None,
                     threshold: float = 0.5, word_threshold: float = 0.5) -> list[IndicatorRow]:
    """Rows of indicators about the same subject, at most one per document.

    Each pair of documents is matched one-to-one, best score first; matches are
    then chained into rows across documents (A~B and B~C give one row A, B, C).
    """
    stems = list(by_doc)
    vectors = vectors or {}
    parent: dict[tuple[str, int], tuple[str, int]] = {}
    best: dict[tuple[str, int], float] = {}

    def find(node):
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for x in range(len(stems)):
        for y in range(x + 1, len(stems)):
            sa, sb = stems[x], stems[y]
            va, vb = vectors.get(sa), vectors.get(sb)
            limit = threshold if va is not None and vb is not None else word_threshold
            used_a, used_b = set(), set()
            for score, i, j in _scores(by_doc[sa], by_doc[sb], va, vb):
                if score < limit:
                    break
                if i in used_a or j in used_b:
                    continue
                used_a.add(i)
                used_b.add(j)
                parent[find((sa, i))] = find((sb, j))
                for node in ((sa, i), (sb, j)):
                    best[node] = max(best.get(node, 0.0), score)
    groups: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for node in list(parent):
        groups.setdefault(find(node), []).append(node)
    rows: list[IndicatorRow] = []
    order: list[tuple[int, int]] = []
    for members in groups.values():
        docs = [stem for stem, _ in members]
        if len(set(docs)) < 2 or len(set(docs)) != len(docs):
            continue  # a chain that reaches two indicators of one document is ambiguous
        members.sort(key=lambda node: stems.index(node[0]))
        values = {}
        for stem, index in members:
            ind = by_doc[stem][index]
            _, value, unit = comparable(ind)
            values[stem] = {
                "value": value, "unit": unit, "raw_text": ind.raw_text, "indicator": ind.indicator,
                "period": ind.period, "place": ind.place, "page": ind.page, "section": ind.section,
                "sentence": ind.sentence,
            }
        first = by_doc[members[0][0]][members[0][1]]
        order.append((stems.index(members[0][0]), members[0][1]))
        rows.append(IndicatorRow(subject=first.indicator or first.raw_text, dimension=comparable(first)[0], values=values,
                                 similarity=round(min(best[node] for node in members), 3)))
    # In reading order of the first document that has the indicator.
    return [row for _, row in sorted(zip(order, rows), key=lambda pair: pair[0])]
