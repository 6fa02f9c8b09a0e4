"""The document model: typed dataclasses shared by every stage.

Document -> Page -> Block -> Line. Extraction fills pages, blocks, lines and
tables; later stages (segment, indicators, embed) fill sections, passages and
indicators. Every line keeps its page number so any later result can be traced
back to where it was printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points


@dataclass
class Line:
    text: str
    page: int  # 1-based
    bbox: BBox
    font: str = ""
    size: float = 0.0
    bold: bool = False
    column: int = 0  # -1 for a line spanning every column
    marks: list[str] = field(default_factory=list)  # superscript marks taken out of the text
    # Opening words set in bold when the rest of the line is not ("Policy priorities. The…"): the
    # label of a run-in heading. Empty for lines in one weight.
    lead: str = ""
    # A footnote's line (smaller type at the foot of a column, moved after the page's body by
    # extract/layout.py): its block is kind "footnote", so a body paragraph broken by a page or
    # column break joins its rest across the notes, and no note is glued into body sentences.
    note: bool = False

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def x1(self) -> float:
        return self.bbox[2]

    @property
    def bottom(self) -> float:
        return self.bbox[3]


@dataclass
class Block:
    """Consecutive lines of one column that belong together (a paragraph or a heading)."""

    lines: list[Line]
    page: int
    kind: str = "text"  # text | heading | caption | title | footnote
    text: str = ""  # lines joined, words broken at line ends re-joined

    @property
    def bbox(self) -> BBox:
        return (
            min(line.x0 for line in self.lines),
            min(line.top for line in self.lines),
            max(line.x1 for line in self.lines),
            max(line.bottom for line in self.lines),
        )

    @property
    def size(self) -> float:
        return max((line.size for line in self.lines), default=0.0)

    @property
    def bold(self) -> bool:
        return all(line.bold for line in self.lines)


@dataclass
class Table:
    page: int
    bbox: BBox
    rows: list[list[str]]
    caption: str = ""
    section: int = -1  # index of the section it is printed in, set by the segment stage


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    removed: list[Line] = field(default_factory=list)  # running heads, footers, page numbers
    columns: int = 1
    # False when most of its glyphs do not decode (fonts without a Unicode map): its text is left
    # out (no blocks, tables or passages) rather than stored as "(cid:N)" noise.
    readable: bool = True

    @property
    def lines(self) -> list[Line]:
        return [line for block in self.blocks for line in block.lines]


@dataclass
class Heading:
    text: str
    level: int
    page: int
    number: str = ""
    block: int = -1  # index of its block in Document.blocks() order
    run_in: bool = False  # "Abstract. Text…": the label opens a paragraph
    # Why it is a heading: "outline" (the PDF's bookmarks), "tagged" (its H1–H6), "numbered", "larger",
    # "bold", "caps", "spaced", "name" (Abstract, References…), "run-in"; several joined by "+".
    evidence: str = ""


@dataclass
class Bookmark:
    """A heading the PDF declares (a bookmark, a tagged H1–H6): a claim, checked against the print."""

    text: str
    level: int
    page: int | None  # 1-based; None when it points outside the file
    top: float | None = None  # the /XYZ destination's top, in PDF user space (from the bottom)
    source: str = "outline"  # "outline" (bookmarks) or "tagged" (H1–H6 of a tagged PDF)


@dataclass
class Section:
    heading: str
    level: int
    path: str  # "2/2.1" style path of numbers or headings from the root
    page_start: int
    page_end: int
    text: str = ""
    number: str = ""
    role: str = "other"
    role_confidence: float = 0.0
    role_evidence: str = ""
    blocks: list[int] = field(default_factory=list)  # indices into Document.blocks() order


@dataclass
class Passage:
    """One to a few sentences inside one section: the unit of search and comparison."""

    text: str
    page: int
    section: str  # section path
    seq: int = 0
    role: str = "other"
    role_confidence: float = 0.0
    role_evidence: str = ""
    section_index: int = -1
    kind: str = "text"  # "text", or "table": one table row with its headers (segment/table_passages.py)
    language: str = ""  # "zh" | "en" by script (language.py), set by the segment stage


@dataclass
class Indicator:
    """One number with its meaning: "over 130 million IoT terminal users"."""

    start: int  # character offsets of raw_text in the text it was found in
    end: int
    raw_text: str
    value: float
    unit: str = ""  # ISO 4217 for money (CNY, USD, EUR), "%", km, t, kWh, GW, times, ... or "" for counts
    kind: str = "count"  # count | percent | money | rank | fraction | ratio | growth | quantity
    qualifier: str = ""  # "" | approximate | lower_bound | upper_bound | range
    low: float | None = None  # for ranges
    high: float | None = None
    indicator: str = ""  # the subject phrase: "5G base stations"
    period: str = ""  # "As of 2020", "in 2022", "during the 13th Five-Year Plan period"
    place: str = ""  # "Shandong", "16 cities"
    change: str = ""  # "" | increase | decrease | percentage_points
    # What a change is measured against (indicators/baseline.py): "" | year_on_year |
    # period_on_period | previous_year | a year ("2005")
    base: str = ""
    sentence: str = ""
    # Provenance, filled when the indicator comes from a stored document.
    document: str = ""
    page: int | None = None
    section: str = ""
    section_role: str = ""


@dataclass
class Document:
    path: str
    sha256: str
    pages: list[Page] = field(default_factory=list)
    title: str = ""
    sections: list[Section] = field(default_factory=list)
    outline: list[Heading] = field(default_factory=list)
    bookmarks: list[Bookmark] = field(default_factory=list)  # the PDF's own outline, unchecked
    indicators: list[Indicator] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    # float32 array (n_passages, dim), L2-normalised, filled by the embed stage
    embeddings: object = None
    embed_model: str = ""
    # float32 array (n_indicators, dim): "subject: sentence" embedded, for aligning indicators
    indicator_embeddings: object = None
    metadata: dict[str, str] = field(default_factory=dict)
    id: int | None = None
    language: str = ""  # "zh" | "en" by script over its passages (language.py), set by the segment stage

    @property
    def name(self) -> str:
        from pathlib import PurePath

        return PurePath(self.path).name

    @property
    def stem(self) -> str:
        from pathlib import PurePath

        return PurePath(self.path).stem

    @property
    def n_pages(self) -> int:
        return len(self.pages)

    def blocks(self) -> Iterator[Block]:
        for page in self.pages:
            yield from page.blocks

    def lines(self) -> Iterator[Line]:
        for page in self.pages:
            yield from page.lines

    @property
    def tables(self) -> list[Table]:
        return [table for page in self.pages for table in page.tables]

    @property
    def text(self) -> str:
        """Clean text in reading order: one paragraph per line."""
        from .extract.text import document_paragraphs

        return "\n".join(document_paragraphs(self))
