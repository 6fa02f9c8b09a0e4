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

import sys


def _import_spacy_without_torch() -> None:
    """thinc imports torch at start-up only to offer it as a backend; spaCy's CNN pipelines never
    run on it, and that import cost every ingest worker 0.7-1 s (spaCy alone: 1.45-1.91 s with it,
    0.73-0.99 s without, model loaded included). torch is hidden while spaCy loads; a later
    `import torch` (the ONNX export, the torch backend) works as usual."""
    if "torch" in sys.modules or "thinc" in sys.modules:
        return
    sys.modules["torch"] = None  # `import torch` raises ImportError: thinc takes it as absent
    try:
        import spacy  # noqa: F401
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]


_import_spacy_without_torch()

from ..model import Indicator  # noqa: E402
from .api import DEFAULT_MODEL, extract_from_texts, extract_indicators, extract_quantities, get_nlp  # noqa: E402
from .quantities import Quantity  # noqa: E402

__all__ = [
    "DEFAULT_MODEL",
    "Indicator",
    "Quantity",
    "extract_from_texts",
    "extract_indicators",
    "extract_quantities",
    "get_nlp",
]
