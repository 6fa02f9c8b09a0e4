"""Indicators about the same subject across documents, values side by side in comparable units, each pair
with the reason it was made."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from .clashes import differ, levels_conflict, signs
from .measures import Measure, compatible, in_unit_of, measure

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


def focus_text(indicator, before: int = 6, after: int = 8) -> str:
    """The subject and the words around the figure: "subject: … served nearly 95,000 enterprises, of which …".

    The whole sentence says what the passage is about; a long sentence with five figures gives all
    five the same vector. The clause around the figure says what this one counts."""
    sentence, raw = indicator.sentence or "", indicator.raw_text
    # Whole-word matches only ("11" is not the start of "115"); of several, the one nearest the
    # indicator's offset (offsets may count from the passage, not the sentence).
    starts = [m.start() for m in re.finditer(rf"(?<![\w.,]){re.escape(raw)}(?![\w])", sentence)] if raw else []
    at = min(starts, key=lambda k: abs(k - indicator.start)) if starts else -1
    if at < 0:
        return f"{indicator.indicator}: {sentence}"
    low = sentence.rfind(";", 0, at) + 1
    high = sentence.find(";", at + len(raw))
    high = len(sentence) if high < 0 else high
    words = sentence[low:at].split()[-before:] + [raw] + sentence[at + len(raw):high].split()[:after]
    return f"{indicator.indicator}: {' '.join(words)}"


# Two figures of one sentence ("from 28% at present to 55% by 2028") share subject and sentence, so
# their vectors are identical; the time frame decides which figure of the other paper each one meets
# (present with present, target with target). Small enough not to reorder any other candidates.
_SAME_TIME_FRAME_BONUS = 0.005

# Mean cosine of context and focus at or above which two figures count the same thing (hand-labelled
# pairs in benchmarks/gold/compare_indicator_pairs.json).
THRESHOLD = 0.56


def _time_frame(indicator) -> str:
    """"now", "target" or ""."""
    period = (getattr(indicator, "period", "") or "").lower().strip()
    if re.search(r"\b(?:present|current|currently|now|today|to date|so far)\b", period):
        return "now"
    if re.match(r"(?:by|until|before|in)\b.*\b20\d\d\b", period) and getattr(indicator, "section_role", "") == "recommendation":
        return "target"
    return ""


def _increment(indicator) -> bool:
    """A change accumulated since a date ("has added 45,000 racks since 2021"), not a level. A total
    over a span ("since the 13th Five Year Plan, 10 trillion yuan of investment") has no change."""
    period = (getattr(indicator, "period", "") or "").lower().strip()
    return period.startswith("since") and bool(getattr(indicator, "change", ""))


def frames_clash(x, y) -> bool:
    """A target never stands beside a present level, a proposal (a recommendation's figure) beside an
    observed one (status, dilemma), nor a change since a date beside a level."""
    if _increment(x) != _increment(y):
        return True
    fx, fy = _time_frame(x), _time_frame(y)
    if fx and fy and fx != fy:
        return True
    roles = {getattr(x, "section_role", ""), getattr(y, "section_role", "")}
    return "recommendation" in roles and bool(roles & {"status", "dilemma"})


# Per order of magnitude beyond the first by which two counts (or sums, or quantities) differ: 210 data
# centres and 310,000 racks in data centres share words, not an object; a province's 500,000 firms
# and another's 31,000 can still meet.
_MAGNITUDE_PENALTY = 0.04


def magnitude_penalty(a: Measure, b: Measure) -> float:
    if a.dimension in ("share", "rank") or a.dimension.startswith(("change", "fold")):
        return 0.0
    low, high = sorted((abs(a.value), abs(in_unit_of(b, a).value)))
    if low <= 0:
        return 0.0
    return _MAGNITUDE_PENALTY * max(0.0, math.log10(high / low) - 1.0)


@dataclass
class IndicatorRow:
    subject: str
    dimension: str
    values: dict  # document stem -> {value, unit, raw_text, indicator, period, place, page, section, sentence}
    similarity: float
    # Why these figures stand side by side: "same subject '5G base stations' (similarity 0.83); both counts"
    # (one clause per pair of documents joined, when the row spans more than two).
    reason: str = ""


@dataclass(frozen=True)
class _Candidate:
    score: float
    i: int
    j: int
    reason: str


def _kind_words(x, y, mx: Measure) -> str:
    if x.kind == y.kind or mx.dimension != "share":
        return f"both {mx.label}"
    return f"both {mx.label} ({x.kind} and {y.kind}, shown in percent)"


def pair_reason(x, y, score: float, mx: Measure) -> str:
    sx, sy = (x.indicator or "").strip(), (y.indicator or "").strip()
    if sx.lower() == sy.lower() and sx:
        subject = f"same subject '{sx}'"
    elif sx and sy:
        subject = f"same subject: '{sx}' ~ '{sy}'"
    else:
        subject = "same context"
    frame = _time_frame(x)
    when = {"now": "; both present levels", "target": "; both targets"}.get(frame, "") if frame == _time_frame(y) else ""
    return f"{subject} (similarity {score:.2f}); {_kind_words(x, y, mx)}{when}"


def _cosine(va, vb, i: int, j: int) -> float | None:
    if va is None or vb is None or len(va) <= i or len(vb) <= j:
        return None
    return float(va[i] @ vb[j])


# Weight of the sentence cosine against the cosine of the words around the figure.
_CONTEXT_WEIGHT = 0.5


def _meaning(context: float | None, focus: float | None, x, y) -> float:
    if context is not None and focus is not None:
        return _CONTEXT_WEIGHT * context + (1.0 - _CONTEXT_WEIGHT) * focus
    if context is not None or focus is not None:
        return context if context is not None else focus
    return subject_similarity(x.indicator, y.indicator)


def shared_words(a: str, b: str) -> bool:
    """Two phrases say the same thing when they share a content word (used when no encoder is at hand)."""
    return bool(subject_tokens(a) & subject_tokens(b))


def about_different_things(x, y, mx: Measure, same_meaning: Callable[[str, str], bool] = shared_words) -> str:
    """Why two figures of one dimension and alike sentences still count different things ("" if none
    is seen; clashes.differ)."""
    return differ(signs(x), signs(y), mx.dimension == "share", same_meaning)


def _scored_pairs(a: list, b: list, context: tuple, focus: tuple, floor: float | None):
    """(i, j) pairs whose meaning score can reach `floor`, from the cosine matrices at once; None
    when there are no vectors to judge by (then every pair is looked at). Tables make documents of
    thousands of figures: looking at each pair's words in Python took 11 s for ten documents."""
    import numpy as np

    if floor is None:
        return None
    matrices = [np.asarray(va) @ np.asarray(vb).T for va, vb in (context, focus)
                if va is not None and vb is not None and len(va) == len(a) and len(vb) == len(b)]
    if not matrices or len(a) == 0 or len(b) == 0:
        return None
    score = matrices[0] if len(matrices) == 1 else _CONTEXT_WEIGHT * matrices[0] + (1.0 - _CONTEXT_WEIGHT) * matrices[1]
    rows, cols = np.nonzero(score + _SAME_TIME_FRAME_BONUS >= floor)
    return zip(rows.tolist(), cols.tolist())


def _candidates(a: list, b: list, context: tuple, focus: tuple,
                same_meaning: Callable[[str, str], bool] = shared_words, floor: float | None = None,
                read: tuple | None = None, bonus: "Bonus | None" = None) -> list[_Candidate]:
    """Pairs that may stand side by side, best first: same dimension (measures.py), no clash of
    time frame (frames_clash), no sign of different things counted (about_different_things: level,
    side, size class, use of a share), scored by meaning less a penalty for figures orders of
    magnitude apart.

    With vectors the score is the mean of two cosines: "subject: sentence" (what the passage is
    about) and "subject: words around the figure" (what this figure counts; a sentence of five
    figures gives all five the same sentence vector). It sees that "items of industrial equipment
    connected" and "machines and devices linked" count the same thing. Without, shared subject words.
    """
    # read: each side's (measures, signs), when the caller meets one document in several pairs
    (ma, sa), (mb, sb) = read or (_read(a), _read(b))
    out = []
    pairs = _scored_pairs(a, b, context, focus, None if floor is None else floor - (bonus.most if bonus else 0.0))
    if pairs is None:
        pairs = ((i, j) for i in range(len(a)) for j in range(len(b)))
    for i, j in pairs:
        x, y = a[i], b[j]
        fits = bonus.compatible(ma[i], mb[j]) if bonus else compatible(ma[i], mb[j])
        if not fits or frames_clash(x, y) or differ(sa[i], sb[j], ma[i].dimension == "share", same_meaning):
            continue
        score = _meaning(_cosine(*context, i, j), _cosine(*focus, i, j), x, y)
        score -= magnitude_penalty(ma[i], mb[j])
        if bonus:
            score += bonus(x, y, ma[i], mb[j])
        fx = _time_frame(x)
        if fx and fx == _time_frame(y):
            score += _SAME_TIME_FRAME_BONUS
        out.append(_Candidate(score, i, j, pair_reason(x, y, score, ma[i])))
    return sorted(out, key=lambda c: (-c.score, c.i, c.j))


def _read(indicators: list) -> tuple[list, list]:
    return [measure(x) for x in indicators], [signs(x) for x in indicators]


class Bonus:
    """What two documents in different languages add to a pair's score (crosslingual.py): `most`,
    the largest addition, `__call__(x, y, mx, my)`, and `compatible(mx, my)` for the dimensions."""

    most: float = 0.0

    def __call__(self, x, y, mx: Measure, my: Measure) -> float:
        return 0.0

    def compatible(self, a: Measure, b: Measure) -> bool:
        return compatible(a, b)


def align_indicators(by_doc: dict[str, list], vectors: dict[str, object] | None = None,
                     focus: dict[str, object] | None = None, threshold: float = THRESHOLD,
                     word_threshold: float = 0.5,
                     same_meaning: Callable[[str, str], bool] = shared_words,
                     bonus: Callable[[str, str], Bonus | None] | None = None) -> list[IndicatorRow]:
    """Rows of indicators about the same subject, at most one per document.

    Each pair of documents is matched one-to-one, best score first; matches are
    then chained into rows across documents (A~B and B~C give one row A, B, C).
    `vectors`: "subject: sentence" per indicator; `focus`: "subject: words around the figure";
    `same_meaning`: whether two short phrases (what two shares are put to) mean the same thing;
    `bonus(stem_a, stem_b)`: the Bonus of a pair of documents (documents in two languages), or None.
    """
    stems = list(by_doc)
    vectors, focus = vectors or {}, focus or {}
    parent: dict[tuple[str, int], tuple[str, int]] = {}
    best: dict[tuple[str, int], float] = {}
    reasons: dict[tuple[str, str], list[tuple[tuple[str, int], str]]] = {}

    def find(node):
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    read = {stem: _read(by_doc[stem]) for stem in stems}
    for x in range(len(stems)):
        for y in range(x + 1, len(stems)):
            sa, sb = stems[x], stems[y]
            context, near = (vectors.get(sa), vectors.get(sb)), (focus.get(sa), focus.get(sb))
            has_vectors = all(v is not None for v in context) or all(v is not None for v in near)
            limit = threshold if has_vectors else word_threshold
            used_a, used_b = set(), set()
            for c in _candidates(by_doc[sa], by_doc[sb], context, near, same_meaning, limit if has_vectors else None,
                                 (read[sa], read[sb]), bonus(sa, sb) if bonus else None):
                if c.score < limit:
                    break
                if c.i in used_a or c.j in used_b:
                    continue
                used_a.add(c.i)
                used_b.add(c.j)
                parent[find((sa, c.i))] = find((sb, c.j))
                reasons.setdefault((sa, sb), []).append(((sa, c.i), c.reason))
                for node in ((sa, c.i), (sb, c.j)):
                    best[node] = max(best.get(node, 0.0), c.score)
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
        first = by_doc[members[0][0]][members[0][1]]
        anchor = measure(first)
        values = {}
        for stem, index in members:
            ind = by_doc[stem][index]
            m = in_unit_of(measure(ind), anchor)
            values[stem] = {
                "value": m.value, "unit": m.unit, "raw_text": ind.raw_text, "indicator": ind.indicator,
                "period": ind.period, "place": ind.place, "page": ind.page, "section": ind.section,
                "sentence": ind.sentence,
            }
        edges = [(pair, why) for pair, items in reasons.items() if set(pair) <= set(docs)
                 for node, why in items if node in members]
        reason = edges[0][1] if len(edges) == 1 else " | ".join(f"{a} ~ {b}: {why}" for (a, b), why in edges)
        order.append((stems.index(members[0][0]), members[0][1]))
        rows.append(IndicatorRow(subject=first.indicator or first.raw_text, dimension=anchor.dimension, values=values,
                                 similarity=round(min(best[node] for node in members), 3), reason=reason))
    # In reading order of the first document that has the indicator.
    return [row for _, row in sorted(zip(order, rows), key=lambda pair: pair[0])]
