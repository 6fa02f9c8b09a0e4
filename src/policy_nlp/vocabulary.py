"""The closed sets of values that options and API arguments take, and one check for all of them.

Kept free of imports so the CLI can validate options before any stage is loaded.
"""

from __future__ import annotations

import difflib
from typing import Sequence

from .errors import PolicyNLPError

ROLES = ("abstract", "introduction", "status", "dilemma", "recommendation", "conclusion", "references", "other")
CONTENT_ROLES = ("status", "dilemma", "recommendation")
INDICATOR_KINDS = ("count", "percent", "money", "rank", "fraction", "ratio", "growth", "quantity")
SEARCH_MODES = ("hybrid", "dense", "bm25")
EXPORT_FORMATS = ("csv", "jsonl")
EMBED_BACKENDS = ("onnx-int8", "onnx", "torch")
# [extract] ocr / --ocr: "auto" reads undecodable and image-only pages with tesseract.
OCR_MODES = ("off", "auto")
# File suffixes that name an export format when --format is not given.
FORMAT_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


class ChoiceError(PolicyNLPError, ValueError):
    """A value outside its closed set: the message names the known values and the nearest one."""


def check_choice(what: str, value: str, known: Sequence[str]) -> str:
    """`value` when it is one of `known`; otherwise ChoiceError("unknown role 'X'; known: ...")."""
    if value in known:
        return value
    message = f"unknown {what} '{value}'; known: {', '.join(known)}"
    close = difflib.get_close_matches(value.lower(), known, n=1, cutoff=0.6)
    if close:
        message += f" (did you mean '{close[0]}'?)"
    raise ChoiceError(message)
