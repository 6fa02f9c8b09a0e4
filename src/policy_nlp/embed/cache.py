"""The user cache folder, model-folder fingerprints and atomic cache entries."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path


def cache_root() -> Path:
    """POLICY_NLP_CACHE, else $XDG_CACHE_HOME/policy_nlp, else ~/.cache/policy_nlp."""
    explicit = os.environ.get("POLICY_NLP_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "policy_nlp"


def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[-60:] or "model"


def _model_files(folder: Path) -> list[Path]:
    # Hidden files and folders (.git, .cache, .gitattributes) are bookkeeping, not the model.
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def folder_hash(folder: Path, root: Path | None = None) -> str:
    """sha256 over the folder's files (relative path + content hash).

    Hashing ~90 MB of weights costs a cold start ~0.2 s, so each file's hash is remembered in the
    cache folder under (path, size, mtime_ns) and only recomputed when the file changes.
    """
    root = root or cache_root()
    memo_path = root / "file-hashes.json"
    try:
        memo = json.loads(memo_path.read_text())
        if not isinstance(memo, dict):
            memo = {}
    except (OSError, ValueError):
        memo = {}
    changed = False
    total = hashlib.sha256()
    for path in _model_files(folder):
        st = path.stat()
        key = str(path.resolve())
        entry = memo.get(key)
        if isinstance(entry, list) and len(entry) == 3 and entry[0] == st.st_size and entry[1] == st.st_mtime_ns:
            digest = entry[2]
        else:
            digest = _sha256(path)
            memo[key] = [st.st_size, st.st_mtime_ns, digest]
            changed = True
        total.update(f"{path.relative_to(folder).as_posix()}\0{digest}\n".encode())
    if changed:
        try:
            write_atomic(memo_path, json.dumps(memo, indent=0).encode())
        except OSError:
            pass  # a read-only cache only costs the next start a re-hash
    return total.hexdigest()


def publish_dir(tmp: Path, final: Path) -> Path:
    """Move a fully written temporary folder into place; a concurrent writer that got there first wins."""
    final.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(tmp, final)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not final.is_dir():
            raise
    return final


def remove_entry(path: Path) -> None:
    """Take a bad entry out of the way atomically (rename first), then delete it."""
    if not path.exists():
        return
    trash = path.with_name(f".trash-{path.name}-{os.getpid()}")
    try:
        os.rename(path, trash)
    except OSError:
        return  # someone else moved or replaced it already
    shutil.rmtree(trash, ignore_errors=True)
