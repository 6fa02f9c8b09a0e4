"""Indicator pairs: only figures of one dimension and one subject stand side by side, each with its reason."""

from __future__ import annotations

import json

import numpy as np

from conftest import REPO

from policy_nlp.comparison.clashes import is_threshold, levels, opposite_sides, share_destination
from policy_nlp.comparison.engine import phrase_judge
from policy_nlp.comparison.indicators import about_different_things, align_indicators, focus_text, frames_clash, levels_conflict
from policy_nlp.comparison.measures import compatible, in_unit_of, measure
from policy_nlp.model import Indicator


def ind(raw, value, kind="count", unit="", subject="", sentence="", period="", role="status") -> Indicator:
    sentence = sentence or f"It has {raw} {subject}."
    start = sentence.find(raw)
    return Indicator(start=start, end=start + len(raw), raw_text=raw, value=value, unit=unit, kind=kind, indicator=subject,
                     sentence=sentence, period=period, section_role=role)


def test_dimensions():
    share, fraction = measure(ind("38.2%", 38.2, "percent", "%")), measure(ind("1/7", 1 / 7, "fraction"))
    growth, count = measure(ind("18.4%", 18.4, "growth", "%")), measure(ind("41 million", 41e6))
    assert compatible(share, fraction) and abs(fraction.value - 100 / 7) < 1e-9 and fraction.unit == "%"
    assert not compatible(fraction, count)  # 1/7 of new connections is not 41 million connections
    assert not compatible(share, growth)  # a share of GDP is not a growth rate
    assert not compatible(measure(ind("5 yuan", 5, "money", "CNY")), measure(ind("$5", 5, "money", "USD")))
    km, m = measure(ind("5 km", 5, "quantity", "km")), measure(ind("300 m", 300, "quantity", "m"))
    assert compatible(km, m) and in_unit_of(km, m).value == 5000 and in_unit_of(km, m).unit == "m"
    assert not compatible(measure(ind("5 min", 5, "quantity", "min")), measure(ind("5 in", 5, "quantity", "in")))


def test_levels_and_frames():
    assert levels_conflict("national level cross industry platforms", "provincial-level platforms")
    assert not levels_conflict("national platforms", "platforms")
    now = ind("28%", 28, "percent", "%", "share", period="at present", role="recommendation")
    target = ind("55%", 55, "percent", "%", "share", period="by 2028", role="recommendation")
    assert frames_clash(now, target)
    added = ind("45,000", 45000, subject="racks", period="since 2021")
    added.change = "increase"
    assert frames_clash(added, ind("310,000", 310000, subject="racks"))
    span = ind("10 trillion yuan", 1e13, "money", "CNY", "industrial investment", period="since the 13th Five Year Plan")
    assert not frames_clash(span, ind("3 trillion yuan", 3e12, "money", "CNY", "manufacturing investment"))
    assert frames_clash(ind("two", 2, subject="platforms", role="recommendation"), ind("Three", 3, subject="platforms"))


def test_focus_is_the_clause_around_the_figure():
    sentence = "Promote 115 provincial-level platforms to delve into sites; build 11 industrial internet parks [3]."
    text = focus_text(ind("11", 11, subject="industrial internet parks", sentence=sentence))
    assert text == "industrial internet parks: build 11 industrial internet parks [3]."  # not the 11 of "115"


def test_pairs_need_one_dimension_and_say_why():
    # Two papers; the sentence vectors would pair the 1/7 share with the connection count, the dimension does not.
    a = [ind("over 130 million", 130e6, subject="IoT terminals"), ind("1/7", 1 / 7, "fraction", subject="new cellular IoT connections")]
    b = [ind("exceeded 41 million", 41e6, subject="Cellular IoT connections")]
    same = np.ones((1, 4), dtype=np.float32) / 2
    vectors = {"a": np.repeat(same, 2, axis=0), "b": same}
    rows = align_indicators({"a": a, "b": b}, vectors, vectors, threshold=0.5)
    assert len(rows) == 1 and rows[0].values["a"]["raw_text"] == "over 130 million"
    assert rows[0].reason == "same subject: 'IoT terminals' ~ 'Cellular IoT connections' (similarity 1.00); both counts"
    assert rows[0].values["a"]["sentence"] == a[0].sentence


def test_magnitudes_apart_lose_to_alike_ones():
    a = [ind("210", 210, subject="data centres"), ind("240000", 240000, subject="standard racks")]
    b = [ind("310,000", 310000, subject="standard racks in data centres")]
    vectors = {"a": np.array([[1.0, 0.0], [0.99, 0.141]], dtype=np.float32), "b": np.array([[1.0, 0.0]], dtype=np.float32)}
    rows = align_indicators({"a": a, "b": b}, vectors, vectors, threshold=0.5)
    assert [r.values["a"]["raw_text"] for r in rows] == ["240000"]


def test_gold_labels_are_enough_and_mixed():
    gold = json.loads((REPO / "benchmarks/gold/compare_indicator_pairs.json").read_text())
    labels = [g for entry in gold["document_pairs"] for g in entry["labels"]]
    assert len(gold["document_pairs"]) >= 2 and len(labels) >= 40
    assert 0.25 <= sum(g["comparable"] for g in labels) / len(labels) <= 0.75
    assert all(g["why"] and g["a_sentence"] and g["b_sentence"] for g in labels)


