"""Quantities of general text: identifiers are never values; ages, points, rates, currencies, SI.

Issue 12 points 1 and 4. Each case is a construction that was read wrong before (the Federal
Register rows, the misses on public quantity benchmarks), written here in sentences of our own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_nlp.indicators import extract_indicators, extract_quantities

FEDERAL_REGISTER = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "federal-register-2020-17221.pdf"


def _values(text: str) -> list[tuple[float, str]]:
    """(value, unit) of the quantity mentions that measure something."""
    return [(q.value, q.unit) for q in extract_quantities(text) if q.role == "value"]


# -- identifiers -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, absent", [
    ("For questions call (202) 493-3500 during office hours.", 3500),
    ("Phone and fax: 206–231–3195; ask for the duty officer.", 3195),
    ("Information may be emailed to: 9- ANM-Seattle-ACO-AMOC-Requests@faa.gov.", 9),
    ("Write to the office at 901 Locust St, Kansas City.", 901),
    ("The Ethiopian Preliminary Report AI–01/19 was published in March.", 19),
    ("The existing B–737–8/-9 MMEL, Revision 2, applies.", -9),
    ("Air Transport Association (ATA) of America Code 22, Auto flight; 27, Flight controls; and 31, "
     "Indicating/recording systems.", 27),
    ("Air Transport Association (ATA) of America Code 22, Auto flight; 27, Flight controls; and 31, "
     "Indicating/recording systems.", 31),
    ("Samples from the well Ktzi201/2007 were averaged.", 2007),
    ("The salt may be Mg(ClO4)2 as discussed earlier.", 2),
    ("Stocks are given in Mg C ha−1 for each plot.", 1),
    ("The width of the 001 basal illite peak was measured.", 1),
    ("Items were scored (0 = never, 1 = sometimes, 2 = often).", 1),
    ("A serial number of " + "4" * 30 + " was printed on the part.", float("4" * 30)),
    ("Repellency increased in months 5 and 7 of the trial.", 7),
    ("Each value is the mean of codes 3-1 to 3-3 in the Minnesota code.", 3),
    ("We use the progressive mixing model, Eqs. (9.2) and (9.10).", 9.2),
])
def test_identifiers_are_not_values(text: str, absent: float) -> None:
    assert absent not in [v for v, _ in _values(text)]


def test_identifier_rules_keep_amounts() -> None:
    """The rules above must not eat real figures next to codes."""
    assert (3.0, "mg") in _values("COVID-19 patients received 3 mg daily.")
    assert (35.0, "%") in _values("Coverage rose to 35% (n = 120).")
    assert (5.0, "") in _values("Model 737 MAX airplanes had 5 incidents.")
    assert (22.0, "") in _values("Of the 40 plots, 22 were burned.")


# -- units and kinds of general text -----------------------------------------------------------

@pytest.mark.parametrize("text, value, unit, kind", [
    ("A 34-year-old man was arrested.", 34, "years", "quantity"),
    ("Residents aged 65 and over make up a fifth of the city.", 65, "years", "quantity"),
    ("The Dow fell 200 points on Monday.", 200, "points", "quantity"),
    ("The central bank raised its rate by 25 basis points.", 25, "bp", "growth"),
    ("Rent is $1,200 a month in the centre.", 1200, "USD/month", "money"),
    ("Office space costs $45 per square foot.", 45, "USD/ft2", "money"),
    ("Output rose to 10 million barrels a day.", 1e7, "bbl/day", "quantity"),
    ("The FAA estimates labour at $85 per work-hour.", 85, "USD/work-hour", "money"),
    ("Revising the list takes 90 work-hours per operator.", 90, "work-hours", "quantity"),
    ("Wages are £5 an hour.", 5, "GBP/h", "money"),
    ("Income was $60,000 per capita.", 60000, "USD/capita", "money"),
    ("The engine makes 300 horsepower.", 300, "hp", "quantity"),
    ("The car has a 150 hp engine.", 150, "hp", "quantity"),
    ("Prices rose 5pc last year.", 5, "%", "growth"),
    ("It cost 500 yen.", 500, "JPY", "money"),
    ("They paid 1,000 shekels.", 1000, "ILS", "money"),
    ("They paid ₪300 in fees.", 300, "ILS", "money"),
    ("Sales reached 3 billion Hong Kong dollars.", 3e9, "HKD", "money"),
    ("A ticket cost 5,000 won.", 5000, "KRW", "money"),
    ("She earned 3,000 zloty.", 3000, "PLN", "money"),
    ("It costs ZAR 450.", 450, "ZAR", "money"),
    ("A meal costs 4,000 dong.", 4000, "VND", "money"),
    ("The loan was NZ$ 40 million.", 4e7, "NZD", "money"),
    ("Fees rose to 100 ₽.", 100, "RUB", "money"),
    ("Fees were 2 million baht.", 2e6, "THB", "money"),
    ("The pulse lasts 40 µs.", 40, "μs", "quantity"),
    ("A 12 GHz link was tested.", 12, "GHz", "quantity"),
])
def test_general_units(text: str, value: float, unit: str, kind: str) -> None:
    found = [q for q in extract_quantities(text) if q.role == "value" and abs(q.value - value) < 1e-6 * max(1, value)]
    assert found, [(q.text, q.value, q.unit, q.role) for q in extract_quantities(text)]
    assert (found[0].unit, found[0].kind) == (unit, kind)


@pytest.mark.parametrize("text", [
    "Team 3 won the race.",
    "There were 5 real problems.",
    "It was a real problem for 5 all day.",
    "The 2 as discussed above.",
    "A resolution of ∼3500 at 5% was reached.",
    "The airplane's two AOA sensors disagree.",
])
def test_english_words_are_not_units(text: str) -> None:
    """'won', 'real', 'all', 'as', 'at', 'AOA' are words here, not KRW, BRL, ALL, attoseconds, attotonnes, kwanzas."""
    units = {q.unit for q in extract_quantities(text) if q.role == "value"}
    assert not units & {"KRW", "BRL", "ALL", "AOA", "as", "at"}, units


def test_article_currency_names_need_a_number() -> None:
    assert not [q for q in extract_quantities("That was a real improvement.") if q.role == "value"]


# -- the Federal Register document of the issue -------------------------------------------------

@pytest.mark.skipif(not FEDERAL_REGISTER.exists(), reason=f"{FEDERAL_REGISTER} not found (shared corpus)")
def test_federal_register_rows() -> None:
    from policy_nlp.extract import extract_pdf

    text = extract_pdf(FEDERAL_REGISTER).text
    rows = extract_indicators(text)
    raw = [(r.raw_text, r.value) for r in rows]
    for junk in (901.0, 27.0, 31.0, 19.0, -9.0, 9.0):
        assert junk not in [v for _, v in raw], raw
    rate = [r for r in rows if r.value == 85.0]
    assert rate and rate[0].unit == "USD/work-hour", raw
    assert ("$7,650", 7650.0) in raw and any(r.value == 189.0 for r in rows)
