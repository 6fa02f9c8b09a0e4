"""Headings: the PDF's own bookmarks where its pages print them, then typography and numbering.

Each heading records its evidence ("outline", "tagged", "numbered", "larger", "bold", "caps", "name",
"run-in", "gap"). Typographic evidence is relative to the body text (segment/style.py), so it
holds across fonts and sizes; numbering decides levels (segment/numbering.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Block, Document, Heading
from .bookmarks import match_bookmarks
from .numbering import between, in_sequence, missing_parents, numbered_levels, split_number
from .style import body_style
from .titles import detect_title

_UNNUMBERED_NAMES = re.compile(
    r"^(abstract|keywords?|key words|acknowledge?ments?|references|bibliography|notes|appendix(?:\s+[A-Z0-9]+)?|"
    r"introduction|conclusions?|summary|executive summary|contents|table of contents|"
    r"résumé|remerciements|table des matières|bibliographie|摘要|参考文献|目录)\b[.:]?$",
    re.IGNORECASE,
)
_RUN_IN = re.compile(
    r"^(?P<label>abstract|keywords|key words|index terms|acknowledge?ments?|funding)\s*[.:\u2014\u2013-]\s*(?=\S)",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"^(table|figure|fig\.|chart|box|graph|exhibit|map|note|tableau|graphique|carte|图|表)s?(\s*\d+[\d.\-\u2013]*|\s+(?-i:[ivxIVX]+|[A-Z]))\b"  # the label's number, case as printed
    r"|^(sources?|notes?)\s*:", re.IGNORECASE)
_INITIAL = re.compile(r"^(?:[A-Z]\.?|[A-Z]\.-?[A-Z]\.?)$")
_CONTINUED = re.compile(r"[\u2014\u2013-]\s*continued\b|\(continued\)|\bcont(?:inued|'d)\.?$", re.IGNORECASE)
_BULLET = re.compile(r"^[\u2022\u25aa\u25cf\u25e6\u2023\u2043\u00b7\u25a0\u25a1\u2013\u2014\u27a2\u2713\u2714\ue000-\uf8ff-]\s*")  # private-use glyphs: Symbol/Wingdings bullets
_AFFILIATION = re.compile(
    r"\b(universit\w*|institut\w*|department|school|college|academy|acad[ée]mie|centre|center|laborator\w*|"
    r"ministry|faculty|corresponding|e-?mail)\b|@|\b\d{5,6}\b|,\s*(china|usa|uk|france|germany|india|japan)\b", re.IGNORECASE)
_NAME = r"[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019.-]*){1,3}"
_NAME_LIST = re.compile(rf"^{_NAME}(?:\s*(?:,|\band\b|&)\s*{_NAME})+[*\d,\s]*$")  # "Li Wei, Zhou Ning and Han Xiaoyu"
_CJK_NUMBER = re.compile(r"^(\d{1,2}\s?、|[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)")
_LABEL_ONLY = re.compile(
    r"^(?i:part|chapter|section|article|annex|appendix|chapitre|partie|annexe)\s+(?:[IVX]{1,5}|\d{1,2}|[A-Z])$")
_UNIT_TAIL = re.compile(r"\s+(?:单位|units?|in)\s*[:：]\s*\S.{0,30}$", re.IGNORECASE)
_DECLARED = ("outline", "tagged")  # evidence the PDF gives about itself (extract/outline.py)
# A line that stops on a preposition, article or slash is cut from a longer text (a chart's label).
_DANGLING = re.compile(r"(?:\s(?:of|the|and|or|to|for|in|with|that|which|à|de|des|du|la|le|les|et|ou|pour|sur|que)|/|,)$", re.IGNORECASE)
_FORM = re.compile(r"[\u25a1\u2610\u2611\u2612]|^(?:none|n/?a|yes|no|nil|néant|无)$", re.IGNORECASE)  # tick boxes, empty answers
_TABLE_DATE = re.compile(r"\b(?:19|20)\d\d(?:\s*(?:and|to|-|\u2013|/)\s*(?:19|20)?\d\d)?\)?$")
_LEADERS = re.compile(r"(\.\s?){5,}|…{2,}")  # dot leaders of a table of contents
_HONORIFIC = re.compile(r"^(mr|mrs|ms|dr|prof|professor|sir|dame|shri|smt|m\.|mme)\.?\s+[A-Z]", re.IGNORECASE)
_MAX_CHARS = 200
_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass
class _Candidate:
    index: int
    block: Block
    number: str
    text: str
    evidence: str
    run_in: bool = False
    level: int = 0  # set by the outline when it names the level


def _looks_like_names(text: str) -> bool:
    """Author lines ("I. I. Didenkulova", "S N D"): mostly initials, or no word of three letters."""
    tokens = re.split(r"[\s,]+", text.replace(" and ", " ").strip())
    if not _WORD.search(text) and not re.search(r"[\u2e80-\u9fff]", text):
        return True
    if _HONORIFIC.match(text) and len(tokens) <= 5:
        return True  # "Shri Mukesh D. Ambani", "Dr. Jane Roe": a signature or a portrait's caption
    initials = sum(bool(_INITIAL.match(t)) for t in tokens)
    return initials >= 2 and initials * 2 >= len(tokens) and len(tokens) <= 8  # not "Annexe A"


def heading_evidence(block: Block, body_size: float, body_bold: bool, spaced: bool = False, standalone: bool = False) -> str:
    """Why `block` is a heading ("numbered+bold", ...), or "" when it is not one."""
    text = block.text.strip()
    if _BULLET.match(text) and standalone and len(block.lines) == 1 and block.bold and not body_bold \
            and not re.search(r"[.:;]\s+\S", text):
        # "✓ Le financement du transport actif" in bold on its own line over a paragraph: the
        # document marks its headings with a glyph; a bulleted list item runs on in body type.
        text = _BULLET.sub("", text)
    if not text or len(text) > _MAX_CHARS or len(block.lines) > 6:
        return ""
    number, rest = split_number(text)
    if not any(ch.isalpha() for ch in text) or _CAPTION.match(text) or _looks_like_names(rest):
        return ""
    if number and not (rest[:1].isupper() or "\u2e80" <= rest[:1] <= "\u9fff"):
        return ""
    if _WORD.search(block.lines[0].lead):
        return ""  # bold words opening a line that goes on in roman: a run-in label, see _run_in
    if _BULLET.match(text) or rest[:1] in "[(*" and not number or _CONTINUED.search(text) or _LEADERS.search(text):
        return ""  # a list item; a docket line or table note; a table's "—Continued" caption; a contents entry
    if rest[:1].islower() or re.search(r"\d\s?%$", text) or _DANGLING.search(text) or _FORM.search(text):
        return ""  # a sentence's tail set apart by a font change; a chart's label and its share
    named = bool(_UNNUMBERED_NAMES.match(rest))  # "Conclusion", "V. Conclusion"
    label_alone = (text.endswith(".") and block.bold and not body_bold and len(text.split()) <= 14
                   and not re.search(r"[.;:!?]\s", rest))  # a run-in label that filled its lines
    if text.endswith((".", ",", ";", "。", "，", "；")) and not named and not label_alone:
        return ""
    italic = all(re.search(r"italic|oblique", line.font, re.IGNORECASE) for line in block.lines)
    marks = []
    if number:
        marks.append("numbered")
    if block.size >= body_size + 0.8:
        marks.append("larger")
    if block.bold and not body_bold:
        marks.append("bold")
    elif italic and (number or (standalone and len(block.lines) == 1 and len(text.split()) <= 10)):
        # Italic marks emphasis in running text too; with a number, or alone on its line between
        # paragraphs, a heading.
        marks.append("italic")
    if len(block.lines) > 2 and not (set(marks) & {"larger", "bold"}) and not rest.isupper() and not spaced:
        return ""  # a paragraph that happens to start with a number
    if len(block.lines) > 4 and not (set(marks) & {"larger", "bold"}):
        return ""  # only display type wraps over five or six lines (a long heading in a narrow column)
    if marks == ["larger"] and (len(text.split()) > 25 or re.search(r"[.;!?]\s+[A-Z]", text)):
        return ""  # a paragraph set in larger type (a notice), not a heading
    if marks == ["bold"] and len(text.split()) > (14 if block.size < body_size + 0.15 else 25):
        return ""  # a bold sentence or form prompt: headings in body type are short
    if set(marks) & {"larger", "bold", "italic"}:
        return "+".join(marks)
    if named and block.size >= body_size - 0.2 and len(block.lines) == 1:
        return "name"
    if number and _CJK_NUMBER.match(text) and len(block.lines) == 1 and len(rest) <= 40 and not rest.endswith(("。", "；", "：")):
        return "numbered"  # "1、资产负债表项目变动" / "（三）重大诉讼": Chinese reports number headings in body type
    if spaced and len(text.split()) <= 25 and block.size >= body_size - 0.2 and not text.endswith((":", "?", "!")):
        return "+".join(marks + ["spaced"])  # set off by white space alone: plain type, space above
    words = text.split()
    if len(block.lines) <= 3 and rest.isupper() and len(words) <= 24 and _WORD.search(rest) \
            and not re.search(r"\d", rest) and block.size >= 0.75 * body_size:
        return "+".join(marks + ["caps"])  # small capitals set off only by case and spacing
    return ""


def _run_in(block: Block, before: Block | None) -> str:
    """The label of a run-in heading opening `block`, or "". A run-in label opens a paragraph,
    so the text before it has ended its sentence."""
    if block.kind != "text" or _BULLET.match(block.text):
        return ""
    if match := _RUN_IN.match(block.text):
        return match.group("label")
    if before is not None and before.kind == "text" and before.page == block.page and not _ENDS.search(before.text.strip()):
        return ""
    lead = block.lines[0].lead.strip()
    if not lead and len(block.lines) > 1 and block.lines[0].bold:
        # A label wrapped over several lines: whole bold lines, then the one where the text begins.
        wrapped = []
        for line in block.lines:
            if line.lead:
                lead = " ".join(wrapped + [line.lead])
                break
            if not line.bold:
                break
            wrapped.append(line.text)
    label = re.sub(r"\s*[.:\u2014\u2013]\s*$", "", lead)
    words = split_number(label)[1]
    if (label != lead or len(block.lines) > 1) and 1 <= len(words.split()) <= 14 and _WORD.search(words) \
            and words[:1].isupper() and not _looks_like_names(words) and not _CAPTION.match(label + " "):
        return label
    return ""


_ENDS = re.compile(r"[.!?:;)\]'\"\u201d\u2019]$")


def _inside_sentence(index: int, blocks: list[Block]) -> bool:
    """A bold or capitalised phrase between two halves of one sentence ("… in the FOR FURTHER
    INFORMATION CONTACT section"): the block before does not end a sentence, the one after
    goes on in lower case."""
    previous = _body_before(index, blocks)
    before = previous.text.strip() if previous is not None else ""
    after = blocks[index + 1].text.strip() if index + 1 < len(blocks) else ""
    return bool(before) and not _ENDS.search(before) and after[:1].islower() and previous.kind == "text"


def _standalone(index: int, blocks: list[Block]) -> bool:
    """A one-line block between a finished paragraph of its page and a paragraph."""
    before = _body_before(index, blocks)
    after = blocks[index + 1] if index + 1 < len(blocks) else None
    # Not at a page's top: running heads and series labels sit there, in italic too.
    finished = before is not None and before.page == blocks[index].page and before.kind == "text" \
        and bool(_ENDS.search(before.text.strip()))
    return finished and after is not None and after.kind == "text" and len(after.lines) >= 2


def _body_before(index: int, blocks: list[Block]) -> Block | None:
    """The block before, passing over footnotes (after a page break they sit between the halves)."""
    for j in range(index - 1, -1, -1):
        if blocks[j].kind != "footnote":
            return blocks[j]
    return None


def _body_like(block: Block) -> bool:
    return block.kind in ("text", "footnote") and (len(block.lines) >= 2 or bool(_ENDS.search(block.text.strip())))


def _titles_a_table(c: _Candidate, doc: Document) -> bool:
    """"Prevalence of Disability by Age Group: 2005 and 2010" right over a table: the table's
    title, dated like one, not a section of the text."""
    if not _TABLE_DATE.search(c.block.text.strip()):
        return False
    bottom = c.block.bbox[3]
    return any(0 <= t.bbox[1] - bottom <= 3 * c.block.size + 20 for t in doc.pages[c.block.page - 1].tables)


def _heads_something(c: _Candidate, blocks: list[Block], starts: set[int], doc: Document) -> bool:
    """A heading is followed by what it heads: a paragraph, a table or another heading within
    the next two blocks. A chart's title over its labels and numbers heads nothing."""
    page = doc.pages[c.block.page - 1]
    bottom = c.block.bbox[3]
    if any(0 <= t.bbox[1] - bottom <= 3 * c.block.size + 20 for t in page.tables):
        return True
    for j in range(c.index + 1, min(c.index + 3, len(blocks))):
        if j in starts or _body_like(blocks[j]):
            return True
    return c.index + 1 >= len(blocks)  # the last block of the document: nothing to judge by


def _stacks(a: _Candidate, b: _Candidate, blocks: list[Block], doc: Document) -> bool:
    """b follows a on its page with only bold lines between them, in about the same bold type,
    and no table between them (a heading over a table is not empty)."""
    if a.block.page != b.block.page or not (a.block.bold and b.block.bold) or abs(a.block.size - b.block.size) > 1.5:
        return False
    if not all(blocks[i].bold for i in range(a.index + 1, b.index)):
        return False
    top, bottom = a.block.bbox[3], b.block.bbox[1]
    return not any(top - 1 <= t.bbox[1] <= bottom + 1 for t in doc.pages[a.block.page - 1].tables)


def _collapse_stacks(candidates: list[_Candidate], blocks: list[Block], doc: Document) -> list[_Candidate]:
    """Three or more unnumbered headings in the same type with nothing between them are a
    masthead (agency, office, rule title), not empty sections: only the last one heads text."""
    out: list[_Candidate] = []
    run: list[_Candidate] = []

    def flush() -> None:
        out.extend(run[-1:] if len(run) >= 3 else run)
        run.clear()

    for c in candidates:
        stackable = not c.number and not c.run_in and c.evidence not in _DECLARED
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


def _find_missing_siblings(candidates: list[_Candidate], blocks: list[Block]) -> list[_Candidate]:
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
                    and not _ENDS.search(block.text.strip()) and split_number(block.text.strip())[0] == missing:
                found.append(_Candidate(index, block, missing, split_number(block.text.strip())[1], "numbered+gap"))
                break
    return found


def _find_missing_parents(candidates: list[_Candidate], blocks: list[Block]) -> list[_Candidate]:
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
                    found.append(_Candidate(index, block, number, text, "numbered+gap"))
                    break
    return found


_FIGURE_START = re.compile(r"^(figure|fig\.|exhibit|chart|graphic|infographic)\s*\d+[.:]", re.IGNORECASE)
_FIGURE_END = re.compile(r"^(sources?|notes?)\s*:", re.IGNORECASE)


def _figure_blocks(blocks: list[Block]) -> set[int]:
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


def _gaps_above(blocks: list[Block]) -> list[float | None]:
    """White space between each block and the one before it in its column (None at a column top)."""
    gaps: list[float | None] = [None]
    for prev, block in zip(blocks, blocks[1:]):
        same = prev.page == block.page and prev.lines[-1].column == block.lines[0].column
        gap = block.bbox[1] - prev.bbox[3]
        gaps.append(gap if same and gap > -1 else None)
    return gaps


def _spaced(blocks: list[Block], body_size: float) -> set[int]:
    """Blocks with clearly more space above them than paragraphs get, followed by a paragraph:
    headings set off by spacing alone."""
    from statistics import median

    gaps = _gaps_above(blocks)
    usual = [g for g in gaps if g is not None]
    if not usual:
        return set()
    paragraph_gap = median(usual)
    out = set()
    for i, gap in enumerate(gaps[:-1]):
        nxt = blocks[i + 1]
        if len(blocks[i].lines) > 4 or not (len(nxt.lines) >= 2 or _ENDS.search(nxt.text.strip())):
            continue
        below = gaps[i + 1]
        if gap is not None and gap >= paragraph_gap + 0.6 * body_size and (below or 0) < gap:
            out.add(i)
        elif gap is None and below is not None and below >= paragraph_gap + 0.25 * body_size \
                and split_number(blocks[i].text.strip())[0] and not _ENDS.search(blocks[i].text.strip()):
            out.add(i)  # at the top of a column: a numbered line with a heading's space below it
    return out


def _candidates(doc: Document, blocks: list[Block]) -> list[_Candidate]:
    body_size, body_bold = body_style(doc)
    spaced = _spaced(blocks, body_size)
    printed = match_bookmarks(doc)
    in_figures = _figure_blocks(blocks)
    out: list[_Candidate] = []
    for index, block in enumerate(blocks):
        if block.kind in ("title", "footnote") or (index in in_figures and index not in printed):
            continue
        text = block.text.strip()
        if index in printed and len(text.split()) <= 20:  # Word bookmarks every "heading"-styled paragraph
            number, rest = split_number(text)
            out.append(_Candidate(index, block, number, rest, printed[index].source, level=printed[index].level))
        elif evidence := heading_evidence(block, body_size, body_bold, index in spaced, _standalone(index, blocks)):
            number, rest = split_number(_BULLET.sub("", text))
            out.append(_Candidate(index, block, number, rest, evidence))
        elif label := _run_in(block, None if out and out[-1].index == index - 1 else _body_before(index, blocks)):
            number, rest = split_number(label)
            out.append(_Candidate(index, block, number, rest, "run-in", run_in=True))
    keep = iter(in_sequence([c.number for c in out if c.number]))
    out = [c for c in out if not c.number or next(keep)]
    out = [c for c in out if c.evidence in _DECLARED or not _inside_sentence(c.index, blocks)]
    out = _collapse_stacks(out, blocks, doc)
    starts = {c.index for c in out}
    out = [c for c in out if c.run_in or c.evidence in _DECLARED or _UNNUMBERED_NAMES.match(c.text)
           or (_heads_something(c, blocks, starts, doc) and not (not c.number and _titles_a_table(c, doc)))]
    # What page 1 prints above the title is its masthead (agency, series, docket), not sections.
    title_at = next((i for i, b in enumerate(blocks) if b.kind == "title"), -1)
    out = [c for c in out if c.index > title_at or c.evidence in _DECLARED]
    # Author names and affiliations above the first paragraph of page 1 are not headings.
    body_starts = next((i for i, b in enumerate(blocks) if b.kind == "text" and len(b.lines) >= 3), len(blocks))
    opening = next((c.index for c in out if c.number or c.evidence in _DECLARED or _UNNUMBERED_NAMES.match(c.text)), 0)
    out = [c for c in out if c.index >= min(opening, body_starts) or c.block.page > 1 or c.run_in
           or not (c.index < opening or _AFFILIATION.search(c.block.text) or _NAME_LIST.match(c.block.text.strip()))]
    out += _find_missing_parents(out, blocks)
    out += _find_missing_siblings(sorted(out, key=lambda c: c.index), blocks)
    return _join_labels(sorted(out, key=lambda c: c.index))


def _join_labels(candidates: list[_Candidate]) -> list[_Candidate]:
    """"Annexe A" over "Consultation virtuelle": a label alone on its line numbers the heading
    printed right under it."""
    out: list[_Candidate] = []
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


def _levels(candidates: list[_Candidate]) -> list[int]:
    numbered = iter(numbered_levels([c.number for c in candidates if c.number]))
    by_number = {id(c): next(numbered) for c in candidates if c.number}
    numbered_sizes = {round(c.block.size): by_number[id(c)] for c in candidates if c.number and not c.run_in}
    plain = sorted({round(c.block.size) for c in candidates
                    if not c.number and not c.run_in and not c.level and not _UNNUMBERED_NAMES.match(c.text)}, reverse=True)
    levels = []
    above = 0  # level of the last heading set on its own line
    for c in candidates:
        if c.run_in and not c.number:
            # A run-in label heads a paragraph inside its section; a named one ("Keywords:",
            # "SUMMARY:") stands at the top unless it follows other run-in labels of a section.
            after_run_in = bool(levels) and candidates[len(levels) - 1].run_in
            if _UNNUMBERED_NAMES.match(c.text) and not after_run_in:
                levels.append(1)
            else:
                levels.append(levels[-1] if after_run_in else min(above + 1, 4))
            continue
        if c.level:
            level = c.level
        elif c.number:
            level = by_number[id(c)]
        elif c.run_in or _UNNUMBERED_NAMES.match(c.text):
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
