"""Outline + blocks -> section tree (level, path, pages, text) and passages."""

from __future__ import annotations

import re

from ..model import Document, Heading, Passage, Section
from ..extract.decode import drop_cid_tokens
from ..extract.text import continues, join_lines
from .sentences import split_sentences

FRONT_MATTER = "Front matter"


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
        # Drop the run-in label itself ("Abstract. ") from the body text.
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
        for text, page in paragraphs:
            chunk: list[str] = []
            for start, end in split_sentences(text):
                sentence = text[start:end].strip()
                if chunk and (len(chunk) >= max_sentences or sum(map(len, chunk)) + len(sentence) > max_chars):
                    passages.append(_passage(chunk, page, section, section_index, len(passages)))
                    chunk = []
                chunk.append(sentence)
            if chunk:
                passages.append(_passage(chunk, page, section, section_index, len(passages)))
    return passages


def _passage(chunk: list[str], page: int, section: Section, section_index: int, seq: int) -> Passage:
    return Passage(text=" ".join(chunk), page=page, section=section.path, seq=seq, role=section.role,
                   role_confidence=section.role_confidence, role_evidence="section", section_index=section_index)
