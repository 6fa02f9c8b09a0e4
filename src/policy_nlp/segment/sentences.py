"""A fast rule-based sentence splitter for policy prose (no parser needed)."""

from __future__ import annotations

import re

# Words that end with a period without ending the sentence.
_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "al", "vs", "cf", "fig", "figs", "no", "nos", "vol", "pp", "p", "ed", "eds",
    "co", "ltd", "inc", "corp", "dept", "univ", "mr", "mrs", "ms", "dr", "prof", "st", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "art",
    "sec", "ch", "u.s", "u.k", "e.u", "p.r", "a.m", "p.m", "mt", "km", "kg", "ca", "resp",
}
_BOUNDARY = re.compile(r"([.!?]['\"\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u4e00-\u9fff])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences in `text`."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end(1)
        before = text[start:match.start(1)]
        last_word = before.rsplit(None, 1)[-1].lower() if before.strip() else ""
        last_word = last_word.lstrip("([\"'\u201c")
        if match.group(1).startswith(".") and (
            last_word in _ABBREVIATIONS
            or re.fullmatch(r"[a-z]", last_word)  # an initial: "Donati F. The future"
            or re.fullmatch(r"(?:[a-z]\.)+[a-z]", last_word)  # "U.S", "e.g"
        ):
            continue
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]
