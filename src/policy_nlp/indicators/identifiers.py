"""Numbers that name things instead of measuring them: codes, labels, formulas, list numbers.

Pure reading of characters and tokens, no decisions about indicators: the quantity reader asks
"is the number at this position part of a code?" ("COVID-19", "AI–01/19", "B–737–8/-9",
"Ktzi201/2007", "Mg(ClO4)2", "ha−1"), "which tokens are labelled numbers?" ("Table 2",
"phases 3, 5 and 7", "Code 22, Auto flight; 27, Flight controls"), and "is this number a code by
its digits?" ("001", "040301", a run of 40 digits).
"""

from __future__ import annotations

import re
from typing import Container

from spacy.tokens import Doc

from .patterns import Found

# Dashes that glue a number to the code before it ("MAX-8", "ha−1", "hSOX2‐23").
_GLUE_DASHES = "-–−‐"
# The rest of a code after its first digits: more letters and digits, and separators that join
# two parts with no space ("AI–01/19", "737–8/-9", "Ktzi201/2007", "3-hexylthiophene-2,5-diyl").
_CODE_REST = re.compile(r"(?:[A-Za-z0-9]+|[-–−‐/]{1,2}(?=[A-Za-z0-9])|[.,](?=\d))+")
# "(0 = never, 1 = sometimes": a number that a coding scheme defines, not a figure.
_CODING = re.compile(r"[ \u00a0]?=[ \u00a0]?(?![=\d.-])")
_CODING_BEFORE = re.compile(r"(?:^|[(,;:]|\b(?:and|or))[ \u00a0]*$")
# Longest digit run a measurement is written with (a double holds 17 significant digits).
MAX_DIGITS = 17
# Words that, capitalised and followed by a number, are not a label ("USD 5", "GDP 3").
NOT_LABELS = {"USD", "RMB", "CNY", "EUR", "GBP", "JPY", "INR", "HKD", "AUD", "CAD", "CHF", "KRW", "SGD", "BRL", "RUB",
              "US", "AD", "BC", "CE", "BCE", "GDP", "AND", "OR", "THE", "OF", "IN", "ON", "BY", "TO", "FOR"}


def glued_to_code(text: str, start: int, num_start: int, second: bool) -> bool:
    """Is the number at `start` (its digits at `num_start`) glued to a name or formula before it?

    `second`: it follows a range connector, so a dash before it is no glue ("5–10")."""
    before = text[start - 1] if start > 0 else " "
    if before.isalpha() or before in "_@#&" or (before.isdigit() and start == num_start):
        return True  # "CO2", "Liu1", "E13": part of a name or formula
    if start >= 2 and before == "/" and text[start - 2].isalnum() and not second:
        return True  # "B–737–8/-9", "Δ/9": the rest of a code or formula after a slash
    if start != num_start or start < 2 or second:
        return False
    ahead = text[start - 2]
    if before in _GLUE_DASHES and ahead.isalnum():
        return True  # "COVID-19", "MAX-8", "ha−1", "hSOX2-23"
    if before == "+" and ahead.isalpha():
        return True  # "3f+1", "n+1": algebra
    if before == "(" and ahead.isalpha():
        return True  # "poly(3-hexylthiophene)", "f(2)": an argument, not an amount
    if before in ")]":
        opening = text.rfind("(" if before == ")" else "[", max(0, start - 40), start - 1)
        return opening > 0 and text[opening - 1].isalnum()  # "Mg(ClO4)2", "[Fe(Cat)3]3−": a subscript
    return False


def code_end(text: str, pos: int) -> int:
    """Where a code that reached `pos` ends: its letters, digits and joined parts are all one name."""
    m = _CODE_REST.match(text, pos)
    return m.end() if m else pos


def code_digits(digits: str, integer: bool) -> bool:
    """'001', '040301', forty digits in a row: written as a code, not as an amount."""
    if not integer or not digits.isdigit():
        return False
    return (len(digits) >= 2 and digits[0] == "0") or len(digits) > MAX_DIGITS


# "1.1: Establish ...", "2.3: Enhance ...": the number of an objective or list item, opening it.
_ENUM_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,2})?")
_ENUM_COLON = re.compile(r":[ \u00a0]+[A-Z][a-z]")
_ENUM_AFTER_BREAK = re.compile(r"(?:^|[.;:!?•)\n])[ \u00a0]*$")
# "150109-DSP-Milw-505", "2476-E": digits joined by a dash to capitals are a case or form number.
_CODE_AFTER = re.compile(r"[-–‐][A-Z]+(?![a-z])")
_MONTH_YEAR = re.compile(r"(?:0?[1-9]|1[0-2])[/⁄](?:1[89]|20)\d\d")


def enumeration_label(text: str, start: int, end: int) -> bool:
    """'1.1: Establish cybersecurity requirements 1.2: Scale ...': a numbered item, not an amount.

    A colon and a capitalised word follow the number ("a ratio of 3:1" and "at 10:30" have a
    digit there). A whole number must open a line or follow a sentence or item end; a numbered
    sub-item ("1.2") may follow the previous item's last word, as when a list is run into one line."""
    if _ENUM_NUMBER.fullmatch(text, start, end) is None or _ENUM_COLON.match(text, end) is None:
        return False
    return "." in text[start:end] or _ENUM_AFTER_BREAK.search(text, max(0, start - 40), start) is not None


