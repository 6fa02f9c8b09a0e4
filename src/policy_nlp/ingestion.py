"""Ingest: find input files, skip what is stored already, hand the rest to an engine (engines/:
local worker processes or Ray), store each document it gives back in its own transaction, in
input order."""

from __future__ import annotations

import glob
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .config import Pipeline, load_pipeline
from .errors import InputError
from .extract.pdf import file_sha256
from .store import open_store

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md", ".markdown")


@dataclass
class IngestResult:
    path: str
    status: str  # added | replaced | unchanged | alias | failed
    doc_id: int | None = None
    pages: int = 0
    blocks: int = 0
    seconds: float = 0.0
    message: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    # Library warnings (pdfminer, pdfplumber, Python warnings) raised while processing this file:
    # distinct messages with their counts, "Could not get FontBBox from font descriptor ×20".
    warnings: list[str] = field(default_factory=list)
    n_warnings: int = 0
    same_as: int | None = None  # status "alias": the stored document with the same content
    same_as_name: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def summary(self) -> str:
        if self.failed:
            return f"FAILED  {self.message}"
        if self.status == "unchanged":
            return f"skipped {self.path}: unchanged since last ingest (document {self.doc_id}; --force re-processes)"
        if self.status == "alias":
            return (f"alias   {self.path}: same content as document {self.same_as} ({self.same_as_name}); "
                    "recorded as another name of it")
        return f"{self.status:7s} {self.path}: document {self.doc_id}, {self.pages} pages, {self.blocks} blocks, {self.seconds:.2f}s"

    def warning_summary(self) -> str | None:
        """One line naming the file and its library warnings, or None when there were none."""
        if not self.n_warnings:
            return None
        noun = "library warning" if self.n_warnings == 1 else "library warnings"
        return f"warning {Path(self.path).name}: {self.n_warnings} {noun} ({'; '.join(self.warnings)})"

    def _set_warnings(self, counts: Counter) -> "IngestResult":
        self.warnings = [f"{text} ×{n}" for text, n in counts.most_common()]
        self.n_warnings = sum(counts.values())
        return self


def _is_project_file(path: Path) -> bool:
    """README, LICENSE and the like describe a folder; they are not documents of it."""
    return path.stem.upper() in {"README", "LICENSE", "CHANGELOG", "CONTRIBUTING", "NOTICE"} or path.name.startswith(".")


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[IngestResult]]:
    """Expand files, folders (recursive) and globs; paths that yield nothing become failures."""
    files: list[Path] = []
    problems: list[IngestResult] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for raw in paths:
        text = str(raw)
        path = Path(text)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not _is_project_file(p)
            )
            if not found:
                problems.append(IngestResult(text, "failed", message=f"{text}: folder has no PDF, .txt or .md files"))
            for p in found:
                add(p)
        elif path.exists():
            add(path)  # any file: a non-PDF gets its own clear error from the extractor
        elif glob.has_magic(text):
            matches = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
            if not matches:
                problems.append(IngestResult(text, "failed", message=f"{text}: pattern matches no files"))
            for p in matches:
                add(p)
        else:
            problems.append(IngestResult(text, "failed", message=f"{text}: no such file or folder"))
    return files, problems



@dataclass
class _Item:
    path: Path  # as given
    key: str  # resolved, as stored
    size: int
    copies: list[Path] = field(default_factory=list)  # same content later in the batch


def with_ocr(pipeline: Pipeline, ocr: str | None) -> Pipeline:
    """The pipeline with `[extract] ocr` set to `ocr` (None: as it is), checked: OcrError when
    the value is unknown or OCR is on and cannot run."""
    from dataclasses import replace

    from .extract.ocr import check_ocr

    if ocr is not None:
        pipeline = replace(pipeline, settings={**pipeline.settings, "extract": {**pipeline.stage("extract"), "ocr": ocr}})
    check_ocr(pipeline.stage("extract"))
    return pipeline


