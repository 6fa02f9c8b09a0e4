"""Writing rows to CSV (UTF-8 with BOM, all text quoted: opens cleanly in Excel and pandas) or JSON Lines."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .formatting import PlainFloat, with_unit
from .vocabulary import EXPORT_FORMATS, FORMAT_SUFFIXES, check_choice


class OutputError(ValueError):
    """An output path that cannot be written as asked (unknown format, missing folder)."""


def format_for(path: Path, fmt: str | None) -> str:
    """The format named by `fmt`, else by the file's suffix; an unknown suffix is refused rather
    than guessed (CSV text in a file named .xlsx would not open in Excel)."""
    if fmt:
        return check_choice("format", fmt, EXPORT_FORMATS)
    try:
        return FORMAT_SUFFIXES[path.suffix.lower()]
    except KeyError:
        suffix = path.suffix or "(none)"
        raise OutputError(
            f"{path}: unknown output format for suffix {suffix}; name the file .csv or .jsonl, or say --format csv|jsonl"
        ) from None


def check_output(path: str | Path, fmt: str | None = None) -> str:
    """The format to write `path` in, after checking its folder exists (a typo in a folder name
    must not silently create a new tree)."""
    path = Path(path)
    fmt = format_for(path, fmt)
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    if path.is_dir():
        raise OutputError(f"{path}: is a folder, not a file")
    return fmt


def _cell(value):
    """A CSV cell: floats in full (csv writes repr(), and repr(1e16) is "1e+16"), None as empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return PlainFloat(value)
    return value


def write_rows(rows: Iterable[dict], path: str | Path, columns: Sequence[str], fmt: str | None = None) -> int:
    """Write rows atomically (a temporary file renamed into place); returns the number of rows."""
    path = Path(path)
    fmt = check_output(path, fmt)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    count = 0
    try:
        # utf-8-sig: Excel reads the BOM and shows non-ASCII text correctly; pandas strips it.
        with os.fdopen(fd, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as fh:
            if fmt == "csv":
                writer = csv.DictWriter(fh, fieldnames=list(columns), quoting=csv.QUOTE_NONNUMERIC, extrasaction="ignore")
                writer.writeheader()
                for row in rows:
                    writer.writerow({k: _cell(row.get(k)) for k in columns})
                    count += 1
            else:
                for row in rows:
                    fh.write(json.dumps({k: row.get(k) for k in columns}, ensure_ascii=False) + "\n")
                    count += 1
        # mkstemp creates the file readable by its owner only; an export is an ordinary file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def with_figure(rows: Iterable[dict]) -> Iterator[dict]:
    """Indicator rows with `figure`: the value as a reader checks it, "10,000,000,000,000 CNY"
    (`value` stays a number for machines)."""
    for row in rows:
        yield {**row, "figure": with_unit(row.get("value"), row.get("unit") or "")}


TABLE_CELL_COLUMNS = ("document", "page", "table", "caption", "row", "column", "text")
SECTION_COLUMNS = ("document", "path", "heading", "level", "role", "role_confidence", "role_evidence", "page_start", "page_end", "text",
                   "language")
INDICATOR_COLUMNS = (
    "document", "page", "section", "section_role", "indicator", "figure", "value", "unit", "kind", "qualifier", "low", "high",
    "period", "place", "change", "base", "raw_text", "sentence", "language",
)
