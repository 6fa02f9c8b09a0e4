"""What the blocks around a candidate heading say: it must head something, not sit inside a
sentence, a figure or a masthead, not title a table; numbering gaps point at missed headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Block, Document
from .heading_cues import ENDS, body_before
from .numbering import between, missing_parents, split_number

DECLARED = ("outline", "tagged")  # evidence the PDF gives about itself (extract/outline.py)

_LABEL_ONLY = re.compile(
    r"^(?i:part|chapter|section|article|annex|appendix|chapitre|partie|annexe)\s+(?:[IVX]{1,5}|\d{1,2}|[A-Z])$")
_TABLE_DATE = re.compile(r"\b(?:19|20)\d\d(?:\s*(?:and|to|-|\u2013|/)\s*(?:19|20)?\d\d)?\)?$")


@dataclass
class Candidate:
    index: int
    block: Block
    number: str
    text: str
    evidence: str
    run_in: bool = False
    level: int = 0  # set by the outline when it names the level


def inside_sentence(index: int, blocks: list[Block]) -> bool:
    """A bold or capitalised phrase between two halves of one sentence ("… in the FOR FURTHER
    INFORMATION CONTACT section"): the block before does not end a sentence, the one after
    goes on in lower case."""
    previous = body_before(index, blocks)
    before = previous.text.strip() if previous is not None else ""
    after = blocks[index + 1].text.strip() if index + 1 < len(blocks) else ""
    return bool(before) and not ENDS.search(before) and after[:1].islower() and previous.kind == "text"


def _body_like(block: Block) -> bool:
    """Text a heading can head; a column of figures (a chart's axis: "2.60 2.40 2.20") is not."""
    return block.kind in ("text", "footnote") and (len(block.lines) >= 2 or bool(ENDS.search(block.text.strip()))) \
        and bool(_WORDS.search(block.text))


_WORDS = re.compile(r"[^\W\d_]{3,}|[\u2e80-\u9fff]")


def titles_a_table(c: Candidate, doc: Document) -> bool:
    """"Prevalence of Disability by Age Group: 2005 and 2010" right over a table: the table's
    title, dated like one, not a section of the text."""
    if not _TABLE_DATE.search(c.block.text.strip()):
        return False
    bottom = c.block.bbox[3]
    return any(0 <= t.bbox[1] - bottom <= 3 * c.block.size + 20 for t in doc.pages[c.block.page - 1].tables)


def heads_something(c: Candidate, blocks: list[Block], starts: set[int], doc: Document) -> bool:
    """A heading is followed by what it heads: a paragraph, a table or another heading within
    the next two blocks. A chart's title over its labels and numbers heads nothing."""
    page = doc.pages[c.block.page - 1]
    bottom = c.block.bbox[3]
    left, right = c.block.bbox[0], c.block.bbox[2]
    # A table right under it, in the same column (one beside it, under a chart's title, is not its).
    if any(0 <= t.bbox[1] - bottom <= 3 * c.block.size + 20 and t.bbox[0] < right and left < t.bbox[2] for t in page.tables):
        return True
    for j in range(c.index + 1, min(c.index + 3, len(blocks))):
        if j in starts or _body_like(blocks[j]):
            return True
    return c.index + 1 >= len(blocks)  # the last block of the document: nothing to judge by


def _stacks(a: Candidate, b: Candidate, blocks: list[Block], doc: Document) -> bool:
    """b follows a on its page with only bold lines between them, in about the same bold type,
    and no table between them (a heading over a table is not empty)."""
    if a.block.page != b.block.page or not (a.block.bold and b.block.bold) or abs(a.block.size - b.block.size) > 1.5:
        return False
    if not all(blocks[i].bold for i in range(a.index + 1, b.index)):
        return False
    top, bottom = a.block.bbox[3], b.block.bbox[1]
    return not any(top - 1 <= t.bbox[1] <= bottom + 1 for t in doc.pages[a.block.page - 1].tables)


def collapse_stacks(candidates: list[Candidate], blocks: list[Block], doc: Document) -> list[Candidate]:
    """Three or more unnumbered headings in the same type with nothing between them are a
    masthead (agency, office, rule title), not empty sections: only the last one heads text."""
    out: list[Candidate] = []
    run: list[Candidate] = []

    def flush() -> None:
        out.extend(run[-1:] if len(run) >= 3 else run)
        run.clear()

    for c in candidates:
        stackable = not c.number and not c.run_in and c.evidence not in DECLARED
        if run and stackable and _stacks(run[-1], c, blocks, doc):
            run.append(c)
            continue
        flush()
        if stackable:
            run.append(c)
        else:
            out.append(c)
    flush()
    return out


def find_missing_siblings(candidates: list[Candidate], blocks: list[Block]) -> list[Candidate]:
    """"I." and "III." found, "II." not: the heading between them was missed (plain type at a
    column top). Look for it between the two."""
    found = []
    numbered = [c for c in candidates if c.number and not c.run_in]
    for a, b in zip(numbered, numbered[1:]):
        missing = between(a.number, b.number)
        if not missing:
            continue
        pattern = re.compile(rf"^{re.escape(missing)}[.)]?\s+\S")
        for index in range(a.index + 1, b.index):
            block = blocks[index]
            if block.kind == "text" and len(block.lines) <= 4 and pattern.match(block.text) \
                    and not ENDS.search(block.text.strip()) and split_number(block.text.strip())[0] == missing:
                found.append(Candidate(index, block, missing, split_number(block.text.strip())[1], "numbered+gap"))
                break
    return found


def find_missing_parents(candidates: list[Candidate], blocks: list[Block]) -> list[Candidate]:
    """"3.1" with no "3" before it: heading 3 was missed (a long wrapped heading, plain type).
    Look for it between the heading before and "3.1"."""
    numbered = [c for c in candidates if c.number]
    found = []
    for position, parent in missing_parents([c.number for c in numbered]):
        child = numbered[position]
        before = max((c.index for c in candidates if c.index < child.index), default=-1)
        pattern = re.compile(rf"^{re.escape(parent)}\.?\s+\S")
        for index in range(before + 1, child.index):
            block = blocks[index]
            if pattern.match(block.text) and len(block.text) <= 300 and block.kind == "text":
                number, text = split_number(block.text.strip())
                if number == parent:
                    found.append(Candidate(index, block, number, text, "numbered+gap"))
                    break
    return found


_FIGURE_START = re.compile(r"^(figure|fig\.|exhibit|chart|graphic|infographic)\s*\d+[.:]", re.IGNORECASE)
_FIGURE_END = re.compile(r"^(sources?|notes?)\s*:", re.IGNORECASE)


def figure_blocks(blocks: list[Block]) -> set[int]:
    """Blocks printed inside a figure: between a caption above it ("Figure 1. …") and its source
    line below ("Sources: …") on the same page. Labels in a figure are not headings."""
    inside: set[int] = set()
    for start, block in enumerate(blocks):
        if not _FIGURE_START.match(block.text):
            continue
        for end in range(start + 1, min(start + 20, len(blocks))):
            if blocks[end].page != block.page:
                break
            if _FIGURE_END.match(blocks[end].text):
                # Reading order may interleave a figure in a side column with the body: only
                # blocks lying between the caption and the source line, under the caption, count.
                top, bottom = block.bbox[1], blocks[end].bbox[3]
                x0, x1 = min(block.bbox[0], blocks[end].bbox[0]), max(block.bbox[2], blocks[end].bbox[2])
                inside.update(i for i in range(start + 1, end)
                              if top <= blocks[i].bbox[1] <= bottom and blocks[i].bbox[0] >= x0 - 5 and blocks[i].bbox[2] <= x1 + 5)
                break
    return inside


def join_labels(candidates: list[Candidate]) -> list[Candidate]:
    """"Annexe A" over "Consultation virtuelle": a label alone on its line numbers the heading
    printed right under it."""
    out: list[Candidate] = []
    for c in candidates:
        previous = out[-1] if out else None
        if previous is not None and _LABEL_ONLY.match(previous.block.text.strip()) and c.index == previous.index + 1 \
                and not c.number and not c.run_in:
            # The heading starts at the label; the title line under it is part of the heading.
            c.number, c.level = previous.block.text.strip(), c.level or previous.level
            c.block.kind = "heading"
            c.index, c.block = previous.index, previous.block
            out[-1] = c
        else:
            out.append(c)
    return out
