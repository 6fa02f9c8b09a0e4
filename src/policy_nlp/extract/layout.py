"""Page layout: words -> lines in reading order, across one, two or three columns.

pdfplumber gives words with positions; PDFs give no reading order. Words on one
baseline are first grouped into fragments (a wide gap ends a fragment), white
gutters between columns are found from where fragments stop and start, and the
page is cut into horizontal bands at lines that cross a gutter (titles, full-width
abstracts, captions). Inside a band columns are read left to right, each top to
bottom. This is a simplified XY-cut that tolerates full-width lines.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from statistics import median

from ..model import Line
from .text import is_cjk, normalize_text

_SPACE_BEFORE_PUNCT = re.compile(r" ([,;:.!?])(?=\s|$)")
# "NimbusRomNo9L-Medi" (LaTeX's Times bold), "MinionPro-Semibd", "Frutiger-Bd": weights by abbreviation too.
_BOLD = re.compile(r"bold|black|heavy|semibold|semibd|demi|[-,_]medi|[-,_]bd$|,b$|-b$", re.IGNORECASE)


@dataclass
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    font: str
    size: float
    # A raised piece kept in the text (a fraction's numerator, an ordinal suffix): joined to a
    # word it touches without a space ("1⁄4", "10th").
    glue: bool = False


@dataclass
class Fragment:
    """Words on one baseline with no wide gap between them."""

    words: list[Word] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)
    column: int = 0
    lead_mark: bool = False  # a raised mark printed before its first word (a footnote's number)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @cached_property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @cached_property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @cached_property
    def baseline(self) -> float:
        return median(w.bottom for w in self.words)

    @cached_property
    def size(self) -> float:
        return dominant(self.words, lambda w: round(w.size, 1))


def dominant(words: list[Word], key) -> object:
    """The value of `key` covering most characters."""
    counts: Counter = Counter()
    for w in words:
        counts[key(w)] += len(w.text)
    return counts.most_common(1)[0][0]


def is_bold(font: str) -> bool:
    # Subset prefixes ("ABCDEF+Times-Bold") don't matter; the style names do.
    return bool(_BOLD.search(font.split("+")[-1]))


def words_to_fragments(words: list[Word]) -> list[Fragment]:
    """Group words into fragments: same baseline, gaps below ~1.2 em."""
    fragments: list[Fragment] = []
    open_rows: list[Fragment] = []
    for w in sorted(words, key=lambda w: (w.bottom, w.x0)):
        placed = False
        for frag in open_rows:
            last = frag.words[-1]
            tol = 0.3 * min(w.size, last.size)
            gap = w.x0 - last.x1
            if abs(w.bottom - last.bottom) <= tol and -0.5 * w.size <= gap <= 1.2 * max(w.size, last.size):
                frag.words.append(w)
                placed = True
                break
        if not placed:
            frag = Fragment(words=[w])
            fragments.append(frag)
            open_rows.append(frag)
        # Rows well above the current baseline can no longer grow.
        open_rows = [f for f in open_rows if w.bottom - f.words[-1].bottom <= 0.5 * w.size]
    for frag in fragments:
        frag.words.sort(key=lambda w: w.x0)
    return fragments


def attach_marks(fragments: list[Fragment]) -> list[Fragment]:
    """Fold small raised fragments (footnote, affiliation marks) into their neighbour's marks."""
    kept: list[Fragment] = []
    for frag in fragments:
        text = "".join(w.text for w in frag.words)
        host = None
        numeric = False
        if len(text) <= 8 and len(frag.words) == 1:
            for other in fragments:
                if other is frag or other.size < frag.size / 0.8:
                    continue
                near = other.x0 - 1.5 * other.size <= frag.x0 <= other.x1 + 0.6 * other.size
                raised = other.top - 0.3 * other.size <= frag.bottom < other.baseline - 0.15 * other.size
                if near and raised:
                    if _belongs_to_number(text, frag, other):
                        host, numeric = other, True
                        break
                    if host is None:
                        host = other
                        if not (text.isdigit() or text.lower() in _ORDINALS):
                            break
        if host is not None:
            if numeric:
                # "1⁄4", "10th": part of the number, kept in the text where it was printed.
                for w in frag.words:
                    w.glue = True
                host.words.extend(frag.words)
                host.words.sort(key=lambda w: w.x0)
            else:
                if frag.x1 <= host.x0 + 0.1 * host.size:
                    host.lead_mark = True  # "¹ Preliminary report…": a note's own number
                host.marks.append(text.strip(","))
        else:
            kept.append(frag)
    return kept


