"""Reference lists found by their content, whatever their heading says.

A reference list without a recognised heading ("Literatur", a heading lost in extraction, an
entry run that starts a new page) would otherwise feed its volumes, pages and DOIs to the
indicator miner: "1997;18(2):125–9. doi:10.1055/…" is not 18, 125, 9 and 10.1055 of anything.
The test is on the text alone, so it is cheap and needs no model: a passage is citation-like when
most of its text lies in citation-like lines, and a run of such passages is a reference list.
"""

from __future__ import annotations

import re

from ..model import Document
from .sentences import split_sentences

EVIDENCE = "citation-like content"

_YEAR = r"(?:19|20)\d\d[a-z]?"
_NAME = r"[A-Z][\w'’\-]+"
_SURNAME = r"[A-Z][a-z][\w'’\-]*"  # mixed case, so "FCC A and FCC B" is no author list
# Marks that on their own say "this is a bibliographic entry". Each counts 2.
_STRONG = [re.compile(p) for p in (
    rf"\b{_YEAR}\s*[;,]\s*\d+\s*(?:\(\s*[\w\-–]+\s*\))?\s*:\s*[A-Z]?\d+",  # 1997;18(2):125 / 2019, 35(3): 12
    r"\b\d+\s*\(\s*\d+(?:\s*[\-–]\s*\d+)?\s*\)\s*:\s*[A-Z]?\d+\s*[\-–]",  # 3(4):333–389
    r"(?i)\bdoi\s*:|\bdoi\.org/|\b10\.\d{4,9}/\S",
    r"(?i)\b(?:isbn|issn)\b|\barxiv\b|\babs/\d{4}\.\d{4,5}",
    # Capitalised, or before an address: "passages retrieved from the same question" is prose.
    r"\bRetrieved\s+from\b|(?i:\bretrieved\s+from\s+(?:https?://|www\.))|(?i:\baccessed\s+(?:on\s+)?\d)",
    r"(?:^|\.\s+)In:?\s+(?:Proc(?:eedings|\.)|Advances\s+in|[A-Z][\w.]*\s+(?:Conference|Workshop|Symposium))|\bIn:\s+[A-Z]",
    r"(?i)\bproceedings\s+of\b|\bconference\s+on\b",
    r"^\s*\[\d{1,3}\]\s*[A-Z\u4e00-\u9fff]",  # "[12] Smith"
    rf"^\s*\d{{1,3}}\.\s+{_NAME},?\s+(?:[A-Z]\.?\s*){{1,3}}[,.:]",  # "12. Smith, J."
    rf"\b{_SURNAME},?\s+(?:[A-Z]\.?\s?){{1,2}}(?:,|\s+and|\s*&)\s+{_SURNAME},?\s+(?:[A-Z]\.?\s?){{1,2}}[,.:]",  # Smith J, Lee K,
    rf"{_NAME},\s+(?:[A-Z]\.\s?){{1,3}},?\s+(?:&\s+)?{_NAME},\s+(?:[A-Z]\.\s?){{1,3}}",  # Smith, J., Lee, K.
    rf"^(?:{_NAME}\s+)+(?:[A-Z]\.?\s+)?{_NAME}(?:,\s+(?:{_NAME}\s+)*{_NAME})*,?\s+and\s+(?:{_NAME}\s+)+(?:[A-Z]\.?\s+)?{_NAME}\.\s+{_YEAR}\.",  # Ann Lee and Bo Li. 2019.
    rf"^(?:{_NAME}\s+)+(?:[A-Z]\.?\s+)?{_NAME}\.\s+{_YEAR}\.",  # Ellen M Voorhees. 1999.
    rf"^{_NAME},?\s+(?:[A-Z]\.\s?){{1,3}}(?:,|:|\s+\({_YEAR}\))",  # Donati F.: / Smith, J. (2019)
    rf"\b{_SURNAME},?\s+(?:[A-Z]\.\s?){{1,3}}\s*\({_YEAR}\)\.\s+[A-Z]",  # Lee, K. (2019). Title
    r"\[(?:J|M|D|C|R|N|S|P|EB/OL|Z)\]",  # GB/T 7714 type marks
)]
# Marks that body text uses too ("Smith et al. found", "in Vol. 2 of the plan"). Each counts 1.
_WEAK = [re.compile(p) for p in (
    r"\bet\s+al\.",
    r"(?i)\bvol(?:ume)?\.?\s*\d+|\bno\.\s*\d+",
    r"(?i)\bpp?\.\s*\d+\s*[\-–]\s*\d+|\bpages\s+\d+\s*[\-–]\s*\d+",
    r"https?://|www\.",  # also source notes: "tables are available at http://…"
    rf"\({_YEAR}\)\s*\.?\s*$",
    rf"^\s*{_YEAR}\.?\s*$|\.\s+{_YEAR}\.\s",
    r"\b(?:Journal|Transactions|Review|Proceedings|Press|Workshop|Symposium|Conference|Letters|Quarterly)\b",
    r"^\s*In\s+[A-Z][\w]*(?:\s+[A-Z(][\w)]*)*\s*[.,]",  # "In Association for Computational Linguistics (ACL) ."
)]
# A passage needs this share of its text in citation-like lines.
PASSAGE_SHARE = 0.5
_CHARS_PER_POINT = 100


