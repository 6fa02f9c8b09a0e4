"""Numbers as people read them: every digit, thousands separated, never exponent notation.

10 trillion yuan is "10,000,000,000,000 CNY", not "1e+13 CNY": a reader checks a figure against the
PDF digit by digit. Fractions keep six significant digits without trailing zeros (1/7 is
"0.142857", 38.2 stays "38.2", 0.000123 stays "0.000123"); the integer part is never rounded away.
"""

from __future__ import annotations

import math
from decimal import Decimal

SIGNIFICANT = 6
# Units written against the number ("38.2%"); the others after a space ("162,000 km").
_ATTACHED = {"%", "‰", "°", "°C", "°F"}


def figure(value: float | int | None) -> str:
    """1e13 -> "10,000,000,000,000"; 0.142857142857 -> "0.142857"; 1234.5 -> "1,234.5"; None -> ""."""
    if value is None:
        return ""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == int(value):
        return f"{int(Decimal(repr(value))):,}"  # from the shortest decimal: 1e300 is 1 and 300 zeros
    magnitude = math.floor(math.log10(abs(value)))
    decimals = min(max(SIGNIFICANT - 1 - magnitude, 0), 30)
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def with_unit(value: float | int | None, unit: str = "") -> str:
    """"10,000,000,000,000 CNY", "38.2%", "162,000" (a plain count has no unit)."""
    text = figure(value)
    if not unit or not text:
        return text
    return f"{text}{unit}" if unit in _ATTACHED else f"{text} {unit}"


def plain(value: float | int) -> str:
    """The shortest exact decimal, no separators and no exponent, for machine-read files: 1e16 ->
    "10000000000000000", 1.23e-05 -> "0.0000123", 162000.0 -> "162000"."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == int(value):
        return str(int(Decimal(repr(value))))
    return format(Decimal(repr(value)), "f")


class PlainFloat(float):
    """A float that CSV writers print in full: the csv module writes floats with repr(), which turns
    1e16 into "1e+16" (and 0.0000123 into "1.23e-05"); this one's repr is `plain`. Still a float, so
    QUOTE_NONNUMERIC leaves it unquoted and spreadsheets and pandas read a number."""

    def __repr__(self) -> str:
        return plain(self)

    __str__ = __repr__
