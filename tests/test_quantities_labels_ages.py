"""Labels, ages, printed fractions and digit groups, shares and levels (issue 12, points 1 and 4).

Each case is a construction read wrong on the hand-annotated real documents (benchmarks/gold/
indicators: a GAO report, a Wisconsin child-welfare form, a Head Start study, an FAA handbook, an
Indian annual report), written here in sentences of our own so the rule is tested, not the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_nlp.indicators import extract_indicators, extract_quantities

GAO = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "gao-report-2023-broken-page.pdf"


def _values(text: str) -> list[float]:
    return [q.value for q in extract_quantities(text) if q.role == "value"]


def _rows(text: str) -> list[tuple[str, float, str]]:
    return [(r.raw_text, r.value, r.unit) for r in extract_indicators(text)]


# -- labels, citations and codes are not values -------------------------------------------------

@pytest.mark.parametrize("text", [
    "1.1: Establish security requirements for key sectors 1.2: Scale public-private collaboration",
    "3.4: Hold the stewards of our data accountable; 3.5: Leverage federal grants",
    "Pub. L. No. 116-283, § 1752(a), 134 Stat. 3388, 4144 (2021).",
    "Were services under ch. 48 or ch. 938 provided to the family?",
    "Exhibit 1. Impacts on children",
    "Alternate assessments in reading for grades 3–8 were in place.",
    "150109-DSP-Milw-505 Agency: Bureau of Child Welfare",
    "Form DCF-F-2476-E (R. 04/2014) applies.",
    "2 Our Company at a Glance 4 Stakeholder Value-creation 6 Key Performance Indicators 8 Chairman's Letter "
    "10-year Financial Highlights",
])
def test_labels_are_not_values(text: str) -> None:
    assert _values(text) == [], [(q.text, q.role) for q in extract_quantities(text)]


def test_label_rules_keep_amounts() -> None:
    """A colon after a figure with a digit next, or prose counts before capitalised nouns, stay values."""
    assert 3 / 1 in _values("The mix used a 3:1 ratio of sand to cement.")
    assert _values("We visited 3 Ministries and 5 Provinces and 7 Cities in total.") == [3.0, 5.0, 7.0]
    assert 48.0 in _values("The plan covers 48 chapters of law.")
    assert 1.5 in _values("Prices rose by 1.5% in March.")


def test_month_year_is_a_date() -> None:
    roles = {q.text: q.role for q in extract_quantities("DCF-F-2476-E (R. 04/2014)")}
    assert roles.get("04/2014") == "date"


# -- printed fractions and digit groups ---------------------------------------------------------

def test_fraction_slash() -> None:
    """U+2044 FRACTION SLASH, as typeset PDFs print '1⁄4 inch'."""
    quantities = [(round(q.value, 4), q.unit) for q in extract_quantities("Sizes run up to 1\u20444 inch or 3\u20448 inch.")
                  if q.role == "value"]
    assert quantities == [(0.25, "in"), (0.375, "in")]


def test_lakh_crore_grouping() -> None:
    assert _values("New 2,32,822 jobs created") == [232822.0]
    money = [(q.value, q.unit) for q in extract_quantities("Revenue of \u20b97,92,756 crore") if q.role == "value"]
    assert money == [(7927560000000.0, "INR")]
    assert _values("1,234,567 people") == [1234567.0]  # the usual grouping is unchanged


# -- ages: someone's age is a quantity, a cohort's is a name --------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("The child lived with his 5 year-old sister and 7 month-old brother.", [(5.0, "years"), (7.0, "months")]),
    ("The siblings, a five year-old female and seven month-old male, were safe.", [(5.0, "years"), (7.0, "months")]),
    ("The siblings, a five-year old female and seven month old male, were safe.", [(5.0, "years"), (7.0, "months")]),
    ("Age: 1 Year 9 Months", [(1.0, "years"), (9.0, "months")]),
    ("A 34-year-old man was arrested.", [(34.0, "years")]),
    ("Entry is allowed at age three but not until age 4.", [(3.0, "years"), (4.0, "years")]),
])
def test_ages_of_someone(text: str, expected: list[tuple[float, str]]) -> None:
    assert [(v, u) for _, v, u in _rows(text)] == expected


@pytest.mark.parametrize("text", [
    "The study examined newly entering 3-and 4-year-olds.",
    "Impacts are given separately for 3- and 4-year-old children.",
    "Most 3-year-olds in the control group attended child care.",
    "Children in the 4-year-old cohort gained the most.",
])
def test_cohort_names_are_not_indicators(text: str) -> None:
    assert _rows(text) == []


def test_aged_threshold_still_names_who_is_counted() -> None:
    """'residents aged 60 and over' says who is counted (the truth set's convention), unlike 'at age 4'."""
    rows = _rows("Fenghe had 368,300 residents aged 60 and over, 21.6% of the registered population.")
    assert [v for _, v, _ in rows] == [368300.0, 21.6]


# -- units of instruments ----------------------------------------------------------------------

def test_degree_ring_and_mach() -> None:
    quantities = [(q.value, q.unit) for q in extract_quantities("Flaps up: 4\u02da and 75% N1; a difference of 0.03 Mach.")
                  if q.role == "value"]
    assert quantities == [(4.0, "°"), (75.0, "%"), (0.03, "Mach")]


# -- shares and levels carry no change ------------------------------------------------------------

@pytest.mark.parametrize("text, raw, kind, change", [
    ("Investment grew, equal to 9.7% of provincial GDP.", "9.7%", "percent", ""),
    ("Output increased, accounting for 38.2% of GDP.", "38.2%", "percent", ""),
    ("Its share rose to 38.2% of GDP.", "38.2%", "percent", ""),
    ("Users rose to over 130 million.", "over 130 million", "count", ""),
    ("Added value grew to 486 billion yuan, equal to 9.7% of GDP.", "486 billion yuan", "money", ""),
    ("The sector generated 486 billion yuan.", "486 billion yuan", "money", ""),
    ("Sales rose by 12% last year.", "12%", "growth", "increase"),
    ("The share increased 5 percentage points.", "5 percentage points", "growth", "increase"),
    ("Sales rose by 5% to 30% of the market.", "5%", "growth", "increase"),
    ("Sales rose by 5% to 30% of the market.", "30%", "percent", ""),
])
def test_shares_and_levels(text: str, raw: str, kind: str, change: str) -> None:
    found = {q.text: (q.kind, q.change) for q in extract_quantities(text) if q.role == "value"}
    assert found.get(raw) == (kind, change), found


# -- the real page ------------------------------------------------------------------------------

@pytest.mark.skipif(not GAO.exists(), reason=f"{GAO} not found (shared real documents)")
def test_gao_objectives_are_not_rows() -> None:
    from policy_nlp.extract import extract_pdf

    rows = extract_indicators(extract_pdf(GAO).text)
    labels = {1.1, 1.2, 1.3, 1.4, 1.5, 2.1, 2.2, 2.3, 2.4, 2.5, 3.1, 3.2, 3.3, 3.4, 3.5, 3.6, 4.1, 4.2, 4.3, 5.1, 5.2}
    assert not [r.raw_text for r in rows if r.value in labels and not r.unit]
    assert not [r.raw_text for r in rows if r.value in (134.0, 3388.0, 4144.0)]