def line_score(line: str) -> int:
    """2 per strong bibliographic mark, 1 per weak one."""
    return 2 * sum(1 for p in _STRONG if p.search(line)) + sum(1 for p in _WEAK if p.search(line))


def is_citation_line(line: str) -> bool:
    """One strong mark, or three weak ones: prose cites too ("as Lee et al. (2019) show")."""
    if any(p.search(line) for p in _STRONG):
        return True
    return sum(1 for p in _WEAK if p.search(line)) >= 3


def _units(text: str) -> list[str]:
    """Lines, and sentences within a line: a passage may hold an entry per line or run them on."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if is_citation_line(line) and len(line) <= _CHARS_PER_POINT * line_score(line):
            # A whole entry: its sentences ("Title. Journal.") need not each look like one. A long
            # prose line with one or two marks ("as Lee et al. (2019) show") is read sentence by sentence.
            out.append(line)
            continue
        out += [line[a:b] for a, b in split_sentences(line)] or [line]
    return out


def citation_share(text: str) -> float:
    """Share of the text's characters (0..1) in citation-like lines or sentences."""
    units = _units(text)
    total = sum(len(u.strip()) for u in units)
    if not total:
        return 0.0
    return sum(len(u.strip()) for u in units if is_citation_line(u)) / total


def is_citation_like(text: str) -> bool:
    return citation_share(text) >= PASSAGE_SHARE


def mark_reference_runs(doc: Document) -> int:
    """Give role "references" to runs of citation-like passages; returns how many passages changed.

    A run counts when it has two passages or more, or ends the document. One passage that is not
    citation-like between two that are (a title line split off its entry) joins the run. A section
    whose passages all fall in runs becomes a reference section too."""
    passages = doc.passages
    flags = [is_citation_like(p.text) for p in passages]
    for i in range(1, len(flags) - 1):
        if not flags[i] and flags[i - 1] and flags[i + 1] and len(passages[i].text) < 300:
            flags[i] = True
    changed = 0
    i = 0
    while i < len(flags):
        if not flags[i]:
            i += 1
            continue
        j = i
        while j < len(flags) and flags[j]:
            j += 1
        if j - i >= 2 or j == len(flags):
            for p in passages[i:j]:
                if p.role != "references":
                    p.role, p.role_confidence, p.role_evidence = "references", 0.8, EVIDENCE
                    changed += 1
        i = j
    by_section: dict[int, list[bool]] = {}
    for p in passages:
        by_section.setdefault(p.section_index, []).append(p.role == "references")
    for index, marks in by_section.items():
        section = doc.sections[index] if 0 <= index < len(doc.sections) else None
        if section is not None and all(marks) and section.role != "references":
            section.role, section.role_confidence, section.role_evidence = "references", 0.8, EVIDENCE
    return changed
