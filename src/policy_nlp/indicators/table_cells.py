"""Indicators from the numeric cells of a detected table.

A cell's number means nothing alone: its subject is read from the row label and the column
header, its unit and scale from the header, the row label or the caption ("population 1995 (mn)",
"Cloud adoption (%)", "in millions of yuan"), its period from a year in those same headers. The
grid is first read as a layout (`read_layout`): which leading rows are headers, which leading
columns are labels. Pure functions, no spaCy: a table's numbers need no sentence parsing, and
`mine` takes them from here rather than from table-row passages, so each is counted once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..extract.text import flatten_breaks, has_cjk
from ..model import Indicator, Table
from .baseline import change_base
from .chinese_tables import cell_sentence_indicators, chinese_unit
from .numbers import SCALE_WORDS, match_numeral, scale_value
from .units import UnitLexicon, load_units

MAX_HEADER_ROWS = 4
_CALENDAR = {"years", "year", "months", "weeks", "days", "h", "decades", "centuries"}
_MARKS = re.compile(r"[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+$")
_WORD_MARKS = re.compile(r"(?<=\w)[*†‡§]+|(?<!\w)[*†‡§]+(?=\w)")
_TABLE_LABEL = re.compile(r"^(?:Table|TABLE|Tab\.|Exhibit|EXHIBIT)\s*[0-9A-Z]+[0-9A-Za-z.\-–]*[.:：]?\s*")
_FILLER = re.compile(r"^(?:[-–—−…]+|\.{2,}|n\.?\s?a\.?|N\.?\s?A\.?|n/a|N/A|na|nil|x|unq|—)$", re.IGNORECASE)
_YEAR = re.compile(r"(?:\b(?:since|in|from|by|as of|until|to)\s+)?(?<![\d.,])(1[89]\d\d|20\d\d)(?:\s*[-–/]\s*(\d{1,4}))?(?![\d.,%])")
_MONTH_YEAR = re.compile(
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?"
    r"|Nov(?:ember)?|Dec(?:ember)?)\.?[\s,-]+(?:1[89]|20)\d\d\b"
)
_DATE = re.compile(r"(?<!\w)(?:W/E|[Ww]eek ending)\s+(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
# A column of a price report dated against the first ("Last Week", "Year Ago", "YTD").
_RELATIVE = re.compile(
    r"\b(?:last|previous|prior|this|current|same)\s+(?:week|month|quarter|year)(?:\s+last\s+year)?\b"
    r"|\b(?:a\s+)?(?:week|month|quarter|year)s?\s+ago\b|\byear[- ]to[- ]date\b|\bYTD\b",
    re.IGNORECASE,
)
# Columns whose numbers name things rather than count them.
_IDENTIFIER_HEADER = re.compile(
    r"\b(?:codes?|id|ids|zip|postcode|postal|phone|tel|fax|serial|account|case|docket|fips|isbn|issn|"
    r"no\.|nos\.|ref(?:erence)?|digits?|nace|sic|isic|naics|hs)\b",
    re.IGNORECASE,
)
_DECIMAL_COMMA = re.compile(r"^(\d+),(\d{1,2}|\d{4,})$")
_RANGE_DASH = re.compile(r"\s*[-–—]\s*|\s+to\s+")
_PERCENT = re.compile(r"%|\bper\s?cent\b|\bpercentage\b|\bshare\b", re.IGNORECASE)
_POINTS = re.compile(r"%\s*points?|percentage points?|\bpp\b|\bp\.p\.", re.IGNORECASE)
_PAREN = re.compile(r"\(([^()]*)\)")
_SENTENCE_END = re.compile(r"(?<=\d)\.$")  # "$6,205." closes a Federal Register table's row
_BOUND = re.compile(r"^(?:up to|at most|at least|about|approximately|approx\.|around|over|under|less than|more than)\s+",
                    re.IGNORECASE)
_BOUND_KIND = {"up to": "upper_bound", "at most": "upper_bound", "under": "upper_bound", "less than": "upper_bound",
               "at least": "lower_bound", "over": "lower_bound", "more than": "lower_bound"}
# "1 work-hour × $85 per hour = $85": a cell that shows its sum, each figure a figure of its own.
_OPERATOR = re.compile(r"\s+[×x*=]\s+|\s*[×=]\s*")
_RATE = re.compile(r"^(?:per|an?|/)\s*([A-Za-z][A-Za-z-]*)$")
_CODE_LIST = re.compile(r"\((?:[A-Z]{2,3}\s*[/,]\s*){2,}[A-Z]{2,3}\)")
_THOUSANDS_MARK = re.compile(r"(?:^|[\s($€£¥(])'?000s?\b|\b000s?\b")
_IN_SCALE = re.compile(r"\b(?:in|measured in|units?:?)\s+(?:the\s+)?(" + "|".join(sorted(SCALE_WORDS, key=len, reverse=True)) + r")\b",
                       re.IGNORECASE)


@lru_cache(maxsize=1)
def _lexicon() -> UnitLexicon:
    from ..config import models_dir

    return load_units(str(models_dir() / "indicator_units.tsv"))


@lru_cache(maxsize=1)
def _places():
    from ..config import models_dir
    from .context import load_places

    return load_places(str(models_dir() / "indicator_places.tsv"))


@dataclass(frozen=True)
class Layout:
    """How a table's grid reads: header rows on top, label columns on the left."""

    rows: list[list[str]]  # rectangular, empty columns dropped
    title: str  # a leading row holding one long cell ("NICS Firearm Background Checks November - 2015")
    header_rows: int
    label_columns: int
    headers: list[str]  # one per column, spanning header cells copied over the columns they span


