"""What a single block shows of being a heading: numbering, size, weight, italic, capitals,
white space, a run-in label; and what rules it out (a caption, an author line, a list item, a form).

All cues are relative to the body text (segment/style.py), so they hold across fonts and sizes.
"""

from __future__ import annotations

import re

from ..model import Block
from .numbering import split_number

UNNUMBERED_NAMES = re.compile(
    r"^(abstract|keywords?|key words|acknowledge?ments?|references|bibliography|notes|appendix(?:\s+[A-Z0-9]+)?|"
    r"introduction|conclusions?|summary|executive summary|contents|table of contents|"
    r"résumé|remerciements|table des matières|bibliographie|摘要|参考文献|目录)\b[.:]?$",
    re.IGNORECASE,
)
_RUN_IN = re.compile(
    r"^(?P<label>abstract|keywords|key words|index terms|acknowledge?ments?|funding)\s*[.:\u2014\u2013-]\s*(?=\S)",
    re.IGNORECASE,
)
CAPTION = re.compile(
    r"^(table|figure|fig\.|chart|box|graph|exhibit|map|note|tableau|graphique|carte|图|表)s?(\s*\d+[\d.\-\u2013]*|\s+(?-i:[ivxIVX]+|[A-Z]))(?:\b|(?<=\d)(?=[\u4e00-\u9fff]))"  # the label's number, case as printed
    r"|^(sources?|notes?)\s*:", re.IGNORECASE)
_INITIAL = re.compile(r"^(?:[A-Z]\.?|[A-Z]\.-?[A-Z]\.?)$")
_CONTINUED = re.compile(r"[\u2014\u2013-]\s*continued\b|\(continued\)|\bcont(?:inued|'d)\.?$", re.IGNORECASE)
BULLET = re.compile(r"^[\u2022\u25aa\u25cf\u25e6\u2023\u2043\u00b7\u25a0\u25a1\u2013\u2014\u27a2\u2713\u2714\ue000-\uf8ff-]\s*")  # private-use glyphs: Symbol/Wingdings bullets
_CJK_NUMBER = re.compile(r"^(\d{1,2}\s?、|[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)")
# A line that stops on a preposition, article or slash is cut from a longer text (a chart's label).
_DANGLING = re.compile(r"(?:\s(?:of|the|and|or|to|for|in|with|that|which|à|de|des|du|la|le|les|et|ou|pour|sur|que)|/|,)$", re.IGNORECASE)
_FORM = re.compile(r"[\u25a1\u2610\u2611\u2612]|^(?:none|n/?a|yes|no|nil|néant|无)$", re.IGNORECASE)  # tick boxes, empty answers
# The same word twice in a row: labels of side-by-side cells or a chart legend read as one line.
# Names repeat a capitalised word ("Walla Walla"), so only lower-case or all-capital words count.
_REPEATED_WORD = re.compile(r"(?<![\w-])([^\W\d_A-Z]{2,}|[A-ZÀ-Ý]{2,})\s+\1(?![\w-])")
_LEADERS = re.compile(r"(\.\s?){5,}|…{2,}")  # dot leaders of a table of contents
_HONORIFIC = re.compile(r"^(mr|mrs|ms|dr|prof|professor|sir|dame|shri|smt|m\.|mme)\.?\s+[A-Z]", re.IGNORECASE)
_MAX_CHARS = 200
WORD = re.compile(r"[^\W\d_]{3,}")


def looks_like_names(text: str) -> bool:
    """Author lines ("I. I. Didenkulova", "S N D"): mostly initials, or no word of three letters."""
    tokens = re.split(r"[\s,]+", text.replace(" and ", " ").strip())
    if not WORD.search(text) and not re.search(r"[\u2e80-\u9fff]", text):
        return True
    if _HONORIFIC.match(text) and len(tokens) <= 5:
        return True  # "Shri Mukesh D. Ambani", "Dr. Jane Roe": a signature or a portrait's caption
    initials = sum(bool(_INITIAL.match(t)) for t in tokens)
    return initials >= 2 and initials * 2 >= len(tokens) and len(tokens) <= 8  # not "Annexe A"


