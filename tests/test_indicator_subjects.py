"""Subjects on sentences from real policy papers: coordinated modifiers, shares of a generic whole."""

from __future__ import annotations

import pytest

from policy_nlp.indicators import extract_indicators

PLATFORMS = ("In terms of platform construction, four national level cross industry and cross domain industrial "
             "internet platforms have been cultivated, including Cosmoplat and Inspur Yunzhou, accounting for 1/7 "
             "of the national total.")


def _subjects(text: str) -> dict[str, str]:
    return {i.raw_text: i.indicator for i in extract_indicators(text)}


def test_modifiers_joined_by_and_stay_in_the_subject_though_one_is_tagged_a_verb() -> None:
    assert _subjects(PLATFORMS)["four"] == "national level cross industry and cross domain industrial internet platforms"


def test_a_share_of_a_generic_whole_is_a_share_of_what_the_clause_counts() -> None:
    share = _subjects(PLATFORMS)["1/7"]
    assert share.startswith("national total of ") and share.endswith("industrial internet platforms")


@pytest.mark.parametrize(("text", "raw", "subject"), [
    ("The city will raise pay to 1.2 times the local minimum wage and fund additional training places.",
     "1.2 times", "local minimum wage"),  # "and fund": a verb and its object, not a second modifier
    ("The province built 162000 5G base stations and 240 data centers.", "162000", "5G base stations"),
    ("It supported 300 small and medium-sized enterprises.", "300", "small and medium-sized enterprises"),
])
def test_and_joins_modifiers_only(text: str, raw: str, subject: str) -> None:
    assert _subjects(text)[raw] == subject


@pytest.mark.parametrize(("text", "raw", "subject"), [
    # The Federal Register's cost paragraph: the statistic is not the subject, the terms of a sum name nothing.
    ("The FAA has determined that revising the operator’s existing FAA-approved MEL takes an average of 90 "
     "work-hours per operator.", "90 work-hours", "revising the operator’s existing FAA-approved MEL"),
    ("Therefore, the FAA estimates the average total cost per operator to be $7,650 (90 work-hours × $85 per "
     "work-hour).", "$85 per work-hour", ""),
    ("Therefore, the FAA estimates the average total cost per operator to be $7,650 (90 work-hours × $85 per "
     "work-hour).", "90 work-hours", ""),
    ("Households spent an average of 1,200 yuan on heating.", "1,200 yuan", "Households"),
])
def test_statistics_and_sums(text: str, raw: str, subject: str) -> None:
    assert _subjects(text)[raw] == subject
