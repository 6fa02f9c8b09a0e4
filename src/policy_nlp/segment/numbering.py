"""Section numbers: which style a number is in, how deep it sits, and which numbers follow which."""

from __future__ import annotations

import re

CJK_DIGITS = "一二三四五六七八九十"
# Section numbers, each alternative one numbering style: "2.1", "IV.", "C.", "(3)", "(II)", "(b)",
# and the styles of Chinese papers: "一、", "（三）", "第二章" / "第二节". Letters past "h" are
# accepted here and kept only when they continue a sequence (`in_sequence`): "(i)" after "(h)".
_NUMBERED = re.compile(
    r"^(?P<num>(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?)|(?:[IVX]{1,5}\.)|(?:[A-Z]\.)|(?:\(\d{1,2}\)))\s+(?P<text>\S.*)$"
    r"|^(?P<word>(?i:part|chapter|section|article|annex|appendix|chapitre|partie|annexe)\s+(?:[IVX]{1,5}|\d{1,2}|[A-Z]))"
    r"\s*[-\u2013\u2014:.]\s*(?P<wtext>\S.*)$"
    r"|^(?P<paren>[(（](?:[IVX]{1,5}|[ivx]{1,5}|[a-z]|[A-Z]|[%s]{1,3})[)）])\s*(?P<ptext>\S.*)$"
    r"|^(?P<cjk>[%s]{1,3}[、.．]|\d{1,2}\s?、|第[%s\d]{1,3}[章节部分篇]+)\s*(?P<ctext>\S.*)$"
    # "(1)发展现状", "（1）发展现状": Arabic numbers in brackets right before Chinese text
    r"|^(?P<cparen>[(（]\d{1,2}[)）])\s*(?P<cptext>[\u4e00-\u9fff“\"].*)$" % (CJK_DIGITS, CJK_DIGITS, CJK_DIGITS)
)
_FREE_LETTERS = "abcdefgh"  # letters that may open a sequence; later ones must continue one


def split_number(text: str) -> tuple[str, str]:
    """("2.1", "Rest of heading") or ("", text)."""
    match = _NUMBERED.match(text)
    if not match:
        return "", text
    for num, rest in (("num", "text"), ("word", "wtext"), ("paren", "ptext"), ("cjk", "ctext"), ("cparen", "cptext")):
        if match.group(num):
            # "1 、资产负债表": a space before the Chinese enumeration comma
            return match.group(num).rstrip(".．、 "), match.group(rest).lstrip("、 ")
    return "", text


def style_of(number: str) -> tuple[str, int]:
    """The numbering style of a section number, and how deep it is inside that style ("2.1.3": 2)."""
    if re.fullmatch(r"\d+(\.\d+)*", number):
        return "decimal", number.count(".")
    if re.match(r"[^\W\d]{4,}\s", number):  # "PART II", "Chapter 6": its own style, on top
        return "word:" + number.split()[0].lower(), 0
    if number.startswith("第"):
        return "chapter" if number.endswith(("章", "部分", "篇")) else "chapter-section", 0
    if number[:1] in "(（":
        inner = number[1:-1]
        if inner.isdigit():
            return "(decimal)", 0
        if re.fullmatch(r"[IVX]+", inner):
            return "(ROMAN)", 0
        if re.fullmatch(r"[ivx]+", inner):
            return "(roman)", 0
        if inner[:1] in CJK_DIGITS:
            return "(cjk)", 0
        return "(letter)", 0
    if re.fullmatch(r"[IVX]+", number):
        return "ROMAN", 0
    if number[:1] in CJK_DIGITS:
        return "cjk", 0
    return "letter", 0


def _letter(number: str) -> str:
    inner = number.strip("()（）")
    return inner if len(inner) == 1 and inner.isalpha() and inner.isascii() else ""


