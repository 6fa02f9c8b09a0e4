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
# Full-width digits become ASCII; full-width "．", "％" and the thousands "，" only where they are
# part of a number ("16．2％" -> "16.2%", "1，234" -> "1,234"): elsewhere "，" is a Chinese comma.
_FULL_WIDTH_DIGITS = {chr(0xFF10 + i): str(i) for i in range(10)}
_TRANSLATE = str.maketrans({**_LIGATURES, **_HYPHENS, **_FULL_WIDTH_DIGITS})
_NUMBER_POINT = re.compile(r"(?<=\d)．(?=\d)")
_NUMBER_PERCENT = re.compile(r"(?<=\d)\s?％")
_NUMBER_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?:\D|$))")
# Chinese, Japanese and Korean characters, and the full-width punctuation set beside them: a line
# break next to one is no word break, so lines join without a space.
CJK = "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{CJK}]")
# A line break inside a phrase of Chinese: between two CJK characters or full-width signs, or
# between one and a Latin word or number ("5G" | "基站", "16.2" | "万个").
_CJK_BREAK = re.compile(f"(?<=[{CJK}])[ \t]*\n[ \t]*|[ \t]*\n[ \t]*(?=[{CJK}])")


def normalize_text(text: str) -> str:
    """Ligatures expanded, odd spaces made plain, zero-width and soft hyphens dropped, full-width
    digits and the full-width signs of numbers made ASCII."""
    text = unicodedata.normalize("NFC", text.translate(_TRANSLATE))
    if "\uff0e" in text or "\uff05" in text or "\uff0c" in text:
        text = _NUMBER_THOUSANDS.sub(",", _NUMBER_PERCENT.sub("%", _NUMBER_POINT.sub(".", text)))
    text = _ZERO_WIDTH.sub("", _SPACES.sub(" ", text))
    return _MULTI_SPACE.sub(" ", text).strip()


def is_cjk(char: str) -> bool:
    """A CJK character or full-width sign."""
    return bool(char) and bool(_CJK_CHAR.match(char))


def has_cjk(text: str) -> bool:
    return _CJK_CHAR.search(text) is not None


def cjk_glue(left: str, right: str) -> str:
    """What goes between two pieces of text joined at a line break: nothing when either side of
    the break is Chinese ("严重不" + "足", "24" + "万架"), else a space."""
    return "" if left and right and (is_cjk(left[-1]) or is_cjk(right[0])) else " "


def flatten_breaks(text: str) -> str:
    """Line breaks of wrapped text made single spaces, or nothing next to Chinese."""
    if "\n" not in text:
        return text
    return re.sub(r"\s*\n\s*", " ", _CJK_BREAK.sub("", text))


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
            out = out + cjk_glue(out, line) + line
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
# Full-width signs that end a Chinese sentence, a label or a bracket: nothing carries on after them.
_CJK_ENDS = set("。！？；：）」』】”")


def continues(previous: str, following: str) -> bool:
    """True when `following` carries on the paragraph `previous` (across a column or page break)."""
    if not previous or not following:
        return False
    if previous.endswith("-") and following[:1].islower():
        return True
    if is_cjk(previous[-1]) and previous[-1] not in _CJK_ENDS and (is_cjk(following[0]) or following[0].isdigit()):
        return True  # a Chinese sentence cut by a column or page break: "…数字" | "经济…"
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
