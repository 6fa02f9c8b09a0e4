"""Headings: the PDF's own bookmarks and tags where its pages print them, then typography and
numbering, then the context of the page.

Each heading records its evidence ("outline", "tagged", "numbered", "larger", "bold", "caps",
"spaced", "name", "run-in", "gap"). The cues of one block are in segment/heading_cues.py, the checks
against its surroundings in segment/heading_context.py, levels from numbering in
segment/numbering.py.
"""

from __future__ import annotations

import re

from ..model import Block, Document, Heading
from .bookmarks import match_bookmarks
from .heading_context import (
    DECLARED, Candidate, collapse_stacks, figure_blocks, find_missing_parents, find_missing_siblings, heads_something,
    inside_sentence, join_labels, titles_a_table,
)
from .heading_cues import (  # noqa: F401  (heading_evidence: part of this module's interface)
    BULLET, UNNUMBERED_NAMES, body_before, heading_evidence, run_in_label, spaced_blocks, standalone,
)
from .numbering import in_sequence, numbered_levels, split_number
from .style import body_style
from .titles import detect_title

_AFFILIATION = re.compile(
    r"\b(universit\w*|institut\w*|department|school|college|academy|acad[ée]mie|centre|center|laborator\w*|"
    r"ministry|faculty|corresponding|e-?mail)\b|@|\b\d{5,6}\b|,\s*(china|usa|uk|france|germany|india|japan)\b", re.IGNORECASE)
_NAME = r"[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019.-]*){1,3}"
_NAME_LIST = re.compile(rf"^{_NAME}(?:\s*(?:,|\band\b|&)\s*{_NAME})+[*\d,\s]*$")  # "Li Wei, Zhou Ning and Han Xiaoyu"
_UNIT_TAIL = re.compile(r"\s+(?:单位|units?|in)\s*[:：]\s*\S.{0,30}$", re.IGNORECASE)


def _candidates(doc: Document, blocks: list[Block]) -> list[Candidate]:
    body_size, body_bold = body_style(doc)
    spaced = spaced_blocks(blocks, body_size)
    printed = match_bookmarks(doc)
    in_figures = figure_blocks(blocks)
    out: list[Candidate] = []
    for index, block in enumerate(blocks):
        if block.kind in ("title", "footnote") or (index in in_figures and index not in printed):
            continue
        text = block.text.strip()
        if index in printed and len(text.split()) <= 20:  # Word bookmarks every "heading"-styled paragraph
            number, rest = split_number(text)
            out.append(Candidate(index, block, number, rest, printed[index].source, level=printed[index].level))
        elif evidence := heading_evidence(block, body_size, body_bold, index in spaced, standalone(index, blocks)):
            number, rest = split_number(BULLET.sub("", text))
            out.append(Candidate(index, block, number, rest, evidence))
        elif label := run_in_label(block, None if out and out[-1].index == index - 1 else body_before(index, blocks)):
            number, rest = split_number(label)
            out.append(Candidate(index, block, number, rest, "run-in", run_in=True))
    keep = iter(in_sequence([c.number for c in out if c.number]))
    out = [c for c in out if not c.number or next(keep)]
    out = [c for c in out if c.evidence in DECLARED or not inside_sentence(c.index, blocks)]
    out = collapse_stacks(out, blocks, doc)
    starts = {c.index for c in out}
    out = [c for c in out if c.run_in or c.evidence in DECLARED or UNNUMBERED_NAMES.match(c.text)
           or (heads_something(c, blocks, starts, doc) and not (not c.number and titles_a_table(c, doc)))]
    # What page 1 prints above the title is its masthead (agency, series, docket), not sections.
    title_at = next((i for i, b in enumerate(blocks) if b.kind == "title"), -1)
    out = [c for c in out if c.index > title_at or c.evidence in DECLARED]
    # Author names and affiliations above the first paragraph of page 1 are not headings.
    body_starts = next((i for i, b in enumerate(blocks) if b.kind == "text" and len(b.lines) >= 3), len(blocks))
    opening = next((c.index for c in out if c.number or c.evidence in DECLARED or UNNUMBERED_NAMES.match(c.text)), 0)
    out = [c for c in out if c.index >= min(opening, body_starts) or c.block.page > 1 or c.run_in
           or not (c.index < opening or _AFFILIATION.search(c.block.text) or _NAME_LIST.match(c.block.text.strip()))]
    out += find_missing_parents(out, blocks)
    out += find_missing_siblings(sorted(out, key=lambda c: c.index), blocks)
    return join_labels(sorted(out, key=lambda c: c.index))


def _levels(candidates: list[Candidate]) -> list[int]:
    numbered = iter(numbered_levels([c.number for c in candidates if c.number]))
    by_number = {id(c): next(numbered) for c in candidates if c.number}
    numbered_sizes = {round(c.block.size): by_number[id(c)] for c in candidates if c.number and not c.run_in}
    plain = sorted({round(c.block.size) for c in candidates
                    if not c.number and not c.run_in and not c.level and not UNNUMBERED_NAMES.match(c.text)}, reverse=True)
    levels = []
    above = 0  # level of the last heading set on its own line
    for c in candidates:
        if c.run_in and not c.number:
            # A run-in label heads a paragraph inside its section; a named one ("Keywords:",
            # "SUMMARY:") stands at the top unless it follows other run-in labels of a section.
            after_run_in = bool(levels) and candidates[len(levels) - 1].run_in
            if UNNUMBERED_NAMES.match(c.text) and not after_run_in:
                levels.append(1)
            else:
                levels.append(levels[-1] if after_run_in else min(above + 1, 4))
            continue
        if c.level:
            level = c.level
        elif c.number:
            level = by_number[id(c)]
        elif c.run_in or UNNUMBERED_NAMES.match(c.text):
            level = 1
        elif round(c.block.size) in numbered_sizes:
            level = numbered_sizes[round(c.block.size)]
        else:
            level = plain.index(round(c.block.size)) + 1
        levels.append(min(level, 4))
        if not c.run_in:
            above = min(level, 4)
    return levels


def detect_headings(doc: Document) -> list[Heading]:
    """Mark heading blocks and return the outline, with levels from the bookmarks, numbering and
    font size."""
    if not doc.title:
        doc.title = detect_title(doc)
    blocks = list(doc.blocks())
    candidates = _candidates(doc, blocks)
    outline: list[Heading] = []
    for candidate, level in zip(candidates, _levels(candidates)):
        if not candidate.run_in:
            candidate.block.kind = "heading"
        # A table's unit printed on the heading's line ("… 单位：人民币元", "… Unit: USD") is not the heading.
        label = _UNIT_TAIL.sub("", candidate.text.strip()).rstrip(".:").strip()
        outline.append(Heading(text=label, level=level, page=candidate.block.page, number=candidate.number,
                               block=candidate.index, run_in=candidate.run_in, evidence=candidate.evidence))
    return outline
