"""Ingest: find input files, process them in chunks (optionally in worker processes), store each
document in its own transaction, in input order."""

from __future__ import annotations

import contextlib
import glob
import multiprocessing
import os
import sys
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .config import Pipeline, load_pipeline
from .errors import InputError
from .extract.pdf import file_sha256
from .library_warnings import capture_library_warnings
from .store import open_store
from .time_limit import TimeLimitExceeded, time_limit

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md", ".markdown")
# A chunk of small files shares each model call; a PDF is a chunk of its own, as its pages are
# enough to fill the model's batches and a single file per task keeps the workers balanced.
CHUNK_FILES = 64
CHUNK_BYTES = 256 * 1024
DEFAULT_TIME_LIMIT_S = 300.0  # [extract] time_limit_s when the pipeline file does not set it


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



# -- processing (in a worker process, or in this one) ------------------------------------------

_WARM: set = set()
_WARM_SECONDS: list[float] = []  # model loading not yet reported on a file's timings


def _ensure_warm(pipeline: Pipeline) -> None:
    """Load the pipeline's models once per process. What loading says (deprecation notices and the
    like) belongs to no file and is dropped; a model that fails to load fails each file later,
    with the reason."""
    key = (str(pipeline.path), pipeline.name, tuple(pipeline.stages))
    if key in _WARM:
        return
    _WARM.add(key)
    from .pipeline import warm_up

    start = time.perf_counter()
    with capture_library_warnings():
        try:
            warm_up(pipeline)
        except Exception:
            pass
    _WARM_SECONDS.append(time.perf_counter() - start)


def _failure(path: str, exc: BaseException) -> InputError:
    if isinstance(exc, InputError):
        return exc
    return InputError(path, f"could not be processed ({type(exc).__name__}: {exc})")


def _time_limit_s(pipeline: Pipeline) -> float:
    value = pipeline.stage("extract").get("time_limit_s", DEFAULT_TIME_LIMIT_S)
    return max(0.0, float(value or 0))


def _stopped(path: str, seconds: float) -> InputError:
    return InputError(path, f"stopped after {seconds:g} s (time limit; [extract] time_limit_s)")


def process_chunk(paths: list[str], pipeline: Pipeline) -> list[tuple]:
    """Files -> [(Document or InputError, stage seconds, warning counts)], one per file, in order.

    Each file is extracted on its own (a bad file fails alone); the later stages run once over all
    the chunk's documents. Should they fail, each document is processed again on its own, so one
    document's failure never costs the others.

    `[extract] time_limit_s` bounds each file's extraction, and again the later stages: for a chunk
    of several small files, the limit times the number of files. A chunk that runs out of time
    there is processed again file by file, so only the slow file fails."""
    from .pipeline import extract, run_stages

    limit = _time_limit_s(pipeline)
    outcomes: list[list] = []
    for path in paths:
        timings: dict[str, float] = {}
        with capture_library_warnings() as counts:
            start = time.perf_counter()
            try:
                with time_limit(limit):
                    outcome = extract(path, pipeline)
            except TimeLimitExceeded:
                outcome = _stopped(path, limit)
            except Exception as exc:  # a bug or an odd file must not stop the batch
                outcome = _failure(path, exc)
            timings["extract"] = time.perf_counter() - start
        outcomes.append([outcome, timings, counts, path])
    ok = [o for o in outcomes if not isinstance(o[0], InputError)]
    if not ok:
        return [tuple(o[:3]) for o in outcomes]
    _ensure_warm(pipeline)
    docs = [o[0] for o in ok]
    timings = {}
    with capture_library_warnings() as counts:
        try:
            with time_limit(limit * len(ok)):
                run_stages(docs, pipeline, timings)
            error = None
        except TimeLimitExceeded:
            error = _stopped(ok[0][3], limit * len(ok))
        except Exception as exc:
            error = exc
    if error is not None and len(ok) > 1:
        return [tuple(o[:3]) if isinstance(o[0], InputError) else process_chunk([o[3]], pipeline)[0] for o in outcomes]
    if error is not None:
        ok[0][0] = _failure(ok[0][3], error)
    weights = [len(d.passages) + 1 for d in docs]
    for o, weight in zip(ok, weights):
        for stage, seconds in timings.items():
            o[1][stage] = seconds * weight / sum(weights)
    if _WARM_SECONDS:
        ok[0][1]["load models"] = sum(_WARM_SECONDS)  # the first file waited for them, as before
        _WARM_SECONDS.clear()
    if counts:
        # Said while the chunk's documents were processed together: given to its first document.
        note = "" if len(ok) == 1 else f" (while processing {len(ok)} files together)"
        ok[0][2].update({f"{text}{note}": n for text, n in counts.items()})
    return [tuple(o[:3]) for o in outcomes]


