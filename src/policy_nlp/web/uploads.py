"""PDFs added from the browser: saved under the store's web cache, ingested one at a time in a
child process through `policy_nlp.ingest`, their progress polled by the library page.

A child process, not a thread of the server: the pipeline's per-file time limit (`[extract]
time_limit_s`) is a signal, and signals reach a process's main thread only, so in a server thread
a pathological PDF would run unbounded. The child stays up between uploads and keeps its models
loaded (one more process of a few hundred MB while the server runs).

A failure is the line `policy-nlp ingest` prints for the same file (`FAILED  name: reason`),
with the uploaded file's name where the CLI would name the path it was given."""

from __future__ import annotations

import multiprocessing
import re
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePath

MAX_UPLOAD_MB = 50
CHUNK = 1 << 20


class UploadError(Exception):
    """An upload refused before ingest (too large, no file): one line, with an HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class Job:
    id: str
    name: str  # the file name as uploaded (its folder part dropped)
    status: str = "queued"  # queued | ingesting | done | failed
    message: str = ""
    doc_id: int | None = None
    result: str = ""  # the ingest result's status: added | replaced | unchanged | alias | failed
    created: float = field(default_factory=time.time)
    finished: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def safe_name(filename: str) -> str:
    """The uploaded name's last part in plain characters, ending in .pdf: the saved file is always
    read as a PDF (the library takes PDFs), so a text file is checked, and refused, like one."""
    name = PurePath(filename.replace("\\", "/")).name
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:120] or "upload"
    return stem if stem.lower().endswith(".pdf") else f"{stem}.pdf"


def ingest_one(path: str, db: str | None, pipeline: str | None) -> tuple[str, int | None, str, bool]:
    """In the child process: ingest one file -> (status, document id, the CLI's line, failed)."""
    from ..ingestion import ingest

    result = ingest([path], db, pipeline=pipeline)[0]
    doc_id = result.doc_id if result.doc_id is not None else result.same_as
    return result.status, doc_id, result.summary(), bool(result.failed)


class Uploads:
    def __init__(self, db, folder: Path, max_bytes: int = MAX_UPLOAD_MB * 2**20, pipeline: str | Path | None = None):
        self.db = db
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.pipeline = str(pipeline) if pipeline else None
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        # One ingest at a time: an ingest takes the machine's cores; a queue keeps the server
        # responsive. "spawn": forking a server that runs threads (and maybe torch) is unsafe.
        # Started on the first upload, so a server nobody uploads to has no child.
        self._pool: ProcessPoolExecutor | None = None
        # Jobs wait here for the child in order; a thread per job would only wait.
        self._queue = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policy-nlp-ingest")

    def _child(self) -> ProcessPoolExecutor:
        if self._pool is None:
            from ..engines.local import _workers_skip_main_script

            with _workers_skip_main_script():
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
                self._pool.submit(int).result()  # start it while the main script is hidden
        return self._pool

    async def receive(self, upload) -> Job:
        """Save one uploaded file (a starlette UploadFile), refusing it past the size limit
        without reading the rest, and queue its ingest."""
        original = PurePath((upload.filename or "").replace("\\", "/")).name
        if not original:
            raise UploadError("no file was sent")
        job = Job(id=uuid.uuid4().hex[:12], name=original)
        target = self.folder / job.id / safe_name(original)
        target.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        with open(target, "wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > self.max_bytes:
                    out.close()
                    target.unlink(missing_ok=True)
                    target.parent.rmdir()
                    limit = self.max_bytes / 2**20
                    raise UploadError(f"FAILED  {original}: larger than the upload limit of {limit:.3g} MB", status=413)
                out.write(chunk)
        with self._lock:
            self.jobs[job.id] = job
        self._queue.submit(self._ingest, job, target)
        return job

    def _ingest(self, job: Job, path: Path) -> None:
        job.status = "ingesting"
        try:
            status, doc_id, line, failed = self._child().submit(ingest_one, str(path), None if self.db is None else str(self.db), self.pipeline).result()
        except BrokenProcessPool:  # the child died (out of memory, killed): the next upload gets a new one
            self._pool = None
            job.status, job.message, job.result = "failed", f"FAILED  {job.name}: the ingest process died", "failed"
            path.unlink(missing_ok=True)
        except Exception as exc:  # a store error: the job says so, the server goes on
            job.status, job.message, job.result = "failed", f"FAILED  {job.name}: {exc}", "failed"
            path.unlink(missing_ok=True)
        else:
            job.result, job.doc_id = status, doc_id
            # The CLI's line, naming the file as the user knows it rather than its saved path.
            job.message = line.replace(str(path), job.name)
            job.status = "failed" if failed else "done"
            if failed:
                path.unlink(missing_ok=True)
        job.finished = time.time()

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def close(self) -> None:
        self._queue.shutdown(wait=False, cancel_futures=True)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
