"""The document's title: what page 1 prints as its title, or the metadata title where page 1 prints it."""

from __future__ import annotations

import re

from ..extract.outline import plausible_title
from ..model import Block, Document
from .numbering import split_number
from .style import body_style

_DIGITS_OR_BRACKETS = re.compile(r"[\d\[\]]")
_NAMED = re.compile(r"^(abstract|summary|executive summary|introduction|contents|table of contents|foreword|preface)\b", re.IGNORECASE)


def _running_words(doc: Document) -> set[str]:
    """Texts of the running heads removed from pages after the first: a publication's section
    label ("Proposed Rules") is printed big on page 1 and repeated in every running head."""
    return {re.sub(r"\s+", " ", line.text).strip().lower() for page in doc.pages[1:] for line in page.removed}


def _is_running_label(block: Block, running: set[str]) -> bool:
    text = re.sub(r"\s+", " ", block.text).strip().lower()
    return bool(text) and any(text in line for line in running)


def _masthead_title(blocks: list[Block], body_size: float, body_bold: bool) -> Block | None:
    """Bold body-size blocks opening page 1 (agency, docket line, title; or a title alone over the
    text): the title is the longest line of words among them, not the agency in capitals nor the
    docket number. Small print beside the masthead (a notice box) is passed over."""
    if body_bold:
        return None
    stack = []
    for block in blocks:
        if block.size < body_size - 0.5 and not block.bold:
            continue
        if not block.bold:
            break
        stack.append(block)
    words = [b for b in stack if not _DIGITS_OR_BRACKETS.search(b.text) and not b.text.isupper()
             and len(b.text.split()) >= 3 and not _NAMED.match(b.text.strip())]
    return max(words, key=lambda b: len(b.text)) if words else None


def _first_paragraph(blocks: list[Block], body_size: float) -> int:
    """Index of page 1's first paragraph of body text (or len(blocks)). A title opens the
    document: larger type after the text has begun is a section's heading, as in an excerpt
    that starts mid-chapter."""
    for i, block in enumerate(blocks):
        if not block.bold and abs(block.size - body_size) <= 0.5 and len(block.text.split()) >= 25:
            return i
    return len(blocks)


def detect_title(doc: Document) -> str:
    """The largest text near the top of page 1; the metadata title when page 1 prints it."""
    if not doc.pages or not doc.pages[0].blocks:
        return ""
    first = doc.pages[0]
    page_text = " ".join(b.text for b in first.blocks)
    from_metadata = plausible_title(doc.metadata.get("Title", ""), page_text)
    running = _running_words(doc)
    body_size, body_bold = body_style(doc)
    opening = first.blocks[:_first_paragraph(first.blocks, body_size)]
    candidates = [
        b for b in opening
        if b.bbox[1] < first.height * 0.5 and len(b.text) <= 300
        and not split_number(b.text.strip())[0]  # "PART I - DEFINITIONS" heads a part, not the document
        and not _NAMED.match(b.text.strip())  # "Abstract", "Summary": the first section's heading
    ]
    upper = [b for b in candidates if not _is_running_label(b, running)]
    # Big text the running heads repeat: a publication's section label ("Proposed Rules", over a
    # masthead that names the document), or the title itself, repeated as a short running head.
    repeated = [b for b in candidates if b not in upper and b.size >= body_size + 1.5]
    big_repeated = max(repeated, key=lambda b: (b.size, -b.bbox[1])) if repeated else None
    if upper:
        biggest = max(upper, key=lambda b: b.size)
        outranked = big_repeated is not None and big_repeated.size >= biggest.size + 1.0 and big_repeated.bbox[1] < biggest.bbox[1]
        if biggest.size >= body_size + 1.5 and not outranked:
            biggest.kind = "title"
            return biggest.text
        masthead = _masthead_title([b for b in first.blocks if b in upper], body_size, body_bold)
        if masthead is not None and not from_metadata:
            masthead.kind = "title"
            return masthead.text
    if from_metadata:
        return from_metadata
    # Nothing else on page 1 reads as the title: the big repeated text is the title.
    if big_repeated is not None:
        big_repeated.kind = "title"
        return big_repeated.text
    return ""
