"""Passage-level similarity between documents: matrix and aligned pairs (pure numpy)."""

from __future__ import annotations

import numpy as np


def directed_coverage(a: np.ndarray, b: np.ndarray) -> float:
    """Mean over A's passages of the best cosine to any of B's: how much of A is found in B."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    return float((a @ b.T).max(axis=1).mean())


def similarity_matrix(vectors: list[np.ndarray]) -> np.ndarray:
    """Symmetric document similarity from passage embeddings (average of both coverages)."""
    n = len(vectors)
    out = np.eye(n, dtype=np.float64)
    for i in range(n):
        for j in range(i + 1, n):
            score = (directed_coverage(vectors[i], vectors[j]) + directed_coverage(vectors[j], vectors[i])) / 2
            out[i, j] = out[j, i] = score
    return out


def align(a: np.ndarray, b: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
    """One-to-one pairs (i, j, cosine) above `threshold`, best first (greedy on the similarity).

    Greedy one-to-one keeps a passage from being "the same point" as several
    passages of the other document, which inflates agreement.
    """
    if len(a) == 0 or len(b) == 0:
        return []
    sims = a @ b.T
    order = np.dstack(np.unravel_index(np.argsort(-sims, axis=None), sims.shape))[0]
    used_a, used_b, pairs = set(), set(), []
    for i, j in order:
        score = float(sims[i, j])
        if score < threshold:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(int(i))
        used_b.add(int(j))
        pairs.append((int(i), int(j), score))
    return pairs

