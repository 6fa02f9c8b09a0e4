"""Text clean-up: Unicode normalisation, line joining and de-hyphenation."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u0132": "IJ",
    "\u0133": "ij",
    "\u0152": "OE",
    "\u0153": "oe",
}
# Hyphen look-alikes become "-" so numbers ("2020\u20132025" stays an en dash on purpose:
# it marks ranges, which the indicator stage reads).
_HYPHENS = {"\u2010": "-", "\u2011": "-", "\u2043": "-", "\u00ad": ""}
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\r\f\v]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_MULTI_SPACE = re.compile(r" {2,}")
_TRANSLATE = str.maketrans({**_LIGATURES, **_HYPHENS})


def normalize_text(text: str) -> str:
    """Ligatures expanded, odd spaces made plain, zero-width and soft hyphens dropped."""
    text = unicodedata.normalize("NFC", text.translate(_TRANSLATE))
    text = _ZERO_WIDTH.sub("", _SPACES.sub(" ", text))
    return _MULTI_SPACE.sub(" ", text).strip()


@lru_cache(maxsize=1)
def english_zipf() -> dict[str, float]:
    """Word frequencies (Zipf scale) for deciding hyphen breaks; shipped in models/."""
    from ..config import models_dir

    table: dict[str, float] = {}
    path = Path(models_dir()) / "english_zipf.tsv"
    with path.open(encoding="utf-8") as fh:
        for row in fh:
            if row.startswith("#"):
                continue
            word, _, zipf = row.rstrip("\n").partition("\t")
            table[word] = float(zipf)
    return table


_WORD = re.compile(r"[A-Za-z]+")
_BROKEN_TAIL = re.compile(r"([A-Za-z]+)-$")
_HEAD = re.compile(r"^([A-Za-z]+)")
# A joined word this common is a word in its own right ("something", "workforce");
# rarer joins of two real words are compounds ("long-term", "heavy-duty").
_COMMON_JOINED = 3.0


def join_hyphenated(left: str, right: str, doc_words: Mapping[str, int] | None = None) -> bool:
    """True when "left-" + "right" at a line break is one word broken in two.

    Evidence in order: how the document spells it elsewhere, whether the pieces
    are words on their own, how common the joined word is.
    """
    if not right or not right[0].islower():
        return False  # "non-/EU", "COVID-/19": keep the hyphen
    joined = (left + right).lower()
    if doc_words:
        if doc_words.get(f"{left.lower()}-{right.lower()}", 0):
            return False
        if doc_words.get(joined, 0):
            return True
    zipf = english_zipf()
    left_is_word = len(left) > 1 and left.lower() in zipf
    right_is_word = len(right) > 1 and right.lower() in zipf
    if not (left_is_word and right_is_word):
        return True
    return zipf.get(joined, 0.0) >= _COMMON_JOINED


_DASH_TAIL = re.compile(r"(\S+)[\u2013-]$")
_OPENERS = "([{\"'\u2018\u201c"


def _identifier_dash(text: str) -> bool:
    """True when `text` ends with a dash attached to a number or capital-letter identifier ("737–", "FAA-")."""
    if not text.endswith(("-", "\u2013")):
        return False
    tail = _DASH_TAIL.search(text)
    if not tail:
        return False
    token = tail.group(1).lstrip(_OPENERS)
    return bool(token) and (token[-1].isdigit() or token[-1].isupper()) and not any(c.islower() for c in token)


def join_lines(lines: Iterable[str], doc_words: Mapping[str, int] | None = None) -> str:
    """Join the lines of one paragraph, re-joining words broken at line ends."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        if _identifier_dash(out) and line[0].isalnum():
            out = out + line  # "FAA–2020–" / "0686", "737–" / "9", "COVID-" / "19": one identifier
            continue
        tail = _BROKEN_TAIL.search(out)
        head = _HEAD.match(line)
        if tail and head:
            if join_hyphenated(tail.group(1), head.group(1), doc_words):
                out = out[:-1] + line
            else:
                out = out + line
        elif out.endswith("-") and line[:1].isdigit():
            out = out + line  # "2020-" / "2025": a broken range
        else:
            out = out + " " + line
    return out


def word_counts(texts: Iterable[str]) -> Counter[str]:
    """Lower-cased words and hyphenated compounds seen inside lines (not at their ends)."""
    counts: Counter[str] = Counter()
    for text in texts:
        body = text[:-1] if text.endswith("-") else text
        for token in body.split():
            token = token.strip(".,;:()[]\"'!?").lower()
            if token and _WORD.fullmatch(token.replace("-", "")):
                counts[token] += 1
    return counts


_SENTENCE_END = re.compile(r"[.!?:;)\]\"'\u201d]$")


def continues(previous: str, following: str) -> bool:
    """True when `following` carries on the paragraph `previous` (across a column or page break)."""
    if not previous or not following:
        return False
    if previous.endswith("-") and following[:1].islower():
        return True
    return not _SENTENCE_END.search(previous) and following[:1].islower()


def document_paragraphs(doc) -> list[str]:
    """Block texts in reading order; a paragraph split by a column or page break is made whole.

    Footnotes (kind "footnote") sit after their page's body: a body paragraph goes on past them to
    its rest on the next page, and a note is never joined to body text (one note carried over to
    the next column joins its own rest)."""
    counts = None
    paragraphs: list[str] = []
    kinds: list[str] = []
    for block in doc.blocks():
        text = block.text
        into = joins_paragraph(kinds, block.kind)
        if into is not None and continues(paragraphs[into], text):
            if counts is None:
                counts = word_counts(line.text for line in doc.lines())
            paragraphs[into] = join_lines([paragraphs[into], text], counts)
        else:
            paragraphs.append(text)
            kinds.append(block.kind)
    return paragraphs


def joins_paragraph(kinds: list[str], kind: str) -> int | None:
    """Index of the paragraph a block of `kind` may carry on, given the kinds of the paragraphs so
    far, or None. Body text carries on the last paragraph when it is body text, reaching back over
    footnotes only; a footnote carries on only a footnote right before it."""
    if not kinds:
        return None
    if kind == "footnote":
        return len(kinds) - 1 if kinds[-1] == "footnote" else None
    if kind != "text":
        return None
    index = len(kinds) - 1
    while index >= 0 and kinds[index] == "footnote":
        index -= 1
    return index if index >= 0 and kinds[index] == "text" else None
