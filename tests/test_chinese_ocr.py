"""OCR of Chinese pages: a page rendered here from known Chinese text (PIL, a system CJK font) as an
image-only PDF is read with tesseract's chi_sim (chosen by script detection, the pipeline's
languages left at "eng"), prose only: the table's figures are left out and mine no indicators;
the character error rate against the known text is measured; an English scan stays English."""

from __future__ import annotations

import glob
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli

from policy_nlp.extract.ocr import DEFAULT_LANGUAGES, installed_languages, join_chinese, table_line

PROSE = [
    "一、发展现状",
    "截至2022年底，全省累计建成开通5G基站16.2万个，工业互联网平台连接设备超过",
    "1200万台，规模以上工业企业数字化转型加快推进，智能制造示范工厂达到85家。",
    "全省数字经济核心产业增加值同比增长12.5%，占地区生产总值的比重提高到7.8%，",
    "软件业务收入突破3000亿元，居全国第6位，培育专精特新中小企业超过1万家。",
    "二、存在问题",
    "当前高端人才短缺问题突出，制约了智能制造的进一步发展，企业研发投入占比仅为",
    "1.8%，核心技术对外依存度较高，中小企业数字化转型意愿不强、能力不足。",
    "三、对策建议",
    "加快建设工业互联网标识解析体系，推动重点行业企业上云用平台，力争到2025年",
    "建成5G基站25万个，培育具有国际竞争力的先进制造业集群。",
]
TABLE = [["指标", "2021年", "2022年"], ["营业收入", "1,234.56", "2,345.67"], ["净利润", "345.12", "456.78"]]
TABLE_FIGURES = ("1,234.56", "2,345.67", "345.12", "456.78")


def cjk_font() -> str | None:
    """A font file with Chinese glyphs (Debian: fonts-wqy-microhei), or None."""
    if shutil.which("fc-list"):
        listed = subprocess.run(["fc-list", ":lang=zh", "-f", "%{file}\n"], capture_output=True, text=True).stdout.split()
        fonts = [f for f in listed if f.endswith((".ttc", ".ttf", ".otf")) and Path(f).exists()]
        if fonts:
            return sorted(fonts)[0]
    hits = glob.glob("/usr/share/fonts/**/wqy*.tt[cf]", recursive=True)
    return hits[0] if hits else None


def _chinese_ocr_ready() -> str:
    binary = shutil.which("tesseract")
    if binary is None:
        return "tesseract is not installed"
    if not {"chi_sim", "osd"} <= installed_languages(binary):
        return "tesseract has no chi_sim/osd data (apt-get install tesseract-ocr-chi-sim)"
    if cjk_font() is None:
        return "no CJK font to render the test page (apt-get install fonts-wqy-microhei)"
    return ""


needs_chinese_ocr = pytest.mark.skipif(bool(_chinese_ocr_ready()), reason=_chinese_ocr_ready() or "ready")