def test_a_level_stated_after_the_subject_keeps_national_and_provincial_apart():
    national = ind("four", 4, subject="national level cross industry platforms")
    provincial = ind("29", 29, subject="industrial internet platforms",
                     sentence="The province has recognised 29 industrial internet platforms at provincial level, and one is national.")
    assert levels(provincial.indicator, provincial.sentence) == {"provincial"}
    assert about_different_things(national, provincial, measure(national)) == "administrative levels"
    assert not about_different_things(ind("46", 46, subject="provincial-level platforms"), provincial, measure(provincial))


def test_the_two_sides_of_one_whole_are_not_one_measure():
    domestic = ind("less than 10%", 10, "percent", "%", "high-end industrial software market",
                   sentence="Software is largely supplied by foreign vendors, and domestic products account for less than 10% of the market.")
    foreign = ind("about 85%", 85, "percent", "%", "design software", sentence="Foreign vendors supply about 85% of the design software.")
    also_domestic = ind("12%", 12, "percent", "%", "software market", sentence="Domestic products hold 12% of the software market.")
    assert opposite_sides(domestic, foreign) and not opposite_sides(domestic, also_domestic)
    assert about_different_things(domestic, foreign, measure(domestic)) == "opposite sides of one whole"


def test_a_size_class_is_not_a_level():
    bound = ind("over 5 million yuan", 5e6, "money", "CNY", "investment of projects",
                sentence="Firms have implemented over 70000 projects with an investment of over 5 million yuan.")
    cost = ind("2 million to 5 million yuan", 5e6, "money", "CNY", "typical project",
               sentence="A typical project costs 2 million to 5 million yuan.")
    level = ind("over 164 million", 164e6, subject="IoT terminals",
                sentence="Shandong has 130 million users, with over 164 million IoT terminals and the highest traffic.")
    revenue = ind("below 20 million yuan", 2e7, "money", "CNY", "annual revenue",
                  sentence="Loans go to firms with annual revenue below 20 million yuan.")
    assert is_threshold(bound) and is_threshold(revenue) and not is_threshold(cost) and not is_threshold(level)
    same = np.ones((1, 2), dtype=np.float32) / np.sqrt(2)
    vectors = {"a": same, "b": same}
    assert align_indicators({"a": [bound], "b": [cost]}, vectors, vectors, threshold=0.5) == []
    assert len(align_indicators({"a": [bound], "b": [revenue]}, vectors, vectors, threshold=0.5)) == 1


def test_shares_of_a_whole_put_to_different_uses_do_not_pair():
    transformation = ind("60%", 60, "percent", "%", "industrial investment",
                         sentence="Since 2016, 60% of the 10 trillion yuan industrial investment has been invested in technological transformation.")
    digital = ind("roughly 40%", 40, "percent", "%", "manufacturing investment",
                  sentence="The province will mobilise 3 trillion yuan of investment, of which roughly 40% is earmarked for digital and intelligent projects.")
    third = ind("about one third", 1 / 3, "fraction", subject="province",
                sentence="The province expects 1.2 trillion yuan of investment, about one third of which is to go to digital and intelligent projects.")
    assert share_destination(transformation) == "technological transformation"
    assert share_destination(digital) == share_destination(third) == "digital and intelligent projects"
    assert about_different_things(transformation, digital, measure(digital)) == "shares put to different uses"
    assert not about_different_things(digital, third, measure(digital))
    # An encoder may judge two phrases without a shared word the same (synonyms); the veto then holds back.
    assert not about_different_things(transformation, digital, measure(digital), same_meaning=lambda a, b: True)


def test_phrase_judge_takes_shared_words_then_the_calibrated_cosine():
    axes = {"renewable energy": [1.0, 0.0], "clean power": [0.8, 0.6], "defence": [0.0, 1.0]}
    same = phrase_judge(lambda texts: np.array([axes[t] for t in texts], dtype=np.float32), 0.7)
    assert same("renewable energy", "clean power") and not same("renewable energy", "defence")
    assert same("digital projects", "projects") and not same("clean power", "defence")


def test_pairs_read_from_the_cosine_matrices_are_those_the_full_scan_finds_above_the_floor():
    import numpy as np

    from policy_nlp.comparison.indicators import _candidates
    from policy_nlp.model import Indicator

    rng = np.random.default_rng(3)

    def figures(n, offset):
        return [Indicator(start=0, end=2, raw_text=str(k + offset), value=float(k + offset), indicator=f"stations {k}",
                          sentence=f"The province built {k + offset} stations.") for k in range(n)]

    def vectors(n):
        v = rng.normal(size=(n, 8)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    a, b = figures(30, 10), figures(25, 12)
    context, focus = (vectors(30), vectors(25)), (vectors(30), vectors(25))
    floor = 0.2
    full = {(c.i, c.j, round(c.score, 6)) for c in _candidates(a, b, context, focus) if c.score >= floor}
    fast = {(c.i, c.j, round(c.score, 6)) for c in _candidates(a, b, context, focus, floor=floor) if c.score >= floor}
    assert full and fast == full
