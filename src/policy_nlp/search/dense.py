"""Dense retrieval: all passage vectors in one float32 matrix, scored by dot product.

The matrix is loaded from the store once per process and kept until the store's
generation changes (any ingest, replace or delete), so repeated queries from the
Python API cost one matrix-vector product.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..store.db import from_blobs


@dataclass
class DenseIndex:
    generation: int
    ids: np.ndarray  # passage ids, int64
    doc_ids: np.ndarray
    roles: np.ndarray  # object array of role strings
    years: np.ndarray  # int32, -1 when unknown
    vectors: np.ndarray  # float32 (n, dim)

    def search(self, query: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        if len(self.ids) == 0:
            return []
        scores = self.vectors @ query.astype(np.float32)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self.ids[i]), float(scores[i])) for i in top if np.isfinite(scores[i])]


_CACHE: dict[str, DenseIndex] = {}


def load_index(store) -> DenseIndex:
    key = str(store.path.resolve())
    generation = store.generation()
    cached = _CACHE.get(key)
    if cached is not None and cached.generation == generation:
        return cached
    rows = store.conn.execute(
        "SELECT p.id, p.doc_id, p.role, coalesce(d.year, -1), p.embedding FROM passages p JOIN documents d ON d.id = p.doc_id"
        " WHERE p.embedding IS NOT NULL ORDER BY p.id"
    ).fetchall()
    if rows:
        vectors = from_blobs([r[4] for r in rows])
    else:
        vectors = np.zeros((0, 0), dtype=np.float32)
    index = DenseIndex(
        generation=generation,
        ids=np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
        doc_ids=np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows)),
        roles=np.array([r[2] for r in rows], dtype=object),
        years=np.fromiter((r[3] for r in rows), dtype=np.int32, count=len(rows)),
        vectors=vectors,
    )
    _CACHE[key] = index
    return index
