"""Indicators of Chinese text: the same row shape as English (value, unit, kind, qualifier, change,
subject, period, place), from sentences, tables and whole PDFs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy_nlp.indicators import extract_from_texts, extract_indicators
from policy_nlp.indicators.chinese import extract_chinese, is_chinese
from policy_nlp.indicators.chinese_numbers import read_chinese_numeral, unit_of
from policy_nlp.indicators.chinese_places import default_chinese_places
from policy_nlp.model import Indicator

REPO = Path(__file__).resolve().parents[1]
REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
FONT = "STSong-Light"


def rows(text: str, **kw) -> list[tuple]:
    return [(i.raw_text, i.value, i.unit, i.kind) for i in extract_chinese(text, **kw)]


def test_chinese_numerals() -> None:
    assert read_chinese_numeral("十六") == 16
    assert read_chinese_numeral("一千五百八十一") == 1581
    assert read_chinese_numeral("三万") == 30000
    assert read_chinese_numeral("两") == 2
    assert read_chinese_numeral("二〇二二") == 2022
    assert read_chinese_numeral("十四五") is None  # a plan's name, not a number
    assert unit_of("万元").code == "CNY" and unit_of("万元").factor == 1e4
    assert unit_of("公顷").code == "ha"


def test_scales_units_and_measure_words() -> None:
    assert rows("全省累计建成5G基站16.2万个，移动电话用户1.3亿户，数字经济总量3.5万亿元。") == [
        ("16.2万个", 162000.0, "", "count"), ("1.3亿户", 130000000.0, "", "count"),
        ("3.5万亿元", 3.5e12, "CNY", "money")]
    assert rows("软件业务收入4526.8亿元，专项资金500万元，欠款2,853万元。") == [
        ("4526.8亿元", 452680000000.0, "CNY", "money"), ("500万元", 5000000.0, "CNY", "money"),
        ("2,853万元", 28530000.0, "CNY", "money")]
    assert rows("建成高速公路320公里，造林1.5万公顷，潍坊市智能农机产量三万台，两家子公司。") == [
        ("320公里", 320.0, "km", "quantity"), ("1.5万公顷", 15000.0, "ha", "quantity"),
        ("三万台", 30000.0, "", "count"), ("两家", 2.0, "", "count")]
    assert rows("仅有三成的中小企业开展了数字化转型。") == [("三成", 30.0, "%", "percent")]


def test_percent_points_and_changes() -> None:
    found = extract_chinese("数字经济占比达到45%，比上年提高2.3个百分点；营业收入同比下降3.1%，产量同比增长1.2倍。")
    assert [(i.raw_text, i.value, i.unit, i.kind, i.change) for i in found] == [
        ("45%", 45.0, "%", "percent", ""),
        ("2.3个百分点", 2.3, "pp", "growth", "increase"),
        ("3.1%", 3.1, "%", "growth", "decrease"),
        ("1.2倍", 1.2, "times", "growth", "increase")]
    # As in English rows, the value stays as printed and the direction is in `change`.
    english = extract_indicators("Revenue fell 3.1% year on year.")[0]
    assert (english.value, english.change) == (found[2].value, found[2].change)


def test_chinese_numerals_only_before_units() -> None:
    text = "公司召开八届十六次董事会会议和2017年第二次临时股东大会，“十四五”期间一级公路建设，提出三个方面的措施，建设一个平台。"
    assert extract_chinese(text) == []


def test_not_indicators() -> None:
    text = ("公司于2018年4月10日发出公告（171506号），根据第7.9条和表7.5，依据（2017）最高法执复27号裁定，"
            "建设5G基站，对2018年1-6月经营业绩的预计，1、沈阳市铁西区，(1)人才总量。")
    assert extract_chinese(text) == []


def test_ranks_and_qualifiers() -> None:
    found = extract_chinese("截至2022年底，山东省累计建成5G基站16.2万个，居全国第3位，带动企业上云30余万家，人才缺口约25万人，"
                            "依存度在70%以上，用地不宜超过3.4公顷/处。")
    by_raw = {i.raw_text: i for i in found}
    assert by_raw["第3位"].kind == "rank" and by_raw["第3位"].value == 3 and by_raw["第3位"].indicator == "5G基站"
    assert by_raw["30余万家"].value == 300000 and by_raw["30余万家"].qualifier == "lower_bound"
    assert by_raw["25万人"].qualifier == "approximate"
    assert by_raw["70%"].qualifier == "lower_bound"
    assert by_raw["3.4公顷/处"].qualifier == "upper_bound" and by_raw["3.4公顷/处"].unit == "ha/处"
    assert extract_chinese("连续多年位居全国第一。")[0].kind == "rank"


def test_subject_period_place() -> None:
    found = extract_chinese("截至2022年底，山东省累计建成开通5G基站16.2万个；千兆光网覆盖家庭2100万户。")
    assert [(i.indicator, i.period, i.place) for i in found] == [
        ("5G基站", "截至2022年底", "山东省"), ("家庭", "截至2022年底", "山东省")]
    found = extract_chinese("“十四五”期间，全省累计培育省级智能工厂85家、数字化车间420个。", home="山东省")
    assert [(i.indicator, i.period, i.place) for i in found] == [
        ("省级智能工厂", "“十四五”期间", "山东省"), ("数字化车间", "“十四五”期间", "山东省")]
    found = extract_chinese("今年以来，青岛市软件业务收入完成4526.8亿元，同比增长14.6%。")
    assert [(i.indicator, i.period, i.place) for i in found] == [
        ("软件业务收入", "今年以来", "青岛市"), ("软件业务收入", "今年以来", "青岛市")]
    found = extract_chinese("公司下属两家全资子公司拟将合计100.00%的股权出售给江苏安靠光热发电系统科技有限公司。")
    assert [(i.indicator, i.place) for i in found] == [("全资子公司", ""), ("股权", "")]  # a company is no place
    assert extract_chinese("深圳市拥有国家级重点实验室六个。", default_place="广东省")[0].place == "深圳市"
    assert extract_chinese("研发人员数量达到12万人。", default_place="广东省")[0].place == "广东省"


def test_places_gazetteer() -> None:
    places = default_chinese_places()
    assert [name for _, _, name in places.find("山东省青岛市和济南")] == ["山东省", "青岛市", "济南市"]
    assert places.find("沈阳高压开关有限责任公司") == []
    assert places.find("大同社会") == []  # a short form that is a common word is not a place
    assert places.main_place("江苏省南京市，江苏省苏州市") == "江苏省"


def test_same_row_shape_through_the_api() -> None:
    zh, en = extract_from_texts(["截至2022年底，山东省累计建成开通5G基站16.2万个，居全国第3位。",
                                 "Shandong had built 162,000 5G base stations by the end of 2022."])
    assert all(isinstance(i, Indicator) for i in zh + en)
    assert zh[0].value == en[0].value == 162000
    assert zh[0].raw_text == "16.2万个" and zh[0].sentence.startswith("截至2022年底")
    text = "数字经济\n总量达到3.5万亿元。"
    found = extract_from_texts([text])[0]
    assert text[found[0].start:found[0].end] == found[0].raw_text == "3.5万亿元"
    assert is_chinese("截至2022年底，建成5G基站") and not is_chinese("Shandong 山东 has built 5G base stations")


def _table_pdf(path: Path) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont(FONT, 16)
    c.drawCentredString(297, 780, "广东省人才发展情况报告")
    c.setFont(FONT, 10.5)
    c.drawString(72, 740, "2022年，全省引进海外高层次人才1.2万名，环比增长8.5%，其中深圳市引进4800名。")
    c.drawCentredString(297, 700, "表1 2022年部分城市人才经费投入")
    c.drawRightString(523, 682, "单位：万元")
    rows = [["城市", "人才专项经费", "同比增长（%）", "说明"], ["广州", "356000", "12.4", "上升 2.1 个百分点"],
            ["深圳", "528000", "15.7", "新增 12 家"]]
    top, h, widths = 676, 22, [80, 130, 110, 131]
    for r, row in enumerate(rows):
        x = 72
        for k, cell in enumerate(row):
            if k in (1, 2) and r:
                c.drawRightString(x + widths[k] - 4, top - h * r - 15, cell)
            else:
                c.drawString(x + 4, top - h * r - 15, cell)
            x += widths[k]
    for r in range(len(rows) + 1):
        c.line(72, top - h * r, 72 + sum(widths), top - h * r)
    x = 72
    for w in [0] + widths:
        x += w
        c.line(x, top, x, top - h * len(rows))
    c.save()
    return path


def test_pdf_with_a_chinese_table(tmp_path: Path) -> None:
    from policy_nlp.config import load_pipeline
    from policy_nlp.pipeline import process_file

    doc = process_file(_table_pdf(tmp_path / "table.pdf"), load_pipeline())
    by_raw = {i.raw_text: i for i in doc.indicators}
    assert by_raw["1.2万名"].value == 12000 and by_raw["1.2万名"].place == "广东省"
    assert by_raw["8.5%"].kind == "growth" and by_raw["4800名"].place == "深圳市"
    cell = by_raw["356000"]
    assert (cell.value, cell.unit, cell.kind) == (3.56e9, "CNY", "money")  # "单位：万元" above the table
    assert by_raw["12.4"].value == 12.4 and by_raw["12.4"].unit == "%"  # a share is not scaled
    points = by_raw["2.1 个百分点"]  # "上升" is the direction, not part of the figure (as in English rows)
    assert (points.unit, points.value, points.change, points.place) == ("pp", 2.1, "increase", "广州市")
    assert by_raw["4800名"].indicator == "海外高层次人才"
    assert cell.place == "广州市" and by_raw["12 家"].place == "深圳市"


@pytest.mark.skipif(not (REALDOCS / "issue-67-example.pdf").exists(), reason="needs ../shared/realdocs")
def test_real_quarterly_report(tmp_path: Path) -> None:
    from policy_nlp.config import load_pipeline
    from policy_nlp.pipeline import process_file

    gold = json.loads((REPO / "benchmarks" / "gold" / "chinese" / "issue-67-example.json").read_text(encoding="utf-8"))
    doc = process_file(REALDOCS / "issue-67-example.pdf", load_pipeline())
    pages = set(gold["pages"])
    found = [(i.page, round(i.value, 4), i.unit) for i in doc.indicators if i.page in pages]
    expected = [(g["page"], round(g["value"], 4), g["unit"]) for g in gold["indicators"]]
    hits = sum(min(found.count(e), expected.count(e)) for e in set(expected))
    assert hits >= 0.9 * len(expected) and len(found) <= 1.1 * len(expected)
