"""Indicator pairs: only figures of one dimension and one subject stand side by side, each with its reason."""

from __future__ import annotations

import json

import numpy as np

from conftest import REPO

from policy_nlp.comparison.indicators import align_indicators, focus_text, frames_clash, levels_conflict
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
