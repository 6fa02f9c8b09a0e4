"""Quantity mentions in a Doc: number + scale + unit + qualifier (+ range), with a role.

The Matcher (patterns.py) supplies the anchors spaCy tokens are good at: number words, ranks,
qualifiers, periods, labels such as "Fig. 3". Numerals and units are read from the characters,
because a tokenizer splits "1.4%–3.1%" or "12 mA g− 1" in unhelpful places. Every mention keeps
a `role`: only "value" mentions measure something; years, dates, ordinals and identifiers are
kept apart so later stages (period detection, benchmarks) can still see them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from .numbers import (
    SCALE_SUFFIXES,
    SCALE_WORDS,
    match_numeral,
    ordinal_value,
    parse_words,
    signed_value,
)
from .identifiers import (
    NOT_LABELS,
    code_after,
    code_digits,
    code_end,
    coding_label,
    contents_numbers,
    enumeration_label,
    glued_to_code,
    labelled_tokens,
    month_year,
)
from .patterns import Found
from .spans import token_bounds
from .units import Unit, UnitLexicon

# Where a numeral may start: a digit, a vulgar fraction, or ".5".
_NUM_START = re.compile(r"\d|[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒]|\.\d")
_SCALE_AFTER = re.compile(
    r"[ \u00a0]?(hundred|thousand|lakh|million|crore|billion|trillion|mn|mln|bn|bln|tn|trn)(?![\w-])", re.IGNORECASE
)
_GLUED_SCALE = re.compile(r"(MM|mn|bn|Bn|tn|Tn|k|K|m|M|b|B|t|T)(?![A-Za-z])")
_ONE_IN = re.compile(r"[ \u00a0](?:in|out of)[ \u00a0]")
_CONNECTOR = re.compile(r"(?:-[ \u00a0])?[ \u00a0]?(to|through|and|[–—−~-])[ \u00a0]?")
_TOLERANCE = re.compile(r"[ \u00a0]?(?:±|\+/-|\+/−|\+-)[ \u00a0]?")
_ORDINAL_SUFFIX = re.compile(r"(st|nd|rd|th)(?![A-Za-z])")
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_MONTH_WORDS = set(_MONTHS.split("|"))
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?[ \u00a0]$", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"[ \u00a0](?:{_MONTHS})\b", re.IGNORECASE)
_PLURAL_AFTER = re.compile(r"[ \u00a0]+(?:[a-z][\w-]*[ \u00a0]+){0,2}?([a-z][a-z-]*[^siu\W\d]s)\b")
_NOT_PLURAL = {"was", "has", "this", "its", "thus", "plus", "across", "always", "perhaps", "less", "does", "goes"}
_SYMBOL_QUALIFIERS = {"~": "approximate", "∼": "approximate", "≈": "approximate", ">": "lower_bound",
                      "≥": "lower_bound", "≧": "lower_bound", "<": "upper_bound", "≤": "upper_bound", "≦": "upper_bound"}
_RATIO_AFTER_TIMES = re.compile(
    r"[ \u00a0]+(?:the|as|that|those|what|higher|larger|greater|more|bigger|faster|lower|smaller|less|"
    r"longer|shorter|over|compared|of)\b", re.IGNORECASE
)
# Change words that read as qualifiers or comparisons before a number ("more than 20").
_COMPARATIVES = {"higher", "faster", "more", "lower", "slower", "less", "up", "down", "cut"}
_SKIP_BEFORE = {"by", "of", "a", "an", "the", "to", "its", "their", "was", "were", "is", "has", "have", "had",
                "been", "about", "around", "nearly", "almost", "over", "some", "roughly", "approximately", ","}
_YEAR_MIN, _YEAR_MAX = 1800, 2100
_ARTICLE = re.compile(r"(?<![\w-])(an?|An?)[ \u00a0](?=[a-z])")
_WORD_BEFORE = re.compile(r"([\w$€£¥%]+)[ \u00a0]*$")
_RATE_WORDS = {"per", "times", "once", "twice", "thrice"}
# Units that read as words in their own right after "a": "a second", "a minute", "a foot".
_NOT_ARTICLE_UNITS = {"s", "min", "ft", "years", "months", "weeks", "days", "h", "decades", "times", "fold", "bit"}
# The word of "5 year-old", "seven month old" -> the unit of the age.
_AGE_UNITS = {"year": "years", "years": "years", "month": "months", "months": "months", "week": "weeks",
              "weeks": "weeks", "day": "days", "days": "days"}
# Nouns after "4-year-old" that make it the name of a group ("the 4-year-old cohort", "children").
_COHORT_NOUNS = {"cohort", "cohorts", "group", "groups", "class", "classes", "children", "kids", "people",
                 "population", "populations", "men", "women", "boys", "girls", "students", "program", "programs",
                 "programme", "programmes", "classroom", "classrooms", "sample", "samples"}
# "3- and 4-year-old", "10- to 15-minute": the first number shares the second's unit.
_SUSPENDED = re.compile(r"[-–‐][ \u00a0]?(?:and|or|to)[ \u00a0]+")
# "equal to 9.7% of provincial GDP": a share of something, whatever verb comes before.
_SHARE_OF = re.compile(r"[ \u00a0]+of[ \u00a0]+(?:the[ \u00a0]+|all[ \u00a0]+|its[ \u00a0]+|their[ \u00a0]+)?[A-Za-z]")
# "rose to over 130 million", "increased to 9.7%": the level reached, not the change.
_LEVEL_WORDS = {"to", "reached", "reaching", "reach", "reaches", "hit", "hitting", "totalled", "totaled", "totalling"}


@dataclass
class Quantity:
    """A quantity mention. Offsets are characters in the Doc's text."""

    start: int
    end: int
    text: str
    value: float
    unit: str = ""
    kind: str = "count"  # count | percent | money | rank | fraction | ratio | growth | quantity
    qualifier: str = ""  # "" | approximate | lower_bound | upper_bound | range
    low: float | None = None
    high: float | None = None
    change: str = ""  # "" | increase | decrease | percentage_points
    role: str = "value"  # value | year | date | ordinal | identifier | period | base | name
    num_start: int = 0  # the number itself, without qualifier or unit
    num_end: int = 0
    words: bool = False  # written in words ("Twelve")
    form: str = "decimal"  # decimal | fraction | mixed | vulgar | power | words | rank | verb


