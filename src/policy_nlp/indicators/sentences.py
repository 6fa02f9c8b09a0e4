"""Fast sentence splitting and number pre-filtering, before any parsing.

Parsing is the expensive step, so the API splits a text with these rules, keeps only sentences
that can hold an indicator (a digit that is not a year, citation or "5G", or a number word) and
sends only those to spaCy. The rules follow the reference papers: a sentence ends at ".", "!"
or "?" (not at ";"), "Co.,Ltd" and "et al." do not end one, a heading line is a sentence of its
own, and a paragraph broken by a page (a long line with no final stop) continues on the next line.
Everything after a "References" heading is left out: reference lists are full of volumes,
pages and years that are no indicators.
"""

from __future__ import annotations

import re

from ..extract.text import is_cjk

_ABBREVIATIONS = {
    "co", "ltd", "inc", "corp", "no", "nos", "vol", "vols", "pp", "p", "fig", "figs", "eq", "eqs", "ref", "refs",
    "e.g", "i.e", "etc", "al", "approx", "ca", "cf", "dr", "mr", "mrs", "ms", "prof", "st", "sect", "sec", "ch",
    "art", "para", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s",
    "u.k", "dept", "est", "govt", "min", "max", "avg", "vs", "v", "op", "ed", "eds", "tab", "chap", "rs", "mt",
    "jr", "sr", "gen", "gov", "rep", "sen", "univ", "assoc", "dist",
    "u.s.c", "c.f.r", "stat", "fed", "reg", "amdt",  # legal citations: "49 U.S.C. 106(g)", "85 Fed. Reg. 4"
}
_END = re.compile(
    r"[.!?]+[”’\")\]]*(?=\s+[\"“‘(\[]?[A-Z0-9\u4e00-\u9fff])"
    # Chinese: 。！？ end a sentence (no space follows). Not "；": its clauses share the period and
    # place of the sentence's start ("截至2022年底，…16.2万个；千兆光网覆盖家庭2100万户。").
    r"|[\u3002\uff01\uff1f]+[”’\u300d\u300f\uff09]*(?=\s*\S)"
)
_REFERENCES = re.compile(r"^\s*(?:\d+\.?\s*)?(references|reference list|bibliography|works cited|literature cited|notes|endnotes|footnotes)\s*:?\s*$", re.IGNORECASE | re.MULTILINE)
_LINE_END_DASHES = ("-", "\u2010", "\u2011", "\u2013", "\u2014")
_HEADING_START = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-Z]\.)\s+\S")
# Can this sentence hold an indicator? Digits that are not only years, citation marks or
# technology names, or a number word, or a growth verb, or a rank.
_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|"
    r"trillion|dozen|half|third|quarter|doubled|tripled|quadrupled|halved|ranks?|ranked|ranking|largest|"
    r"one\s+(?:hundred|thousand|million|billion|trillion|third|quarter|fifth|sixth|tenth|half|-half)"
)
_CANDIDATE = re.compile(rf"\b(?:{_NUMBER_WORDS})\b|[½⅓⅔¼¾%‰$€£¥]", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_NOT_A_FIGURE = re.compile(
    r"\[\s*\d+(?:\s*[,\u2013\u2014-]\s*\d+)*\s*\]"  # citation marks
    r"|(?<![\d.,])(?:1[89]|20)\d\d(?:s|[\u2013-]\d{2,4})?(?![\d%]|[.,]\d)"  # years, decades, year ranges
    r"|\b\d{1,2}G\b|\b[234]D\b"  # 5G, 3D
    r"|(?<=[A-Za-z])\d+"  # digits glued to letters: CO2, Liu1
    r"|\b\d+(?:st|nd|rd|th)\b"  # ordinals
    r"|^\s*\d+(?:\.\d+)*\s+(?=[A-Z])"  # heading numbers
)


def references_start(text: str) -> int:
    """Offset where the back matter begins (a line that says "References" or "Notes"), or len(text).

    Notes count as back matter too: footnote text qualifies figures ("systems below 3 kW are
    excluded") rather than reporting them. Only a heading in the last 70% of the text counts, so
    a "Notes" line near the top cannot cut the paper.
    """
    for m in _REFERENCES.finditer(text):
        if m.start() >= len(text) * 0.3:
            return m.start()
    return len(text)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over text[start:end], offsets in `text`."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for a, b in _paragraphs(text, start, end):
        s = a
        for m in _END.finditer(text, a, b):
            stop = m.end()
            if text[m.start()] in _CJK_END:
                spans.append(_trim(text, s, stop))
                s = stop
                continue
            word = re.search(r"([\w.]+)[.!?]+[”’\")\]]*$", text[s:stop])
            if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS and text[stop - 1] == ".":
                continue
            if word and re.fullmatch(r"[A-Z]", word.group(1)):
                continue  # an initial: "Donati F. The future"
            if re.fullmatch(r"\s*(?:\d+(?:\.\d+)*|[IVXivx]+|[A-Za-z])[.)]", text[s:stop]):
                continue  # a list or section label: "1. Introduction"
            if text[s:stop].strip():
                spans.append(_trim(text, s, stop))
            s = stop
        if text[s:b].strip():
            spans.append(_trim(text, s, b))
    return spans


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Lines, re-joined where a paragraph was broken across a page: a long line with no final stop."""
    out: list[tuple[int, int]] = []
    a = start
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        if nl < 0:
            break
        line = text[a:nl].rstrip()
        nxt = text[nl + 1:text.find("\n", nl + 1, end) if text.find("\n", nl + 1, end) >= 0 else end]
        words = text[pos:nl].split()
        # A line that ends in a dash is cut inside a word, a phone number or an address
        # ("fax: 206-231-" | "3500; email: 9-" | "ANM-...@faa.gov"): it always goes on.
        continues = line.endswith(_LINE_END_DASHES) and nxt.strip() != "" or (
            len(text[pos:nl]) >= 60
            # prose, not a title or an affiliation line: many lower-case words
            and sum(w[:1].islower() for w in words) >= 0.4 * len(words)
            and not line.endswith((".", "!", "?", ":", ";", "”", "\""))
            and not _HEADING_START.match(text[pos:nl])
            and nxt.strip() != ""
            and not _HEADING_START.match(nxt)
        ) or _chinese_goes_on(line, nxt)
        if not continues:
            out.append((a, nl))
            a = nl + 1
        pos = nl + 1
    if a < end:
        out.append((a, end))
    return out


def _chinese_goes_on(line: str, nxt: str) -> bool:
    """A Chinese line cut before its sentence ends ("…累计建成" | "5G基站…") goes on."""
    nxt = nxt.strip()
    return bool(line and nxt) and is_cjk(line[-1]) and line[-1] not in "\u3002\uff01\uff1f\uff1b\uff1a" \
        and (is_cjk(nxt[0]) or nxt[0].isdigit())


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


_CJK_END = set("\u3002\uff01\uff1f")
_WORD = re.compile(r"[^\W\d_]{3,}")


def may_hold_indicator(sentence: str) -> bool:
    """Cheap test run before parsing: could this sentence hold a numeric indicator?

    A run of figures without a word ("– *0.5 – 0.1 *–0.3", a table row left in the text) says
    nothing about what it counts, so it is no indicator either."""
    if not _WORD.search(sentence):
        return False
    if _CANDIDATE.search(sentence):
        return True
    if not _DIGIT.search(sentence):
        return False
    return bool(_DIGIT.search(_NOT_A_FIGURE.sub(" ", sentence)))
