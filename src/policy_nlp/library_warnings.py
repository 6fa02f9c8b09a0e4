"""Warnings of the libraries a file goes through, collected per file instead of printed."""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from collections import Counter
from typing import Iterator


def _warning_text(message: str, templated: bool) -> str:
    """The gist of a warning, so repeats group: the message template's words before its details
    ("Could not get FontBBox from font descriptor because %r cannot be parsed" -> its first part)."""
    text = " ".join(message.strip().splitlines()[:1][0].split()) if message.strip() else "(empty warning)"
    text = re.split(r"\s+because\s+|:\s+%", text)[0]
    if templated:
        text = re.sub(r"%[-#0 +]*\d*(?:\.\d+)?[sdrifgex]", "…", text)
    return text if len(text) <= 100 else text[:99] + "…"


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, str) and record.args:
            self.counts[_warning_text(record.msg, templated=True)] += 1
        else:
            self.counts[_warning_text(str(record.msg), templated=False)] += 1


@contextlib.contextmanager
def capture_library_warnings() -> Iterator[Counter]:
    """Collect logging records (WARNING and up, any library) and Python warnings instead of letting
    them reach the terminal; yields the Counter of message -> count, complete once the block ends.

    The root logger's handlers are swapped out for the duration: pdfminer logs through its own
    loggers with no handler, so its records would otherwise reach the last-resort handler and be
    printed without the file's name."""
    collector = _Collector()
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers = [collector]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield collector.counts
            finally:
                for w in caught:
                    collector.counts[_warning_text(f"{w.category.__name__}: {w.message}", templated=False)] += 1
    finally:
        root.handlers = saved