def resolve_letters(numbers: list[str]) -> list[str]:
    """Styles in document order, with single roman letters read as letters where they continue
    a letter sequence: "(h)" then "(i)" is a letter, "(i)" then "(ii)" is roman."""
    styles = []
    previous_letter: dict[bool, str] = {}  # parenthesised or not -> last letter seen in that form
    for number in numbers:
        style, _ = style_of(number)
        letter = _letter(number)
        paren = number[:1] in "(（"
        if letter:
            last = previous_letter.get(paren, "")
            if last and ord(letter.lower()) == ord(last.lower()) + 1 and letter.isupper() == last.isupper():
                style = "(letter)" if paren else "letter"
            if style in ("(letter)", "letter"):
                previous_letter[paren] = letter
        styles.append(style)
    return styles


def in_sequence(numbers: list[str]) -> list[bool]:
    """Whether each number may stand: letters past "h" only right after their predecessor; a
    plain number at most two past the highest so far (one missed heading is allowed for)."""
    keep = []
    last: dict[bool, str] = {}
    top = 0  # the highest plain section number kept so far
    for number in numbers:
        letter = _letter(number)
        paren = number[:1] in "(（"
        if number.isdigit():
            # "14 CFR Part 39" is not section 14 of a document whose sections so far reach 2
            ok = int(number) <= top + 2
            keep.append(ok)
            top = max(top, int(number)) if ok else top
            continue
        if not letter:
            keep.append(True)
            continue
        previous = last.get(paren, "")
        ok = letter.lower() in _FREE_LETTERS or (previous and ord(letter.lower()) == ord(previous.lower()) + 1)
        ok = ok or letter.lower() in "ivx"  # "I.", "(v)": roman numerals opening their own sequence
        keep.append(bool(ok))
        if ok:
            last[paren] = letter
    return keep


def numbered_levels(numbers: list[str]) -> list[int]:
    """Levels of numbered headings, in document order.

    A style takes its level where it first appears: one below the numbered heading before it
    ("I." then "(I)" then "1." reads 1, 2, 3 in a Chinese policy paper; "2.1" then "(1)" reads 2, 3
    in a proceedings paper). Decimal numbers nest by their dots ("2.1.3" is two below "2")."""
    levels: list[int] = []
    styles = resolve_letters(numbers)
    # "第一节" sits under "第一章" where the document has chapters; without them its sections are on top
    # (a company's quarterly report: 第一节 重要提示, 第二节 公司基本情况 ...).
    style_level: dict[str, int] = {"chapter": 1, "chapter-section": 2 if "chapter" in styles else 1}
    previous = 0
    for number, style in zip(numbers, styles):
        depth = style_of(number)[1] if style == "decimal" else 0
        if style.startswith("word:"):
            style_level[style] = 1  # "PART II", "Annexe A", "Chapter 6" head the whole document's parts
        if style not in style_level:
            style_level[style] = previous + 1 - depth if style == "decimal" else previous + 1
            style_level[style] = max(1, style_level[style])
        level = style_level[style] + depth
        levels.append(level)
        previous = level
    return levels


def missing_parents(numbers: list[str]) -> list[tuple[int, str]]:
    """(position, number) of decimal parents never seen before their children: "3.1" with no "3"
    before it means heading "3" was missed."""
    seen = set()
    out = []
    for i, number in enumerate(numbers):
        if re.fullmatch(r"\d+(\.\d+)+", number):
            parent = number.rsplit(".", 1)[0]
            if parent not in seen and number.endswith(".1"):
                out.append((i, parent))
                seen.add(parent)
        seen.add(number)
    return out


_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def between(a: str, b: str) -> str:
    """The number that should stand between two numbers of one style one apart from it ("I", "III"
    -> "II"; "2", "4" -> "3"; "A", "C" -> "B"), or ""."""
    if a.isdigit() and b.isdigit() and int(b) - int(a) == 2:
        return str(int(a) + 1)
    if a in _ROMAN and b in _ROMAN and _ROMAN.index(b) - _ROMAN.index(a) == 2:
        return _ROMAN[_ROMAN.index(a) + 1]
    if len(a) == len(b) == 1 and a.isalpha() and b.isalpha() and a.isupper() == b.isupper() and ord(b) - ord(a) == 2:
        return chr(ord(a) + 1)
    return ""