def code_after(text: str, end: int) -> bool:
    """'150109-DSP-Milw-505', 'DCF-F-2476-E': digits joined by a dash to capitals name a case or form."""
    return _CODE_AFTER.match(text, end) is not None


def month_year(digits: str) -> bool:
    """'04/2014', '11/2015': a month and year written as a fraction (a form revision date)."""
    return _MONTH_YEAR.fullmatch(digits) is not None


# "2 Reliance at a Glance 4 Stakeholder Value-creation 6 Key Performance Indicators": page numbers of
# a table of contents run into one line, each before a capitalised title.
_CONTENTS_ENTRY = re.compile(r"(?<![\w.,/$€£¥₹%-])(\d{1,3})(?=(?:-[a-z]+)?[ \u00a0]+['‘“]?[A-Z])")
# Between two entries: a title with no sentence punctuation, whose last word is capitalised
# ("... at a Glance 4"); in prose a count follows a small word ("have 3 Ministries and 5 Provinces").
_CONTENTS_GAP = re.compile(r"[^.!?;,:\n]{1,80}[ \u00a0][A-Z][\w'’)-]*[ \u00a0]+")
_MIN_CONTENTS_RUN = 3


def contents_numbers(text: str) -> set[int]:
    """Start offsets of numbers that are page numbers of a contents listing: three or more, each
    before a capitalised title, rising, with no sentence punctuation between them."""
    out: set[int] = set()
    run: list[tuple[int, int]] = []  # (start, value)
    for m in _CONTENTS_ENTRY.finditer(text):
        start, value = m.start(), int(m.group(1))
        if run and value > run[-1][1] and _CONTENTS_GAP.fullmatch(text, run[-1][0] + len(str(run[-1][1])), start):
            run.append((start, value))
            continue
        if len(run) >= _MIN_CONTENTS_RUN:
            out.update(s for s, _ in run)
        run = [(start, value)]
    if len(run) >= _MIN_CONTENTS_RUN:
        out.update(s for s, _ in run)
    return out


def coding_label(text: str, start: int, end: int) -> bool:
    """'(0 = less than one day, 1 = 1–2 days': a number that a scale or code list defines."""
    return _CODING.match(text, end) is not None and _CODING_BEFORE.search(text, max(0, start - 8), start) is not None


def labelled_tokens(doc: Doc, found: Found, currency_signs: Container[str] = ()) -> set[int]:
    """Numbers labelled by the word before them ("Table 2", "phases 3, 5 and 7") or after ("14 CFR").

    A currency code before a number is no label ("ZAR 450", "NZD 40")."""
    out: set[int] = set()
    for s, e in found.get("IDENT"):
        k = e - 1
        out.add(k)
        while True:
            k = _item_end(doc, k)
            nxt = _next_item(doc, k)
            if nxt is None:
                break
            k = nxt
            out.add(k)
    for s, e in found.get("IDENT_AFTER"):
        out.add(s)
    for s, e in found.get("IDENT_CAPS"):
        word = doc[s].text
        if len(word) >= 2 and word not in NOT_LABELS and word not in currency_signs:
            out.add(e - 1)
    return out


def _item_end(doc: Doc, k: int) -> int:
    """The last token of the list item whose number is token k."""
    while True:
        if k + 3 < len(doc) and doc[k + 1].text == "(" and doc[k + 3].text == ")" and len(doc[k + 2].text) <= 3:
            k += 3  # "106(g), 40113": a paragraph mark after a section number does not end the list
        elif k + 1 < len(doc) and doc[k + 1].text == ")" and "(" in doc[k].text:
            k += 1  # the tokenizer keeps "106(g" together and splits off the ")"
        elif k + 1 < len(doc) and len(doc[k + 1].text) == 1 and doc[k + 1].is_alpha and not doc[k].whitespace_:
            k += 1  # "Figures 3K and 3L": a panel letter glued to the number
        else:
            return k


def _next_item(doc: Doc, k: int) -> int | None:
    """The number of the next item of a label list after token k, or None where the list ends."""
    n = len(doc)
    # "Code 22, Auto flight; 27, Flight controls; and 31, ...": items named after a comma, ";" between
    if k + 2 < n and doc[k + 1].text == "," and doc[k + 2].is_title:
        j = k + 2
        while j < n and j - k < 10 and doc[j].text not in (";", "."):
            j += 1
        if j + 1 < n and doc[j].text == ";":
            j += 1
            if j < n and doc[j].lower_ in ("and", "or"):
                j += 1
            if j + 1 < n and doc[j].text[:1].isdigit() and doc[j + 1].text == ",":
                return j
        return None
    # the connector: ",", "and", "or", "&", "to", a dash, or ", and" before the last item
    step = 3 if k + 2 < n and doc[k + 1].text == "," and doc[k + 2].lower_ in ("and", "or") else 2
    if not (k + step < n and doc[k + 1].text in (",", "and", "or", "&", "–", "-", "to")
            and any(c.isdigit() for c in doc[k + step].text[:2])):
        return None
    after = doc[k + step + 1] if k + step + 1 < n else None
    if step == 2 and doc[k + 1].text == "," and after is not None and after.is_alpha and after.lower_ not in ("and", "or"):
        return None  # "Fig. 10, 350 electrons": a new number, not the next label
    return k + step
