"""Character offsets to token spans, without spaCy's Doc.char_span.

Doc.char_span builds Token objects to align a span; the component asks for thousands of spans per
second, so the token start offsets are read once per Doc (one array copy) and searched by bisection.
Alignment is spaCy's "expand": the span covers every token that the characters touch.
"""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span

_BOUNDS_KEY = "policy_nlp.token_bounds"


def token_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Start and end character of every token, cached on the Doc."""
    cached = doc.user_data.get(_BOUNDS_KEY)
    if cached is None or len(cached[0]) != len(doc):
        if len(doc):
            array = doc.to_array(["IDX", "LENGTH"])
            starts = array[:, 0].tolist()
            ends = (array[:, 0] + array[:, 1]).tolist()
        else:
            starts, ends = [], []
        cached = (starts, ends)
        doc.user_data[_BOUNDS_KEY] = cached
    return cached


def char_span(doc: Doc, start: int, end: int) -> Span | None:
    """The tokens that characters [start, end) touch, or None when they touch none."""
    starts, ends = token_bounds(doc)
    first = bisect.bisect_right(starts, start) - 1
    if first < 0:
        first = 0
    elif start >= ends[first]:
        first += 1  # start falls in the whitespace after a token
    last = bisect.bisect_left(starts, end)
    if last <= first:
        return None
    return doc[first:last]


def token_at(doc: Doc, char: int) -> int:
    """Index of the token at character `char`, or of the next one when `char` is whitespace."""
    starts, ends = token_bounds(doc)
    first = bisect.bisect_right(starts, char) - 1
    if first < 0:
        return 0
    return first + 1 if char >= ends[first] else first
