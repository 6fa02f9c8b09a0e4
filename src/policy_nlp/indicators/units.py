"""Units written next to a number: "kilometers" -> km, "yuan" -> CNY, "mA g−1", "%".

The lexicon lives in models/indicator_units.tsv so it can be extended without code. Matching
is done on characters, not tokens, because scientific units defeat any tokenizer
("cm−1", "Mg ha−1 year−1", "4km^3" all arrive as odd token splits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
# A lone "in" is an inch only where nothing can follow it ("2 in thick", "is 2 in."), since
# "2 in 2020" and "16 in total" are everywhere.
_INCH_CONTEXT = re.compile(r"in\.?(?=\s*(?:$|[.,;:)\]]|\s(?:thick|long|wide|high|tall|deep|diameter|across|gap|square|cubed)\b))")
_PER = re.compile(r"(?:[ \u00a0]?/[ \u00a0]?|[ \u00a0](?:per|each)[ \u00a0]|[ \u00a0]?·[ \u00a0]?)")
# "barrels a day", "$1,200 a month", "£5 an hour": a rate written with an article, taken only
# before a unit of time or a "per" word ("5 km a piece of" is no rate).
_PER_ARTICLE = re.compile(r"[ \u00a0](?:an?)[ \u00a0]")
_PER_WORDS = {
    "capita": "capita", "person": "person", "head": "person", "household": "household",
    "annum": "year", "unit": "unit", "hectare": "ha", "mu": "mu", "square metre": "m2",
    "square meter": "m2", "kilowatt-hour": "kWh", "kilowatt hour": "kWh",
}
_CALENDAR = {"years", "months", "weeks", "days", "h", "decades"}
# After "per", a unit counts one: "USD/month", "bbl/day", "USD/work-hour" (codes are plurals).
_SINGULAR = {"years": "year", "months": "month", "weeks": "week", "days": "day", "decades": "decade",
             "centuries": "century", "work-hours": "work-hour", "points": "point", "times": "time"}
# What may follow a currency name that is also an English word ("won", "real", "rand").
_AMBIGUOUS_NEXT = re.compile(
    r"[ \u00a0]*(?:$|[.,;:!?)(\[\]]|(?:per|a|an|each|in|for|to|and|or|from|on|at|of|was|were|is|are)\b)")
# Prefixed symbols that spell English words: "2 as discussed", "∼3500 at 5%" are no attoseconds or
# attotonnes.
_WORD_SYMBOLS = {"as", "at", "am", "pm"}
_SQUARED = re.compile(r" (squared|cubed)\b")
_EXPONENT = re.compile(r"\^?[-−]?\d(?![\d.,])|\^\(?[-−]?\d+\)?|[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+|[-−] 1(?![\d.,])")


@dataclass(frozen=True)
class Unit:
    start: int  # where the unit (or the space/hyphen before it) starts
    end: int
    code: str  # "km", "CNY", "%", "kWh", "mA/g", "times"
    kind: str  # money | percent | points | quantity | count | fold


@dataclass(frozen=True)
class _Entry:
    code: str
    kind: str


class UnitLexicon:
    """Units from a TSV lexicon (see models/indicator_units.tsv for the format)."""

    def __init__(self, path: str | Path) -> None:
        self.words: dict[str, _Entry] = {}
        self.capital_forms: set[str] = set()  # "USD", "ALL": not when written "usd", "all"
        self.ambiguous_forms: set[str] = set()  # "won", "real", "rand": see _AMBIGUOUS_NEXT
        self.symbols: dict[str, _Entry] = {}
        self.currency_signs: dict[str, str] = {}
        self.prefixes: dict[str, int] = {}
        self.bases: dict[str, tuple[str, bool]] = {}  # symbol -> (code, may stand without prefix)
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            kind_of_row, forms, code, kind, flag = (line.split("\t") + ["", "", "", ""])[:5]
            for form in filter(None, forms.split("|")):
                if kind_of_row in ("word", "money"):
                    self.words[form.lower()] = _Entry(code, "money" if kind_of_row == "money" else kind)
                    if len(form) >= 2 and form.isupper():
                        self.capital_forms.add(form.lower())
                    if flag == "ambiguous":
                        self.ambiguous_forms.add(form.lower())
                elif kind_of_row == "symbol":
                    self.symbols[form] = _Entry(code, kind)
                elif kind_of_row == "currency":
                    self.currency_signs[form] = code
                elif kind_of_row == "prefix":
                    self.prefixes[form] = int(code)
                elif kind_of_row == "base":
                    self.bases[form] = (code, kind == "bare")
        words = sorted(self.words, key=len, reverse=True)
        # Word units end at a word boundary; plural/singular variants are all listed in the lexicon.
        self._word_re = re.compile(
            r"(?:%s)(?![\w%%]|-[A-Za-z])" % "|".join(re.escape(w).replace(r"\ ", r"[ \u00a0-]") for w in words), re.IGNORECASE
        )
        # Indexed by first (or, for currency signs, last) character: a unit is looked for after
        # every number, and trying every symbol with startswith was the slowest part of it.
        self._symbols = _by_first(self.symbols)
        self._signs = _by_last(self.currency_signs)
        self._bases = _by_first(self.bases)
        self._prefixes = _by_first(self.prefixes)

    # -- after the number ---------------------------------------------------------------------

    def after(self, text: str, pos: int) -> Unit | None:
        """The unit that starts at `pos` (after at most one space or a hyphen), with any "per X"."""
        best: Unit | None = None
        for gap in _gaps(text, pos):
            for found in (self._word_at(text, gap), self._symbol_unit_at(text, gap), self._inch_at(text, gap)):
                if found and (best is None or found.end > best.end):
                    best = Unit(pos, found.end, found.code, found.kind)
        if best is None:
            return None
        power = _SQUARED.match(text, best.end)
        if power and best.kind == "quantity":
            best = Unit(best.start, power.end(), best.code + ("2" if power.group(1) == "squared" else "3"), best.kind)
        return self._with_per(text, best)

    def word_unit_at(self, text: str, i: int) -> Unit | None:
        """A unit written as a word ("gallon", "yuan") that starts at `i`, without "per X".

        Not the names that are English words too: "a real problem" holds no Brazilian real."""
        unit = self._word_at(text, i)
        if unit is not None and text[i:unit.end].lower() in self.ambiguous_forms:
            return None
        return unit

    def _word_at(self, text: str, i: int) -> Unit | None:
        m = self._word_re.match(text, i)
        if not m:
            return None
        word = m.group(0).lower()
        key = re.sub(r"[ \u00a0-]", " ", word)
        entry = self.words.get(key) or self.words.get(word)
        if entry is None:
            return None
        if word in self.capital_forms and m.group(0).islower():
            return None  # "5 all", "10 top": words, not the codes ALL and TOP
        if word in self.ambiguous_forms and not _AMBIGUOUS_NEXT.match(text, m.end()):
            return None  # "3 won the race", "5 real problems"; but "5,000 won." and "20 rand a day"
        return Unit(i, m.end(), entry.code, entry.kind)

    def _inch_at(self, text: str, i: int) -> Unit | None:
        m = _INCH_CONTEXT.match(text, i)
        return Unit(i, m.end(), "in", "quantity") if m else None

    def _symbol_unit_at(self, text: str, i: int) -> Unit | None:
        """A compound symbol unit: atoms joined by "/", "·", or a space before a negative power."""
        atom = self._atom(text, i)
        if atom is None:
            return None
        end, code, kind = atom
        if text[i:end] in _WORD_SYMBOLS and not text[end:end + 1] in "/·":
            return None
        codes = [code]
        while True:
            m = re.match(r"[ \u00a0]?[/·][ \u00a0]?", text[end:end + 3])
            if m:
                nxt = self._atom(text, end + m.end())
                if nxt:
                    end = nxt[0]
                    codes.append("/" + nxt[1])
                    continue
            # "m s−1", "Mg ha−1 year−1": a space joins atoms written with a negative power
            if end < len(text) and text[end] == " ":
                nxt = self._atom(text, end + 1, need_negative_power=True)
                if nxt:
                    end = nxt[0]
                    codes.append(" " + nxt[1])
                    continue
            break
        return Unit(i, end, "".join(codes), kind)

    def _atom(self, text: str, i: int, need_negative_power: bool = False) -> tuple[int, str, str] | None:
        if i >= len(text):
            return None
        candidates: list[tuple[int, int, str, str]] = []  # (end, priority, code, kind)
        for sym in self._symbols.get(text[i], ()):
            if text.startswith(sym, i):
                candidates.append((i + len(sym), 3, self.symbols[sym].code, self.symbols[sym].kind))
                break
        for base in self._bases.get(text[i], ()):
            if text.startswith(base, i) and self.bases[base][1]:
                candidates.append((i + len(base), 2, self.bases[base][0], "quantity"))
                break
        for prefix in self._prefixes.get(text[i], ()):
            if text.startswith(prefix, i):
                j = i + len(prefix)
                for base in self._bases.get(text[j:j + 1], ()):
                    if text.startswith(base, j):
                        candidates.append((j + len(base), 1, prefix.replace("u", "μ").replace("µ", "μ") + self.bases[base][0], "quantity"))
                        break
        best: tuple[int, str, str] | None = None
        best_key = (-1, -1)
        for end, priority, code, kind in candidates:
            power = _EXPONENT.match(text, end)
            full_end = end
            if power:
                full_end = power.end()
                code += power.group(0).translate(SUPERSCRIPT_DIGITS).replace("−", "-").replace("^", "").replace(" ", "").replace("(", "").replace(")", "")
            if need_negative_power and not (power and "-" in code[-3:]):
                continue
            if full_end < len(text) and (text[full_end].isalpha() or text[full_end].isdigit()):
                continue  # "5 mice": an "m" glued to more letters is not a unit
            if (full_end, priority) > best_key:
                best_key = (full_end, priority)
                best = (full_end, code, kind)
        return best

    def _with_per(self, text: str, unit: Unit) -> Unit:
        """'kilometres per hour', '$350 per kg', 'yuan per kWh', '$1,200 a month', 'barrels a day'."""
        article = False
        m = _PER.match(text, unit.end)
        if not m:
            m, article = _PER_ARTICLE.match(text, unit.end), True
            if not m:
                return unit
        j = m.end()
        nxt = self._word_at(text, j) or (None if article else self._symbol_unit_at(text, j))
        if nxt and article and nxt.code not in _CALENDAR and nxt.code not in ("min", "s", "work-hours"):
            nxt = None  # "5 km a piece", "10 tonnes a kilometre": only time makes "a" a rate
        if nxt and nxt.kind not in ("money", "percent", "points"):
            per = _SINGULAR.get(nxt.code, nxt.code)
            return Unit(unit.start, nxt.end, f"{unit.code}/{per}", unit.kind)
        for word, code in _PER_WORDS.items():
            if text[j:j + len(word)].lower() == word and not text[j + len(word):j + len(word) + 1].isalpha():
                return Unit(unit.start, j + len(word), f"{unit.code}/{code}", unit.kind)
        return unit

    # -- before the number --------------------------------------------------------------------

    def currency_before(self, text: str, pos: int) -> tuple[int, str] | None:
        """A currency sign or code that ends right before `pos` (one space allowed): (start, ISO code)."""
        for end in (pos, pos - 1):
            if end < pos and (end < 0 or text[end] not in " \u00a0"):
                continue
            for sign in self._signs.get(text[end - 1:end], ()) if end >= 1 else ():
                start = end - len(sign)
                if start >= 0 and text.startswith(sign, start):
                    if sign[0].isalpha() and start > 0 and text[start - 1].isalnum():
                        continue  # "ARMB" is not RMB
                    if sign.isalpha() and end < pos and not sign.isupper():
                        continue
                    return start, self.currency_signs[sign]
        return None


def _by_first(items: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in sorted(items, key=len, reverse=True):
        out.setdefault(item[0], []).append(item)
    return out


def _by_last(items: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in sorted(items, key=len, reverse=True):
        out.setdefault(item[-1], []).append(item)
    return out


def _gaps(text: str, pos: int) -> list[int]:
    """Where a unit may start: glued, after one space, or after a hyphen ("27-kilometer")."""
    out = [pos]
    if pos < len(text) and text[pos] in " \u00a0":
        out.append(pos + 1)
    elif pos < len(text) and text[pos] in "-‐":
        out.append(pos + 1)
    return out


@lru_cache(maxsize=4)
def load_units(path: str) -> UnitLexicon:
    return UnitLexicon(path)