@dataclass(frozen=True)
class Reading:
    """What a header or caption says about the numbers under it."""

    unit: str = ""
    kind: str = ""
    scale: float = 1.0
    change: str = ""
    taken: tuple[str, ...] = ()  # the parts that said it, left out of the subject


def read_layout(table: Table) -> Layout:
    rows = _rectangular(table.rows)
    title = ""
    while rows and len(rows) > 2 and _single_cell(rows[0]) and len(rows[0]) > 2:
        title = " ".join(filter(None, [title, _flat(next(c for c in rows[0] if c))]))
        rows = rows[1:]
    header_rows = 0
    labelled = any(row[0] for row in rows)
    # A header row holds no number but years, or has no row label where the body has them. A
    # label alone under the headers ("Ethanol ($/gal)") heads a group of body rows.
    while header_rows < min(MAX_HEADER_ROWS, len(rows) - 1) and (
        not _has_value(rows[header_rows][1:]) or (labelled and not rows[header_rows][0] and header_rows < 2)
    ) and not (header_rows and rows[header_rows][0] and not any(rows[header_rows][1:])):
        header_rows += 1
    body = rows[header_rows:]
    width = len(rows[0]) if rows else 0
    label_columns = 1 if body and _text_column([row[0] for row in body]) else 0
    while label_columns < width - 1 and _text_column([row[label_columns] for row in body]):
        label_columns += 1
    headers = _aligned(_headers(rows[:header_rows], width), body, label_columns)
    return Layout(rows, title, header_rows, label_columns, headers)


def _aligned(headers: list[str], body: list[list[str]], label_columns: int) -> list[str]:
    """Headers moved over their figures. A grid drawn from words can set a header a column or two
    off its figures ("to water / kg/year" over an empty column beside the one holding the values):
    a column of figures without a header (or with part of one, no unit) takes the header of the
    nearest column that has one but no figures."""
    filled = [any(_flat(row[j]) for row in body) for j in range(len(headers))]
    free = {j for j, h in enumerate(headers) if h and not filled[j] and j >= label_columns}
    out = list(headers)
    for j in range(label_columns, len(headers)):
        if not filled[j] or (out[j] and _reading(out[j]).unit):
            continue
        near = sorted((d for d in free if abs(d - j) <= (2 if not out[j] else 1)), key=lambda d: (abs(d - j), d < j))
        if near:
            # "THRESHOLD" over the figures, "FOR to water kg/year" beside them: one header
            out[j] = " ".join(filter(None, [out[j], headers[near[0]]]))
            free.discard(near[0])
    # One printed column cut in two by the grid: its figures alternate between two columns, never
    # side by side in a row, and only one of the two headers carries the unit ("THRESHOLD" beside
    # "FOR to water kg/year"). Both halves read the whole header.
    for j in range(label_columns, len(out) - 1):
        a, b = out[j], out[j + 1]
        if not (filled[j] and filled[j + 1]) or any(_flat(row[j]) and _flat(row[j + 1]) for row in body):
            continue
        if bool(_reading(a).unit) != bool(_reading(b).unit):
            out[j] = out[j + 1] = " ".join(filter(None, [a, b]))
    return out


