"""Heading detection from font size, weight and numbering relative to the body text."""

from __future__ import annotations

import re
from collections import Counter

from ..model import Block, Document, Heading

_CJK_DIGITS = "一二三四五六七八九十"
# Section numbers, each alternative one numbering style: "2.1", "IV.", "C.", "(3)", "(II)", "(b)",
# and the styles of Chinese papers: "一、", "（三）", "第二章" / "第二节".
_NUMBERED = re.compile(
    r"^(?P<num>(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?)|(?:[IVX]{1,5}\.)|(?:[A-H]\.)|(?:\(\d{1,2}\)))\s+(?P<text>\S.*)$"
    r"|^(?P<paren>[(（](?:[IVX]{1,5}|[ivx]{1,5}|[a-h]|[A-H]|[%s]{1,3})[)）])\s*(?P<ptext>\S.*)$"
    r"|^(?P<cjk>[%s]{1,3}[、.．]|第[%s\d]{1,3}[章节部分篇]+)\s*(?P<ctext>\S.*)$" % (_CJK_DIGITS, _CJK_DIGITS, _CJK_DIGITS)
)
_UNNUMBERED_NAMES = re.compile(
    r"^(abstract|keywords?|key words|acknowledge?ments?|references|bibliography|notes|appendix(?:\s+[A-Z0-9]+)?|"
    r"introduction|conclusions?|summary|executive summary|contents)\b[.:]?$",
    re.IGNORECASE,
)
_RUN_IN = re.compile(
    r"^(?P<label>abstract|keywords|key words|index terms|acknowledge?ments?|funding)\s*[.:\u2014\u2013-]\s*(?=\S)",
    re.IGNORECASE,
)
_CAPTION = re.compile(r"^(table|figure|fig\.|chart|box|source|note)s?\s*[0-9ivx]*[.:]?\s", re.IGNORECASE)
_MAX_CHARS = 160


def body_style(doc: Document) -> tuple[float, bool]:
    """Font size and boldness of the bulk of the text, weighted by characters."""
    sizes: Counter = Counter()
    bold: Counter = Counter()
    for line in doc.lines():
        sizes[round(line.size, 1)] += len(line.text)
        bold[line.bold] += len(line.text)
    if not sizes:
        return 10.0, False
    return sizes.most_common(1)[0][0], bold.most_common(1)[0][0]


def _numbering(text: str) -> tuple[str, str]:
    match = _NUMBERED.match(text)
    if not match:
        return "", text
    for num, rest in (("num", "text"), ("paren", "ptext"), ("cjk", "ctext")):
        if match.group(num):
            return match.group(num).rstrip(".．、"), match.group(rest)
    return "", text


def _style(number: str) -> tuple[str, int]:
    """The numbering style of a section number, and how deep it is inside that style ("2.1.3": 2)."""
    if re.fullmatch(r"\d+(\.\d+)*", number):
        return "decimal", number.count(".")
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
        if inner[:1] in _CJK_DIGITS:
            return "(cjk)", 0
        return "(letter)", 0
    if re.fullmatch(r"[IVX]+", number):
        return "ROMAN", 0
    if number[:1] in _CJK_DIGITS:
        return "cjk", 0
    return "letter", 0


def _numbered_levels(numbers: list[str]) -> list[int]:
    """Levels of numbered headings, in document order.

    A style takes its level where it first appears: one below the numbered heading before it
    ("I." then "(I)" then "1." reads 1, 2, 3 in a Chinese policy paper; "2.1" then "(1)" reads 2, 3
    in a proceedings paper). Decimal numbers nest by their dots ("2.1.3" is two below "2")."""
    levels: list[int] = []
    style_level: dict[str, int] = {"chapter": 1, "chapter-section": 2}
    previous = 0
    for number in numbers:
        style, depth = _style(number)
        if style not in style_level:
            style_level[style] = previous + 1 - depth if style == "decimal" else previous + 1
            style_level[style] = max(1, style_level[style])
        level = style_level[style] + depth
        levels.append(level)
        previous = level
    return levels


def _looks_like_heading(block: Block, body_size: float, body_bold: bool) -> bool:
    text = block.text.strip()
    if not text or len(text) > _MAX_CHARS or len(block.lines) > 3:
        return False
    if not any(ch.isalpha() for ch in text) or _CAPTION.match(text):
        return False
    larger = block.size >= body_size + 0.8
    number, rest = _numbering(text)
    italic = all(re.search(r"italic|oblique", line.font, re.IGNORECASE) for line in block.lines)
    # Italic alone marks emphasis in running text too; with a number it marks a heading.
    emphasised = (block.bold and not body_bold) or (italic and bool(number))
    if number and not (rest[:1].isupper() or "\u2e80" <= rest[:1] <= "\u9fff"):
        return False
    if text.endswith((".", ",", ";")) and not _UNNUMBERED_NAMES.match(text):
        return False
    if larger or emphasised:
        return True
    return bool(_UNNUMBERED_NAMES.match(text)) and block.size >= body_size - 0.2 and len(block.lines) == 1


def detect_title(doc: Document) -> str:
    """The largest text near the top of page 1."""
    if not doc.pages or not doc.pages[0].blocks:
        return ""
    first = doc.pages[0]
    upper = [b for b in first.blocks if b.bbox[1] < first.height * 0.5 and len(b.text) <= 300]
    if not upper:
        return ""
    biggest = max(upper, key=lambda b: b.size)
    body_size, _ = body_style(doc)
    if biggest.size < body_size + 1.5:
        return ""
    biggest.kind = "title"
    return biggest.text


def detect_headings(doc: Document) -> list[Heading]:
    """Mark heading blocks and return the outline, with levels from numbering and font size."""
    body_size, body_bold = body_style(doc)
    if not doc.title:
        doc.title = detect_title(doc)
    candidates: list[tuple[int, Block, str, str, bool]] = []
    for index, block in enumerate(doc.blocks()):
        if block.kind == "title":
            continue
        if _looks_like_heading(block, body_size, body_bold):
            number, text = _numbering(block.text.strip())
            candidates.append((index, block, number, text, False))
        elif (match := _RUN_IN.match(block.text)) and block.kind == "text":
            candidates.append((index, block, "", match.group("label"), True))
    # Author names and affiliations above the abstract are not headings.
    opening = next((i for i, (_, b, n, t, _) in enumerate(candidates) if n or _UNNUMBERED_NAMES.match(t)), 0)
    candidates = [c for i, c in enumerate(candidates) if i >= opening or c[1].page > 1]
    # Unnumbered headings take their level from font size: biggest size = level 1.
    sizes = sorted({round(b.size) for _, b, n, t, run_in in candidates if not n and not run_in and not _UNNUMBERED_NAMES.match(t)}, reverse=True)
    numbered = iter(_numbered_levels([n for _, _, n, _, _ in candidates if n]))
    depth = {id(b): next(numbered) for _, b, n, _, _ in candidates if n}
    numbered_sizes = {round(b.size): depth[id(b)] for _, b, n, _, _ in candidates if n}
    outline: list[Heading] = []
    for index, block, number, text, run_in in candidates:
        if number:
            level = depth[id(block)]
        elif run_in or _UNNUMBERED_NAMES.match(text):
            level = 1
        elif round(block.size) in numbered_sizes:
            level = numbered_sizes[round(block.size)]
        else:
            level = sizes.index(round(block.size)) + 1
        if not run_in:
            block.kind = "heading"
        label = text.strip().rstrip(".:").strip()
        outline.append(Heading(text=label, level=min(level, 4), page=block.page, number=number, block=index, run_in=run_in))
    return outline
