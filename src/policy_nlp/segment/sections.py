"""Outline + blocks -> section tree (level, path, pages, text) and passages."""

from __future__ import annotations

import re

from ..model import Document, Heading, Passage, Section
from ..extract.decode import drop_cid_tokens
from ..extract.text import continues, join_lines
from .sentences import split_sentences

FRONT_MATTER = "Front matter"
# Characters: below this a passage is a label or a fragment, not a statement (benchmarks/health.py).
MIN_PASSAGE_CHARS = 40


def _label(heading: Heading) -> str:
    return heading.number or heading.text


def build_sections(doc: Document) -> list[Section]:
    """One section per heading (plus front matter before the first), each knowing its blocks."""
    blocks = list(doc.blocks())
    starts = {h.block: h for h in doc.outline}
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []  # (level, label) of the open ancestors
    current: Section | None = None
    for index, block in enumerate(blocks):
        heading = starts.get(index)
        if heading is not None:
            while stack and stack[-1][0] >= heading.level:
                stack.pop()
            stack.append((heading.level, _label(heading)))
            current = Section(
                heading=heading.text, level=heading.level, number=heading.number,
                path=" / ".join(label for _, label in stack), page_start=block.page, page_end=block.page,
            )
            sections.append(current)
            if not heading.run_in:
                continue
        if current is None:
            current = Section(heading=FRONT_MATTER, level=0, path=FRONT_MATTER, page_start=block.page, page_end=block.page)
            sections.append(current)
        if block.kind == "title":
            continue
        current.blocks.append(index)
        current.page_end = max(current.page_end, block.page)
    for section in sections:
        section.text = "\n".join(_block_text(blocks[i], i, starts) for i in section.blocks).strip()
    return sections


def _block_text(block, index: int, starts: dict[int, Heading]) -> str:
    # A stray glyph without a Unicode map on a readable page: searched or mined, "(cid:12)" would
    # pass for a word or a number; dropped here, it is absent from section text, passages and so
    # from indicators and vectors alike. The stored blocks keep what the page printed.
    text = drop_cid_tokens(block.text)
    heading = starts.get(index)
    if heading is not None and heading.run_in:
        # Drop the run-in label itself ("Abstract. ", "(a) Reduce leakage. ") from the body text.
        label = r"\s+".join(map(re.escape, heading.text.split()))
        number = re.escape(heading.number) + r"[.)]?\s*" if heading.number else ""
        stripped = re.sub(rf"^\(?{number}{label}\s*[.:\u2014\u2013-]?\s*", "", text, count=1, flags=re.IGNORECASE)
        if stripped != text:
            return stripped
        return re.sub(r"^\S+(\s+terms|\s+words)?\s*[.:\u2014\u2013-]\s*", "", text, count=1, flags=re.IGNORECASE)
    return text


def build_passages(doc: Document, max_sentences: int = 3, max_chars: int = 700) -> list[Passage]:
    """Chunks of one to a few sentences, inside one paragraph of one section."""
    blocks = list(doc.blocks())
    starts = {h.block: h for h in doc.outline}
    passages: list[Passage] = []
    for section_index, section in enumerate(doc.sections):
        paragraphs: list[tuple[str, int]] = []
        for block_index in section.blocks:
            text = _block_text(blocks[block_index], block_index, starts).strip()
            if not text:
                continue
            if paragraphs and continues(paragraphs[-1][0], text):
                # A paragraph split by a column or page break is one paragraph.
                paragraphs[-1] = (join_lines([paragraphs[-1][0], text]), paragraphs[-1][1])
            else:
                paragraphs.append((text, blocks[block_index].page))
        pieces: list[tuple[str, int]] = []
        for text, page in paragraphs:
            chunk: list[str] = []
            for start, end in split_sentences(text):
                sentence = text[start:end].strip()
                if chunk and (len(chunk) >= max_sentences or sum(map(len, chunk)) + len(sentence) > max_chars):
                    pieces.append((" ".join(chunk), page))
                    chunk = []
                chunk.append(sentence)
            if chunk:
                pieces.append((" ".join(chunk), page))
        for text, page in join_short(pieces):
            passages.append(_passage(text, page, section, section_index, len(passages)))
    return passages


def join_short(pieces: list[tuple[str, int]], min_chars: int = MIN_PASSAGE_CHARS) -> list[tuple[str, int]]:
    """(text, page) passages of one section, each one under `min_chars` joined to a neighbour.

    A fragment ("Results", "− 1", a figure label, a table remnant) says nothing on its own, so
    searched or compared it only matches by accident; it goes with the passage that follows
    (else the one before), which may then run a little past the size limit. The joined passage
    keeps the page of its first part. A section with no more text than a fragment stays as it is.
    The parts are joined by a line break: the indicator miner splits sentences at lines, so a
    fragment of bare figures (chart ticks, a table row) stays apart, is still passed over as no
    indicator, and lends no numbers to the sentence it now sits next to.
    """
    out: list[tuple[str, int]] = []
    pending: tuple[str, int] | None = None  # short text still waiting for the passage after it
    for text, page in pieces:
        if pending is not None:
            text, page = f"{pending[0]}\n{text}", pending[1]
            pending = None
        if len(text) < min_chars:
            pending = (text, page)
            continue
        out.append((text, page))
    if pending is not None:
        if out:
            out[-1] = (f"{out[-1][0]}\n{pending[0]}", out[-1][1])
        else:
            out.append(pending)
    return out


def _passage(text: str, page: int, section: Section, section_index: int, seq: int) -> Passage:
    return Passage(text=text, page=page, section=section.path, seq=seq, role=section.role,
                   role_confidence=section.role_confidence, role_evidence="section", section_index=section_index)
