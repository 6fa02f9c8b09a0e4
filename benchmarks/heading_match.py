"""Matching predicted headings to gold ones, shared by the heading benchmarks."""

from __future__ import annotations


def match_in_order(predicted: list[tuple], gold: list[tuple], same=lambda p, g: p[0] == g[0]) -> tuple[list, list]:
    """Greedy, in gold order: each gold heading takes the first unmatched prediction `same` accepts.
    Returns (matched (gold, predicted) pairs, unmatched predictions)."""
    unmatched = list(predicted)
    matched = []
    for g in gold:
        hit = next((p for p in unmatched if same(p, g)), None)
        if hit is not None:
            unmatched.remove(hit)
            matched.append((g, hit))
    return matched, unmatched


def prf(matched: int, gold: int, predicted: int) -> tuple[float, float, float]:
    """Precision, recall, F1; an empty side counts as perfect only when the other is empty too."""
    p = matched / predicted if predicted else (1.0 if not gold else 0.0)
    r = matched / gold if gold else (1.0 if not predicted else 0.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
