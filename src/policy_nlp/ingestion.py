"""Ingest: find input files, process them (optionally in parallel), store each in one transaction."""

from __future__ import annotations

import contextlib
import glob
import multiprocessing
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .config import Pipeline, load_pipeline
from .errors import InputError
from .extract.pdf import file_sha256
from .store import open_store

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md", ".markdown")


@dataclass
class IngestResult:
    path: str
    status: str  # added | replaced | unchanged | failed
    doc_id: int | None = None
    pages: int = 0
    blocks: int = 0
    seconds: float = 0.0
    message: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def summary(self) -> str:
        if self.failed:
            return f"FAILED  {self.message}"
        if self.status == "unchanged":
            return f"skipped {self.path}: unchanged since last ingest (document {self.doc_id}; --force re-processes)"
        return f"{self.status:7s} {self.path}: document {self.doc_id}, {self.pages} pages, {self.blocks} blocks, {self.seconds:.2f}s"


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


def _work(path: str, pipeline: Pipeline):
    """Runs in a worker process: returns a Document or the InputError."""
    from .pipeline import process_file

    timings: dict[str, float] = {}
    try:
        return process_file(path, pipeline, timings), timings
    except InputError as exc:
        return exc, timings
    except Exception as exc:  # a bug or an odd file must not stop the batch
        return InputError(path, f"could not be processed ({type(exc).__name__}: {exc})"), timings


def ingest(
    paths: Iterable[str | Path],
    db: str | Path | None = None,
    *,
    force: bool = False,
    workers: int = 1,
    pipeline: Pipeline | str | Path | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> list[IngestResult]:
    """Ingest files into the store at `db`. Failures are returned, never raised.

    `on_start(n_files)` and `on_result(result)` let a caller show progress.
    """
    if not isinstance(pipeline, Pipeline):
        pipeline = load_pipeline(pipeline)
    files, results = discover(paths)
    for r in results:
        on_result and on_result(r)
    on_start and on_start(len(files))
    with open_store(db) as store:
        todo: list[tuple[Path, str]] = []
        for path in files:
            key = str(path.resolve())
            try:
                sha = file_sha256(path) if path.is_file() else ""
            except OSError as exc:
                r = IngestResult(str(path), "failed", message=f"{path}: cannot be read ({exc.strerror})")
                results.append(r)
                on_result and on_result(r)
                continue
            existing = store.find_by_sha(sha) if sha else None
            if existing and not force:
                r = IngestResult(str(path), "unchanged", doc_id=existing.id, pages=existing.n_pages)
                results.append(r)
                on_result and on_result(r)
                continue
            todo.append((path, key))

        def finish(path: Path, outcome, timings: dict[str, float], started: float) -> None:
            if isinstance(outcome, InputError):
                r = IngestResult(str(path), "failed", message=str(outcome).replace(str(path.resolve()), str(path)), timings=timings)
            else:
                outcome.path = str(path.resolve())
                doc_id, status = store.put_document(outcome, pipeline=pipeline.name)
                blocks = sum(len(p.blocks) for p in outcome.pages)
                seconds = sum(timings.values()) or time.perf_counter() - started
                r = IngestResult(str(path), status, doc_id, outcome.n_pages, blocks, seconds, timings=timings)
            results.append(r)
            on_result and on_result(r)

        if workers <= 1 or len(todo) <= 1:
            for path, key in todo:
                started = time.perf_counter()
                outcome, timings = _work(key, pipeline)
                finish(path, outcome, timings, started)
        else:
            _run_parallel(todo, pipeline, workers, finish)
    return results


def _init_worker(threads: int) -> None:
    """Share the cores between workers: torch would otherwise start one thread per core in each."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    os.environ["POLICY_NLP_TORCH_THREADS"] = str(threads)


@contextlib.contextmanager
def _workers_skip_main_script() -> Iterator[None]:
    """A spawned worker first runs the caller's script again, to rebuild its `__main__`; a script
    that calls `policy_nlp.ingest(..., workers=2)` at top level (no `if __name__ == "__main__":`)
    would then start an ingest inside every worker and fail. The workers need nothing from the
    script, so while the pool starts its processes the script is not named to them."""
    main = sys.modules.get("__main__")
    saved = {name: getattr(main, name) for name in ("__file__", "__spec__") if main is not None and hasattr(main, name)}
    if main is None or saved.get("__file__") is None:
        yield  # an interactive session or `python -c`: nothing would be re-run
        return
    del main.__file__
    main.__spec__ = None
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)


def _run_parallel(todo, pipeline: Pipeline, workers: int, finish) -> None:
    """Process in parallel but store in input order, so document ids don't depend on timing."""
    order = {path: i for i, (path, _) in enumerate(todo)}
    # Largest files first so a big file doesn't start last and run alone.
    queue = sorted(todo, key=lambda item: item[0].stat().st_size, reverse=True)
    ready: dict[int, tuple] = {}
    next_index = 0
    n = min(workers, len(queue), os.cpu_count() or 1)
    threads = max(1, (os.cpu_count() or 1) // n)
    # "spawn", not fork: forking a process that already runs torch or OpenMP threads
    # (the Python API after a search, a test session) can deadlock the children.
    context = multiprocessing.get_context("spawn")
    with _workers_skip_main_script(), \
            ProcessPoolExecutor(max_workers=n, mp_context=context, initializer=_init_worker, initargs=(threads,)) as pool:
        running: dict[Future, tuple[Path, float]] = {}
        for path, key in queue:
            running[pool.submit(_work, key, pipeline)] = (path, time.perf_counter())
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                path, started = running.pop(future)
                try:
                    outcome, timings = future.result()
                except Exception as exc:  # worker died (out of memory, killed)
                    outcome, timings = InputError(str(path), f"worker failed ({type(exc).__name__}: {exc})"), {}
                ready[order[path]] = (path, outcome, timings, started)
            while next_index in ready:
                finish(*ready.pop(next_index))
                next_index += 1
