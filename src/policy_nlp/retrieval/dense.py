"""Dense retrieval: passage vectors scored by dot product with the query vector.

A cold process must not pull every vector blob out of SQLite into Python objects (3.2-3.6 s at
100k passages on the 2-core test machine). The vectors are therefore kept a second time in a
sidecar folder beside the store, `<db>.vectors/<key>/`, as .npy files that are memory-mapped: the
matrix and the passage ids, document ids, years and role codes (opening them: ~0.015 s).

The matrix is float32, twice the size of the float16 blobs in SQLite (150 MB at 100k passages,
1.5 GB at 1M, as much as the in-memory matrix this replaces): a float16 matrix has to be converted
before the product, and that conversion alone took 0.45-0.55 s per cold query at 100k passages,
while the float32 product reads the mapped file straight from the page cache.

- The key names the store's generation, its newest passage and document ids and the embedding
  models, so any ingest, replace, delete or reindex makes a new key; a sidecar is only ever read
  under its own key, never patched.
- It is built by the first search after a change, into a private temporary folder that is then
  renamed into place: readers see a whole sidecar or none, and when two processes build at once
  one rename wins and the other's copy is dropped.
- Sidecars of other keys are removed after a build (a process still reading one keeps its
  mapping: unlinked files stay readable until unmapped).
- When the folder cannot be written (read-only media, permissions) the vectors are read from
  SQLite as before, a block of rows at a time.

Within one process the index is cached per store file until the key changes, so repeated
queries from the Python API cost one matrix product.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SIDECAR_VERSION = 2  # 2: float32 matrix
_STALE_TMP_S = 3600.0  # a temporary build folder this old belongs to a process that died


@dataclass
class DenseIndex:
    key: str
    ids: np.ndarray  # passage ids, int64, ascending
    doc_ids: np.ndarray  # int64
    years: np.ndarray  # int32, -1 when unknown
    role_codes: np.ndarray  # int16 index into role_names
    role_names: list[str]
    vectors: np.ndarray  # (n, dim) float32: memory map, or in memory when read from SQLite
    source: str  # "sidecar" | "sqlite"

    @property
    def roles(self) -> np.ndarray:
        names = np.array(self.role_names + [""], dtype=object)
        return names[self.role_codes]

    def mask(self, role: str | None = None, doc_id: int | None = None, year: int | None = None) -> np.ndarray | None:
        if not role and doc_id is None and year is None:
            return None
        keep = np.ones(len(self.ids), dtype=bool)
        if role:
            code = self.role_names.index(role) if role in self.role_names else -1
            keep &= self.role_codes == code
        if doc_id is not None:
            keep &= self.doc_ids == doc_id
        if year is not None:
            keep &= self.years == int(year)
        return keep

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine of every passage with `query` (float32, length n)."""
        return self.vectors @ np.asarray(query, dtype=np.float32)

    def search(self, query: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top k (passage id, cosine) among the passages `mask` keeps, best first."""
        if len(self.ids) == 0 or k <= 0:
            return []
        scores = self.scores(query)
        if mask is not None:
            candidates = np.flatnonzero(mask)
            if len(candidates) == 0:
                return []
            sub = scores[candidates]
            k = min(k, len(sub))
            top = np.argpartition(-sub, k - 1)[:k]
            top = candidates[top[np.argsort(-sub[top], kind="stable")]]
        else:
            k = min(k, len(scores))
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.ids[i]), float(scores[i])) for i in top]

    def doc_of(self, passage_ids) -> list[int]:
        """Document id of each passage id (ids absent from the index give -1)."""
        pos = np.searchsorted(self.ids, np.asarray(passage_ids, dtype=np.int64))
        pos = np.minimum(pos, max(len(self.ids) - 1, 0))
        found = (self.ids[pos] == np.asarray(passage_ids, dtype=np.int64)) if len(self.ids) else np.zeros(len(pos), bool)
        return [int(d) if ok else -1 for d, ok in zip(self.doc_ids[pos] if len(self.ids) else pos, found)]


def document_scores(index: DenseIndex, query: np.ndarray, best: int = 3) -> dict[int, float]:
    """Document id -> mean cosine of its `best` passages nearest to `query` (all of them when it has
    fewer), from the index alone: `similar --text` can rank documents without loading any."""
    if len(index.ids) == 0:
        return {}
    scores = index.scores(query)
    order = np.lexsort((-scores, index.doc_ids))
    docs, ranked = index.doc_ids[order], scores[order]
    starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
    sizes = np.diff(np.r_[starts, len(docs)])
    position = np.arange(len(docs)) - np.repeat(starts, sizes)
    keep = position < best
    group = np.repeat(np.arange(len(starts)), sizes)[keep]
    sums = np.bincount(group, weights=ranked[keep], minlength=len(starts))
    counts = np.minimum(sizes, best)
    return {int(d): float(v) for d, v in zip(docs[starts], sums / counts)}


_CACHE: dict[str, DenseIndex] = {}
_MODEL_CACHE: dict[tuple[str, str], DenseIndex] = {}


def sidecar_dir(db: Path) -> Path:
    return Path(str(db) + ".vectors")


def load_index(store, use_sidecar: bool = True) -> DenseIndex:
    """The dense index of `store` (cached per process, keyed by the store's contents)."""
    from .backends import search_backend

    backend = search_backend(store)
    path = _cache_path(store)
    use_sidecar = use_sidecar and store.backend == "sqlite"
    with backend.snapshot(store):  # one snapshot for the key and, when read from the store, the rows
        key = backend.index_key(store)
        cached = _CACHE.get(path)
        if cached is not None and cached.key == key:
            return cached
        index = None
        if use_sidecar:
            index = _open_sidecar(sidecar_dir(Path(path)) / key, key)
        if index is None:
            index = DenseIndex(key=key, **backend.read_vectors(store))
            if use_sidecar:
                _write_sidecar(Path(path), key, index)
    _CACHE[path] = index
    return index


def load_model_index(store, model: str, use_sidecar: bool = True) -> DenseIndex:
    """The dense index of the passages of documents embedded with `model`, in a store that holds
    several models (English documents on the English model, Chinese ones on a multilingual one):
    their vectors differ in length and meaning, so each model gets a matrix of its own. Cached per
    process; a SQLite store keeps it as a sidecar `<key>-<model>` like the single-model index."""
    from .backends import search_backend

    backend = search_backend(store)
    path = _cache_path(store)
    use_sidecar = use_sidecar and store.backend == "sqlite"
    with backend.snapshot(store):
        key = f"{backend.index_key(store)}-{_safe(model)}"
        cached = _MODEL_CACHE.get((path, model))
        if cached is not None and cached.key == key:
            return cached
        index = _open_sidecar(sidecar_dir(Path(path)) / key, key) if use_sidecar else None
        if index is None:
            index = DenseIndex(key=key, **backend.read_vectors(store, model))
            if use_sidecar:
                _write_sidecar(Path(path), key, index, keep_prefix=key.rsplit("-", 1)[0])
    _MODEL_CACHE[(path, model)] = index
    return index


def _cache_path(store) -> str:
    """Where the store is, as the per-process caches key it: a SQLite file's resolved path, a
    PostgreSQL store's URL as shown."""
    return str(Path(store.path).resolve()) if store.backend == "sqlite" else str(store.path)


def _safe(model: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_.]+", "_", model)[-40:]


# -- sidecar ------------------------------------------------------------------------------------

_ARRAYS = ("ids", "doc_ids", "years", "role_codes", "vectors")


def _open_sidecar(folder: Path, key: str) -> DenseIndex | None:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("key") != key or meta.get("version") != SIDECAR_VERSION:
            return None
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
        roles = list(meta["roles"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    n = len(arrays["ids"])
    if any(len(a) != n for a in arrays.values()) or arrays["vectors"].dtype != np.float32:
        return None
    return DenseIndex(key=key, role_names=roles, source="sidecar", **arrays)


def _write_sidecar(db: Path, key: str, index: DenseIndex, keep_prefix: str | None = None) -> bool:
    """Write the index as a sidecar (temporary folder, then rename); False when that is not possible.
    `keep_prefix`: sidecars of the same store contents for other models are kept."""
    root = sidecar_dir(db)
    final = root / key
    tmp = root / f".tmp-{key}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        root.mkdir(exist_ok=True)
        tmp.mkdir()
        for name in _ARRAYS:
            value = getattr(index, name)
            if name == "vectors":
                value = value.astype(np.float32)
            with open(tmp / f"{name}.npy", "wb") as fh:
                np.save(fh, np.ascontiguousarray(value), allow_pickle=False)
        meta = {"version": SIDECAR_VERSION, "key": key, "roles": index.role_names, "rows": int(len(index.ids)),
                "dim": int(index.vectors.shape[1]) if index.vectors.ndim == 2 else 0,
                "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / "meta.json").exists():  # not a lost race: give up on the sidecar
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process renamed the same key first
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return False
    _remove_stale(root, keep=key, keep_prefix=keep_prefix)
    return True


def _remove_stale(root: Path, keep: str, keep_prefix: str | None = None) -> None:
    now = time.time()
    try:
        entries = list(root.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name == keep or (keep_prefix and entry.name.startswith(keep_prefix + "-")):
            continue
        if entry.name.startswith(".tmp-"):
            try:
                if now - entry.stat().st_mtime < _STALE_TMP_S:
                    continue  # another process may be writing it right now
            except OSError:
                continue
        shutil.rmtree(entry, ignore_errors=True)
