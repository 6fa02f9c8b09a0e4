"""Plain-text and Markdown documents: blank lines separate paragraphs, "#" lines are headings."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..model import Block, Document, Heading, Line, Page
from .pdf import file_sha256
from .text import normalize_text

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")


def extract_text_file(path: str | Path, settings: dict | None = None) -> Document:
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "no such file")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(str(path), "empty file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
    markdown = path.suffix.lower() in (".md", ".markdown")
    doc = Document(path=str(path), sha256=file_sha256(path), metadata={"format": "markdown" if markdown else "text"})
    page = Page(number=1, width=0.0, height=0.0)
    outline: list[Heading] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            joined = normalize_text(" ".join(paragraph))
            page.blocks.append(Block(lines=[_line(joined)], page=1, text=joined))
            paragraph.clear()

    lines = text.splitlines()
    for i, raw_line in enumerate(lines):
        line = raw_line.strip()
        heading = _MD_HEADING.match(line) if markdown else None
        if markdown and not heading and line and i + 1 < len(lines) and _SETEXT.match(lines[i + 1].strip()) and not paragraph:
            heading = re.match(r"^()(.+)$", line)  # "Title\n=====" style
            level = 1 if lines[i + 1].strip().startswith("=") else 2
        elif heading:
            level = len(heading.group(1))
        if heading:
            flush()
            title = normalize_text(heading.group(2))
            page.blocks.append(Block(lines=[_line(title)], page=1, kind="heading", text=title))
            outline.append(Heading(text=title, level=level, page=1, block=-1))
        elif markdown and _SETEXT.match(line) and page.blocks and page.blocks[-1].kind == "heading" and not paragraph:
            continue
        elif not line:
            flush()
        else:
            paragraph.append(line)
    flush()
    if not page.blocks:
        raise InputError(str(path), "no text")
    doc.pages = [page]
    # Block indices of the headings, in Document.blocks() order.
    heading_blocks = [i for i, b in enumerate(page.blocks) if b.kind == "heading"]
    for heading, index in zip(outline, heading_blocks):
        heading.block = index
    doc.outline = outline
    if outline and outline[0].level == 1 and heading_blocks[0] == 0 and sum(h.level == 1 for h in outline) == 1:
        doc.title = outline[0].text  # a single "# Title" on top is the title, not a section
        page.blocks[0].kind = "title"
        doc.outline = outline[1:]
    return doc


def _line(text: str) -> Line:
    return Line(text=text, page=1, bbox=(0.0, 0.0, 0.0, 0.0))