def table_indicators(table: Table, caption: str = "", number: int = 0, section: str = "") -> list[Indicator]:
    """One indicator per numeric cell of `table` outside its header rows and label columns.

    `caption` overrides the table's own; `number` (the table's place in its document, 1-based)
    and `section` (the path of the section it sits in) give the indicators' provenance: their
    section reads "<section> / [table <number>]", so a reader can find the table again.
    """
    layout = read_layout(table)
    caption = _flat(caption or table.caption)
    context = " — ".join(filter(None, [caption, layout.title]))
    whole = _reading(context)
    period_of_table = _period(context)
    out: list[Indicator] = []
    group = ""
    previous_label = ""
    for row in layout.rows[layout.header_rows:]:
        labels = [_flat(c) for c in row[: layout.label_columns]] or [""]
        values = row[layout.label_columns:]
        if not any(parse_cell(_flat(v)) for v in values if v):
            # A label alone: the rest of the label above it ("(as HCl)"), else a group heading.
            if labels[0] and (labels[0][0] in "(" or labels[0][0].islower()) and out and previous_label:
                for indicator in out:
                    if indicator.indicator.startswith(previous_label):
                        indicator.indicator = indicator.indicator.replace(previous_label, f"{previous_label} {labels[0]}", 1)
                previous_label = f"{previous_label} {labels[0]}"
            elif labels[0]:
                group = labels[0]
            continue
        label = labels[0] or previous_label
        previous_label = label
        row_reading = _reading(label)
        group_reading = _reading(group)
        for offset, cell in enumerate(values):
            column = layout.label_columns + offset
            header = layout.headers[column] if column < len(layout.headers) else ""
            pieces = [_cell_indicator(piece, header, label, labels[1:], group, caption, context,
                                      [_reading(header), row_reading, group_reading, whole], period_of_table)
                      for piece in cell_figures(cell)]
            if not pieces and cell and has_cjk(cell) and re.search(r"\d", cell):
                pieces = _chinese_cell(cell, header, label, context, period_of_table)
            for one in (end for indicator in pieces if indicator is not None for end in _ends(indicator)):
                one.page = table.page
                if number:
                    one.section = f"{section} / [table {number}]" if section else f"[table {number}]"
                out.append(one)
    return [ind for ind in out if not _year_column(ind, out)]


def _cell_indicator(cell: str, header: str, label: str, other_labels: list[str], group: str, caption: str,
                    context: str, readings: list[Reading], period_of_table: str) -> Indicator | None:
    text = _flat(cell)
    if not text or _FILLER.match(text) or _IDENTIFIER_HEADER.search(header):
        return None
    parsed = parse_cell(text)
    if parsed is None:
        return None
    value, low, high, cell_unit, cell_kind, cell_scale = parsed
    reading = next((r for r in readings if r.unit), Reading())
    scale = cell_scale if cell_scale != 1.0 else next((r.scale for r in readings if r.scale != 1.0), 1.0)
    unit, kind = (cell_unit, cell_kind) if cell_unit else (reading.unit, reading.kind)
    if unit in ("%", "pp") and cell_scale == 1.0 and reading.scale == 1.0:
        scale = 1.0  # "单位：万元" over the table, "增长（%）" over the column: a share is not scaled
    change = "percentage_points" if unit == "pp" else reading.change
    if unit == "pp":
        unit, kind = "%", "percent"
    places = _places()
    place_label = _place_in(label)
    row_subject = "" if place_label and place_label == places.canonical(label.strip()) else _strip(label, readings[1])
    column_subject = _strip(header, readings[0])
    what = column_subject or _strip(caption, readings[3])  # a header of years alone: the caption says what
    subject = " — ".join(filter(None, [_strip(group, readings[2]), row_subject, what]))
    place = place_label or next(filter(None, map(_place_in, other_labels + [header, group, context])), "")
    period = _period(header) or _period(label) or _period(group) or period_of_table
    where = " | ".join(filter(None, [label, *[l for l in other_labels if l]]))
    prefix = f"{context}: " if context else ""
    sentence = prefix + " | ".join(filter(None, [where, header])) + ": "
    start = len(sentence)
    sentence += text
    scaled = lambda x: None if x is None else x * scale  # noqa: E731
    return Indicator(
        start=start, end=start + len(text), raw_text=text, value=value * scale, unit=unit, kind=kind or "count",
        qualifier="range" if low is not None else _bound_of(text), low=scaled(low), high=scaled(high), indicator=subject,
        period=period, place=place, change=change, sentence=sentence,
        base=change_base(f"{group} {header}", len(group) + 1 + len(header), len(group) + 1 + len(header)) if change else "",
    )


