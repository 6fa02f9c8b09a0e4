"""Numeric indicators: "over 130 million IoT terminal users" -> value, unit, kind, subject, period, place.

    from policy_nlp.indicators import extract_indicators
    for ind in extract_indicators(text):
        print(ind.raw_text, ind.value, ind.unit, ind.indicator, ind.period, ind.place)

Modules, one job each:
    numbers     written numbers -> floats ("Twelve", "1/7", "130 million")
    units       unit lexicon and matching ("kilometers" -> km, "yuan" -> CNY)
    patterns    the spaCy Matcher patterns and text masks from models/indicator_patterns.jsonl
    quantities  quantity mentions: number + scale + unit + qualifier + range, with a role
    subject     what is counted, from the dependency parse
    context     period and place
    sentences   fast sentence splitting and number pre-filter before parsing
    component   the spaCy factory "policy_indicators" (doc._.indicators, doc._.quantities)
    api         extract_indicators, extract_from_texts, extract_quantities
"""

from __future__ import annotations

from ..model import Indicator
from .api import DEFAULT_MODEL, extract_from_texts, extract_indicators, extract_quantities, get_nlp
from .quantities import Quantity

__all__ = [
    "DEFAULT_MODEL",
    "Indicator",
    "Quantity",
    "extract_from_texts",
    "extract_indicators",
    "extract_quantities",
    "get_nlp",
]
