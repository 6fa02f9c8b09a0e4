"""Property-based: the quantity reader and extract_indicators return rows or nothing on ANY string.

A run of 400 digits once raised OverflowError ("int too large to convert to float"), and a real
article failed whole with OverflowError (34, 'Numerical result out of range') from "1e400"-like
text. Generated strings mix numbers (huge, tiny, separators, exponents, powers, fractions), scale
words, units, currencies and junk; each call must finish without an exception and in under 1 s.
"""

from __future__ import annotations

import math
import time

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is a test dependency (pip install -e '.[dev]')")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from policy_nlp.indicators import extract_indicators, extract_quantities, get_nlp  # noqa: E402

MAX_SECONDS = 1.0

_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=420)
_NUMBER = st.one_of(
    _DIGITS,
    st.builds(lambda a, b: f"{a}.{b}", _DIGITS, _DIGITS),
    st.builds(lambda a, e: f"{a}e{e}", _DIGITS, st.integers(-5000, 5000)),
    st.builds(lambda a, e: f"{a}E+{e}", _DIGITS, _DIGITS),
    st.builds(lambda a, p: f"{a}×10^{p}", _DIGITS, _DIGITS),
    st.builds(lambda a, p: f"{a} x 10−{p}", _DIGITS, _DIGITS),
    st.builds(lambda a, b: f"{a}/{b}", _DIGITS, _DIGITS),
    st.builds(lambda a, b, c: f"{a} {b}/{c}", _DIGITS, _DIGITS, _DIGITS),
    st.builds(lambda a: f"{int(a):,}" if len(a) < 300 else a, _DIGITS),
    st.builds(lambda a, b: f"{a} {b}", st.integers(1, 999), st.integers(100, 999)),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["½", "3¾", "⅞", ".5", "-0", "−27.2", "1,581", "10 000", "2.48×10−5", "1e400", "1e-400",
                     "9" * 400, "0" * 50 + "1", "1/0", "0/0", "12th", "21st", "1.2.3.4", "3-4-5", "737–8/-9"]),
)
_WORDS = st.sampled_from([
    "million", "billion", "trillion", "thousand", "hundred", "lakh", "crore", "bn", "mn", "k", "M", "T", "dozen",
    "percent", "per cent", "%", "‰", "pc", "percentage points", "basis points", "bps", "points", "times", "fold",
    "yuan", "RMB", "$", "US$", "€", "£", "¥", "₹", "₩", "₪", "HK$", "NZ$", "yen", "won", "rand", "shekels", "ILS",
    "Hong Kong dollars", "per capita", "per work-hour", "a month", "a day", "per square foot", "barrels a day",
    "km", "kg", "mA g−1", "cm−1", "kWh", "°C", "µs", "MW", "hp", "horsepower", "years", "year-old", "aged",
    "from", "to", "between", "and", "–", "-", "±", "~", ">", "≤", "about", "over", "more than", "up to", "one in",
    "Table", "Fig.", "No.", "Code", "Model", "(", ")", "[", "]", "/", ":", ";", ",", ".", "=", "@", "e", "E", "x", "^",
    "rose", "fell", "increased", "year on year", "in 2020", "by 2030", "the", "of", "ranking first", "twice", "half",
])
_JUNK = st.text(max_size=12)
_PIECE = st.one_of(_NUMBER, _WORDS, _JUNK)
_STRINGS = st.lists(_PIECE, min_size=1, max_size=12).flatmap(
    lambda pieces: st.lists(st.sampled_from(["", " ", "\n", "\u00a0"]), min_size=len(pieces), max_size=len(pieces))
    .map(lambda seps: "".join(p + s for p, s in zip(pieces, seps)))
)


@pytest.fixture(scope="module", autouse=True)
def _model_loaded() -> None:
    get_nlp()  # loading the model is not what the 1 s budget measures


class _Clock:
    """The slowest call seen by one property (hypothesis reruns the function many times)."""

    def __init__(self) -> None:
        self.slowest = 0.0
        self.text = ""

    def time(self, fn, text: str):
        start = time.perf_counter()
        out = fn(text)
        took = time.perf_counter() - start
        if took > self.slowest:
            self.slowest, self.text = took, text
        return out


def _check_quantities(quantities) -> None:
    for q in quantities:
        assert 0 <= q.start <= q.end
        assert isinstance(q.value, float) or isinstance(q.value, int)
        assert not math.isnan(q.value)


def test_quantity_reader_never_raises() -> None:
    clock = _Clock()

    @settings(max_examples=2000, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(_STRINGS)
    def run(text: str) -> None:
        _check_quantities(clock.time(extract_quantities, text))

    run()
    assert clock.slowest < MAX_SECONDS, f"{clock.slowest:.2f} s on {clock.text[:200]!r}"


def test_extract_indicators_never_raises() -> None:
    clock = _Clock()

    @settings(max_examples=300, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(_STRINGS)
    def run(text: str) -> None:
        for ind in clock.time(extract_indicators, text):
            assert math.isfinite(ind.value), ind  # an infinite figure is no indicator

    run()
    assert clock.slowest < MAX_SECONDS, f"{clock.slowest:.2f} s on {clock.text[:200]!r}"


@pytest.mark.parametrize("text", [
    "1" * 400,
    "It rose by " + "9" * 400 + " people.",
    "1e400 tonnes of coal",
    "1/" + "1" * 400,
    "2" * 5000 + "/3 of the total",
    "5×10^400 kg and 10^999 m",
    "a value of 1e-400 and 7e+0000000000000000000001",
    "The 400th item; the " + "1" * 5000 + "th item.",
])
def test_known_overflows(text: str) -> None:
    """The strings that raised before: no exception, and no infinite value."""
    for q in extract_quantities(text):
        assert math.isfinite(q.value)
    for ind in extract_indicators(text):
        assert math.isfinite(ind.value)
