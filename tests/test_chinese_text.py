"""Chinese text: lines joined without spaces, full-width number signs, sentences, running heads."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_nlp.config import load_pipeline
from policy_nlp.extract.running import is_page_number
from policy_nlp.extract.text import cjk_glue, continues, flatten_breaks, join_lines, normalize_text
from policy_nlp.indicators.sentences import split_sentences as indicator_sentences
from policy_nlp.pipeline import process_file
from policy_nlp.segment.sentences import join_sentences, sentences

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
FONT = "STSong-Light"


def chinese_pdf(path: Path, pages: list[list[str]], running_head: str = "", size: float = 10.5,
                width_chars: int = 30, page_label: str = "第 {n} 页") -> Path:
    """A Chinese PDF: each page's paragraphs wrapped at `width_chars` characters (inside words, as
    Chinese typesetting does), a running head and a page number on every page."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    for n, paragraphs in enumerate(pages, start=1):
        if running_head:
            c.setFont(FONT, 9)
            c.drawCentredString(297, 800, running_head)
        c.setFont(FONT, 9)
        c.drawCentredString(297, 40, page_label.format(n=n))
        y = 760
        for text in paragraphs:
            if text.startswith("#"):
                c.setFont(FONT, 15)
                c.drawString(72, y, text[1:])
                y -= 30
                continue
            c.setFont(FONT, size)
            for k in range(0, len(text), width_chars):
                c.drawString(72, y, text[k:k + width_chars])
                y -= size * 1.7
            y -= size * 0.8
        c.showPage()
    c.save()
    return path


def test_joins_add_no_space_next_to_chinese() -> None:
    assert join_lines(["数字基础设施严重不", "足，已建成5G基站"]) == "数字基础设施严重不足，已建成5G基站"
    assert join_lines(["数据中心标准机架24", "万架"]) == "数据中心标准机架24万架"
    assert join_lines(["The number of", "stations"]) == "The number of stations"
    assert cjk_glue("2022", "年") == "" and cjk_glue("of", "stations") == " "
    assert flatten_breaks("销售商品、提供劳务收\n到的现金") == "销售商品、提供劳务收到的现金"
    assert flatten_breaks("Total\nassets") == "Total assets"


def test_a_chinese_sentence_broken_by_a_page_goes_on() -> None:
    assert continues("全省数字经济", "总量突破3.5万亿元。")
    assert not continues("全省数字经济总量突破3.5万亿元。", "烟台市电子信息制造业")


def test_full_width_number_signs_are_normalised() -> None:
    assert normalize_text("增长１６．２％") == "增长16.2%"
    assert normalize_text("共１，２３４个") == "共1,234个"
    assert normalize_text("分别为1，2，3") == "分别为1，2，3"  # a list, not a thousands separator
    assert normalize_text("（一）发展现状，成效显著．") == "（一）发展现状，成效显著．"


def test_sentences_split_on_chinese_stops() -> None:
    text = "截至2022年底，建成5G基站16.2万个；千兆光网覆盖家庭2100万户。用户达到1.3亿户！是否？It rose 5%. Next."
    assert sentences(text) == ["截至2022年底，建成5G基站16.2万个；", "千兆光网覆盖家庭2100万户。", "用户达到1.3亿户！",
                               "是否？", "It rose 5%.", "Next."]
    assert join_sentences(["第一句。", "第二句；", "Third one."]) == "第一句。第二句；Third one."
    # Indicators read whole sentences: "；" clauses share the sentence's period and place.
    spans = indicator_sentences("截至2022年底，建成5G基站16.2万个；千兆光网覆盖家庭2100万户。全省用户1.3亿户。")
    assert len(spans) == 2


def test_chinese_page_numbers() -> None:
    assert is_page_number("第 3 页") and is_page_number("第3页 共22页") and is_page_number("- 3 -")
    assert not is_page_number("第三章")


def test_pdf_text_joined_and_running_heads_removed(tmp_path: Path) -> None:
    body = ("近年来全省深入实施数字强省建设，数字基础设施建设成效明显，但高端芯片和工业软件等关键领域短板依然严重不足，"
            "需要加快补齐。截至2022年底，全省累计建成开通5G基站16.2万个，数据中心在用标准机架达到24万架。")
    pages = [["#一、发展现状", body], [body.replace("近年来", "今年以来")], [body.replace("近年来", "同时")]]
    pdf = chinese_pdf(tmp_path / "zh.pdf", pages, running_head="山东省数字经济发展报告（2023）")
    doc = process_file(pdf, load_pipeline())
    text = "\n".join(p.text for p in doc.passages)
    assert "严重不足" in text and "24万架" in text and "16.2万个" in text
    assert " " not in text.replace("\n", "")  # no space inserted anywhere in Chinese prose
    assert "山东省数字经济发展报告" not in text  # the running head
    assert "第 1 页" not in text and "第 2 页" not in text
    removed = [line.text for page in doc.pages for line in page.removed]
    assert any("山东省数字经济发展报告" in t for t in removed)


@pytest.mark.skipif(not (REALDOCS / "issue-67-example.pdf").exists(), reason="needs ../shared/realdocs")
def test_real_report_text_has_no_spaces_inside_chinese() -> None:
    doc = process_file(REALDOCS / "issue-67-example.pdf", load_pipeline())
    page7 = " ".join(p.text for p in doc.passages if p.page == 7)
    assert "新增发行H股股票方案" in page7
    assert "偿付欠款2,853万元" in page7
    assert "本次重大资产出售" in page7  # "本" | "次" broken at a line end
    running = "东北电气发展股份有限公司2018年第一季度报告全文"
    assert all(running not in p.text.replace(" ", "") for p in doc.passages)
