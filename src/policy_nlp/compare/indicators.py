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


@dataclass
class IndicatorRow:
    subject: str
    dimension: str
    values: dict  # document stem -> {value, unit, raw_text, period, place, page, section}
    similarity: float


def align_indicators(by_doc: dict[str, list], min_similarity: float = 0.5) -> list[IndicatorRow]:
    """Rows of indicators sharing a subject and a dimension, one value per document.

    Anchored on the first document: each of its indicators is matched with the
    most similar subject of the same dimension in each other document.
    """
    stems = list(by_doc)
    if len(stems) < 2:
        return []
    rows: list[IndicatorRow] = []
    used: dict[str, set[int]] = {s: set() for s in stems}
    for anchor_stem in stems:
        for i, anchor in enumerate(by_doc[anchor_stem]):
            if i in used[anchor_stem] or not anchor.indicator:
                continue
            dimension, _, _ = comparable(anchor)
            matches = {anchor_stem: (i, anchor, 1.0)}
            for other in stems:
                if other == anchor_stem:
                    continue
                best = None
                for j, candidate in enumerate(by_doc[other]):
                    if j in used[other] or comparable(candidate)[0] != dimension:
                        continue
                    score = subject_similarity(anchor.indicator, candidate.indicator)
                    if score >= min_similarity and (best is None or score > best[2]):
                        best = (j, candidate, score)
                if best:
                    matches[other] = best
            if len(matches) < 2:
                continue
            for stem, (index, _, _) in matches.items():
                used[stem].add(index)
            values = {}
            for stem, (_, ind, _) in matches.items():
                _, value, unit = comparable(ind)
                values[stem] = {
                    "value": value, "unit": unit, "raw_text": ind.raw_text, "indicator": ind.indicator,
                    "period": ind.period, "place": ind.place, "page": ind.page, "section": ind.section,
                }
            score = min(m[2] for m in matches.values())
            rows.append(IndicatorRow(subject=anchor.indicator, dimension=dimension, values=values, similarity=round(score, 3)))
    return rows