_ORDINALS = frozenset({"st", "nd", "rd", "th"})
_SLASHES = ("\u2044", "/")


def _belongs_to_number(text: str, frag: Fragment, host: Fragment) -> bool:
    """A raised fraction numerator ("¹⁄4") or ordinal suffix ("10ᵗʰ"), not a note mark."""
    near = 0.3 * host.size
    if text.isdigit():
        return any(w.text.startswith(_SLASHES) and -1.0 <= w.x0 - frag.x1 <= near for w in host.words)
    if text.lower() in _ORDINALS:
        return any(w.text[-1].isdigit() and -1.0 <= frag.x0 - w.x1 <= near for w in host.words)
    return False


def find_gutters(words: list[Word], x_min: float, x_max: float, min_gutter: float) -> list[tuple[float, float]]:
    """White vertical strips between columns: few words cross them, many end and start beside them.

    Word boxes, not lines, are counted: spaces between words fall at random places
    in a column, so only a real gutter stays white from top to bottom.
    """
    if len(words) < 30:
        return []
    width = int(x_max - x_min) + 2
    cover = [0] * width
    for w in words:
        for x in range(max(0, int(w.x0 - x_min) + 1), min(width, int(w.x1 - x_min))):
            cover[x] += 1
    peak = max(cover)
    if peak == 0:
        return []
    # Full-width lines (titles, abstracts, captions) may cross a gutter; body rows may not.
    low = max(1, int(0.25 * peak))
    runs: list[tuple[int, int]] = []
    x = 0
    while x < width:
        if cover[x] <= low:
            start = x
            while x < width and cover[x] <= low:
                x += 1
            runs.extend(_local_runs(cover, start, x, peak))
        x += 1
    # Monospaced lines share a grid of letters: a river one letter wide may run down a whole page
    # of single-column text. A gutter is wider than a word space.
    letter = median(_letter_width(w) for w in words)
    gutters: list[tuple[float, float]] = []
    for start, x in runs:
        g0, g1 = x_min + start, x_min + x
        if g1 - g0 >= max(min_gutter, 1.4 * letter) and start > 0 and x < width:
            left = sum(1 for w in words if g0 - 25 <= w.x1 <= g0 + 1.5)
            right = sum(1 for w in words if g1 - 1.5 <= w.x0 <= g1 + 25)
            # Text on both sides, though one column may stop far above the other (a last page).
            left_text = max(cover[:start]) >= max(5, 0.1 * peak)
            right_text = max(cover[x:]) >= max(5, 0.1 * peak)
            if left >= 5 and right >= 5 and left_text and right_text:
                gutters.append((g0, g1))
    # Text columns are wide; many narrow "columns" are the white space of a table
    # without rules, which reads best row by row.
    edges = [x_min] + [g for gutter in gutters for g in gutter] + [x_max]
    widths = [edges[i + 1] - edges[i] for i in range(0, len(edges), 2)]
    if gutters and min(widths) < 0.18 * (x_max - x_min):
        return []
    return gutters


_BESIDE = 50  # points either side of a white strip where the text it is measured against lies


def _beside(cover: list[int], x0: int, x1: int) -> int:
    """The thinner of the densest text within _BESIDE points left of x0 and right of x1."""
    return min(max(cover[max(0, x0 - _BESIDE):x0], default=0), max(cover[x1:x1 + _BESIDE], default=0))


def _local_runs(cover: list[int], start: int, end: int, peak: int) -> list[tuple[int, int]]:
    """A strip white by the page-wide measure, kept whole when it is also white beside the text at
    its edges; else only its parts that are white against the text near them. A column that stops
    half way down (a last page, a short third column) has few words at any x, so word spaces inside
    it pass the page-wide test and would bury its real gutter in one wide "white" strip."""
    floor = 0.05 * peak
    if max(cover[start:end]) <= max(0.5 * _beside(cover, start, end), floor):
        return [(start, end)]
    runs: list[tuple[int, int]] = []
    x = start
    while x < end:
        if cover[x] <= max(0.5 * _beside(cover, x, x + 1), floor):
            s = x
            while x < end and cover[x] <= max(0.5 * _beside(cover, x, x + 1), floor):
                x += 1
            runs.append((s, x))
        x += 1
    return runs


