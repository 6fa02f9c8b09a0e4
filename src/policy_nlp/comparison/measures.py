"""What a figure measures, reduced to what decides whether two figures can stand side by side.

Two indicators are comparable only within one dimension: a share with a share (percent or fraction,
shown in percent), a rate of change with a rate of change, money in one currency, a count of
things with a count, a physical quantity with the same quantity (SI prefixes reconciled). A 1/7
share never meets a count of 41 million, a share of GDP never meets a growth rate, and yuan never
meet dollars: no exchange rate is known here, so a conversion would be a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

# SI prefixes that may stand before a unit symbol: "km" and "m", "GWh" and "kWh" are one dimension.
_PREFIXES = {"k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18, "h": 1e2, "c": 1e-2, "m": 1e-3,
             "μ": 1e-6, "µ": 1e-6, "n": 1e-9}
# Symbols a prefix may stand before; "min" is minutes, not milli-inches.
_SI_SYMBOLS = {"m", "g", "t", "s", "W", "Wh", "J", "Hz", "B", "bit", "L", "l", "Pa", "V", "A", "N", "FLOPS", "m²", "m³",
               "m2", "m3", "tce", "bps"}


@dataclass(frozen=True)
class Measure:
    dimension: str  # "share", "change:%", "change:pp", "fold", "rank", "money:CNY", "count", "count:times", "quantity:m"
    value: float  # in `unit`
    unit: str  # what the value is printed with: "%", "CNY", "m", "" for plain counts
    label: str  # the dimension in words, for the reason a pair was made: "shares", "counts", "money (CNY)"


def _base(unit: str) -> tuple[str, float]:
    """("m", 1000.0) for "km": the unit without an SI prefix and the prefix's factor."""
    if len(unit) > 1 and unit[0] in _PREFIXES and unit[1:] in _SI_SYMBOLS:
        return unit[1:], _PREFIXES[unit[0]]
    return unit, 1.0


def measure(indicator) -> Measure:
    kind, unit = indicator.kind, indicator.unit or ""
    value = float(indicator.value)
    if kind == "fraction":
        return Measure("share", value * 100.0, "%", "shares")
    if kind == "percent" or (kind not in ("growth", "ratio") and unit == "%"):
        return Measure("share", value, "%", "shares")
    if kind in ("growth", "ratio"):
        if unit == "%":
            return Measure("change:%", value, "%", "rates of change in percent")
        if unit in ("pp", "bp"):
            points = value / 100.0 if unit == "bp" else value
            return Measure("change:pp", points, "pp", "changes in percentage points")
        if unit in ("times", ""):
            return Measure("fold", value, "times", "multiples")
        return Measure(f"{kind}:{unit}", value, unit, f"{kind} in {unit}")
    if kind == "money":
        return Measure(f"money:{unit}", value, unit, f"money ({unit})" if unit else "money")
    if kind == "rank":
        return Measure("rank", value, "", "ranks")
    if kind == "quantity" and unit:
        return Measure(f"quantity:{unit}", value, unit, f"quantities in {unit}")
    if unit:
        return Measure(f"{kind}:{unit}", value, unit, f"counts in {unit}" if kind == "count" else f"{kind} in {unit}")
    return Measure("count", value, "", "counts")


def compatible(a: Measure, b: Measure) -> bool:
    """One dimension, or one physical quantity written with different SI prefixes (km and m)."""
    if a.dimension == b.dimension:
        return True
    if a.dimension.startswith("quantity:") and b.dimension.startswith("quantity:"):
        return _base(a.unit)[0] == _base(b.unit)[0] or _base(a.unit)[0] == b.unit or a.unit == _base(b.unit)[0]
    return False


def in_unit_of(a: Measure, b: Measure) -> Measure:
    """`a` expressed in `b`'s unit (for quantities with different SI prefixes; others unchanged)."""
    if a.unit == b.unit or not a.dimension.startswith("quantity:"):
        return a
    base_a, fa = _base(a.unit)
    base_b, fb = _base(b.unit)
    if base_a == base_b:
        factor = fa / fb
    elif base_a == b.unit:
        factor = fa
    elif a.unit == base_b:
        factor = 1.0 / fb
    else:
        return a
    return Measure(b.dimension, a.value * factor, b.unit, b.label)
