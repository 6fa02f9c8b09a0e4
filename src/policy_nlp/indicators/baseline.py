"""What a change is measured against: the `base` of an indicator row whose `change` is set.

    change_base("output rose 8.2% year on year", 11, 15)       # "year_on_year"
    change_base("工业增加值同比增长8.2%", 11, 15)                  # "year_on_year"
    change_base("增速比上年提高1.3个百分点", 7, 13)                # "previous_year"
    change_base("emissions fell 12% compared with 2005", 15, 18)  # "2005"

Values: year_on_year (the same period a year earlier: 同比, "over the same period last year"),
period_on_period (the period just before: 环比, "month on month", "quarter on quarter"),
previous_year (the whole previous year: 比上年, "over the previous year"), or a year ("2005").
"" when the clause names no base. Only the clause of the figure is read: in "同比增长8.2%，增速比上年
提高1.3个百分点" the second figure is against the previous year, not year on year.
"""

from __future__ import annotations

import re

# Chinese clauses end at any comma (each clause of a report's sentence carries its own figure and
# its own base); English ones at a sentence end or a comma before a new clause.
_CHINESE_CLAUSE_END = re.compile(r"[，,。；;！？!?\n]")
_ENGLISH_CLAUSE_END = re.compile(r"[.;!?](?=\s|$)|\n|,\s(?=(?:and|while|but|whereas)\b)")

# Order matters: 比上年同期 is year on year, 比上年 alone the previous year.
_CHINESE = (
    (re.compile(r"同比|[比较与]?(?:上年|去年|上一年)同期"), "year_on_year"),
    (re.compile(r"环比|[比较](?:上|上一个?)(?:月|季度|季|期|周)"), "period_on_period"),
    (re.compile(r"[比较与](?:上年|去年|上一年|前一年)"), "previous_year"),
)
_CHINESE_YEAR = re.compile(r"[比较与](?:于)?((?:19|20)\d{2})\s?年")

_ENGLISH = (
    (re.compile(r"\byear[- ]on[- ]year\b|\by-?o-?y\b|\bsame (?:period|quarter|month) (?:of |in )?(?:the )?(?:last|previous|prior|a) year\b"
                r"|\b(?:from|than|on) (?:a|one) year (?:earlier|before|ago)\b", re.I), "year_on_year"),
    (re.compile(r"\b(?:month|quarter|week)[- ]on[- ](?:month|quarter|week)\b|\b[mq]-?o-?[mq]\b"
                r"|\b(?:over|from|than|on|compared (?:with|to)) (?:the )?(?:previous|prior|preceding|last) (?:month|quarter)\b", re.I),
     "period_on_period"),
    (re.compile(r"\b(?:over|from|than|on|compared (?:with|to)|relative to) (?:the )?(?:previous|prior|preceding|last) year\b", re.I),
     "previous_year"),
)
_ENGLISH_YEAR = re.compile(
    r"\b(?:over|than|from|since|compared (?:with|to)|relative to|versus|vs\.?|on) (?:the )?(?:(?:level|levels|end) (?:of |in ))?"
    r"(?:fy\s?)?((?:19|20)\d{2})\b(?!\s*(?:-|–|to)\s*(?:19|20)?\d{2}\b)", re.I)


def _clause(text: str, start: int, end: int, ends: re.Pattern) -> str:
    """The text of the clause around text[start:end]: back to the previous clause end, on to the next."""
    begin = max((m.end() for m in ends.finditer(text, 0, start)), default=0)
    after = ends.search(text, end)
    return text[begin:after.start() if after else len(text)]


def change_base(text: str, start: int, end: int) -> str:
    """The base of the change printed at text[start:end], from the words of its clause."""
    chinese = bool(re.search(r"[\u4e00-\u9fff]", text[max(0, start - 12):end + 12]))
    clause = _clause(text, start, end, _CHINESE_CLAUSE_END if chinese else _ENGLISH_CLAUSE_END)
    if chinese:
        for pattern, base in _CHINESE:
            if pattern.search(clause):
                return base
        year = _CHINESE_YEAR.search(clause)
        return year.group(1) if year else ""
    for pattern, base in _ENGLISH:
        if pattern.search(clause):
            return base
    year = _ENGLISH_YEAR.search(clause)
    return year.group(1) if year else ""