def _chinese_cell(cell: str, header: str, label: str, context: str, period: str) -> list[Indicator]:
    """Figures of a Chinese cell with words around them: "上升 5.72 个百分点" is the row's, a
    sentence's figure ("计入营业外收入 3,340,324.88 元") its own subject's."""
    out = cell_sentence_indicators(cell)
    for indicator in out:
        indicator.indicator = indicator.indicator or _strip(label, _reading(label)) or _strip(header, _reading(header))
        indicator.period = indicator.period or period
        indicator.place = indicator.place or _place_in(label)
        if indicator.change and not indicator.base:  # the column says against what: "本报告期比上年同期增减"
            indicator.base = change_base(header, len(header), len(header))
        where = " | ".join(filter(None, [label, header]))
        prefix = (f"{context}: " if context else "") + (f"{where}: " if where else "")
        indicator.sentence = prefix + indicator.sentence
        indicator.start += len(prefix)
        indicator.end += len(prefix)
    return out


def cell_figures(cell: str) -> list[str]:
    """The figures of a cell: itself when it holds one, else each side of a sum it shows
    ("1 work-hour × $85 per hour = $85" -> "1 work-hour", "$85 per hour", "$85") when every
    side is one; a cell of text and numbers mixed gives none."""
    text = _flat(cell)
    if not text or parse_cell(text) is not None:
        return [text] if text else []
    parts = [p.strip() for p in _OPERATOR.split(text)]
    if len(parts) >= 2 and all(p and parse_cell(p) is not None for p in parts):
        return parts
    return []


def _ends(indicator: Indicator) -> list[Indicator]:
    """A range cell ("1.35 - 1.42", a price's low and high) as its two figures: each is
    printed, and either may be compared with another table's. Both keep the range."""
    if indicator.qualifier != "range" or indicator.low is None or indicator.high is None:
        return [indicator]
    text = indicator.raw_text
    split = _RANGE_DASH.search(text, 1)
    if split is None:
        return [indicator]
    subject = indicator.indicator
    low = replace(indicator, value=indicator.low, raw_text=text[: split.start()], end=indicator.start + split.start(),
                  indicator=", ".join(filter(None, [subject, "low"])))
    high = replace(indicator, value=indicator.high, raw_text=text[split.end():], start=indicator.start + split.end(),
                   indicator=", ".join(filter(None, [subject, "high"])))
    return [low, high]


# A note on what the figure counts, after it: "200 (as BTEX)", "45 (incl. Malta)", "12 (excl. VAT)".
_NOTE = re.compile(r"\s*\((?:as|incl\.?|including|excl\.?|excluding|of which)\s[^()]*\)\s*$", re.IGNORECASE)


@lru_cache(maxsize=8192)
def parse_cell(text: str) -> tuple[float, float | None, float | None, str, str, float] | None:
    """(value, low, high, unit, kind, scale) of a cell that holds one number (or a range) and
    nothing else but its unit, a currency, a scale word and footnote marks; None otherwise."""
    text = _BOUND.sub("", _SENTENCE_END.sub("", _MARKS.sub("", _NOTE.sub("", text.strip())).strip()))
    parts = _RANGE_DASH.split(text, maxsplit=1) if re.search(r"\d\s*[-–—]\s*\d|\d\s+to\s+\d", text) else [text]
    if len(parts) == 2:
        first, second = _one_number(parts[0]), _one_number(parts[1])
        if first is None or second is None or first[0] > second[0]:
            return None
        unit, kind = second[1] or first[1], second[2] or first[2]
        scale = second[3] if second[3] != 1.0 else first[3]
        return first[0], first[0], second[0], unit, kind, scale
    one = _one_number(text)
    if one is None:
        return None
    return one[0], None, None, one[1], one[2], one[3]


