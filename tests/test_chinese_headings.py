"""Chinese headings (第X章/节, 一、, （一）, 1、, (1)), their levels and roles, and content roles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy_nlp.config import load_pipeline
from policy_nlp.pipeline import process_file
from policy_nlp.segment.chinese_roles import chinese_role
from policy_nlp.segment.numbering import numbered_levels, split_number, style_of

REPO = Path(__file__).resolve().parents[1]
REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
FONT = "STSong-Light"

STATUS = "截至2022年底，全省累计建成开通5G基站16.2万个，同比增长12.5%，数字经济总量突破3.5万亿元，成效显著。"
DILEMMA = "高端芯片等关键领域对外依存度仍然较高，研发投入不足，数字人才缺口较大，制约了产业发展。"
ADVICE = "建议加快新型基础设施建设，力争到2025年建成5G基站25万个，进一步完善人才激励政策。"


def headed_pdf(path: Path, items: list[tuple[str, str]], sizes: dict[str, float]) -> Path:
    """items: ("h1" | "h2" | "p", text). Headings larger than the 10.5pt body, drawn bold by stroke."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont(FONT, 20)
    c.drawCentredString(297, 780, "某省数字经济发展报告")
    y = 730
    for kind, text in items:
        size = sizes.get(kind, 10.5)
        if y < 80:
            c.showPage()
            y = 780
        if kind == "p":
            c.setFont(FONT, size)
            for k in range(0, len(text), 38):
                c.drawString(72, y, ("　　" if k == 0 else "") + text[k:k + 38])
                y -= 18
            y -= 14  # paragraphs set apart by space (indent alone is not read as a paragraph break)
        else:
            y -= 6
            t = c.beginText()
            t.setTextRenderMode(2)
            t.setFont(FONT, size)
            t.setTextOrigin(72, y)
            t.textOut(text)
            c.setLineWidth(0.3)
            c.drawText(t)
            y -= size * 1.8
    c.save()
    return path


def outline(pdf: Path) -> list[tuple[int, str, str]]:
    doc = process_file(pdf, load_pipeline())
    return [(s.level, s.heading, s.role) for s in doc.sections if s.level > 0]


def test_chinese_numbering_styles() -> None:
    assert split_number("第一章 发展成效") == ("第一章", "发展成效")
    assert split_number("第二节 产业规模") == ("第二节", "产业规模")
    assert split_number("一、发展现状") == ("一", "发展现状")
    assert split_number("（一）基础设施") == ("（一）", "基础设施")
    assert split_number("1、基本情况") == ("1", "基本情况")
    assert split_number("(1)人才总量稳步增长") == ("(1)", "人才总量稳步增长")
    assert split_number("（2）人才平台加快建设") == ("（2）", "人才平台加快建设")
    assert style_of("（2）") == ("(decimal)", 0)
    # 第X节 sits under 第X章 only where the document has chapters.
    assert numbered_levels(["第一章", "第一节", "第二节", "第二章"]) == [1, 2, 2, 1]
    assert numbered_levels(["第一节", "一", "1", "第二节"]) == [1, 2, 3, 1]


@pytest.mark.parametrize("style", ["cjk", "chapter", "arabic"])
def test_headings_levels_and_roles(tmp_path: Path, style: str) -> None:
    labels = {
        "cjk": (["一、发展现状", "二、存在的主要问题", "三、对策建议"], ["（一）", "（二）"]),
        "chapter": (["第一章 发展成效", "第二章 面临的挑战", "第三章 推进路径"], ["第一节 ", "第二节 "]),
        "arabic": (["1、基本情况", "2、存在的困境", "3、政策措施建议"], ["(1)", "(2)"]),
    }[style]
    tops, subs = labels
    items: list[tuple[str, str]] = []
    for top, body in zip(tops, (STATUS, DILEMMA, ADVICE)):
        items.append(("h1", top))
        items.append(("h2", subs[0] + "总体进展情况" if body is STATUS else subs[0] + "重点领域"))
        items.append(("p", body))
        items.append(("h2", subs[1] + "区域发展"))
        items.append(("p", body))
    found = outline(headed_pdf(tmp_path / f"{style}.pdf", items, {"h1": 15, "h2": 12}))
    assert [(level, role) for level, _, role in found] == [
        (1, "status"), (2, "status"), (2, "status"),
        (1, "dilemma"), (2, "dilemma"), (2, "dilemma"),
        (1, "recommendation"), (2, "recommendation"), (2, "recommendation"),
    ], found
    assert found[0][1] in ("发展现状", "发展成效", "基本情况")


def test_chinese_role_words() -> None:
    from policy_nlp.config import models_dir
    from policy_nlp.segment.roles import load_lexicon

    lexicon = load_lexicon(models_dir() / "role_lexicon.toml")
    assert lexicon.match("发展现状")[0] == "status"
    assert lexicon.match("主要成效")[0] == "status"
    assert lexicon.match("面临的瓶颈")[0] == "dilemma"
    assert lexicon.match("存在的短板")[0] == "dilemma"
    assert lexicon.match("实现路径")[0] == "recommendation"
    assert lexicon.match("保障措施")[0] == "recommendation"
    assert lexicon.match("审计报告")[0] == "other"


def test_content_roles_of_chinese_passages() -> None:
    assert chinese_role(STATUS)[0] == "status"
    assert chinese_role(DILEMMA)[0] == "dilemma"
    assert chinese_role(ADVICE)[0] == "recommendation"
    assert chinese_role("公司的注册地址位于北京市。") is None  # no cue: the classifier decides
    assert chinese_role("The economy grew by 5% in 2022 and exports increased.") is None


def test_headless_chinese_paper_gets_content_roles(tmp_path: Path) -> None:
    items = [("p", STATUS), ("p", STATUS.replace("5G基站", "数据中心")), ("p", DILEMMA),
             ("p", DILEMMA.replace("芯片", "装备")), ("p", ADVICE), ("p", ADVICE.replace("5G基站", "充电桩"))]
    doc = process_file(headed_pdf(tmp_path / "headless.pdf", items, {}), load_pipeline())
    def role_of(text: str) -> str:
        return next(p.role for p in doc.passages if text[:12] in p.text.replace(" ", ""))

    assert [role_of(STATUS), role_of(DILEMMA), role_of(ADVICE)] == ["status", "dilemma", "recommendation"], \
        [(p.role, p.role_evidence, p.text[:30]) for p in doc.passages]


@pytest.mark.skipif(not (REALDOCS / "issue-67-example.pdf").exists(), reason="needs ../shared/realdocs")
def test_real_report_outline_levels_and_roles() -> None:
    gold = json.loads((REPO / "benchmarks" / "gold" / "chinese" / "issue-67-example.json").read_text(encoding="utf-8"))
    doc = process_file(REALDOCS / "issue-67-example.pdf", load_pipeline())
    found = {s.heading.replace(" ", ""): (s.level, s.role) for s in doc.sections if s.level > 0}
    right = sum(1 for h in gold["headings"] if found.get(h["text"].replace(" ", "")) == (h["level"], h["role"]))
    assert right >= 0.85 * len(gold["headings"])  # exact text; the benchmark matches wrapped text loosely
    assert found["重要提示"][0] == 1 and found["公司基本情况"] == (1, "status")