def heading_evidence(block: Block, body_size: float, body_bold: bool, spaced: bool = False, standalone: bool = False) -> str:
    """Why `block` is a heading ("numbered+bold", ...), or "" when it is not one."""
    text = block.text.strip()
    if BULLET.match(text) and standalone and len(block.lines) == 1 and block.bold and not body_bold \
            and not re.search(r"[.:;]\s+\S", text):
        # "✓ Le financement du transport actif" in bold on its own line over a paragraph: the
        # document marks its headings with a glyph; a bulleted list item runs on in body type.
        text = BULLET.sub("", text)
    if not text or len(text) > _MAX_CHARS or len(block.lines) > 6:
        return ""
    number, rest = split_number(text)
    if not any(ch.isalpha() for ch in text) or CAPTION.match(text) or looks_like_names(rest):
        return ""
    if number and not (rest[:1].isupper() or "\u2e80" <= rest[:1] <= "\u9fff"):
        return ""
    if WORD.search(block.lines[0].lead):
        return ""  # bold words opening a line that goes on in roman: a run-in label, see run_in_label
    if BULLET.match(text) or rest[:1] in "[(*" and not number or _CONTINUED.search(text) or _LEADERS.search(text) \
            or re.match(r"\d{3}\s", text):  # "150 Integrated Approach…": a contents entry's page number (not a year)
        return ""  # a list item; a docket line or table note; a table's "—Continued" caption; a contents entry
    if rest[:1].islower() or re.search(r"\d\s?%$", text) or _DANGLING.search(text) or _FORM.search(text):
        return ""  # a sentence's tail set apart by a font change; a chart's label and its share
    if _REPEATED_WORD.search(text):
        return ""  # "Integration and and methodology", "IMPORTANT IMPORTANT": column heads read across
    named = bool(UNNUMBERED_NAMES.match(rest))  # "Conclusion", "V. Conclusion"
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
    if len(block.lines) <= 3 and rest.isupper() and len(words) <= 24 and WORD.search(rest) \
            and not re.search(r"\d", rest) and block.size >= 0.75 * body_size:
        return "+".join(marks + ["caps"])  # small capitals set off only by case and spacing
    return ""


def run_in_label(block: Block, before: Block | None) -> str:
    """The label of a run-in heading opening `block`, or "". A run-in label opens a paragraph,
    so the text before it has ended its sentence."""
    if block.kind != "text" or BULLET.match(block.text):
        return ""
    if match := _RUN_IN.match(block.text):
        return match.group("label")
    if before is not None and before.kind == "text" and before.page == block.page and not ENDS.search(before.text.strip()):
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
    if (label != lead or len(block.lines) > 1) and 1 <= len(words.split()) <= 14 and WORD.search(words) \
            and words[:1].isupper() and not looks_like_names(words) and not CAPTION.match(label + " "):
        return label
    return ""


ENDS = re.compile(r"[.!?:;)\]'\"\u201d\u2019]$")


def standalone(index: int, blocks: list[Block]) -> bool:
    """A one-line block between a finished paragraph of its page and a paragraph."""
    before = body_before(index, blocks)
    after = blocks[index + 1] if index + 1 < len(blocks) else None
    # Not at a page's top: running heads and series labels sit there, in italic too.
    finished = before is not None and before.page == blocks[index].page and before.kind == "text" \
        and bool(ENDS.search(before.text.strip()))
    return finished and after is not None and after.kind == "text" and len(after.lines) >= 2


def body_before(index: int, blocks: list[Block]) -> Block | None:
    """The block before, passing over footnotes (after a page break they sit between the halves)."""
    for j in range(index - 1, -1, -1):
        if blocks[j].kind != "footnote":
            return blocks[j]
    return None


def gaps_above(blocks: list[Block]) -> list[float | None]:
    """White space between each block and the one before it in its column (None at a column top)."""
    gaps: list[float | None] = [None]
    for prev, block in zip(blocks, blocks[1:]):
        same = prev.page == block.page and prev.lines[-1].column == block.lines[0].column
        gap = block.bbox[1] - prev.bbox[3]
        gaps.append(gap if same and gap > -1 else None)
    return gaps


def spaced_blocks(blocks: list[Block], body_size: float) -> set[int]:
    """Blocks with clearly more space above them than paragraphs get, followed by a paragraph:
    headings set off by spacing alone."""
    from statistics import median

    gaps = gaps_above(blocks)
    usual = [g for g in gaps if g is not None]
    if not usual:
        return set()
    paragraph_gap = median(usual)
    out = set()
    for i, gap in enumerate(gaps[:-1]):
        nxt = blocks[i + 1]
        if len(blocks[i].lines) > 4 or not (len(nxt.lines) >= 2 or ENDS.search(nxt.text.strip())):
            continue
        below = gaps[i + 1]
        if gap is not None and gap >= paragraph_gap + 0.6 * body_size and (below or 0) < gap:
            out.add(i)
        elif gap is None and below is not None and below >= paragraph_gap + 0.25 * body_size \
                and split_number(blocks[i].text.strip())[0] and not ENDS.search(blocks[i].text.strip()):
            out.add(i)  # at the top of a column: a numbered line with a heading's space below it
    return out
