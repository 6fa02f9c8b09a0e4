"""The language of a text by its script: Chinese ("zh") or English ("en").

Script is enough to tell the two apart, and it costs one pass over the characters (no model):
Chinese writes about one character per morpheme, English about five letters per word, so a text
is Chinese when its Han characters outnumber a fifth of its Latin letters (an English passage that
quotes a Chinese name, or a Chinese one with "5G" and "GDP" in it, keeps its language). Other
Latin-script languages read as "en": telling French from English needs words, not script.
"""

from __future__ import annotations

from typing import Iterable

from .vocabulary import check_choice

LANGUAGES = ("en", "zh")
# Latin letters a Han character stands for when the two are weighed (≈ letters per English word).
LETTERS_PER_HAN = 5


def is_han(ch: str) -> bool:
    """CJK Unified Ideographs and extension A, and the compatibility block."""
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def has_han(text: str) -> bool:
    return any(is_han(ch) for ch in text)


def script_counts(text: str) -> tuple[int, int]:
    """(Han characters, Latin letters) of `text`."""
    han = latin = 0
    for ch in text:
        if ch.isascii():
            if ch.isalpha():
                latin += 1
        elif is_han(ch):
            han += 1
        elif ch.isalpha() and ord(ch) < 0x250:  # accented Latin letters (é, ü, ß ...)
            latin += 1
    return han, latin


def language_of_counts(han: int, latin: int) -> str:
    if han == 0 and latin == 0:
        return ""
    return "zh" if han * LETTERS_PER_HAN > latin else "en"


def detect_language(text: str) -> str:
    """"zh", "en", or "" when the text has no letters at all (a row of figures)."""
    return language_of_counts(*script_counts(text))


def language_of_texts(texts: Iterable[str]) -> str:
    """The language of several texts read as one (a document: all its passages)."""
    han = latin = 0
    for text in texts:
        h, l = script_counts(text)
        han += h
        latin += l
    return language_of_counts(han, latin)


def assign_languages(doc) -> None:
    """Set `doc.language` and each passage's `language` (called by the segment stage once the
    passages exist). A passage without letters (figures only) takes the document's language."""
    texts = [p.text for p in doc.passages] or [doc.title, *(b.text for b in doc.blocks())]
    doc.language = language_of_texts(texts)
    for passage in doc.passages:
        passage.language = detect_language(passage.text) or doc.language


def check_language(value: str | None) -> str | None:
    """A --lang value: None, or one of LANGUAGES (ChoiceError names the known ones)."""
    if value is None:
        return None
    return check_choice("language", value.strip().lower(), LANGUAGES)