def _work_estimate(item: _Item) -> float:
    """Roughly how long a file takes, in pages. For a PDF its page count, read from the page tree's
    root without parsing any page (its size says little: a one-page scan can outweigh a long text)."""
    if item.path.suffix.lower() != ".pdf":
        return item.size / 3_000
    try:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser
        from pdfminer.pdftypes import resolve1

        with capture_library_warnings(), open(item.key, "rb") as fh:
            return float(resolve1(resolve1(PDFDocument(PDFParser(fh)).catalog["Pages"])["Count"]))
    except Exception:  # damaged or encrypted: the worker will say what is wrong
        return item.size / 50_000


def _init_worker(threads: int, pipeline: Pipeline) -> None:
    """Share the cores between workers (torch and ONNX Runtime would otherwise start one thread per
    core in each), then load the models before the first chunk arrives."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    os.environ["POLICY_NLP_TORCH_THREADS"] = str(threads)
    os.environ["POLICY_NLP_THREADS"] = str(threads)
    _ensure_warm(pipeline)


# -- ingest ------------------------------------------------------------------------------------

@dataclass
class _Item:
    path: Path  # as given
    key: str  # resolved, as stored
    size: int
    copies: list[Path] = field(default_factory=list)  # same content later in the batch


def _chunks(items: list[_Item]) -> list[list[_Item]]:
    chunks: list[list[_Item]] = []
    current: list[_Item] = []
    size = 0
    for item in items:
        small = item.path.suffix.lower() in (".txt", ".md", ".markdown")
        if current and (not small or len(current) >= CHUNK_FILES or size + item.size > CHUNK_BYTES):
            chunks.append(current)
            current, size = [], 0
        current.append(item)
        size += item.size
        if not small:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


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

        if engine == "ray":
            from .engines.ray import run as run_on_ray

            by_key = {item.key: item for item in todo}
            run_on_ray([item.key for item in todo], pipeline,
                       lambda key, *outcome: finish(by_key[key], *outcome), address=ray_address,
                       work=[_work_estimate(item) for item in todo])
            return results
        chunks = _chunks(todo)
        if workers <= 1 or len(chunks) <= 1:
            for chunk in chunks:
                for item, outcome in zip(chunk, process_chunk([i.key for i in chunk], pipeline)):
                    finish(item, *outcome)
        else:
            _run_parallel(chunks, pipeline, workers, finish)
    return results


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


def _run_parallel(chunks: list[list[_Item]], pipeline: Pipeline, workers: int, finish) -> None:
    """Process chunks in parallel but store in input order, so document ids don't depend on timing."""
    ready: dict[int, tuple[list[_Item], list[tuple]]] = {}
    next_index = 0
    n = min(workers, len(chunks), os.cpu_count() or 1)
    threads = max(1, (os.cpu_count() or 1) // n)
    # Most work first, so a big file doesn't start last and run alone.
    order = sorted(range(len(chunks)), key=lambda i: sum(_work_estimate(item) for item in chunks[i]), reverse=True)
    # "spawn", not fork: forking a process that already runs torch or OpenMP threads
    # (the Python API after a search, a test session) can deadlock the children.
    context = multiprocessing.get_context("spawn")
    with _workers_skip_main_script(), ProcessPoolExecutor(
        max_workers=n, mp_context=context, initializer=_init_worker, initargs=(threads, pipeline)
    ) as pool:
        running: dict[Future, int] = {pool.submit(process_chunk, [i.key for i in chunks[k]], pipeline): k for k in order}
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                k = running.pop(future)
                try:
                    outcomes = future.result()
                except Exception as exc:  # worker died (out of memory, killed)
                    outcomes = [(InputError(item.key, f"worker failed ({type(exc).__name__}: {exc})"), {}, Counter())
                                for item in chunks[k]]
                ready[k] = (chunks[k], outcomes)
            while next_index in ready:
                items, outcomes = ready.pop(next_index)
                for item, outcome in zip(items, outcomes):
                    finish(item, *outcome)
                next_index += 1
