"""Chinese tables: units from "单位：万元" lines and "（元）" labels, figures in cells of prose.

Chinese reports print a table's unit on a line of its own above it ("单位：人民币元", often at the
right end of the heading line), in a row or column label ("营业收入（元）", "基本每股收益（元/股）")
or in the caption ("停车区用地指标基准值（公顷/处）"). Cells may hold a figure with words around
it ("上升 5.72 个百分点") or a sentence ("计入营业外收入 3,340,324.88 元"): those are read by the
sentence rules (chinese.py).
"""

from __future__ import annotations

import re

from ..extract.text import has_cjk
from ..model import Document, Indicator, Table
from .chinese_numbers import unit_of

_UNIT_LINE = re.compile(r"(?:计量)?单位\s*[：:]\s*([^\s，,；;）)]{1,8})")
_PAREN_UNIT = re.compile(r"[（(]\s*([^（）()]{1,8}?)\s*[）)]\s*$")
# A table of coefficients or indices: a "%" in a header belongs to a condition (μ（%）), not to the cells.
_COEFFICIENTS = re.compile(r"系数|指数|比值|倍数")


def chinese_unit(text: str):
    """(code, kind, scale, the words that said it) a Chinese header, label or caption gives its
    numbers, or None."""
    if not text or not has_cjk(text):
        return None
    m = _UNIT_LINE.search(text)
    unit = unit_of(m.group(1)) if m else None
    said = m.group(0) if m else ""
    if unit is None:
        p = _PAREN_UNIT.search(text.strip())
        unit = unit_of(p.group(1)) if p else None
        said = p.group(0) if p else ""
        if unit is None and p and "/" in p.group(1):
            head, per = p.group(1).split("/", 1)
            base = unit_of(head)
            if base is not None and base.code:
                return f"{base.code}/{per}", base.kind, base.factor, said
    if unit is None:
        return None
    return unit.code, unit.kind, unit.factor, said


def unit_line_above(doc: Document, table: Table) -> str:
    """A "单位：…" line printed just above the table (within three lines), or ""."""
    if not 0 < table.page <= len(doc.pages):
        return ""
    page = doc.pages[table.page - 1]
    top = table.bbox[1]
    lines = sorted((line for block in page.blocks for line in block.lines if line.bottom <= top + 2),
                   key=lambda line: line.bottom, reverse=True)
    for line in lines[:3]:
        m = _UNIT_LINE.search(line.text)
        if m:
            return m.group(0)
    return ""


def is_chinese_table(table: Table) -> bool:
    return has_cjk(table.caption) or any(has_cjk(cell or "") for row in table.rows[:3] for cell in row)


def cell_sentence_indicators(cell: str) -> list[Indicator]:
    """Figures of a cell that holds words around them ("上升 5.72 个百分点"); none in a cell of
    conditions ("60000≤Q＜80000", "20＜μ≤30") or without Chinese words."""
    from .chinese import extract_chinese

    if not _HAN.search(cell) or _CONDITION.search(cell):
        return []
    return extract_chinese(re.sub(r"\s*\n\s*", "", cell))


_HAN = re.compile(r"[\u4e00-\u9fff]")
_CONDITION = re.compile(r"[≤≥<>＜＞]")


def fix_coefficients(table: Table, caption: str, indicators: list[Indicator]) -> None:
    """Cells of a table of coefficients carry no unit, whatever a condition's header says."""
    title = caption or table.caption or ""
    if _COEFFICIENTS.search(title):
        # What the cells are is the caption's word ("停车区用地指标调整系数"); the headers are conditions.
        what = re.sub(r"^表\s*[\d.\-]+\s*", "", _UNIT_LINE.sub("", title)).strip()
        for indicator in indicators:
            if indicator.unit == "%" and "%" not in indicator.raw_text:
                indicator.unit, indicator.kind = "", "ratio"
            if what and not indicator.indicator.startswith(what):
                indicator.indicator = " — ".join(filter(None, [what, indicator.indicator]))