def ingest(
    paths: Iterable[str | Path],
    db: str | Path | None = None,
    *,
    force: bool = False,
    workers: int = 1,
    pipeline: Pipeline | str | Path | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    ocr: str | None = None,
    engine: str = "local",
    ray_address: str | None = None,
) -> list[IngestResult]:
    """Ingest files into the store at `db`. Failures are returned, never raised.

    A file whose content is already stored under another path is recorded as another name of that
    document (status "alias"). `on_start(n_files)` and `on_result(result)` let a caller show progress.
    `ocr` ("off" | "auto") overrides the pipeline's `[extract] ocr`; OCR that cannot run (no
    tesseract, a language not installed) raises OcrError before any file is read.
    `engine` "local" runs `workers` processes on this machine; "ray" runs on the Ray cluster at
    `ray_address` ("auto", "HOST:PORT"; None: a local one started for this ingest), needing the
    `ray` extra. Either way each document is stored by this process, in one transaction.
    """
    from .engines import check_engine, check_ray_address

    check_engine(engine)
    check_ray_address(ray_address)
    if engine == "ray":
        from .engines.ray import _import_ray

        _import_ray()  # fails before any file is read
    if not isinstance(pipeline, Pipeline):
        pipeline = load_pipeline(pipeline)
    pipeline = with_ocr(pipeline, ocr)
    files, results = discover(paths)

    def emit(r: IngestResult) -> None:
        results.append(r)
        on_result and on_result(r)

    for r in results:
        on_result and on_result(r)
    on_start and on_start(len(files))
    with open_store(db) as store:
        todo: list[_Item] = []
        first_by_sha: dict[str, _Item] = {}
        for path in files:
            key = str(path.resolve())
            try:
                sha = file_sha256(path) if path.is_file() else ""
                size = path.stat().st_size
            except OSError as exc:
                emit(IngestResult(str(path), "failed", message=f"{path}: cannot be read ({exc.strerror})"))
                continue
            existing = store.find_by_sha(sha) if sha else None
            if existing and not force:
                if store.has_name(existing.id, key):
                    emit(IngestResult(str(path), "unchanged", doc_id=existing.id, pages=existing.n_pages))
                else:
                    store.add_name(existing.id, key)
                    emit(IngestResult(str(path), "alias", doc_id=existing.id, pages=existing.n_pages,
                                      same_as=existing.id, same_as_name=existing.name))
                continue
            if sha and sha in first_by_sha:
                first_by_sha[sha].copies.append(path)
                continue
            item = _Item(path, key, size)
            todo.append(item)
            if sha:
                first_by_sha[sha] = item

        def finish(item: _Item, outcome, timings: dict[str, float], counts: Counter) -> None:
            path = item.path
            if isinstance(outcome, InputError):
                message = str(outcome).replace(item.key, str(path))
                emit(IngestResult(str(path), "failed", message=message, timings=timings)._set_warnings(counts))
                for copy in item.copies:
                    emit(IngestResult(str(copy), "failed", message=message.replace(str(path), str(copy), 1)))
                return
            outcome.path = item.key
            doc_id, status = store.put_document(outcome, pipeline=pipeline.name)
            blocks = sum(len(p.blocks) for p in outcome.pages)
            emit(IngestResult(str(path), status, doc_id, outcome.n_pages, blocks, sum(timings.values()),
                              timings=timings)._set_warnings(counts))
            for copy in item.copies:
                store.add_name(doc_id, str(copy.resolve()))
                emit(IngestResult(str(copy), "alias", doc_id, outcome.n_pages, blocks, same_as=doc_id,
                                  same_as_name=outcome.name))

        by_key = {item.key: item for item in todo}
        keys = list(by_key)

        def finish_key(key: str, *outcome) -> None:
            finish(by_key[key], *outcome)

        if engine == "ray":
            from .engines.local import estimate_work
            from .engines.ray import run as run_on_ray

            run_on_ray(keys, pipeline, finish_key, address=ray_address, work=[estimate_work(k) for k in keys])
        else:
            from .engines.local import run as run_locally

            run_locally(keys, pipeline, finish_key, workers=workers)
    return results