def split_at_gutters(fragments: list[Fragment], gutters: list[tuple[float, float]]) -> list[Fragment]:
    """Cut fragments whose inner gap holds a gutter (narrow gutters let words merge across).

    Only a gap about as wide as the gutter counts: a full-width line may have an
    ordinary word space right where the gutter is below it.
    """
    if not gutters:
        return fragments
    out: list[Fragment] = []
    centres = [(g0 + g1) / 2 for g0, g1 in gutters]
    lefts = [min(f.x0 for f in fragments)] + [g1 for _, g1 in gutters]
    for frag in fragments:
        words = frag.words
        if len(words) < 2 or not any(words[0].x0 < c < words[-1].x1 for c in centres):
            out.append(frag)
            continue
        gaps = [b.x0 - a.x1 for a, b in zip(words, words[1:])]
        # A line of a column (it starts at a column's left edge) glued to the next column's: a gap
        # several word spaces wide at the gutter is the gutter. The gutter's measured width can be
        # wide of the white strip (ragged right edges), so that alone would keep them one line.
        in_column = any(-2.0 <= words[0].x0 - left <= 2.5 * frag.size for left in lefts)
        space = (median(gaps) if len(gaps) >= 3 else 0.3 * frag.size) if in_column else float("inf")
        current = Fragment(words=[words[0]], marks=frag.marks, lead_mark=frag.lead_mark)
        for prev, word, gap in zip(words, words[1:], gaps):
            # No wider than a letter of its words: a word space (a monospaced title's, in large type,
            # is wider than a narrow gutter), not the gutter.
            if gap > 1.15 * min(_letter_width(prev), _letter_width(word)) and any(
                prev.x1 <= (g0 + g1) / 2 <= word.x0
                and (gap >= max(4.0, 0.6 * (g1 - g0)) or (gap >= 0.75 * max(prev.size, word.size) and gap >= 2.5 * space))
                for g0, g1 in gutters
            ):
                out.append(current)
                current = Fragment(words=[word])
            else:
                current.words.append(word)
        out.append(current)
    return out


def _letter_width(word: Word) -> float:
    return (word.x1 - word.x0) / max(1, len(word.text))


def order_fragments(fragments: list[Fragment], gutters: list[tuple[float, float]]) -> list[list[Fragment]]:
    """Fragments grouped into lines, in reading order (band by band, column by column)."""
    centres = [(g0 + g1) / 2 for g0, g1 in gutters]
    spanning: list[Fragment] = []
    columns: list[Fragment] = []
    for f in fragments:
        if any(f.x0 < c < f.x1 for c in centres):
            f.column = -1
            spanning.append(f)
        else:
            f.column = sum(1 for c in centres if c <= f.x0)
            columns.append(f)
    if spanning and columns:
        columns = _continuations(spanning, columns)
    # A band starts at each spanning fragment, and at a white strip across the page under a head
    # that leaves a column empty (a masthead beside a title, above three columns).
    starts: list[tuple[float, Fragment | None]] = [(f.top, f) for f in spanning]
    if centres and columns:
        starts += [(top, None) for top in _white_cuts(fragments, len(centres) + 1)]
    starts.sort(key=lambda start: (start[0], start[1] is None))
    cuts = [top for top, _ in starts]

    def band_of(f: Fragment) -> int:
        return sum(1 for c in cuts if c <= f.top)

    bands: dict[int, list[Fragment]] = {}
    for f in columns:
        bands.setdefault(band_of(f), []).append(f)
    ordered: list[list[Fragment]] = []
    for band in range(len(cuts) + 1):
        if band > 0 and starts[band - 1][1] is not None:
            ordered.append([starts[band - 1][1]])
        members = bands.get(band, [])
        for col in sorted({f.column for f in members}):
            ordered.extend(_rows([f for f in members if f.column == col]))
    return _merge_spanning_rows(ordered)


