"""What both engines say of a file that did not make it: a failure naming the file, a time limit
that stopped it. One wording, whichever engine ran the file."""

from __future__ import annotations

from ..config import Pipeline
from ..errors import InputError

DEFAULT_TIME_LIMIT_S = 300.0  # [extract] time_limit_s when the pipeline file does not set it


def failure(path: str, exc: BaseException) -> InputError:
    if isinstance(exc, InputError):
        return exc
    return InputError(path, f"could not be processed ({type(exc).__name__}: {exc})")


def time_limit_s(pipeline: Pipeline) -> float:
    value = pipeline.stage("extract").get("time_limit_s", DEFAULT_TIME_LIMIT_S)
    return max(0.0, float(value or 0))


def stopped(path: str, seconds: float) -> InputError:
    return InputError(path, f"stopped after {seconds:g} s (time limit; [extract] time_limit_s)")
