"""PDFs added from the browser: saved under the store's web cache, ingested one at a time in a
background thread through `policy_nlp.ingest`, their progress polled by the library page.

A failure is the line `policy-nlp ingest` prints for the same file (`FAILED  name: reason`),
with the uploaded file's name where the CLI would name the path it was given."""

from __future__ import annotations

import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
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


class Uploads:
    def __init__(self, db, folder: Path, max_bytes: int = MAX_UPLOAD_MB * 2**20):
        self.db = db
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.jobs: dict[str, Job] = {}
        # One ingest at a time: an ingest takes the machine's cores; a queue keeps the server responsive.
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policy-nlp-ingest")
        self._lock = threading.Lock()

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
        self.pool.submit(self._ingest, job, target)
        return job

    def _ingest(self, job: Job, path: Path) -> None:
        from ..ingestion import ingest

        job.status = "ingesting"
        try:
            results = ingest([str(path)], self.db)
        except Exception as exc:  # a store error: the job says so, the server goes on
            job.status, job.message = "failed", f"FAILED  {job.name}: {exc}"
        else:
            result = results[0]
            job.result, job.doc_id = result.status, result.doc_id if result.doc_id is not None else result.same_as
            # The CLI's line, naming the file as the user knows it rather than its saved path.
            job.message = result.summary().replace(str(path), job.name)
            job.status = "failed" if result.failed else "done"
            if result.failed:
                path.unlink(missing_ok=True)
        job.finished = time.time()

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
