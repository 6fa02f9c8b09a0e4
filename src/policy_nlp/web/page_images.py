"""Page images, rendered on demand from the stored document's PDF and kept on disk.

Asked for by document id and page number only: the file is the one the store recorded for
that id, never a path from the request. The cache key is the file's content hash, so a file
changed since ingest is refused rather than drawn under stale highlights."""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

from ..errors import NotFoundError

SCALE = 1.5  # pixels per PDF point: 108 dpi, sharp enough for reading, ~150 KB a page
_lock = threading.Lock()  # pdfium is not thread-safe
_verified: dict[tuple[str, float], str] = {}  # (path, mtime) -> sha256, so a file is hashed once


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def page_png(pdf_path: str, sha256: str, page: int, n_pages: int, cache_dir: Path, scale: float = SCALE) -> Path:
    """The PNG of `page` (1-based) of the stored PDF, rendered once; NotFoundError when the page
    does not exist or the file is gone or changed."""
    if not 1 <= page <= n_pages:
        raise NotFoundError(f"no page {page} (the document has {n_pages})")
    target = Path(cache_dir) / "pages" / f"{sha256}-p{page}-x{scale:g}.png"
    if target.exists():
        return target
    path = Path(pdf_path)
    if path.suffix.lower() != ".pdf" or not path.is_file():
        raise NotFoundError(f"{path.name}: the PDF is no longer where it was ingested, so its pages cannot be shown")
    key = (str(path), path.stat().st_mtime)
    if _verified.get(key) is None:
        _verified[key] = _sha256(path)
    if _verified[key] != sha256:
        raise NotFoundError(f"{path.name}: the file changed since it was ingested (ingest it again to see its pages)")
    target.parent.mkdir(parents=True, exist_ok=True)
    import pypdfium2

    with _lock:
        pdf = pypdfium2.PdfDocument(str(path))
        try:
            image = pdf[page - 1].render(scale=scale).to_pil()
        finally:
            pdf.close()
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".png.tmp")
    os.close(fd)
    image.save(tmp, format="PNG", optimize=True)
    os.replace(tmp, target)  # atomic: two requests for one page never see half a file
    return target
