"""Numbers as printed -> floats.

Pure functions, no spaCy: numerals ("1,581", "2.48×10−5", "1/7", "2 1/2", "½"), number words
("Twelve", "a hundred and two", "three million, two hundred & forty", "two thirds"), ordinals
("first", "21st") and scale words ("130 million", "$2.174T"). The indicator component decides
*which* numbers matter; this module only says what a written number is worth.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

ONES = {
    "zero": 0, "nil": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
# Multipliers that close a group ("two hundred", "three million").
SCALES = {
    "hundred": 100.0, "thousand": 1e3, "lakh": 1e5, "million": 1e6, "crore": 1e7, "billion": 1e9,
    "trillion": 1e12, "quadrillion": 1e15,
}
# Written after numerals: "130 million", "3.5 bn", "5 mln".
SCALE_WORDS = {
    **SCALES, "hundreds": 100.0, "thousands": 1e3, "millions": 1e6, "billions": 1e9,
    "mn": 1e6, "mln": 1e6, "bn": 1e9, "bln": 1e9, "tn": 1e12, "trn": 1e12,
}
# Glued to a numeral after a currency sign ("$2.174T", "€10M", "£5bn"): only trusted there,
# because "10M" alone may be a molarity and "5T" a field strength.
SCALE_SUFFIXES = {"k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "mn": 1e6, "MM": 1e6, "b": 1e9, "B": 1e9,
                  "bn": 1e9, "Bn": 1e9, "t": 1e12, "T": 1e12, "tn": 1e12, "Tn": 1e12}
DOZENS = {"dozen": 12.0, "dozens": 12.0, "score": 20.0, "gross": 144.0}

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "hundredth": 100, "thousandth": 1000,
}
# Denominators written as words: "one sixth", "two thirds", "three halves", "a quarter".
FRACTION_WORDS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
    "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
    "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10,
    "hundredth": 100, "hundredths": 100, "thousandth": 1000, "thousandths": 1000,
}
VULGAR = {
    "½": 1 / 2, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 1 / 4, "¾": 3 / 4, "⅕": 1 / 5, "⅖": 2 / 5, "⅗": 3 / 5,
    "⅘": 4 / 5, "⅙": 1 / 6, "⅚": 5 / 6, "⅐": 1 / 7, "⅛": 1 / 8, "⅜": 3 / 8, "⅝": 5 / 8, "⅞": 7 / 8,
    "⅑": 1 / 9, "⅒": 1 / 10,
}
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
MINUS = "-−‒–—"  # the typesetter's minus signs; the caller decides whether a dash is a minus
NUMBER_WORDS = frozenset(ONES) | frozenset(TENS) | frozenset(SCALES) | frozenset(DOZENS)

_VULGAR_CLASS = "".join(VULGAR)
_SPACE = r"[ \u00a0\u2009\u202f]"
# One numeral at the start of the string. Thousands groups must be exactly three digits, so
# "245 23" is two numbers and "10 000" one; a space group is only taken after a 1-3 digit head.
# South Asian grouping ("2,32,822", "₹17,81,841 crore": lakh and crore) has two-digit groups
# before the last three. A fraction may be printed with U+2044 FRACTION SLASH ("1⁄4 inch").
NUMERAL_RE = re.compile(
    rf"""
    (?P<mixed>(?P<mint>\d+){_SPACE}(?P<mnum>\d+)[/⁄](?P<mden>\d+)(?![\d/⁄]))
    |(?P<vulgar>(?P<vint>\d+)?{_SPACE}?(?P<vch>[{_VULGAR_CLASS}]))
    |(?P<frac>(?P<fnum>\d+)[/⁄](?P<fden>\d+)(?![\d/⁄]))
    |(?P<dec>
        (?:\d{{1,2}}(?:,\d{{2}})+,\d{{3}}(?![\d])|\d{{1,3}}(?:,\d{{3}})+(?![\d])|\d{{1,3}}(?:{_SPACE}\d{{3}})+(?![\d,./])|\d+)(?:\.\d+)?
        |\.\d+
     )
     (?P<exp>[eE][+\-−]?\d+(?![\w]))?
     (?:{_SPACE}?[×x✕*·]{_SPACE}?(?P<base>\d+)(?:\^|{_SPACE}?(?=[\-−⁻]))?{_SPACE}?
        (?P<pow>[+\-−]?{_SPACE}?\d+|[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))?
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Numeral:
    """A numeral found at some position: its extent and what it is worth."""

    start: int
    end: int
    value: float
    form: str  # decimal | fraction | mixed | vulgar | power
    integer: bool  # written without decimals, fraction or exponent
    digits: str  # the digits as printed, separators removed ("162000"), for year/identifier tests


# More significant digits than a double holds: no measurement is written so, a code or junk is.
MAX_DIGITS = 17
# Decimal exponents beyond a double's range ("1e400"): 10.0 ** 400 raises OverflowError.
_MAX_EXPONENT = 300


def match_numeral(text: str, pos: int = 0) -> Numeral | None:
    """The numeral starting exactly at `pos` (no sign; see `signed_value`).

    Total over any input: a numeral whose value a float cannot hold ("1e400", 400 digits over
    "/7") is no number (None), never an exception, so one odd string cannot fail a document."""
    num = _match_numeral(text, pos)
    if num is None or not math.isfinite(num.value):
        return None
    return num


def _match_numeral(text: str, pos: int) -> Numeral | None:
    m = NUMERAL_RE.match(text, pos)
    if not m:
        return None
    if m.group("mixed"):
        num, den = _int(m.group("mnum")), _int(m.group("mden"))
        if 0 < num < den:
            return Numeral(pos, m.end(), _int(m.group("mint")) + num / den, "mixed", False, m.group(0))
        # Not a proper fraction ("16 9/7"): the leading integer stands alone.
        digits = m.group("mint")
        return Numeral(pos, pos + len(digits), float(digits), "decimal", True, digits)
    if m.group("vulgar"):
        whole = _int(m.group("vint")) if m.group("vint") else 0
        return Numeral(pos, m.end(), whole + VULGAR[m.group("vch")], "vulgar", False, m.group(0))
    if m.group("frac"):
        num, den = _int(m.group("fnum")), _int(m.group("fden"))
        if den == 0:
            return None  # "1/0" is not a number
        return Numeral(pos, m.end(), num / den, "fraction", False, m.group(0))
    raw = m.group("dec")
    digits = re.sub(r"[,\s\u00a0\u2009\u202f]", "", raw)
    value = float(digits)
    form, integer, end = "decimal", "." not in digits, m.end("dec")
    if m.group("exp"):
        value = _scaled(value, 10.0, m.group("exp")[1:].replace("\u2212", "-"))
        form, integer, end = "power", False, m.end("exp")
    if m.group("pow") is not None:
        base = _int(m.group("base"))
        power = re.sub(r"\s", "", m.group("pow").translate(SUPERSCRIPTS)).replace("\u2212", "-")
        # "3 x 4" is a dimension, not a power: only a base of 10 or an explicit "^" makes one.
        if base == 10 or "^" in m.group(0):
            try:
                value = _scaled(value, float(base), power)
                form, integer, end = "power", False, m.end("pow")
            except ValueError:
                pass
    return Numeral(pos, end, value, form, integer, digits)


def _int(digits: str) -> float:
    """A digit run as a float: "1" * 400 is inf, not an OverflowError in a later division."""
    return float(digits) if len(digits) > MAX_DIGITS else int(digits)


def _scaled(value: float, base: float, power: str) -> float:
    """value × base ** power, inf or 0 past a double's range instead of OverflowError."""
    if len(power.lstrip("+-").lstrip("0")) > 4:
        exponent = -10**6 if power.startswith("-") else 10**6  # "e+0000…1" or a 5,000-digit power
    else:
        exponent = int(power)
    if base > 1 and abs(exponent) * math.log10(base) > _MAX_EXPONENT:
        return math.inf if exponent > 0 and value else 0.0
    try:
        return value * base ** exponent
    except (OverflowError, ZeroDivisionError):
        return math.inf


def signed_value(text: str, num: Numeral) -> tuple[int, float]:
    """Start and value of a numeral, taking a minus sign written before it.

    A dash is a minus only when nothing number- or word-like is glued in front of it
    ("\u221227.2", "(-15", "$-99.99"); otherwise it joins a range or a compound ("5-10", "8-speed").
    """
    i = num.start - 1
    if i >= 0 and text[i] in MINUS:
        before = text[i - 1] if i >= 1 else " "
        if not (before.isalnum() or before in ".%)]\u00b0\u2030" or before in MINUS):
            return i, -num.value
    return num.start, num.value


def ordinal_value(word: str) -> int | None:
    """'first' -> 1, '21st' -> 21, 'twenty-first' -> 21, anything else -> None."""
    w = word.lower().replace("-", " ").strip()
    if w in ORDINALS:
        return ORDINALS[w]
    m = re.fullmatch(r"(\d{1,9})(?:st|nd|rd|th)", w)
    if m:
        return int(m.group(1))
    parts = w.split()
    if len(parts) == 2 and parts[0] in TENS and parts[1] in ORDINALS and ORDINALS[parts[1]] < 10:
        return TENS[parts[0]] + ORDINALS[parts[1]]
    return None


def parse_words(words: list[str]) -> list[tuple[int, int, float, str]]:
    """Split a run of number words into numbers: [(i, j, value, form)] over words[i:j].

    form is "cardinal" or "fraction". Handles "a hundred and two", "twenty - one",
    "three million , two hundred & forty", "two and a half", "one sixth", "two thirds",
    "three halves", "one - half", "a dozen". Words that form no number are skipped, so
    "one and two" gives two numbers and "and" alone gives none.
    """
    low = [w.lower() for w in words]
    out: list[tuple[int, int, float, str]] = []
    i, n = 0, len(low)
    while i < n:
        got = _parse_one(low, i)
        if got is None:
            i += 1
            continue
        j, value, form = got
        out.append((i, j, value, form))
        i = j
    return out


_JOINERS = ("-", "\u2013")


def _parse_one(low: list[str], i: int) -> tuple[int, float, str] | None:
    """Longest number starting at low[i]: (end, value, form) or None.

    A small state machine: `total` holds closed groups ("three million"), `group` the open part
    below a thousand, `prev` what the last consumed word was (ones, tens, hundred, scale).
    """
    n = len(low)
    k = i
    total, group, prev, last_scale = 0.0, 0.0, "", float("inf")
    if low[k] in ("a", "an"):
        nxt = low[k + 1] if k + 1 < n else ""
        if nxt in ("half", "quarter", "third"):
            return k + 2, 1 / FRACTION_WORDS[nxt], "fraction"
        if not (nxt in SCALES or nxt in DOZENS):
            return None
        group, prev = 1.0, "ones"  # "a hundred", "a dozen": the article means one
        k += 1
    end = i
    while k < n:
        w = low[k]
        if w in ONES or w in TENS:
            val = ONES.get(w, TENS.get(w, 0))
            if prev == "":
                group = float(val)
            elif prev == "tens" and w in ONES and 0 < val < 10:
                group += val  # "twenty one", "twenty-one"
            elif prev in ("hundred", "scale") and (prev == "scale" or group % 100 == 0):
                if prev == "hundred" and val >= 100:
                    break
                group += val  # "a hundred and two", "three million, two hundred"
            else:
                break  # "one two": a new number starts here
            prev = "tens" if w in TENS else "ones"
            end = k + 1
        elif w == "hundred" and prev in ("ones", "tens") and group < 100:
            group *= 100
            prev, end = "hundred", k + 1
        elif w in SCALES and w != "hundred" and prev in ("ones", "tens", "hundred") and SCALES[w] < last_scale:
            total += group * SCALES[w]
            group, last_scale = 0.0, SCALES[w]
            prev, end = "scale", k + 1
        elif w in DOZENS and prev in ("ones", "tens"):
            group *= DOZENS[w]
            prev, end = "scale", k + 1
        elif w in FRACTION_WORDS and prev in ("ones", "tens") and (end == k or end == k - 1 and low[k - 1] in _JOINERS):
            numerator = total + group
            # "one sixth", "two thirds", "three halves"; "twenty fifth" is an ordinal, not 20/5.
            if w in ("half", "halves") or numerator < FRACTION_WORDS[w]:
                return k + 1, numerator / FRACTION_WORDS[w], "fraction"
            break
        elif w in _JOINERS and prev in ("ones", "tens") and k + 1 < n and (
            (prev == "tens" and low[k + 1] in ONES) or low[k + 1] in FRACTION_WORDS
        ):
            pass  # "twenty-one", "one-half"
        elif w in ("and", "&", ",") and prev in ("hundred", "scale") and k + 1 < n and (
            low[k + 1] in ONES or low[k + 1] in TENS
        ):
            pass
        else:
            break
        k += 1
    if end == i:
        return None
    value = total + group
    # "two and a half", "one and a quarter"
    if end + 2 < n and low[end] == "and" and low[end + 1] in ("a", "one") and low[end + 2] in ("half", "quarter", "third"):
        return end + 3, value + 1 / FRACTION_WORDS[low[end + 2]], "cardinal"
    return end, value, "cardinal"


def scale_value(word: str) -> float | None:
    return SCALE_WORDS.get(word.lower())
