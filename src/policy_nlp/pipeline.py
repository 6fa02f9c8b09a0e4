"""Sequencing the stages a pipeline file names: files -> documents, then documents -> documents.

Every stage after extraction is a function `(list[Document], Pipeline) -> list[Document]` in its
own package (segment/stage.py, embed/stage.py, indicators/stage.py), so a chunk of many small
documents shares each model call. This module holds no stage's code.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from .config import Pipeline, load_pipeline
from .model import Document

Stage = Callable[[list[Document], Pipeline], list[Document]]


def _segment(docs, pipeline):
    from .segment.stage import segment

    return segment(docs, pipeline)


def _embed(docs, pipeline):
    from .embed.stage import embed

    return embed(docs, pipeline)


def _roles(docs, pipeline):
    from .segment.stage import label_roles

    return label_roles(docs, pipeline)


def _indicators(docs, pipeline):
    from .indicators.stage import mine

    return mine(docs, pipeline)


_STAGES: dict[str, Stage] = {"segment": _segment, "embed": _embed, "roles": _roles, "indicators": _indicators}


def stage_plan(pipeline: Pipeline) -> list[str]:
    """The stages to run after extraction, in the pipeline file's order.

    Roles from content are not a stage of their own in the file: they follow the embed stage
    (whose vectors they reuse), or segmentation when nothing is embedded. Without segmentation
    there are no passages, so nothing after extraction runs.
    """
    if "segment" not in pipeline.stages:
        return []
    plan = []
    for name in pipeline.stages:
        if name == "extract":
            continue
        plan.append(name)
        if name == ("embed" if "embed" in pipeline.stages else "segment"):
            plan.append("roles")
    return plan


def extract(path: str | Path, pipeline: Pipeline) -> Document:
    """One file -> Document (pages, blocks, lines, tables). Raises InputError on bad input."""
    from .extract import extract_document

    return extract_document(path, dict(pipeline.stage("extract")))


def run_stages(docs: list[Document], pipeline: Pipeline, timings: dict[str, float] | None = None,
               only: list[str] | None = None) -> list[Document]:
    """Run the stages after extraction (or the `only` ones) over `docs`; seconds per stage add
    up in `timings`."""
    timings = timings if timings is not None else {}
    for name in only if only is not None else stage_plan(pipeline):
        start = time.perf_counter()
        docs = _STAGES[name](docs, pipeline)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
    return docs


def process_file(path: str | Path, pipeline: Pipeline | None = None, timings: dict[str, float] | None = None) -> Document:
    """Extract a file and run the pipeline's stages on it. Raises InputError on bad input."""
    pipeline = pipeline or load_pipeline()
    timings = timings if timings is not None else {}
    start = time.perf_counter()
    doc = extract(path, pipeline)
    timings["extract"] = timings.get("extract", 0.0) + time.perf_counter() - start
    return run_stages([doc], pipeline, timings)[0]


def warm_up(pipeline: Pipeline) -> None:
    """Load the models the pipeline's stages will need, so the first file does not wait for them."""
    plan = stage_plan(pipeline)
    if "embed" in plan:
        from .embed.stage import warm

        warm(pipeline)
    if "roles" in plan and "embed" in plan:
        from .segment.stage import warm

        warm(pipeline)
    if "indicators" in plan:
        from .indicators.stage import warm

        warm(pipeline)