def _continuations(spanning: list[Fragment], columns: list[Fragment]) -> list[Fragment]:
    """Column fragments that are the next line of a spanning one (a title's short last line, centred
    over the middle column or set flush left) join the spanning lines; the rest are returned. Such a
    line is set like the line above it, close under it, and alone on its baseline: a column's first
    row has its neighbours beside it. Only display type (bold or larger than most of the page)."""
    body = median(f.size for f in spanning + columns)
    joined: set[int] = set()
    for f in sorted(columns, key=lambda f: f.top):
        above = [s for s in spanning if abs(s.size - f.size) <= 0.3 and 0 <= f.top - s.bottom <= 0.8 * f.size + 1.0
                 and s.x0 < f.x1 and f.x0 < s.x1 and is_bold(s.words[0].font) == is_bold(f.words[0].font)]
        if not above or not (is_bold(f.words[0].font) or f.size >= 1.15 * body):
            continue
        if any(g is not f and g.column != f.column and abs(g.baseline - f.baseline) <= 0.3 * f.size for g in columns):
            continue
        f.column = -1
        spanning.append(f)
        joined.add(id(f))
    return [f for f in columns if id(f) not in joined]


def _white_cuts(fragments: list[Fragment], n_columns: int) -> list[float]:
    """Tops of the text below white strips across the whole page (1.5 em or more) whose text above
    (since the previous such strip) leaves some column empty: a head band, not a paragraph break."""
    ordered = sorted(fragments, key=lambda f: f.top)
    em = median(f.size for f in ordered)
    cuts: list[float] = []
    reach = ordered[0].bottom
    above: set[int] = set()
    for f in ordered:
        if above and f.top - reach >= 1.5 * em and -1 not in above and len(above) < n_columns:
            cuts.append(f.top)
            above = set()
        above.add(f.column)
        reach = max(reach, f.bottom)
    return cuts


def _rows(frags: list[Fragment]) -> list[list[Fragment]]:
    """Fragments of one column merged into rows sharing a baseline."""
    rows: list[list[Fragment]] = []
    for f in sorted(frags, key=lambda f: (f.baseline, f.x0)):
        if rows and abs(rows[-1][0].baseline - f.baseline) <= 0.3 * f.size:
            rows[-1].append(f)
        else:
            rows.append([f])
    return [sorted(r, key=lambda f: f.x0) for r in rows]


def _merge_spanning_rows(ordered: list[list[Fragment]]) -> list[list[Fragment]]:
    """A spanning fragment and other fragments on its baseline form one line."""
    out: list[list[Fragment]] = []
    for row in ordered:
        if out and row[0].column == -1 and out[-1][0].column == -1 and abs(out[-1][0].baseline - row[0].baseline) <= 0.3 * row[0].size:
            out[-1].extend(row)
        else:
            out.append(row)
    return out


_CJK_WORD = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def row_to_line(row: list[Fragment], page: int) -> Line:
    words = [w for f in row for w in f.words]
    words.sort(key=lambda w: w.x0)
    font = str(dominant(words, lambda w: w.font))
    text = " ".join(w.text for w in words)
    if "\u2044" in text or "/" in text or any(w.glue for w in words) or any(map(_small_caps, words, words[1:])) \
            or _CJK_WORD.search(text):
        text = _joined(words)
    text = normalize_text(text)
    if any(f.marks for f in row):
        # A removed mark leaves a gap before the punctuation that followed it: "Wei¹," -> "Wei ,".
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return Line(
        text=text,
        page=page,
        bbox=(min(w.x0 for w in words), min(w.top for w in words), max(w.x1 for w in words), max(w.bottom for w in words)),
        font=font,
        size=float(dominant(words, lambda w: round(w.size, 1))),
        bold=is_bold(font),
        column=row[0].column,
        marks=[m for f in row for m in f.marks],
        lead=_bold_lead(words),
    )


def _bold_lead(words: list[Word]) -> str:
    """The bold words opening a line that goes on in another weight: a run-in heading's label."""
    if not words or not is_bold(words[0].font):
        return ""
    lead = []
    for word in words:
        if not is_bold(word.font):
            break
        lead.append(word.text)
    return normalize_text(" ".join(lead)) if len(lead) < len(words) else ""


def _small_caps(a: Word, b: Word) -> bool:
    """A capital followed by smaller capitals of the same word: small caps, "E" + "XECUTIVE"; or
    punctuation set in the other size of small caps, touching its word ("DEMAND" + ",")."""
    if abs(b.size - a.size) <= 0.3:
        return False
    return (b.size < a.size and a.text[-1:].isupper() and b.text[:1].isupper()) or (
        b.x0 - a.x1 <= 0.15 * min(a.size, b.size) and (b.text[:1] in ",.;:!?)]%-" or a.text[-1:] in "([-/"))


