"""A time limit on the work of one file, so a pathological file cannot stall a batch."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from typing import Iterator


class TimeLimitExceeded(BaseException):
    """Raised by SIGALRM in the file's process. A BaseException, so that the `except Exception`
    of the extractor and the libraries (which turn a page's error into a warning) let it through."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeLimitExceeded in this thread once `seconds` have passed; 0 means no limit.

    A signal is the one way to interrupt pure-Python work in pdfminer without a process per file.
    Signals only reach the main thread, where both ingest's worker processes and a command-line
    ingest run files; called from another thread (a web server's request thread) there is no
    limit. A long call into C (a huge zlib stream) delays the stop until it returns. The caller's
    own handler and timer are restored afterwards."""
    if seconds <= 0 or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise TimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    outer_delay, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        # Nested: the alarm may fire just as the block ends; the handler must come back regardless.
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)
            if outer_delay:
                signal.setitimer(signal.ITIMER_REAL, max(1e-6, outer_delay - (time.monotonic() - start)))
