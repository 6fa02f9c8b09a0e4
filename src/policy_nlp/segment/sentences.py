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
_BOUNDARY = re.compile(
    r"([.!?]['\"\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u4e00-\u9fff])"
    # Chinese sentences end at 。！？ and at ；, which parts the clauses of a long sentence (often
    # a figure each); no space follows.
    r"|([\u3002\uff01\uff1f\uff1b\u2026]+[\u201d\u2019\u300d\u300f\uff09]*)\s*(?=\S)"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences in `text`."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group(2):
            end = match.end(2)
            if text[start:end].strip():
                spans.append((start, end))
            start = match.end()
            continue
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


def join_sentences(sentences: list[str]) -> str:
    """Sentences back into one text: a space after an English one, nothing after a Chinese one."""
    out = ""
    for sentence in sentences:
        out += ("" if not out or out[-1] in _CJK_STOPS else " ") + sentence
    return out


_CJK_STOPS = set("\u3002\uff01\uff1f\uff1b\u2026\u201d\u2019\u300d\u300f\uff09")
