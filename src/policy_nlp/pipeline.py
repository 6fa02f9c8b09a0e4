"""Sequencing the stages a pipeline file names: files -> documents, then documents -> documents.

Every stage after extraction is a function `(list[Document], Pipeline) -> list[Document]` in its
own package (segment/stage.py, embed/stage.py, indicators/stage.py), so a chunk of many small
documents shares each model call. This module only names them and runs them in order; it holds
no stage's code. Both ingest engines (local worker processes, Ray) compose these same functions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Callable

from .config import Pipeline, load_pipeline
from .model import Document

Stage = Callable[[list[Document], Pipeline], list[Document]]


@dataclass(frozen=True)
class StageRef:
    """A stage's batch function, named by module and attribute: importing it waits until it runs,
    so a command that never embeds never loads the embedding code. `warm` names the module's
    function that loads the stage's models, if it has any; an engine keeps such a stage in a
    long-lived process (a worker, a Ray actor) so the models load once."""

    module: str
    function: str
    warm: str = ""

    def __call__(self, docs: list[Document], pipeline: Pipeline) -> list[Document]:
        return getattr(import_module(self.module, __package__), self.function)(docs, pipeline)

    def warm_up(self, pipeline: Pipeline) -> None:
        if self.warm:
            getattr(import_module(self.module, __package__), self.warm)(pipeline)


_STAGES: dict[str, Stage] = {
    "segment": StageRef(".segment.stage", "segment"),
    "embed": StageRef(".embed.stage", "embed", warm="warm"),
    "roles": StageRef(".segment.stage", "label_roles", warm="warm"),
    "indicators": StageRef(".indicators.stage", "mine", warm="warm"),
}


def loads_models(name: str) -> bool:
    """Whether the stage `name` loads a model (and so belongs in a long-lived worker or actor)."""
    stage = _STAGES[name]
    return not isinstance(stage, StageRef) or bool(stage.warm)


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
    for name in plan:
        # Without vectors from the embed stage, roles build their classifier only for a document
        # that needs it; loading the embedding model up front would cost every file.
        if name == "roles" and "embed" not in plan:
            continue
        stage = _STAGES[name]
        if isinstance(stage, StageRef):
            stage.warm_up(pipeline)


def stage_groups(plan: list[str]) -> list[list[str]]:
    """The plan cut where an engine changes process: a stage that loads a model starts a group of
    its own (an actor pool on Ray), stages without one run together; roles stay with the stage
    before them, whose vectors and model they reuse."""
    groups: list[list[str]] = []
    for name in plan:
        if groups and (name == "roles" or not (loads_models(name) or loads_models(groups[-1][-1]))):
            groups[-1].append(name)
        else:
            groups.append([name])
    return groups