def _joined(words: list[Word]) -> str:
    """Words joined by spaces, except pieces of one number that touch: "1⁄4", "10th", "3/4", and
    the capitals of a word set in small caps: "E" + "XECUTIVE"."""
    parts = [words[0].text]
    for a, b in zip(words, words[1:]):
        touching = b.x0 - a.x1 <= 0.15 * min(a.size, b.size)
        if touching and (
            b.glue or b.text.startswith("\u2044") or a.text.endswith("\u2044")
            or (a.glue and b.text.startswith("/")) or (a.text.endswith("/") and b.size < 0.85 * a.size)
            or _small_caps(a, b)
        ):
            parts.append(b.text)
        elif b.x0 - a.x1 <= 0.3 * min(a.size, b.size) and (is_cjk(a.text[-1:]) or is_cjk(b.text[:1])):
            # Chinese sets a Latin letter or figure a little apart from the characters around it
            # ("发行H股"): a gap of a third of an em there is no word break.
            parts.append(b.text)
        else:
            parts.append(" " + b.text)
    return "".join(parts)


def layout_lines(words: list[Word], page: int, width: float, min_gutter: float = 7.0) -> tuple[list[Line], int]:
    """Lines of one page in reading order, and the number of columns found."""
    if not words:
        return [], 1
    x_min = min(w.x0 for w in words)
    x_max = max(w.x1 for w in words)
    gutters = find_gutters(words, x_min, x_max, min_gutter)
    fragments = words_to_fragments(words)
    fragments = attach_marks(split_at_gutters(fragments, gutters))
    rows = order_fragments(fragments, gutters)
    notes: set[int] = set()
    if gutters:
        moved = footnote_rows(rows)
        notes = {id(rows[i]) for i in moved}
        rows = _moved_last(rows, moved)
    lines = []
    for row in rows:
        if row:
            line = row_to_line(row, page)
            line.note = id(row) in notes  # blocks of these lines are kind "footnote" (extract/blocks.py)
            lines.append(line)
    return lines, len(gutters) + 1


_NOTE_START = re.compile(r"^(?:\d{1,3}|[*\u2020\u2021\u00a7\u00b6\u2217]{1,3})\s*[A-Z\u201c\u2018\"(]")


def _starts_note(row: list[Fragment]) -> bool:
    """A footnote's first line: its number raised before the text, or printed in front of it."""
    return row[0].lead_mark or bool(_NOTE_START.match(row[0].words[0].text + " " + (row[0].words[1].text if len(row[0].words) > 1 else "")))


def footnotes_last(rows: list[list[Fragment]]) -> list[list[Fragment]]:
    """Footnotes (smaller type at the foot of a column, opening with a note number) moved after the
    page's body, column by column: read in place, a note splits a sentence that goes on in the next
    column, and the note's last line runs into that sentence's rest."""
    return _moved_last(rows, footnote_rows(rows))


def _moved_last(rows: list[list[Fragment]], moved: list[int]) -> list[list[Fragment]]:
    if not moved:
        return rows
    gone = set(moved)
    return [row for i, row in enumerate(rows) if i not in gone] + [rows[i] for i in moved]


def footnote_rows(rows: list[list[Fragment]]) -> list[int]:
    """Indices of the footnote rows of a page (see footnotes_last), in reading order."""
    sizes: Counter = Counter()
    for row in rows:
        for f in row:
            sizes[round(f.size, 1)] += sum(len(w.text) for w in f.words)
    if not sizes:
        return []
    # The body's size: notes may fill more of a page than its body does, so the largest size that
    # covers a quarter of the characters, not the commonest.
    total = sum(sizes.values())
    small = 0.88 * max(size for size, n in sizes.items() if n >= 0.25 * total or n == max(sizes.values()))
    moved: list[int] = []
    previous_had_notes = False
    for column in sorted({row[0].column for row in rows if row[0].column >= 0}):
        members = [i for i, row in enumerate(rows) if row[0].column == column]
        zone: list[int] = []
        for i in reversed(members):
            if max(f.size for f in rows[i]) > small:
                break
            zone.append(i)
        zone.reverse()
        if not zone or len(zone) == len(members):
            previous_had_notes = False  # no body above: a column of small type, not its notes
            continue
        starts = [k for k, i in enumerate(zone) if _starts_note(rows[i])]
        if not starts and not previous_had_notes:
            continue
        # A note carried over from the previous column's foot opens this column's notes.
        moved.extend(zone if previous_had_notes else zone[starts[0]:])
        previous_had_notes = True
    return moved