@dataclass
class _Num:
    start: int
    end: int
    value: float
    form: str
    integer: bool
    digits: str
    words: bool = False
    glued: bool = False  # letters glued to it: a code or a formula, not a number


class QuantityFinder:
    """Reads the quantities of one Doc from its pattern matches and characters."""

    def __init__(self, lexicon: UnitLexicon) -> None:
        self.lexicon = lexicon

    def __call__(self, doc: Doc, found: Found, text: str | None = None) -> list[Quantity]:
        return _Scan(doc, found, self.lexicon, text).run()


class _Scan:
    def __init__(self, doc: Doc, found: Found, lexicon: UnitLexicon, text: str | None = None) -> None:
        self.doc = doc
        self.text = doc.text if text is None else text
        self.found = found
        self.lex = lexicon
        self.tok_starts = token_bounds(doc)[0]  # no Token objects: cheaper
        self.masks = found.masks
        self.mask_starts = [s for s, _ in found.masks]
        # Qualifier-like spans keyed by the character where they end, to look left of a number.
        self.ends: dict[int, tuple[str, int]] = {}
        for label in ("QUAL_APPROX", "QUAL_LOWER", "QUAL_UPPER", "TOTAL", "RANGE_START"):
            for s, e in found.get(label):
                self.ends[doc[e - 1].idx + len(doc[e - 1].text)] = (label, doc[s].idx)
        self.starts: dict[int, tuple[str, int]] = {}
        for label in ("QUALPOST_LOWER", "QUALPOST_UPPER", "QUALPOST_APPROX"):
            for s, e in found.get(label):
                self.starts[doc[s].idx] = (label, doc[e - 1].idx + len(doc[e - 1].text))
        self.word_numbers: dict[int, _Num] = {}
        for s, e in found.get("NUM_WORDS"):
            toks = doc[s:e]
            for i, j, value, form in parse_words([t.text for t in toks]):
                a, b = toks[i].idx, toks[j - 1].idx + len(toks[j - 1].text)
                self.word_numbers[a] = _Num(a, b, value, "fraction" if form == "fraction" else "words", form != "fraction", "", True)
        self._article_units()
        self.ident_tokens = self._identifier_tokens()
        self.change_up = found.token_set("CHANGE_UP")
        self.change_down = found.token_set("CHANGE_DOWN")
        self.yoy = found.token_set("YOY")
        self.taken: list[tuple[int, int]] = []
        self.contents = contents_numbers(self.text)

    # -- helpers ---------------------------------------------------------------------------

    def tok(self, char: int) -> int:
        """Index of the token that contains character `char`."""
        return max(0, bisect.bisect_right(self.tok_starts, char) - 1)

    def masked(self, start: int, end: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.mask_starts, end) - 1
        while i >= 0:
            s, e = self.masks[i]
            if s < end and start < e:
                return s, e
            if e <= start and s < start - 200:
                break
            i -= 1
        return None

    def _article_units(self) -> None:
        """'a gallon of beer', 'an ounce', 'a penny': one of a unit, with no digit written.

        Only word units of measure and money count (not symbols: "a m"), never calendar words ("a
        year", "twice a day" are periods and rates), and never after a number, a unit or a rate
        word ("5 yuan a kilogram", "three times a week")."""
        text = self.text
        for m in _ARTICLE.finditer(text):
            start = m.start()
            if start in self.word_numbers:
                continue  # "a hundred", "a dozen": already a number
            unit = self.lex.word_unit_at(text, m.end())
            if unit is None or unit.kind not in ("quantity", "money") or unit.code in _NOT_ARTICLE_UNITS:
                continue
            before = _WORD_BEFORE.search(text, max(0, start - 24), start)
            if before is not None:
                word = before.group(1)
                if word[-1].isdigit() or word.lower() in _RATE_WORDS or self.lex.word_unit_at(word, 0) is not None:
                    continue
            self.word_numbers[start] = _Num(start, m.end(1), 1.0, "article", True, "", True)

    def _identifier_tokens(self) -> set[int]:
        """Labelled numbers (identifiers.labelled_tokens) and names with a number ("Boeing 737")."""
        doc = self.doc
        out = labelled_tokens(doc, self.found, self.lex.currency_signs)
        for s, e in self.found.get("IDENT_TITLE"):
            # "Boeing 737", "Vision 2030": a proper noun naming a thing. A capital at the start of a
            # sentence is no such cue ("Over 130 million"), nor are months, and a figure with a
            # percent sign or scale word after it is an amount ("Germany 5 million").
            word, number = doc[s], doc[e - 1]
            if s == 0 or doc[s - 1].text in (".", "!", "?", ":", ";", "•", "\n") or doc[s - 1].is_space:
                continue
            if word.lower_ in _MONTH_WORDS or word.text in NOT_LABELS or word.text in self.lex.currency_signs:
                continue
            if doc[s - 1].like_num and word.lower_ in _AGE_UNITS:
                continue  # "Age: 1 Year 9 Months": the second part of a duration, not "Year 9"
            if e < len(doc) and (doc[e].text in ("%", "％") or doc[e].lower_ in SCALE_WORDS):
                continue
            out.add(number.i)
        return out

    def space_back(self, pos: int) -> int:
        while pos > 0 and self.text[pos - 1] in " \u00a0":
            pos -= 1
        return pos

    def space_fwd(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] in " \u00a0":
            pos += 1
        return pos

    # -- numbers ---------------------------------------------------------------------------

    def number_at(self, pos: int, second: bool = False) -> _Num | None:
        """The number at `pos`; `second`: it follows a range connector, so a dash before it is no glue."""
        if pos in self.word_numbers:
            return self.word_numbers[pos]
        num = match_numeral(self.text, pos)
        if num is None:
            return None
        start, value = signed_value(self.text, num)
        text = self.text
        if glued_to_code(text, start, num.start, second):
            # "i7 860": a code's digits end at the first non-digit; "7 860" is not seven thousand.
            # Its joined parts are the same code: "AI–01/19" gives no 19, "737–8/-9" no −9.
            end = num.start
            while end < len(text) and text[end].isdigit():
                end += 1
            return _Num(start, code_end(text, end), value, num.form, num.integer, num.digits, False, True)
        return _Num(start, num.end, value, num.form, num.integer, num.digits, False, False)

    def scale_after(self, num: _Num, currency: bool) -> tuple[int, float]:
        """(end, factor) of a scale word or suffix after a number: '130 million', '$2.174T'."""
        if num.words:
            m = _SCALE_AFTER.match(self.text, num.end)
            if m and m.group(1).lower() in ("million", "billion", "trillion", "thousand"):
                return m.end(), SCALE_WORDS[m.group(1).lower()]
            return num.end, 1.0
        m = _SCALE_AFTER.match(self.text, num.end)
        if m:
            end, factor = m.end(), SCALE_WORDS[m.group(1).lower()]
            # "2 million to 5 million", "10 thousand million"
            m2 = _SCALE_AFTER.match(self.text, end)
            if m2 and SCALE_WORDS[m2.group(1).lower()] > factor:
                end, factor = m2.end(), factor * SCALE_WORDS[m2.group(1).lower()]
            return end, factor
        g = _GLUED_SCALE.match(self.text, num.end)
        if g and currency:
            return g.end(), SCALE_SUFFIXES[g.group(1)]
        if g and g.group(1) == "k" and re.match(r"[ \u00a0][a-z]", self.text[g.end():g.end() + 2]):
            return g.end(), 1e3  # "0.5k miles"
        return num.end, 1.0

    def expression_at(self, pos: int, allow_currency: bool = True, second: bool = False) -> dict | None:
        """Number with currency, scale and unit: the building block of a quantity."""
        num = self.number_at(pos, second)
        if num is None:
            return None
        text = self.text
        start, end = num.start, num.end
        currency = self.lex.currency_before(text, num.start) if allow_currency and not num.words else None
        if currency:
            start = currency[0]
        end, factor = self.scale_after(num, currency is not None)
        value = num.value * factor
        unit: Unit | None = None
        if currency:
            per = self.lex._with_per(text, Unit(end, end, currency[1], "money"))
            unit = per if per.end > end else Unit(end, end, currency[1], "money")
            after = self.lex.after(text, end)
            if after and after.kind == "money" and unit.end == end:
                unit = Unit(end, after.end, currency[1], "money")  # "US$ 5 million dollars"
        else:
            unit = self.lex.after(text, end)
        if unit is not None and unit.end > end:
            end = unit.end
        return {"num": num, "start": start, "end": end, "value": value, "unit": unit, "scaled": factor != 1.0,
                "currency": currency is not None}

    # -- main ------------------------------------------------------------------------------

    def run(self) -> list[Quantity]:
        out: list[Quantity] = []
        out.extend(self._ranks())
        out.extend(self._verbs_and_halves())
        for q in out:
            self.taken.append((q.start, q.end))
        candidates = sorted(
            [m.start() for m in _NUM_START.finditer(self.text)] + list(self.word_numbers)
        )
        consumed = 0
        for pos in candidates:
            if pos < consumed or self._inside_taken(pos):
                continue
            mask = self.masked(pos, pos + 1)
            if mask:
                consumed = mask[1]
                continue
            q = self.quantity_at(pos)
            if q is None:
                num = self.number_at(pos)
                consumed = num.end if num else pos + 1
                continue
            if self.masked(q.num_start, q.num_end):
                consumed = q.end
                continue
            out.append(q)
            consumed = q.end
        out.sort(key=lambda q: q.start)
        self._suspended(out)
        self._ratios(out)
        return out

    def _suspended(self, out: list[Quantity]) -> None:
        """'3- and 4-year-old children', '10- to 15-minute walks': the first number, cut short by a
        hyphen, has the unit and role of the second."""
        for a, b in zip(out, out[1:]):
            if a.unit or a.role not in ("value", "name") or not _SUSPENDED.fullmatch(self.text, a.end, b.start):
                continue
            a.unit, a.kind = b.unit, b.kind if b.unit else a.kind
            if b.role == "name":
                a.role = "name"

    def _inside_taken(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.taken)

    def quantity_at(self, pos: int) -> Quantity | None:
        first = self.expression_at(pos)
        if first is None:
            return None
        num: _Num = first["num"]
        text = self.text
        if num.glued:
            return None
        after = text[num.end:num.end + 3]
        if not num.words and first["unit"] is None and not first["scaled"]:
            suffix = _ORDINAL_SUFFIX.match(text, num.end)
            if suffix:
                return self._make(first, role="ordinal", end=suffix.end())
            if after[:1].isalpha() and not (after[:1] == "s" and not after[1:2].isalpha()):
                return None  # "2022RZB02018", "5G", "187Os": a code, not a number
            if code_after(text, num.end) and not self._year_like(num):
                return None  # "150109-DSP-Milw-505", "2476-E": a case or form number
        start, end = first["start"], first["end"]
        value, unit = first["value"], first["unit"]
        low = high = None
        qualifier = ""
        share = self._one_in(first) if unit is None and not first["scaled"] else None
        if share is not None:
            return share
        ratio = re.match(r":(\d+(?:\.\d+)?)(?![\d:])", text[num.end:num.end + 12]) if unit is None and not num.words else None
        if ratio and float(ratio.group(1)) > 0:
            # "a slope of 1:10", "a 3:1 ratio": one number, the quotient
            end = num.end + ratio.end()
            q = self._make(first, end=end, value=value / float(ratio.group(1)))
            q.kind = "ratio"
            self._classify_role_only(q, first)
            return q
        # tolerance: "300±15 °C", "9.83e-3 +/- 1e-5 km/s2"
        tol = _TOLERANCE.match(text, num.end if unit is None else end)
        if tol:
            second = self.expression_at(tol.end(), allow_currency=False, second=True)
            if second and not second["num"].glued:
                end = second["end"]
                if unit is None:
                    unit = second["unit"]
        # range: "5–10 mm", "between 44 and 50 mg", "3 to 4 L", "2 million to 5 million yuan"
        before = self.ends.get(self.space_back(start))
        rng = self._range(first, end, before)
        if rng is not None:
            second, end = rng
            low, high = value, second["value"]
            if unit is None or (second["unit"] is not None and unit.kind != "money"):
                unit = second["unit"] or unit
            if not first["scaled"] and second["scaled"] and not num.words and abs(low) < abs(high) / 1e3:
                low = low * (second["value"] / second["num"].value)  # "2 to 5 million": both in millions
                value = low
            qualifier = "range"
            if before and before[0] == "RANGE_START":
                start = before[1]
                before = self.ends.get(self.space_back(start))
        # qualifier words before: "over", "more than", "about", "a total of"
        for _ in range(2):
            if before is None:
                break
            label, bstart = before
            if label == "RANGE_START":
                break
            if label == "TOTAL":
                start = bstart
            elif not qualifier:
                qualifier = {"QUAL_APPROX": "approximate", "QUAL_LOWER": "lower_bound", "QUAL_UPPER": "upper_bound"}[label]
                start = bstart
            before = self.ends.get(self.space_back(start))
        if not qualifier and start > 0:
            sym = text[self.space_back(start) - 1] if self.space_back(start) > 0 else ""
            if sym in _SYMBOL_QUALIFIERS and self.space_back(start) >= start - 1:
                qualifier = _SYMBOL_QUALIFIERS[sym]
                start = self.space_back(start) - 1
        # qualifier words after: "three years or less", "60+"
        post = self.starts.get(self.space_fwd(end))
        if post and not qualifier:
            qualifier = {"QUALPOST_LOWER": "lower_bound", "QUALPOST_UPPER": "upper_bound", "QUALPOST_APPROX": "approximate"}[post[0]]
            end = post[1]
        elif end < len(text) and text[end] == "+" and not text[end + 1:end + 2].isdigit() and not qualifier:
            qualifier, end = "lower_bound", end + 1
        # accounting negatives: "($99.99)"
        if first["currency"] and start > 0 and text[start - 1] == "(" and text[end:end + 1] == ")" and value > 0:
            value, start, end = -value, start - 1, end + 1
        q = self._make(first, start=start, end=end, value=value, unit=unit, qualifier=qualifier, low=low, high=high)
        self._classify(q, first, rng is not None, unit)
        if q.role == "value" and num.words and q.value == 1 and not q.unit and not first["scaled"] and num.form != "fraction":
            q.role = "determiner"  # "one would expect", "one theory": "one" counts far less often than it points
        return q

    def _range(self, first: dict, end: int, before: tuple[str, int] | None) -> tuple[dict, int] | None:
        text = self.text
        conn = _CONNECTOR.match(text, end)
        if conn is None:
            return None
        word = conn.group(1)
        between = before is not None and before[0] == "RANGE_START" and text[before[1]:before[1] + 7].lower() == "between"
        from_ = before is not None and before[0] == "RANGE_START" and not between
        if word == "and" and not between:
            return None
        if word in ("to", "through") and from_ and not self._range_verb_before(self.tok(before[1])) \
                and self._change_word_before(self.tok(before[1])):
            return None  # "rose from 20% to 30%", "raise the share from 8.5% to 15%": two values
        if word == "to" and not between and not from_ and self._change_before(self.tok(first["start"])):
            return None  # "rose by 5% to 30%", "increased 12% to 4.5 billion": the change, then the level
        pos2 = conn.end()
        if text[pos2:pos2 + 1] in "-−" and text[pos2 + 1:pos2 + 2].isdigit():
            pos2 += 1  # "-18 °C to -34 °C": the sign belongs to the number
        second = self.expression_at(pos2, second=True)
        if second is None or second["num"].glued or self.masked(second["num"].start, second["num"].end):
            return None
        if second["num"].words != first["num"].words and word not in ("to", "and"):
            return None
        u1, u2 = first["unit"], second["unit"]
        if u1 is None and u2 is not None and self._year_like(first["num"]) and not first["scaled"]:
            return None  # "from 12% in 2015 to 31% in 2023": a year, then the next figure
        if u1 is not None and u2 is not None and u1.code != u2.code and not (u1.kind == u2.kind == "percent"):
            return None  # "from 44 ml to 50 mg": two quantities
        if u1 is not None and u2 is None and word not in "–—−~-":
            return None
        v1, v2 = first["value"], second["value"]
        dash = word in "–—−~-"
        if dash:
            if self._year_like(first["num"]) and (len(second["num"].digits) in (2, 4)) and u1 is None and u2 is None:
                return None  # "2013-14", "2019–2023": a period, handled as years
            if v2 <= v1 and v1 >= 0:
                return None  # "737–8": a model name, not a range
        return second, second["end"]

    def _one_in(self, first: dict) -> Quantity | None:
        """'one in four', 'Fewer than one in ten', '1 in 5', 'nine out of ten': a share, written as N in M."""
        num: _Num = first["num"]
        m = _ONE_IN.match(self.text, num.end)
        if m is None:
            return None
        other = self.number_at(m.end())
        if other is None or other.glued or not other.value > num.value > 0 or other.value > 1000 or self._year_like(other):
            return None
        end = other.end
        if self.text[end:end + 1].isalpha() or _SCALE_AFTER.match(self.text, end):
            return None
        start, qualifier = num.start, ""
        before = self.ends.get(self.space_back(start))
        if before and before[0].startswith("QUAL_"):
            qualifier = {"QUAL_APPROX": "approximate", "QUAL_LOWER": "lower_bound", "QUAL_UPPER": "upper_bound"}[before[0]]
            start = before[1]
        return Quantity(start, end, self.text[start:end], num.value / other.value, kind="fraction", qualifier=qualifier,
                        num_start=num.start, num_end=end, words=num.words, form="fraction")

    def _range_verb_before(self, tok: int) -> bool:
        """'ranged from', 'varies from': the words that make 'from X to Y' an interval."""
        verbs = self.found.token_set("RANGE_VERB")
        return any(k in verbs for k in range(max(0, tok - 6), tok))

    def _change_word_before(self, tok: int) -> bool:
        """A change verb in the 12 tokens before 'from' (same clause): 'raise the share ... from'."""
        for k in range(tok - 1, max(-1, tok - 13), -1):
            if self.doc[k].text in (";", ".") or self.doc[k].is_sent_start and k != tok:
                break
            if k in self.change_up or k in self.change_down:
                return True
        return False

    def _year_like(self, num: _Num) -> bool:
        return num.integer and not num.words and len(num.digits) == 4 and _YEAR_MIN <= num.value <= _YEAR_MAX

    def _make(self, first: dict, role: str = "value", end: int | None = None, **kw) -> Quantity:
        num: _Num = first["num"]
        unit: Unit | None = kw.pop("unit", first["unit"])
        start = kw.pop("start", first["start"])
        end = end if end is not None else kw.pop("end", first["end"])
        kw.pop("end", None)
        value = kw.pop("value", first["value"])
        return Quantity(
            start=start, end=end, text=self.text[start:end], value=value,
            unit=unit.code if unit else "", role=role, num_start=num.start, num_end=num.end,
            words=num.words, form=num.form, **kw,
        )

    # -- classification ----------------------------------------------------------------------

    def _classify(self, q: Quantity, first: dict, is_range: bool, unit: Unit | None = None) -> None:
        num: _Num = first["num"]
        unit = unit or first["unit"]  # a range's unit may come from its second figure: "2 million to 5 million yuan"
        text = self.text
        tok = self.tok(num.start)
        if tok in self.ident_tokens or any(s <= tok < e for s, e in self.found.get("IDENT")):
            q.role = "identifier"
            return
        if any(s <= tok < e for s, e in self.found.get("PLAN")):
            q.role = "name"
            return
        if num.start in self.contents and not first["currency"]:
            q.role = "identifier"  # "2 Reliance at a Glance 4 Stakeholder ...": page numbers of a contents list
            return
        unit_kind = ""
        if q.unit:
            unit_kind = "money" if first["currency"] else self._unit_kind(q, unit)
        bare = not q.unit and not first["scaled"] and not first["currency"]
        if bare and self._year_like(num) and not q.qualifier:
            plural = _PLURAL_AFTER.match(text, q.end)
            if not (plural and plural.group(1).lower() not in _NOT_PLURAL and plural.start(1) - q.end < 30):
                q.role = "year"
                return
        if bare and not num.words and num.integer and len(num.digits) <= 2:
            if _MONTH_BEFORE.search(text[max(0, num.start - 12):num.start]) or _MONTH_AFTER.match(text, num.end):
                q.role = "date"
                return
        if bare and (self._section_number(num) or code_digits(num.digits, num.integer)
                     or coding_label(text, num.start, num.end) or enumeration_label(text, num.start, num.end)):
            q.role = "identifier"  # "2.1 Strong support", "001 peak", "(0 = never, 1 = sometimes", "1.2: Scale"
            return
        if bare and num.form == "fraction" and month_year(num.digits):
            q.role = "date"  # "(R. 04/2014)": a month and year, not four two-thousandths
            return
        if any(s <= tok < e for s, e in self.found.get("PERIOD")) and bare:
            q.role = "period"
            return
        if not q.unit and not first["scaled"] and tok in self.found.token_set("AGE", "AGE_AT"):
            q.unit, unit_kind = "years", "quantity"  # "aged 65", "at age three": an age, in years
        if tok in self.found.token_set("AGE_OLD"):
            if self._cohort(tok):
                q.role = "name"  # "3-year-olds", "the 4-year-old cohort": a group named by its age
                return
            if not q.unit:
                q.unit = _AGE_UNITS.get(self._age_word(tok), "years")
            unit_kind = "quantity"  # "his 5 year-old sister": her age
        # kind
        if unit_kind == "money":
            q.kind = "money"
        elif unit_kind == "percent":
            q.kind = "percent"
        elif unit_kind == "points":
            q.kind = "growth"
        elif unit_kind == "fold":
            q.kind = "growth"
        elif q.unit == "times":
            q.kind = "ratio" if _RATIO_AFTER_TIMES.match(text, q.end) else "count"
        elif unit_kind == "quantity":
            q.kind = "quantity"
        elif num.form in ("fraction", "vulgar") or (num.words and num.form == "fraction"):
            q.kind = "fraction"
        else:
            q.kind = "count"
        change = self._change(q)
        if change:
            q.change = change
            if q.kind in ("percent", "growth") or unit_kind in ("points", "fold"):
                q.kind = "growth"
        if unit_kind == "points" and not q.change:
            q.change = "percentage_points"
        if unit_kind == "fold" and not q.change:
            q.change = "increase"

    def _age_span(self, tok: int) -> tuple[int, int]:
        return next(((s, e) for s, e in self.found.get("AGE_OLD") if s <= tok < e), (tok, tok + 1))

    def _age_word(self, tok: int) -> str:
        s, e = self._age_span(tok)
        return next((t.lower_ for t in self.doc[s:e] if t.lower_ in _AGE_UNITS), "years")

    def _cohort(self, tok: int) -> bool:
        """'3-year-olds', 'the 4-year-old cohort', '4-year-old children' name a group; 'his 5 year-old
        sister', 'a five year-old female', 'a 34-year-old' give someone's age."""
        doc = self.doc
        s, e = self._age_span(tok)
        if doc[e - 1].lower_ == "olds":
            return True
        if e >= len(doc):
            return False
        word = doc[e].lower_
        if word in _COHORT_NOUNS:
            return True
        return (len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))
                and word not in _NOT_PLURAL and doc[e].is_alpha)

    def _classify_role_only(self, q: Quantity, first: dict) -> None:
        tok = self.tok(first["num"].start)
        if tok in self.ident_tokens or any(s <= tok < e for s, e in self.found.get("IDENT")):
            q.role = "identifier"

    def _unit_kind(self, q: Quantity, unit: Unit | None) -> str:
        if unit is not None:
            return unit.kind
        return "percent" if q.unit in ("%", "‰") else "quantity"

    def _section_number(self, num: _Num) -> bool:
        """'2.1 Strong support from ...' at the start of a line that is not a sentence."""
        text = self.text
        line_start = text.rfind("\n", 0, num.start) + 1
        if text[line_start:num.start].strip():
            return False
        line_end = text.find("\n", num.end)
        line = text[line_start:line_end if line_end >= 0 else len(text)].rstrip()
        after = text[num.end:num.end + 3]
        if re.match(r"[.)][ \u00a0][A-Z(“\"]", after) and num.integer:
            return True  # "1. Older people living alone ...": a numbered note or list item
        if not re.match(r"[ \u00a0][A-Z]", after):
            return False
        return not line.endswith((".", "!", "?", ";")) or ("." in num.digits and len(line.split()) < 25)

    def _level_reached(self, tok: int) -> bool:
        """'rose to over 130 million', 'increased to 9.7%', 'reached 486 billion': the level after a
        change; 'rose by 12%' and 'increased 5 percentage points' are changes."""
        doc = self.doc
        for k in range(tok - 1, max(-1, tok - 3), -1):
            word = doc[k].lower_
            if word in _LEVEL_WORDS:
                return True
            if word not in ("over", "about", "around", "nearly", "almost", "some", "roughly", "approximately",
                            "more", "than", "just", "a", "record", "new"):
                return False
        return False

    def _change_before(self, tok: int) -> str:
        doc = self.doc
        k, seen = tok - 1, 0
        while k >= 0 and seen < 3:
            word = doc[k].lower_
            if doc[k].is_punct and word not in (",",):
                break
            if word == "from":
                return ""  # "increased from 12% to 31%": a level the change started from, not the change
            if word in _SKIP_BEFORE:
                k -= 1
                continue
            if k in self.change_up and word not in _COMPARATIVES:
                return "increase"
            if k in self.change_down and word not in _COMPARATIVES:
                return "decrease"
            seen += 1
            k -= 1
        return ""

    def _change(self, q: Quantity) -> str:
        doc = self.doc
        first = self.tok(q.start)
        if q.kind == "percent" and _SHARE_OF.match(self.text, q.end):
            return ""  # "equal to 9.7% of provincial GDP", "rose to 38.2% of GDP": a share, not a growth rate
        if self._level_reached(first):
            return ""
        found = self._change_before(first)
        if found:
            return found
        last = self.tok(max(q.start, q.end - 1))
        for k in range(last + 1, min(len(doc), last + 3)):
            word = doc[k].lower_
            if k in self.yoy:
                return "decrease" if any(j in self.change_down for j in range(first - 3, first)) else "increase"
            if k in self.change_up and word not in ("up",):
                return "increase"
            if k in self.change_down and word not in ("down", "cut"):
                return "decrease"
            if doc[k].is_punct or doc[k].tag_.startswith("VB"):
                break
        return ""

    # -- special forms ----------------------------------------------------------------------

    def _ranks(self) -> list[Quantity]:
        out = []
        for s, e in self.found.get("RANK"):
            last = self.doc[e - 1]
            value = ordinal_value(last.text)
            if value is None and last.text.isdigit() and len(last.text) < 10:
                value = int(last.text)
            if value is None:
                continue
            a = self.doc[s].idx
            if self.doc[s].lower_ == "the":
                a = self.doc[s + 1].idx
            b = last.idx + len(last.text)
            if self.doc[s].lower_ == "the" and e < len(self.doc):
                b = self.doc[e - 1].idx + len(self.doc[e - 1].text)
            out.append(Quantity(a, b, self.text[a:b], float(value), kind="rank", num_start=last.idx,
                                num_end=last.idx + len(last.text), words=last.is_alpha, form="rank"))
        return out

    def _qualifier_before(self, start: int) -> tuple[str, int]:
        """(qualifier, new start) for an "about" / "over" / "up to" right before `start`, else ("", start)."""
        before = self.ends.get(self.space_back(start))
        if before and before[0].startswith("QUAL_"):
            return {"QUAL_APPROX": "approximate", "QUAL_LOWER": "lower_bound", "QUAL_UPPER": "upper_bound"}[before[0]], before[1]
        return "", start

    def _verbs_and_halves(self) -> list[Quantity]:
        out = []
        factors = {"doubled": 2.0, "tripled": 3.0, "trebled": 3.0, "quadrupled": 4.0, "quintupled": 5.0, "halved": 0.5}
        for s, e in self.found.get("MULT_VERB"):
            t = self.doc[s]
            a, b = t.idx, t.idx + len(t.text)
            qualifier, a = self._qualifier_before(a)
            value = factors[t.lower_]
            out.append(Quantity(a, b, self.text[a:b], value, unit="times", kind="growth", qualifier=qualifier,
                                change="decrease" if value < 1 else "increase", num_start=t.idx, num_end=b,
                                words=True, form="verb"))
        for s, e in self.found.get("MULT_ADV"):
            t = self.doc[s]
            a, b = t.idx, t.idx + len(t.text)
            qualifier, a = self._qualifier_before(a)
            out.append(Quantity(a, b, self.text[a:b], 2.0 if t.lower_ == "twice" else 3.0, unit="times", kind="ratio",
                                qualifier=qualifier, num_start=t.idx, num_end=b, words=True, form="verb"))
        for s, e in self.found.get("HALF"):
            half = next((t for t in self.doc[s:e] if t.lower_ == "half"), None)
            if half is None or (half.i > 0 and self.doc[half.i - 1].lower_ in ("first", "second", "the", "a", "one", "and")):
                continue
            a, b = half.idx, half.idx + 4
            qualifier, a = self._qualifier_before(a)
            out.append(Quantity(a, b, self.text[a:b], 0.5, kind="fraction", qualifier=qualifier,
                                num_start=half.idx, num_end=b, words=True, form="fraction"))
        return out

    def _ratios(self, quantities: list[Quantity]) -> None:
        """'28.0 beds per 1,000 older residents', 'one centre for every 2,900 residents'."""
        doc = self.doc
        by_tok = {self.tok(q.num_start): q for q in quantities}
        per_n = {s: e for s, e in self.found.get("PER_N")}
        for_every = {s for s, _ in self.found.get("FOR_EVERY")}
        for q in quantities:
            if q.role != "value" or q.kind in ("money", "rank", "percent", "growth"):
                continue
            last = self.tok(max(q.start, q.end - 1))
            for k in range(last + 1, min(len(doc), last + 7)):
                t = doc[k]
                if t.is_punct or t.lower_ in ("and", "or", "which", "that", "is", "are", "was", "were", "has", "have"):
                    break
                if k in for_every or k in per_n:
                    base_tok = per_n.get(k)
                    base = by_tok.get(base_tok - 1) if base_tok else None
                    if base is not None and base is not q:
                        if q.value == 1 and q.words and not q.unit:
                            base.kind = "ratio"  # "one centre for every 2,900 residents": the 2,900 is the ratio
                            q.role = "base"
                        else:
                            base.role = "base"
                            q.kind = "ratio"
                            q.unit = f"per {base.value:g}" if not q.unit else f"{q.unit} per {base.value:g}"
                    elif q.unit in ("", "times") or q.kind == "count":
                        q.kind = "ratio"
                    break
