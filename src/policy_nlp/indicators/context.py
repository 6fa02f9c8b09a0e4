"""Period and place of an indicator, from the sentence around it.

Period: the time phrase of the same sentence ("As of 2020", "during the 13th Five Year Plan period",
"in the future"): the nearest one before the number, else one after it in the same clause; a year
that names the counted object ("the 2021 list") wins inside its clause. Periods never cross
sentences, because the next sentence may well talk about another year.

Place: a territory named in the clause ("Shandong has ...", "in Hexi"), "nationwide" / "across the
country" (the country of the document's place) or "worldwide" right after the number, else the
nearest context's place: the territory the passage names most, else the one its section heading
or a heading above names. Policy papers state their province in a heading and then count
"5G base stations" without repeating it; but one place for the whole document would put
"Minnesota" on deaths counted in Jakarta.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from .patterns import Found
from .spans import token_at

_SUFFIXES = r"Province|City|County|Prefecture|District|Municipality|Autonomous Region|Region|State|Township|Village|Town|Oblast|Department"
_INTRODUCED = re.compile(rf"\b((?:[A-Z][a-z]+)(?:[ -][A-Z][a-z]+)?) (?:{_SUFFIXES})\b")
# Words that may start a place name: capitalised ("Shandong", "New York") or a short code ("UK", "U.S.").
_WORD = re.compile(r"(?<![\w-])(?:the\b|[A-Z][A-Za-z]*)")
_LOCATIVE = {"in", "across", "throughout", "within", "of", "for", "from"}
_SUBJECT_FOLLOWERS = re.compile(r"^(?:[’']s\b|(?: Province| City)?[’']s\b| (?:Province |City )?(?:has|have|had|is|was|now|built|accounted|ranks|ranked|owns|operates|reported)\b)")
_LOCATIVE_REACH = 12  # a place in a phrase before the number counts only this close (tokens)
_TERRITORIES = {"cities", "provinces", "counties", "districts", "regions", "countries", "villages", "towns",
                "townships", "prefectures", "states", "municipalities", "communities", "economies"}
_RANK_SCOPE = {"ranking", "ranked", "ranks", "rank", "leading", "highest", "largest", "biggest", "first", "second", "third",
               "top", "lowest", "most", "best"}


@dataclass
class PlaceIndex:
    """Known territory names: the gazetteer plus names a text introduces ("Fenghe City")."""

    names: dict[str, str] = field(default_factory=dict)  # name -> country ("" when unknown)
    home: str = ""  # what "nationwide" means in the text at hand: its country
    _index: dict[str, list[str]] | None = None
    _last: tuple[str, list[tuple[int, int, str]]] | None = None

    @classmethod
    def load(cls, path: str | Path) -> PlaceIndex:
        names: dict[str, str] = {}
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            name, _kind, country = (line.split("\t") + ["", ""])[:3]
            names[name] = country
        return cls(names)

    def with_text(self, text: str) -> PlaceIndex:
        """A copy that also knows the names `text` introduces with a suffix ("Lanshan Province")."""
        learned = dict(self.names)
        country: str | None = None
        for m in _INTRODUCED.finditer(text):
            name = m.group(1)
            if name.split()[0] in ("The", "This", "Each", "Every", "Our", "National", "Provincial", "Municipal"):
                continue
            if country is None:
                country = self.country_of_text(text)
            learned.setdefault(name, country)
        return PlaceIndex(learned)

    def country_of_text(self, text: str) -> str:
        counts = Counter(self.names.get(name, "") for _, _, name in self._scan(text))
        counts.pop("", None)
        return counts.most_common(1)[0][0] if counts else ""

    def home_country(self, text: str) -> str:
        """The country a text is about: the one its places belong to (or are) most often. A report
        naming Kentucky, Maine and the U.S. once each is about the United States."""
        counts = Counter(self.country(self.canonical(name)) for _, _, name in self._scan(text))
        return counts.most_common(1)[0][0] if counts else ""

    @property
    def first_words(self) -> dict[str, list[str]]:
        """Names by their first word, longest first: a dictionary look-up per capitalised word
        is far faster than one regular expression with hundreds of alternatives."""
        if self._index is None:
            index: dict[str, list[str]] = {}
            for name in sorted(self.names, key=len, reverse=True):
                key = re.match(r"the\b|[A-Za-z]+", name)
                if key:
                    index.setdefault(key.group(0), []).append(name)
            self._index = index
        return self._index

    def _scan(self, text: str) -> list[tuple[int, int, str]]:
        out: list[tuple[int, int, str]] = []
        index = self.first_words
        for m in _WORD.finditer(text):
            if out and m.start() < out[-1][1]:
                continue  # inside the name just found ("the United States")
            for name in index.get(m.group(0), ()):
                end = m.start() + len(name)
                if text.startswith(name, m.start()) and (end == len(text) or not (text[end].isalnum() or text[end] == "-")):
                    out.append((m.start(), end, name))
                    break
        return out

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        if self._last is not None and self._last[0] is text:
            return self._last[1]  # every indicator of a sentence asks again
        found = self._scan(text)
        self._last = (text, found)
        return found

    def main_place(self, text: str) -> str:
        """The territory a text names most often (at least twice), or ""."""
        counts = Counter(self.canonical(name) for _, _, name in self.mentions(text))
        if not counts:
            return ""
        name, n = counts.most_common(1)[0]
        return name if n >= 2 else ""

    def nearest_place(self, passage: str, headings: list[str]) -> str:
        """Where a figure belongs when its sentence names no place: the passage's one territory,
        else the nearest heading's, else the passage's most named (ties: the first named), or "".

        A passage naming several places ("Jinan and Qingdao", "first in China") mostly compares;
        its section's heading says whose figures these are. So does a heading naming a region of
        the one country a passage names: a provincial report counts its own stocks, "in China"
        is the comparison."""
        named = Counter(self.canonical(name) for _, _, name in self._scan(passage))
        above = ""
        for heading in headings:
            found = [self.canonical(name) for _, _, name in self._scan(heading)]
            if found:
                above = found[0]
                break
        if len(named) == 1:
            (only,) = named
            if above and above != only and self.country(above) == only:
                return above
            return only
        if above:
            return above
        return named.most_common(1)[0][0] if named else ""

    def canonical(self, name: str) -> str:
        return {"the United States": "United States", "USA": "United States", "U.S.": "United States",
                "UK": "United Kingdom", "the United Kingdom": "United Kingdom"}.get(name, name)

    def country(self, place: str) -> str:
        country = self.names.get(place, "")
        return country or place


@lru_cache(maxsize=4)
def load_places(path: str) -> PlaceIndex:
    return PlaceIndex.load(path)


def period_of(doc: Doc, found: Found, first_token: int, last_token: int, sentence: tuple[int, int],
              quantity_tokens: frozenset[int] | set[int] = frozenset()) -> str:
    """The time phrase for a quantity spanning tokens [first_token, last_token] of a sentence (token range).

    A time phrase after the figure is only its own when no other figure stands between them
    ("fewer than 20% ..., and the gap will reach 30,000 by 2025": the year is the gap's)."""
    sent_start, sent_end = sentence
    clause_start, clause_end = _clause_bounds(doc, first_token, sent_start, sent_end)
    before: tuple[int, str] | None = None
    after: tuple[int, str] | None = None
    for s, e in found.get("PERIOD"):
        if s < sent_start or e > sent_end or s <= first_token < e:
            continue
        span = doc[s:e]
        if span[0].lower_ == "the" and any(t.like_num for t in span):
            # "the 2021 list": a year tied to the counted object, within the clause
            if clause_start <= s < clause_end:
                return next(t.text for t in span if t.like_num)
            continue
        text = _period_text(span.text)
        if e <= first_token:
            before = (e, text) if before is None or e > before[0] else before
        elif s > last_token and clause_start <= s < clause_end and after is None \
                and not any(k in quantity_tokens for k in range(last_token + 1, s)):
            after = (s, text)
    if after is not None and after[0] == last_token + 1:
        return after[1]  # "from 12% in 2015 to 31% in 2023": a time phrase right after the figure binds it
    if before is not None:
        return before[1]
    return after[1] if after is not None else ""


def _period_text(text: str) -> str:
    text = re.sub(r"\s+alone$", "", text.strip())
    return re.sub(r"\s+", " ", text)


def place_of(doc: Doc, found: Found, places: PlaceIndex, first_token: int, last_token: int,
             quantity_tokens: set[int], default: str, sentence: tuple[int, int], text: str) -> str:
    """The territory of a quantity spanning tokens [first_token, last_token] of a sentence (token range)."""
    sent_start, sent_end = sentence
    clause_start, clause_end = _clause_bounds(doc, first_token, sent_start, sent_end)
    # "98% coverage in 16 cities": a counted set of territories after the figure is its place
    for k in range(last_token + 1, min(clause_end - 2, last_token + 9)):
        if doc[k].lower_ in ("in", "across", "of") and doc[k + 1].like_num and doc[k + 2].lower_ in _TERRITORIES:
            return f"{doc[k + 1].text} {doc[k + 2].text}"
        if k in quantity_tokens:
            break
    # "nationwide", "across the country", "worldwide" right after the number
    for label, value in (("NATIONWIDE", "nation"), ("WORLDWIDE", "worldwide")):
        for s, e in found.get(label):
            if last_token < s <= last_token + 7 and s < clause_end and not any(last_token < k < s for k in quantity_tokens):
                if value == "worldwide":
                    return "worldwide"
                if places.home:
                    return places.home
                return places.country(default) if default else ""
    best: tuple[int, str] | None = None
    for start, end, name in places.mentions(text):
        tok = token_at(doc, start)
        if tok < clause_start or tok >= clause_end or first_token <= tok <= last_token:
            continue
        prev = doc[tok - 1].lower_ if tok > 0 else ""
        if prev == "in" and any(doc[k].lower_ in _RANK_SCOPE for k in range(max(clause_start, tok - 8), tok)):
            continue  # "ranking first in China": the scope of the rank, not where the figure belongs
        if tok < first_token:
            ok = bool(_SUBJECT_FOLLOWERS.match(text[end:end + 16])) or (
                prev in _LOCATIVE and first_token - tok <= _LOCATIVE_REACH)
            distance = first_token - tok
        else:
            ok = prev in ("in", "across", "throughout", "within") and tok - last_token <= 8 and not any(
                last_token < k < tok for k in quantity_tokens)
            distance = tok - last_token + 2
        if ok and (best is None or distance < best[0]):
            best = (distance, places.canonical(name))
    if best is not None:
        return best[1]
    return default




def _clause_bounds(doc: Doc, token: int, start: int, end: int) -> tuple[int, int]:
    """Clauses end at ";" (the reference papers chain whole statements with semicolons)."""
    semicolons = _semicolons(doc)
    i = bisect.bisect_left(semicolons, token)
    a = semicolons[i - 1] + 1 if i > 0 else 0
    b = semicolons[i] if i < len(semicolons) else len(doc)
    return max(a, start), min(b, end)


def _semicolons(doc: Doc) -> list[int]:
    """Token indices of ";" (cached on the Doc: every indicator of a sentence asks)."""
    cached = doc.user_data.get("policy_nlp.semicolons")
    if cached is None or cached[0] != len(doc):
        orth = doc.to_array("ORTH")
        cached = (len(doc), [int(i) for i in (orth == doc.vocab.strings[";"]).nonzero()[0]])
        doc.user_data["policy_nlp.semicolons"] = cached
    return cached[1]
