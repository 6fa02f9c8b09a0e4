"""The local engine: the pipeline's stages on this machine, in this process or in worker
processes (spawned, one chunk of files at a time, most work first), each file's outcome handed
back in input order for the caller to store.

Small text files share a chunk, so they share each model call; a PDF is a chunk of its own, as
its pages are enough to fill the model's batches and a single file per task keeps the workers
balanced."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Callable, Iterator

from ..config import Pipeline
from ..errors import InputError
from ..library_warnings import capture_library_warnings
from ..time_limit import TimeLimitExceeded, time_limit
from .outcomes import failure, stopped, time_limit_s

CHUNK_FILES = 64
CHUNK_BYTES = 256 * 1024

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
    from ..pipeline import warm_up

    start = time.perf_counter()
    with capture_library_warnings():
        try:
            warm_up(pipeline)
        except Exception:
            pass
    _WARM_SECONDS.append(time.perf_counter() - start)


def process_chunk(paths: list[str], pipeline: Pipeline) -> list[tuple]:
    """Files -> [(Document or InputError, stage seconds, warning counts)], one per file, in order.

    Each file is extracted on its own (a bad file fails alone); the later stages run once over all
    the chunk's documents. Should they fail, each document is processed again on its own, so one
    document's failure never costs the others.

    `[extract] time_limit_s` bounds each file's extraction, and again the later stages: for a chunk
    of several small files, the limit times the number of files. A chunk that runs out of time
    there is processed again file by file, so only the slow file fails."""
    from ..pipeline import extract, run_stages

    limit = time_limit_s(pipeline)
    outcomes: list[list] = []
    for path in paths:
        timings: dict[str, float] = {}
        with capture_library_warnings() as counts:
            start = time.perf_counter()
            try:
                with time_limit(limit):
                    outcome = extract(path, pipeline)
            except TimeLimitExceeded:
                outcome = stopped(path, limit)
            except Exception as exc:  # a bug or an odd file must not stop the batch
                outcome = failure(path, exc)
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
            error = stopped(ok[0][3], limit * len(ok))
        except Exception as exc:
            error = exc
    if error is not None and len(ok) > 1:
        return [tuple(o[:3]) if isinstance(o[0], InputError) else process_chunk([o[3]], pipeline)[0] for o in outcomes]
    if error is not None:
        ok[0][0] = failure(ok[0][3], error)
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


def estimate_work(key: str) -> float:
    """Roughly how long a file takes, in pages. For a PDF its page count, read from the page tree's
    root without parsing any page (its size says little: a one-page scan can outweigh a long text)."""
    size = _size(key)
    if not key.lower().endswith(".pdf"):
        return size / 3_000
    try:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser
        from pdfminer.pdftypes import resolve1

        with capture_library_warnings(), open(key, "rb") as fh:
            return float(resolve1(resolve1(PDFDocument(PDFParser(fh)).catalog["Pages"])["Count"]))
    except Exception:  # damaged or encrypted: the worker will say what is wrong
        return size / 50_000


def _init_worker(threads: int, pipeline: Pipeline) -> None:
    """Share the cores between workers (torch and ONNX Runtime would otherwise start one thread per
    core in each), then load the models before the first chunk arrives."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    os.environ["POLICY_NLP_TORCH_THREADS"] = str(threads)
    os.environ["POLICY_NLP_THREADS"] = str(threads)
    _ensure_warm(pipeline)


def _size(key: str) -> int:
    try:
        return os.path.getsize(key)
    except OSError:  # gone since it was found: its extraction will say so
        return 0


def _chunks(keys: list[str]) -> list[list[str]]:
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for key in keys:
        small = key.lower().endswith((".txt", ".md", ".markdown"))
        item_size = _size(key)
        if current and (not small or len(current) >= CHUNK_FILES or size + item_size > CHUNK_BYTES):
            chunks.append(current)
            current, size = [], 0
        current.append(key)
        size += item_size
        if not small:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


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


def _run_parallel(chunks: list[list[str]], pipeline: Pipeline, workers: int, finish) -> None:
    """Process chunks in parallel but store in input order, so document ids don't depend on timing."""
    ready: dict[int, tuple[list[str], list[tuple]]] = {}
    next_index = 0
    n = min(workers, len(chunks), os.cpu_count() or 1)
    threads = max(1, (os.cpu_count() or 1) // n)
    # Most work first, so a big file doesn't start last and run alone.
    order = sorted(range(len(chunks)), key=lambda i: sum(estimate_work(key) for key in chunks[i]), reverse=True)
    # "spawn", not fork: forking a process that already runs torch or OpenMP threads
    # (the Python API after a search, a test session) can deadlock the children.
    context = multiprocessing.get_context("spawn")
    with _workers_skip_main_script(), ProcessPoolExecutor(
        max_workers=n, mp_context=context, initializer=_init_worker, initargs=(threads, pipeline)
    ) as pool:
        running: dict[Future, int] = {pool.submit(process_chunk, chunks[k], pipeline): k for k in order}
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                k = running.pop(future)
                try:
                    outcomes = future.result()
                except Exception as exc:  # worker died (out of memory, killed)
                    outcomes = [(InputError(key, f"worker failed ({type(exc).__name__}: {exc})"), {}, Counter())
                                for key in chunks[k]]
                ready[k] = (chunks[k], outcomes)
            while next_index in ready:
                keys, outcomes = ready.pop(next_index)
                for key, outcome in zip(keys, outcomes):
                    finish(key, *outcome)
                next_index += 1


def run(keys: list[str], pipeline: Pipeline, finish: Callable[[str, object, dict, Counter], None],
        workers: int = 1) -> None:
    """Process the files `keys` (resolved paths) on this machine, in `workers` processes (1: in
    this one); `finish(key, outcome, timings, counts)` once per file, in input order, with a
    Document or an InputError. The same shape as engines.ray.run."""
    chunks = _chunks(keys)
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            for key, outcome in zip(chunk, process_chunk(chunk, pipeline)):
                finish(key, *outcome)
    else:
        _run_parallel(chunks, pipeline, workers, finish)