def _one_number(text: str) -> tuple[float, str, str, float] | None:
    """(value, unit, kind, scale) of a text that is one number with its trimmings."""
    text = text.strip().strip("()").strip()
    sign = 1.0
    if not text:
        return None
    if text[:1] in "+-−–":
        sign, text = (-1.0 if text[0] != "+" else 1.0), text[1:].lstrip()
    lexicon = _lexicon()
    unit, kind = "", ""
    for code_end in range(min(5, len(text)), 0, -1):  # a currency sign or code before the number
        head = text[:code_end].rstrip()
        found = lexicon.currency_before(head + "0", len(head)) if head else None
        if found is not None and found[0] == 0:
            unit, kind, text = found[1], "money", text[code_end:].lstrip()
            break
    comma = _DECIMAL_COMMA.match(text.split(" ")[0]) if text else None
    if comma and not unit:
        text = f"{comma.group(1)}.{comma.group(2)}" + text[comma.end():]  # "0,1" in a European table
    num = match_numeral(text)
    if num is None or num.form in ("fraction", "mixed") and "/" in text:
        return None  # "2/24" is a date, not a fraction
    if num.digits.startswith("0") and len(num.digits) > 1 and "." not in num.digits:
        return None  # "0014": an identifier's leading zeros
    if len(re.findall(r"\s", text[num.start:num.end])) >= 3:
        return None  # "412 413 414 415": codes in a row, not one number of four space-set groups
    rest = text[num.end:].strip()
    scale = 1.0
    word = re.match(r"[A-Za-z]+", rest)
    if word and scale_value(word.group(0)) is not None:
        scale = scale_value(word.group(0)) or 1.0
        rest = rest[word.end():].strip()
    rate = _RATE.match(rest) if unit and kind == "money" else None
    if rate:  # "$85 per hour": money per a unit
        per = lexicon.after(" " + rate.group(1), 0)
        return sign * num.value, f"{unit}/{per.code if per else rate.group(1)}", "money", scale
    if rest:
        found = lexicon.after(" " + rest, 0)
        if found is None or found.end != len(rest) + 1:
            return None
        unit, kind = found.code, found.kind
    if kind == "points":
        unit, kind = "pp", "percent"
    return sign * num.value, unit, ("percent" if unit == "%" else kind), scale


def _bound_of(text: str) -> str:
    m = _BOUND.match(text)
    return _BOUND_KIND.get(re.sub(r"\s+", " ", m.group(0).strip().lower()), "approximate") if m else ""


def _reading(text: str) -> Reading:
    """Unit, kind and scale a header or caption gives the numbers under it."""
    if not text:
        return Reading()
    zh = chinese_unit(text)  # "单位：万元", "营业收入（元）"
    if zh is not None:
        return Reading(zh[0], zh[1], zh[2], "", (zh[3],))
    text = _DATE.sub(" ", text)  # "W/E 02/24/17" is a week, not watts
    text = _CODE_LIST.sub(" ", text)  # "(IA/MN/NE/SD)" names states: MN is Minnesota, not millions
    taken: list[str] = []
    scale = 1.0
    scale_match = _IN_SCALE.search(text)
    for inner in _PAREN.findall(text):
        words = re.findall(r"[A-Za-z]+|'?000s?", inner)
        for word in words:
            if scale == 1.0 and word.strip("'").rstrip("s") == "000":
                scale = 1e3
            elif scale == 1.0 and scale_value(word) is not None and word.lower() not in ("hundred", "m", "b"):
                scale = scale_value(word) or 1.0
        if scale != 1.0 or _unit_in(inner):
            taken.append(f"({inner})")
    if scale == 1.0 and scale_match:
        scale = scale_value(scale_match.group(1)) or 1.0
        taken.append(scale_match.group(0))
    if _POINTS.search(text):
        return Reading("%", "percent", scale, "percentage_points", tuple(taken + [_POINTS.search(text).group(0)]))
    found = _unit_in(text)
    if found:
        return Reading(found[0], found[1], scale, "", tuple(taken + [found[2]]))
    if _PERCENT.search(text) and "%" in text:
        return Reading("%", "percent", scale, "", tuple(taken + ["%"]))
    return Reading("", "", scale, "", tuple(taken))


