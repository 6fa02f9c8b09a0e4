"""Outline + blocks -> section tree (level, path, pages, text) and passages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Document, Heading, Passage, Section
from ..extract.decode import drop_cid_tokens
from ..extract.text import continues, join_lines, joins_paragraph
from .roles import NO_EVIDENCE
from .sentences import join_sentences, split_sentences

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
        if block.kind == "title" or (block.kind == "heading" and heading is None):
            continue  # the title; the second line of a heading ("Annexe A" over its title)
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


@dataclass
class _Piece:
    """A passage in the making: its text, the pages of its first and last parts, and whether it
    is a footnote (kept apart from body text)."""

    text: str
    page: int
    last: int
    note: bool = False
    anchor: int = 0  # position of its first part among the section's pieces, to keep reading order


def build_passages(doc: Document, max_sentences: int = 3, max_chars: int = 700) -> list[Passage]:
    """Chunks of one to a few sentences, inside one paragraph of one section.

    Footnotes (blocks of kind "footnote") are passages of their own: a body paragraph broken by a
    page break joins its rest across the page's notes, and no note is joined to body text.
    """
    blocks = list(doc.blocks())
    starts = {h.block: h for h in doc.outline}
    per_section: list[list[_Piece]] = []
    for section in doc.sections:
        paragraphs: list[_Piece] = []
        kinds: list[str] = []
        for block_index in section.blocks:
            block = blocks[block_index]
            text = _block_text(block, block_index, starts).strip()
            if not text:
                continue
            kind = "footnote" if block.kind == "footnote" else "text"
            into = joins_paragraph(kinds, kind)
            if into is not None and continues(paragraphs[into].text, text):
                # A paragraph split by a column or page break (and the notes printed at its foot) is one paragraph.
                paragraphs[into].text = join_lines([paragraphs[into].text, text])
                paragraphs[into].last = block.page
            else:
                paragraphs.append(_Piece(text, block.page, block.page, kind == "footnote"))
                kinds.append(kind)
        pieces: list[_Piece] = []
        for paragraph in paragraphs:
            text = paragraph.text
            chunk: list[str] = []
            for start, end in split_sentences(text):
                sentence = text[start:end].strip()
                if chunk and (len(chunk) >= max_sentences or sum(map(len, chunk)) + len(sentence) > max_chars):
                    pieces.append(_Piece(join_sentences(chunk), paragraph.page, paragraph.last, paragraph.note, len(pieces)))
                    chunk = []
                chunk.append(sentence)
            if chunk:
                pieces.append(_Piece(join_sentences(chunk), paragraph.page, paragraph.last, paragraph.note, len(pieces)))
        # Short body text joins body text, a short note the notes beside it; never one into the other.
        joined = _join_short(pieces, note=False) + _join_short(pieces, note=True)
        per_section.append(sorted(joined, key=lambda piece: piece.anchor))
    passages: list[Passage] = []
    for piece, section_index in _join_short_sections(doc.sections, per_section):
        passages.append(_passage(piece.text, piece.page, doc.sections[section_index], section_index, len(passages)))
    return passages


def join_short(pieces: list[tuple[str, int]], min_chars: int = MIN_PASSAGE_CHARS) -> list[tuple[str, int]]:
    """(text, page) passages of one section, each one under `min_chars` joined to a neighbour.

    A fragment ("Results", "− 1", a figure label, a table remnant) says nothing on its own, so
    searched or compared it only matches by accident; it goes with the passage that follows
    (else the one before), which may then run a little past the size limit. The joined passage
    keeps the page of its first part. A section with no more text than a fragment stays as it is
    here (see `_join_short_sections`).
    The parts are joined by a line break: the indicator miner splits sentences at lines, so a
    fragment of bare figures (chart ticks, a table row) stays apart, is still passed over as no
    indicator, and lends no numbers to the sentence it now sits next to.
    """
    joined = _join_short([_Piece(text, page, page, anchor=k) for k, (text, page) in enumerate(pieces)], False, min_chars)
    return [(piece.text, piece.page) for piece in joined]


def _join_short(pieces: list[_Piece], note: bool, min_chars: int = MIN_PASSAGE_CHARS) -> list[_Piece]:
    """The pieces that are footnotes (`note`) or body text, each one under `min_chars` joined to
    the next of its kind (else the one before); see `join_short`."""
    out: list[_Piece] = []
    pending: _Piece | None = None  # short text still waiting for the passage after it
    for piece in pieces:
        if piece.note != note:
            continue
        if pending is not None:
            piece = _Piece(f"{pending.text}\n{piece.text}", pending.page, piece.last, note, pending.anchor)
            pending = None
        if len(piece.text) < min_chars:
            pending = piece
            continue
        out.append(piece)
    if pending is not None:
        if out:
            last = out[-1]
            out[-1] = _Piece(f"{last.text}\n{pending.text}", last.page, max(last.last, pending.last), note, last.anchor)
        else:
            out.append(pending)
    return out


def _join_short_sections(sections: list[Section], per_section: list[list[_Piece]],
                         min_chars: int = MIN_PASSAGE_CHARS) -> list[tuple[_Piece, int]]:
    """(piece, section index) in reading order, a section whose whole body text is a fragment
    ("N/A", "0%", "Unit: yuan") no longer a passage of its own where it can be helped.

    Such text first takes its heading ("Cover photo source\nKanawatTH/stock.adobe.com"): the words
    only mean something under it. Still a fragment, it joins the next passage of the document (else
    the one before) when that keeps provenance right: printed on the same or the next page, and
    the two sections' roles agree (`_same_role`), so no text is passed off under a role its own
    section does not have. Its heading stays in the text, saying where it came from. Otherwise it
    stays alone: a document of one line, a unit line between two tables.
    """
    out: list[list] = []  # [piece, section index]
    pending: list[tuple[_Piece, int]] = []  # fragments waiting for the next passage

    def fits(a: tuple[_Piece, int], b: tuple[_Piece, int]) -> bool:
        """`a` printed before `b` may share a passage with it."""
        # Front matter has no role of its own (a cover's "Final report, January 2021"): its
        # fragments may join the text that follows them.
        front = sections[a[1]].level == 0 and a[1] < b[1]
        return 0 <= b[0].page - a[0].last <= 1 and (front or _same_role(sections[a[1]], sections[b[1]]))

    def flush() -> None:
        if not pending:
            return
        body = [entry for entry in out if not entry[0].note]
        target = body[-1] if body else None
        if target is not None and all(fits((target[0], target[1]), p) for p in pending):
            piece = target[0]
            target[0] = _Piece("\n".join([piece.text] + [p.text for p, _ in pending]), piece.page,
                               max([piece.last] + [p.last for p, _ in pending]), False, piece.anchor)
        else:
            first, index = pending[0]
            out.append([_Piece("\n".join(p.text for p, _ in pending), first.page, pending[-1][0].last), index])
        pending.clear()

    for section_index, pieces in enumerate(per_section):
        for piece in pieces:
            if not piece.note and len(piece.text) < min_chars:
                piece = _with_heading(piece, sections[section_index])
                if len(piece.text) < min_chars:
                    if pending and not fits(pending[-1], (piece, section_index)):
                        flush()
                    pending.append((piece, section_index))
                    continue
            if pending and not piece.note:
                if all(fits(p, (piece, section_index)) for p in pending):
                    first = pending[0][0]
                    piece = _Piece("\n".join([p.text for p, _ in pending] + [piece.text]), first.page, piece.last)
                    pending.clear()
                else:
                    flush()
            out.append([piece, section_index])
    flush()
    return [(piece, index) for piece, index in out]


def _with_heading(piece: _Piece, section: Section) -> _Piece:
    """The text of a section too short to stand alone, under its heading. Its words, not its
    number: a bare "2" or "五" would read as a figure to the indicator miner."""
    heading = section.heading.strip().lstrip("\u3001.:)\u2014\u2013- ").strip()
    if section.level == 0 or not heading or piece.text.startswith(heading):
        return piece
    return _Piece(f"{heading}\n{piece.text}", piece.page, piece.last, piece.note, piece.anchor)


def _same_role(a: Section, b: Section) -> bool:
    """Text of section `a` may be read under section `b`'s role: the same role, from the same kind
    of evidence (a heading or a parent), or both still waiting for their roles from their content
    (the passage's own words then decide, segment/roles.py)."""
    return a.role == b.role and (a.role_evidence == NO_EVIDENCE) == (b.role_evidence == NO_EVIDENCE)


def _passage(text: str, page: int, section: Section, section_index: int, seq: int) -> Passage:
    return Passage(text=text, page=page, section=section.path, seq=seq, role=section.role,
                   role_confidence=section.role_confidence, role_evidence="section", section_index=section_index)