def scanned_chinese_pdf(path: Path, dpi: int = 200, table: bool = True) -> Path:
    """One A4 page holding only an image of the prose (and a table): a scan, no text layer."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font_file = cjk_font()
    px = lambda pt: int(pt * dpi / 72)  # noqa: E731
    image = Image.new("L", (px(595), px(842)), 255)
    draw = ImageDraw.Draw(image)
    y = px(72)
    for line in PROSE:
        size = 15 if len(line) < 10 else 11
        draw.text((px(72), y), line, font=ImageFont.truetype(font_file, px(size)), fill=0)
        y += px(size * 1.9)
    if table:
        y += px(20)
        font = ImageFont.truetype(font_file, px(11))
        for row in TABLE:
            for k, cell in enumerate(row):
                draw.text((px(72 + 150 * k), y), cell, font=font, fill=0)
            y += px(20)
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.drawImage(ImageReader(image), 0, 0, 595, 842)
    c.showPage()
    c.save()
    return path


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def character_error_rate(read: str, truth: str) -> float:
    """Edits per character of the truth, whitespace ignored (Chinese sets none)."""
    read, truth = "".join(read.split()), "".join(truth.split())
    return edit_distance(read, truth) / max(1, len(truth))


# -- rules, no tesseract needed ---------------------------------------------------------------------

def _line(*words):
    """OCR words (left, top, right, bottom, conf, text) on one line 40 px high."""
    return [(left, 100, right, 140, 90.0, text) for left, right, text in words]


def test_a_row_of_figures_with_column_gaps_is_a_table_line():
    assert table_line(_line((300, 400, "营业收入"), (900, 1040, "1,234.56"), (1550, 1690, "2,345.67")))
    assert table_line(_line((900, 1040, "345.12")))  # a column of figures read as its own line
    assert table_line(_line((300, 400, "指标"), (900, 1000, "2021"), (1010, 1050, "年"), (1550, 1650, "2022")))


def test_prose_with_figures_is_not_a_table_line():
    assert not table_line(_line((100, 300, "截至"), (305, 400, "2022"), (405, 440, "年底"), (445, 900, "全省累计建成"),
                                (905, 1000, "16.2"), (1005, 1060, "万个")))
    assert not table_line(_line((100, 300, "营业收入"), (1000, 1200, "同比增长")))  # a gap, but no figure


def test_chinese_words_are_joined_without_spaces_and_latin_ones_are_not():
    joined = join_chinese(_line((100, 140, "全"), (150, 190, "省"), (200, 280, "累计"), (285, 380, "2022"), (385, 420, "年")))
    assert [w[5] for w in joined] == ["全省累计2022年"] and joined[0][0] == 100 and joined[0][2] == 420
    latin = join_chinese(_line((100, 200, "GDP"), (215, 300, "grew")))
    assert [w[5] for w in latin] == ["GDP", "grew"]
    far = join_chinese(_line((100, 140, "指标"), (900, 1000, "2021年")))  # a column gap stays a gap
    assert len(far) == 2


# -- real OCR ---------------------------------------------------------------------------------------

@needs_chinese_ocr
def test_chinese_scan_is_read_with_chi_sim_prose_only(tmp_path):
    from policy_nlp.extract.pdf import extract_pdf

    pdf = scanned_chinese_pdf(tmp_path / "scan_zh.pdf")
    doc = extract_pdf(pdf, {"ocr": "auto"})  # ocr_languages left at its default, "eng"
    assert DEFAULT_LANGUAGES == "eng"
    assert doc.metadata["ocr_pages"] == "1" and doc.metadata["ocr_languages"] == "chi_sim+eng"
    text = "\n".join(b.text for b in doc.blocks())
    cer = character_error_rate(text, "".join(PROSE))
    print(f"\nChinese OCR character error rate: {cer:.4f} ({len(''.join(PROSE))} characters, 200 dpi scan)")
    assert cer <= 0.02
    assert "全省累计建成开通5G基站16.2万个" in text  # no spaces between OCR'd Chinese words
    assert not any(figure in text for figure in TABLE_FIGURES)  # the table is left out


@needs_chinese_ocr
def test_chinese_scan_ingested_mines_prose_not_table_and_is_searchable(tmp_path):
    from policy_nlp.api import search
    from policy_nlp.ingestion import ingest
    from policy_nlp.store import open_store
    from test_chinese_search import pipeline_file

    pdf = scanned_chinese_pdf(tmp_path / "scan_zh.pdf")
    db = str(tmp_path / "store.db")
    results = ingest([str(pdf)], db, pipeline=pipeline_file(tmp_path, embed=False), ocr="auto")
    assert [r.status for r in results] == ["added"], results
    with open_store(db) as store:
        doc = store.load("scan_zh")
    assert doc.language == "zh" and doc.metadata["ocr_languages"] == "chi_sim+eng"
    values = {round(i.value, 2) for i in doc.indicators}
    assert 162000 in values and 12.5 in values  # from the prose
    assert not values & {1234.56, 2345.67, 345.12, 456.78}  # none from the OCR'd table
    assert "高端人才短缺" in search("人才", mode="bm25", top=1, db=db)[0].text
    shown = run_cli("show", "scan_zh", "--sections", "--json", "--db", db)
    assert shown.returncode == 0, shown.stderr
    payload = json.loads(shown.stdout)
    assert payload["ocr"] == {"pages": [1], "confidence": payload["ocr"]["confidence"], "languages": "chi_sim+eng"}
    assert payload["sections"] and all(s["ocr"] for s in payload["sections"])
    assert "OCR" in run_cli("show", "scan_zh", "--sections", "--db", db).stdout


@needs_chinese_ocr
def test_english_scan_stays_english_with_chinese_installed(tmp_path):
    from policy_nlp.extract.pdf import extract_pdf
    from test_ocr import scanned_pdf

    doc = extract_pdf(scanned_pdf(tmp_path / "scan_en.pdf"), {"ocr": "auto"})
    assert doc.metadata["ocr_languages"] == "eng"
    assert "water stations" in " ".join(b.text for b in doc.blocks())
