"""The year a document is from, read from its printed text.

PDF metadata is left alone on purpose: creation dates are usually the date a file was
converted or downloaded, not the date of the report. Citation years are left out too, since
they date the works cited, not the document citing them.

Order of evidence:
1. dates printed as datelines on page 1 ("June 2023", "2023-06-15", "February 24, 2017",
   "2020年3月", "Annual Report 2021-22"): the latest of them;
2. otherwise the latest year the body reports, whether as a report date ("As of 2022",
   "In March 2023", "截至2022年") or a plain year ("the 2023 Action Plan").
Years in reference lists and citations are ignored; future targets ("by 2035") only count
when nothing else dates the text.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ..model import Document

_MONTHS = {
    **{m: i for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december"], 1)},
    **{m: i for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)},
    "sept": 9,
    # French and German month names: regional plans in the corpus print them.
    **{m: i for i, m in enumerate(
        ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
         "octobre", "novembre", "décembre"], 1)},
    **{m: i for i, m in enumerate(
        ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
         "oktober", "november", "dezember"], 1)},
}
_MONTH = "(?:" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\.?"
_YEAR = r"(?:19|20)\d\d"

_DATES = [
    # February 24, 2017 / June 2023 / November - 2015 / Fri, Feb 24, 2017
    re.compile(rf"\b{_MONTH}\s*(?:\d{{1,2}}(?:st|nd|rd|th)?\s*,?\s*)?[-–,]?\s*({_YEAR})\b", re.I),
    # 24 February 2017
    re.compile(rf"\b\d{{1,2}}\.?\s+{_MONTH},?\s+({_YEAR})\b", re.I),
    # 2023-06-15, 2023/06/15, 2023.06.15
    re.compile(rf"\b({_YEAR})[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])\b"),
    # 06/15/2023, 15.06.2023, 12/3/14
    re.compile(r"\b(?:0?[1-9]|[12]\d|3[01])[/.](?:0?[1-9]|[12]\d|3[01])[/.]((?:19|20)\d\d|\d\d)\b"),
    # 2020年3月, 2018 年 04 月, 2020年版, 2018年第一季度, 2019年度
    re.compile(rf"({_YEAR})\s*年\s*(?:\d{{1,2}}\s*月|版|第|度)"),
]
# "2021 3 31": a Chinese date whose 年/月/日 glyphs did not decode; only trusted as a whole line.
_BARE_DATE_LINE = re.compile(rf"^\s*({_YEAR})\s+(?:0?[1-9]|1[0-2])\s+(?:0?[1-9]|[12]\d|3[01])\s*$")
# "Annual Report 2021-22", "Chevron 2022 Corporate Sustainability Report": the end of a fiscal range.
_REPORT_TITLE = [
    re.compile(rf"\b(?:report|review|plan|yearbook|statement|bulletin|edition)\s+({_YEAR})"
               rf"(?:\s*[-–/]\s*(\d\d(?:\d\d)?))?\b", re.I),
    re.compile(rf"\b({_YEAR})(?:\s*[-–/]\s*(\d\d(?:\d\d)?))?\s+(?:[A-Za-z]+\s+){{0,3}}"
               r"(?:report|review|yearbook|edition)\b", re.I),
]
_AS_OF = re.compile(rf"(?:\bas\s+(?:of|at)\s+(?:(?:the\s+)?end\s+of\s+)?(?:{_MONTH}\s*(?:\d{{1,2}},?\s*)?)?"
                    rf"|截至|截止)\s*({_YEAR})", re.I)
_ANY_YEAR = re.compile(rf"(?<![\d.,])({_YEAR})(?![\d%])")
# Future targets: "by 2035", "by the end of 2025", "until 2030", "2025年前".
_TARGET_BEFORE = re.compile(r"(?:\bby|\buntil|\btill|\bthrough\s+to|\btarget(?:s|ed)?\s+(?:for|of)|\bvision|"
                            r"\bby\s+(?:the\s+)?(?:end|middle|early|late|mid)(?:\s+of)?)\s*$", re.I)
_TARGET_AFTER = re.compile(r"^\s*年?\s*(?:前|以前|之前)")
_REFERENCES = re.compile(r"^\s*(?:\d+\.?\s*)?(?:references?|bibliography|works\s+cited|literature\s+cited|"
                         r"参考文献|notes\s+and\s+references)\s*:?\s*$", re.I)
# The largest distance, in characters, a dateline's other text may add to its date.
_DATELINE_EXTRA = 60


def _year(text: str) -> int:
    year = int(text)
    if year < 100:
        # "12/3/14": two-digit years are read as the most recent century that is not in the future
        now = datetime.now(timezone.utc).year
        year += 2000 if 2000 + year <= now + 1 else 1900
    return year


def _is_citation(text: str, start: int, end: int) -> bool:
    after, before = text[end:end + 4], text[max(0, start - 12):start]
    if re.match(r"[a-z]?\s*[;\]]", after):
        return True
    if re.match(r"[a-z]?\s*\)", after):
        # "Google Docs (2006): ..." is a timeline label, not a citation
        return not (re.search(r"\(\s*$", before) and re.match(r"\)\s*:", after))
    if re.search(r"et\s*al\.?,?\s*$", before):
        return True
    # ACL-style reference entries: "Danqi Chen. 2020. Title"
    return bool(re.search(r"[A-Za-z]\.\s*$", before) and re.match(r"[a-z]?\.\s", after))


def _is_target(text: str, start: int, end: int) -> bool:
    return bool(_TARGET_BEFORE.search(text[max(0, start - 30):start]) or _TARGET_AFTER.match(text[end:end + 4]))


def _fits(year: int) -> bool:
    return 1900 <= year <= datetime.now(timezone.utc).year + 1


def _datelines(lines: list[str]) -> list[int]:
    found = []
    for line in lines:
        bare = _BARE_DATE_LINE.match(line)
        if bare:
            found.append(int(bare.group(1)))
        for pattern in _DATES:
            for m in pattern.finditer(line):
                if len(line.strip()) - len(m.group(0)) <= _DATELINE_EXTRA:
                    found.append(_year(m.group(1)))
        if len(line.strip()) <= 2 * _DATELINE_EXTRA:
            for pattern in _REPORT_TITLE:
                for m in pattern.finditer(line):
                    end = m.group(2)
                    year = int(m.group(1))
                    if end:
                        # "2021-22" -> 2022; "2021/2022" -> 2022
                        end_year = int(end) if len(end) == 4 else year // 100 * 100 + int(end)
                        year = end_year if 0 < end_year - year <= 1 else year
                    found.append(year)
    return [y for y in found if _fits(y)]


def _body_texts(doc: Document) -> list[str]:
    """Block texts in reading order, up to the reference list."""
    reference_blocks = {i for s in doc.sections if s.role == "references" for i in s.blocks}
    texts = []
    for i, block in enumerate(doc.blocks()):
        if _REFERENCES.match(block.text or ""):
            break
        if i in reference_blocks:
            continue
        texts.append(block.text or " ".join(line.text for line in block.lines))
    return texts


def _body_years(texts: list[str]) -> tuple[list[int], list[int], list[int]]:
    """(report dates, plain reported years, future targets) found in the body."""
    reported, plain, targets = [], [], []
    for text in texts:
        spans = set()
        for pattern in [_AS_OF, *_DATES[:3], _DATES[4]]:
            for m in pattern.finditer(text):
                spans.add(m.start(1))
                if _is_citation(text, m.start(), m.end()) or not _fits(year := _year(m.group(1))):
                    continue
                # dated to the month, "By January 2009, only 13 states..." reports a status, not a target
                reported.append(year)
        for m in _ANY_YEAR.finditer(text):
            start, end = m.span(1)
            year = int(m.group(1))
            if start in spans or not _fits(year) or _is_citation(text, start, end):
                continue
            (targets if _is_target(text, start, end) else plain).append(year)
    return reported, plain, targets


def document_year(doc: Document) -> int | None:
    """The year the document is from, read from its text; None when the text gives no basis."""
    first = next((page for page in doc.pages if page.blocks or page.tables or page.removed), None)
    if first is not None:
        lines = [line.text for line in first.removed] + [line.text for line in first.lines]
        # Forms and statistical releases often print their date in the header row of a table.
        lines += [part for table in first.tables for row in table.rows[:2] for cell in row
                  for part in (cell or "").splitlines()]
        dated = _datelines(lines)
        if dated:
            return max(dated)
    reported, plain, _targets = _body_years(_body_texts(doc))
    # A plain year later than every report date is still a year the text reports. Targets alone
    # ("by 2035") only bound the document from above, so they give no year.
    years = reported + plain
    return max(years) if years else None