def _unit_in(text: str) -> tuple[str, str, str] | None:
    """The first currency or unit named in a header: "($/gal)", "kg/year", "(Ecu bn)", "%"."""
    lexicon = _lexicon()
    percent = re.search(r"%|\bper\s?cent\b", text, re.IGNORECASE)
    if percent:
        return "%", "percent", percent.group(0)
    for m in re.finditer(r"(?:(?<=^)|(?<=[\s(/]))\S", text):
        i = m.start()
        for length in range(4, 0, -1):
            head = text[i:i + length]
            found = lexicon.currency_before(head + "0", len(head)) if head else None
            if found is not None and found[0] == 0 and (len(head) == 1 or not head[-1:].isalpha() or not text[i + length:i + length + 1].isalpha()):
                sign = found[1]
                per = re.match(r"\s*/\s*([A-Za-z]+)", text[i + length:])
                if per:
                    unit = lexicon.after(" " + per.group(1), 0)
                    return f"{sign}/{unit.code if unit else per.group(1)}", "money", text[i:i + length + per.end()]
                return sign, "money", head
        found = lexicon.after(" " + text[i:], 0)
        if found is not None and (found.end - 1 == len(text) - i or not text[i + found.end - 1:i + found.end].isalnum()):
            if found.code in ("in", "m") and not text[i:].startswith(found.code + "/"):
                continue  # "in millions", "m" for million: words, not inches and metres
            if found.code in _CALENDAR:
                continue  # "1 Year: May 21, 2010", "3-Year-Old Cohort": when, not a unit of the numbers
            code, kind = ("pp", "points") if found.kind == "points" else (found.code, found.kind)
            return code, kind, text[i:i + found.end - 1]
    return None


_US_STATE_CODES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split())
_CODE_RUN = re.compile(r"\b[A-Z]{2}(?:/[A-Z]{2})+\b")


@lru_cache(maxsize=4096)
def _chinese_place_in(text: str) -> str:
    """The first place a Chinese label names, by its full name ("广州" -> 广州市), or ""."""
    from .chinese_places import default_chinese_places

    named = default_chinese_places().find(text)
    return named[0][2] if named else ""


def _place_in(text: str) -> str:
    """The first place a label or header names ("Alabama", "the United States", "IL/IN/OH"), or ""."""
    if not text:
        return ""
    if has_cjk(text):
        return _chinese_place_in(text)
    for run in _CODE_RUN.finditer(text):
        if all(code in _US_STATE_CODES for code in run.group(0).split("/")):
            return run.group(0)  # a release's region by state codes: "Ethanol (IL/IN/OH)"
    places = _places()
    found = places.mentions(text)
    return places.canonical(found[0][2]) if found else ""


def _strip(text: str, reading: Reading) -> str:
    """A header as a subject: the parts read as unit, scale or period, footnote marks and a
    caption's "Table 3:" left out; a year inside brackets ("(1990=100)") is kept."""
    out = _TABLE_LABEL.sub("", _WORD_MARKS.sub("", text))
    out = _RELATIVE.sub(" ", _MONTH_YEAR.sub(" ", _DATE.sub(" ", out)))  # the period, not the subject
    for part in reading.taken:
        out = out.replace(part, " ")
    out = re.sub(r"\([^()]*\)|" + _YEAR.pattern, lambda m: m.group(0) if m.group(0).startswith("(") else " ", out)
    out = re.sub(r"\(\s*\)|（\s*）|\s+", " ", out).strip(" ,;:-–—")
    return re.sub(r"^%\s+", "", out)


def _period(text: str) -> str:
    if not text:
        return ""
    if has_cjk(text):
        from .chinese import period_in

        found = period_in(text)  # "本报告期", "上年同期", "2018 年 1-3 月"
        if found:
            return found
    date = _DATE.search(text)
    if date:
        return _week_ending(date)
    for pattern in (_MONTH_YEAR, _YEAR, _RELATIVE):
        m = pattern.search(text)
        if m:
            return m.group(0)
    return ""


