"""Running the configured stages on one file: path -> Document."""

from __future__ import annotations

import time
from pathlib import Path

from .config import Pipeline, load_pipeline
from .model import Document


def process_file(path: str | Path, pipeline: Pipeline | None = None, timings: dict[str, float] | None = None) -> Document:
    """Extract a file and run the pipeline's stages on it. Raises InputError on bad input."""
    pipeline = pipeline or load_pipeline()
    timings = timings if timings is not None else {}
    start = time.perf_counter()
    from .extract import extract_pdf

    settings = dict(pipeline.stage("extract"))
    doc = extract_pdf(path, settings)
    timings["extract"] = timings.get("extract", 0.0) + time.perf_counter() - start
    if "segment" in pipeline.stages:
        start = time.perf_counter()
        from .segment import detect_headings

        doc.outline = detect_headings(doc)
        timings["segment"] = timings.get("segment", 0.0) + time.perf_counter() - start
    return doc