def _week_ending(m: re.Match) -> str:
    """"W/E 02/24/17" as a reader and a year filter want it: "week ending February 24, 2017"
    (month first, as the US reports that print W/E do)."""
    month, day, year = int(m.group(1)), int(m.group(2)), m.group(3)
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return m.group(0)
    when = f"week ending {_MONTHS[month - 1]} {day}"
    if year:
        full = int(year) if len(year) == 4 else (2000 + int(year) if int(year) < 70 else 1900 + int(year))
        when += f", {full}"
    return when


def _year_column(indicator: Indicator, all_: list[Indicator]) -> bool:
    """A year printed in a cell ("1990", "2015"): a date, not an amount, when its column (same
    header context) holds years too, or when it stands without a unit in a row of them."""
    if indicator.unit or not _is_year(indicator.raw_text):
        return False
    column = [other for other in all_ if other.sentence.split(": ")[-2:-1] == indicator.sentence.split(": ")[-2:-1]]
    return sum(_is_year(other.raw_text) for other in column) * 2 >= len(column)


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(1[89]\d\d|20\d\d)(\s*[-–/]\s*\d{1,4})?", text.strip()))


def _rectangular(rows: list[list[str]]) -> list[list[str]]:
    width = max((len(r) for r in rows), default=0)
    grid = [[(c or "").strip() for c in r] + [""] * (width - len(r)) for r in rows]
    keep = [j for j in range(width) if any(row[j] for row in grid)]
    grid = [[row[j] for j in keep] for row in grid]
    return _merge_complementary(grid)


def _merge_complementary(grid: list[list[str]]) -> list[list[str]]:
    """Neighbouring columns never filled in the same row are one column drawn as two (a header
    set over the gap between two ruled cells, its numbers in the cell beside)."""
    if not grid:
        return grid
    j = 1
    while j < len(grid[0]) - 1:
        left, right = [row[j] for row in grid], [row[j + 1] for row in grid]
        if not any(a and b for a, b in zip(left, right)):
            grid = [row[:j] + [row[j] or row[j + 1]] + row[j + 2:] for row in grid]
        else:
            j += 1
    return grid


def _single_cell(row: list[str]) -> bool:
    """A title: one cell of several words, not the top line of the last column's header
    ("Cost on U.S." above "operators", beside one-line headers)."""
    filled = [c for c in row if c]
    return len(filled) == 1 and len(filled[0].split()) >= 3 and not row[-1]


def _has_value(cells: list[str]) -> bool:
    """A body row: some cell holds a number that is not a year."""
    return any(parse_cell(_flat(c)) is not None and not _is_year(_MARKS.sub("", _flat(c))) for c in cells if c and "\n" not in c.strip())


def _text_column(cells: list[str]) -> bool:
    filled = [_flat(c) for c in cells if c]
    return bool(filled) and sum(not cell_figures(c) and not _FILLER.match(c) for c in filled) >= 0.8 * len(filled)


def _headers(rows: list[list[str]], width: int) -> list[str]:
    """One header per column: the header rows' cells top to bottom, a cell over several columns
    (empty cells to its right, with lower header rows filled below them) copied over them."""
    spans = [list(row) for row in rows]
    for k, row in enumerate(spans[:-1]):
        for j in range(1, width):
            # A cell filled above as well is a header set over lines around its neighbours' one
            # ("Cost on U.S." / "operators" beside "Cost per product"), not under a span.
            if not row[j] and row[j - 1] and any(lower[j] for lower in spans[k + 1:]) and not any(upper[j] for upper in spans[:k]):
                row[j] = row[j - 1]
    return [" ".join(_flat(row[j]) for row in spans if row[j]) for j in range(width)]


@lru_cache(maxsize=8192)
def _flat(text: str) -> str:
    """A cell's lines as one line, a word broken at a line end joined."""
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text or "")
    return re.sub(r"\s*\.{2,}$", "", re.sub(r"\s+", " ", flatten_breaks(text)).strip())  # dot leaders left by the grid


__all__ = ["Layout", "Reading", "cell_figures", "parse_cell", "read_layout", "table_indicators"]
