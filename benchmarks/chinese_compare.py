"""A Chinese paper and its English original, compared across languages: % of shared indicators aligned.

    python benchmarks/chinese_compare.py [--shared ../shared] [-v]

The English document is ../shared/corpus/industrial_intelligence_shandong.pdf (the reference paper).
The Chinese one is a translation of its status section (section 2), written by hand below in the
source format of benchmarks/chinese_render.py (each figure marked [[raw|value|unit|kind|subject|
period|place]]) and rendered with reportlab's STSong-Light: "16.2万个" where the English prints
"162000", "1.3亿户" for "130 million", "10万亿元" for "10 trillion yuan".

Gold: every marked figure of the Chinese source has its English counterpart in the paper (same
value; the source is a translation). Both PDFs are ingested into a fresh store with the default
pipeline, `policy_nlp.compare` runs on the pair, and a shared indicator counts as aligned when an
indicator row holds a Chinese figure of that value and an English figure of the same value
(values compared after the units' scaling: 16.2万 = 162000). Also reported: rows whose two values
differ (wrong pairs), and the passages aligned across the two languages.

Writes benchmarks/results/chinese_compare.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "results" / "chinese_compare.json"
STEM = "shandong_status_zh"

# Written by hand: section 2 of industrial_intelligence_shandong.pdf in Chinese (and two sentences of
# section 3), as a provincial report would print it.
SHANDONG_ZH = """\
# layout: one-column, headings 一、 and （一）; a Chinese rendering, written by hand, of section 2 of industrial_intelligence_shandong.pdf
title: 工业智能赋能山东省制造业转型升级路径研究
running_head: 工业智能赋能制造业转型升级路径研究
H|1|一|工业智能赋能山东省制造业发展现状|status
P|为探索制造业转型升级路径，有必要对山东省制造业发展现状开展研究。研究主要围绕政府政策、数字赋能建设、工业互联网平台建设和科技创新四个方面展开。
H|2|（一）|顶层政策规划有力支撑|status
P|2023年3月，山东省工业和信息化厅印发《2023年“工赋山东”行动方案》，强调以推进制造业数字化转型为突破口，统筹推进网络、平台、应用等体系建设，深入实施“工赋山东”专项行动，加快工业互联网规模化应用，推动国家工业互联网示范区建设迈上新台阶。
H|2|（二）|数字赋能程度持续加深|status
P|网络设施方面，全省累计建成开通5G基站[[16.2万个|162000||count|5G基站||山东省]]，实现[[16个|16||count|5G网络连续覆盖城市||山东省]]城市城区和县城5G网络连续覆盖，建成全国性确定性网络[[5600公里|5600|km|quantity|确定性网络||山东省]]。
P|济南、青岛建成国家级互联网骨干直联点[[2个|2||count|国家级互联网骨干直联点||山东省]]，成为全国唯一的“双枢纽”省份。全省累计建设运营工业互联网标识解析二级节点[[38个|38||count|工业互联网标识解析二级节点||山东省]]，接入国家顶级节点[[21个|21||count|国家顶级节点||山东省]]，标识解析量超过[[360亿次|36000000000||count|标识解析量||山东省]]。
P|枣庄、济宁、威海等[[12个|12||count|国家“千兆城市”||山东省]]城市入选国家“千兆城市”，数量居全国第[[2|2||rank|国家“千兆城市”||山东省]]位。
P|数据中心方面，全省各类数据中心总数达到[[210个|210||count|数据中心||山东省]]，在用标准机架超过[[24万架|240000||count|在用标准机架||山东省]]。2022年4月，中国移动（山东济南）数据中心和泰安正土数据中心入选首批国家新型数据中心。
P|物联网终端方面，山东省物联网终端用户超过[[1.3亿户|130000000||count|物联网终端用户||山东省]]，物联网终端超过[[1.64亿个|164000000||count|物联网终端||山东省]]，接入流量居全国首位。全国首个5G网络全覆盖高铁和智慧高速建成，高速公路ETC车道覆盖率达到[[100%|100|%|percent|高速公路ETC车道覆盖率||山东省]]。
H|2|（三）|平台建设与应用保持领先|status
P|平台建设方面，全省培育卡奥斯、浪潮云洲、橙色云、蓝海云等国家级跨行业跨领域工业互联网平台[[4个|4||count|国家级跨行业跨领域工业互联网平台||山东省]]。济南青岛人工智能创新应用先导区、山东半岛工业互联网示范区等国家级平台获批建设。
P|全省[[29个|29||count|国家级特色专业型平台||山东省]]平台入选国家级特色专业型平台，济南二机床集团有限公司等[[23个|23||count|工业和信息化部创新试点应用案例平台||山东省]]平台入选工业和信息化部创新试点应用案例。
P|平台应用方面，截至2022年，卡奥斯已发展成为大规模定制解决方案平台，累计打造行业生态[[15个|15||count|行业生态|截至2022年|山东省]]，赋能全国[[12个|12||count|赋能地区|截至2022年|山东省]]地区和全球[[20多个|20||count|赋能国家|截至2022年|山东省]]国家。
P|推动[[115个|115||count|省级平台||山东省]]省级平台深入企业现场、沉淀行业知识，培育省级试点示范项目[[700余个|700||count|省级试点示范项目||山东省]]，形成数字化转型解决方案[[4000余个|4000||count|数字化转型解决方案||山东省]]，服务全省中小企业[[50万家|500000||count|服务中小企业||山东省]]以上，建成工业互联网园区[[11个|11||count|工业互联网园区||山东省]]。
H|2|（四）|科技创新能力显著增强|status
P|创新载体方面，“十三五”期间，山东省累计培育国家技术创新示范企业[[53家|53||count|国家技术创新示范企业|“十三五”期间|山东省]]、国家级工业设计中心[[24个|24||count|国家级工业设计中心|“十三五”期间|山东省]]、省级制造业创新中心[[15个|15||count|省级制造业创新中心|“十三五”期间|山东省]]、“一企一技术”研发中心[[1581个|1581||count|“一企一技术”研发中心|“十三五”期间|山东省]]。
P|截至2020年，山东省拥有国家企业技术中心[[198家|198||count|国家企业技术中心|截至2020年|山东省]]，居全国第[[一|1||rank|国家企业技术中心|截至2020年|山东省]]；国家科技型中小企业入库[[18203家|18203||count|国家科技型中小企业|截至2020年|山东省]]，居全国第[[三|3||rank|国家科技型中小企业|截至2020年|山东省]]；科技企业孵化器[[225家|225||count|科技企业孵化器|截至2020年|山东省]]，众创空间[[419家|419||count|众创空间|截至2020年|山东省]]。
P|传统产业技术改造方面，“十三五”以来，山东省[[10万亿元|10000000000000|CNY|money|工业投资|“十三五”以来|山东省]]工业投资中有[[60%|60|%|percent|工业投资中技术改造占比|“十三五”以来|山东省]]投向传统产业技术改造。规模以上工业企业实施投资[[500万元|5000000|CNY|money|技术改造项目投资额|“十三五”以来|山东省]]以上技术改造项目[[7万个|70000||count|技术改造项目|“十三五”以来|山东省]]以上，完成技术改造投资超过[[3万亿元|3000000000000|CNY|money|技术改造投资|“十三五”以来|山东省]]。
P|科技成果产出方面，取得了一大批拥有自主知识产权、打破国外垄断的重大技术突破，如潍柴集团发布全球首款热效率超过[[50%|50|%|percent|柴油机热效率||山东省]]的商业化柴油机，成为柴油机行业的领跑者。
P|关键核心技术攻关方面，“十三五”期间，全省每年实施省级技术创新项目[[4000余项|4000||count|省级技术创新项目|“十三五”期间|山东省]]。高热效率柴油机、大型冲压机床、己二腈制备、高速磁浮交通系统等打破国外垄断、填补国内空白的重大技术取得突破。
H|1|二|存在的主要困境|dilemma
P|部分基层政府部门和企业发展理念相对落后，对工业互联网的认识、实施路径和发展方向存在认知偏差。许多企业仍需把设计、研发、生产、销售等全流程数据连接起来并加以利用。
P|高端复合型人才短缺，制造业存在“人才困境”，尤其缺乏研发和应用领域的高端交叉型人才，行业吸引力不足，薪酬缺乏竞争力。
"""


def write_source(folder: Path) -> Path:
    """The Chinese source as a file (chinese_render.read_source reads files)."""
    path = folder / f"{STEM}.txt"
    path.write_text(SHANDONG_ZH, encoding="utf-8")
    return path


def render_chinese(folder: Path) -> tuple[Path, list[dict]]:
    """The Chinese PDF and its gold indicators."""
    from chinese_render import read_source, render

    pdf = folder / f"{STEM}.pdf"
    gold, _ = render(read_source(write_source(folder)), pdf)
    return pdf, gold


# Each marked Chinese figure (by its subject in the source) and words of the English sentence that
# prints the same figure: a pair is right when the English figure has the same value and its
# sentence holds these words (values repeat: 12 gigabit cities and 12 regions, 15 ecosystems and 15
# innovation centres).
COUNTERPARTS = {
    "5G基站": "5G base stations", "5G网络连续覆盖城市": "urban and county areas", "确定性网络": "deterministic network",
    "国家级互联网骨干直联点": "backbone direct connection points", "工业互联网标识解析二级节点": "secondary nodes",
    "国家顶级节点": "top-level nodes", "标识解析量": "36 billion times", "国家“千兆城市”": "gigabit cities",
    "数据中心": "data centers", "在用标准机架": "standard racks", "物联网终端用户": "IoT terminal users",
    "物联网终端": "164 million IoT terminals", "高速公路ETC车道覆盖率": "ETC lanes",
    "国家级跨行业跨领域工业互联网平台": "cross domain industrial internet platforms",
    "国家级特色专业型平台": "characteristic professional platforms",
    "工业和信息化部创新试点应用案例平台": "23 platforms", "行业生态": "industry ecosystems", "赋能地区": "12 regions",
    "赋能国家": "20 countries", "省级平台": "115 provincial", "省级试点示范项目": "pilot demonstration projects",
    "数字化转型解决方案": "digital transformation solutions", "服务中小企业": "500000 small and medium-sized",
    "工业互联网园区": "industrial internet parks", "国家技术创新示范企业": "technology innovation demonstration",
    "国家级工业设计中心": "industrial design centers", "省级制造业创新中心": "manufacturing innovation centers",
    "“一企一技术”研发中心": "one enterprise, one technology", "国家企业技术中心": "enterprise technology centers",
    "国家科技型中小企业": "enterprise libraries", "科技企业孵化器": "incubators", "众创空间": "maker spaces",
    "工业投资": "10 trillion yuan", "工业投资中技术改造占比": "invested in traditional technological transformation", "技术改造项目投资额": "5 million yuan",
    "技术改造项目": "70000", "技术改造投资": "3 trillion yuan", "柴油机热效率": "thermal efficiency",
    "省级技术创新项目": "4000 provincial-level technological innovation projects",
}


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def score(rows: list[dict], gold: list[dict], zh_stem: str, en_stem: str) -> dict:
    """Shared indicators aligned: a gold figure counts when one row pairs a Chinese figure of its value
    and kind whose printed form holds the gold's with the English figure of that value whose
    sentence holds the counterpart words (each row counts once)."""
    used, right, missed = set(), 0, []
    for g in gold:
        words = COUNTERPARTS[g["subject"]]
        hit = None
        for k, row in enumerate(rows):
            zh, en = row["values"].get(zh_stem), row["values"].get(en_stem)
            if k in used or not zh or not en:
                continue
            if (_same(zh["value"], g["value"]) and g["raw_text"] in zh["raw_text"] and _same(en["value"], g["value"])
                    and words in " ".join(en["sentence"].split())):
                hit = k
                break
        if hit is None:
            missed.append(f"{g['raw_text']} {g['subject']} ~ {words}")
        else:
            used.add(hit)
            right += 1
    wrong = [f"{r['values'][zh_stem]['raw_text']} ~ {r['values'][en_stem]['raw_text']}" for k, r in enumerate(rows)
             if k not in used and zh_stem in r["values"] and en_stem in r["values"]]
    return {"shared": len(gold), "aligned": right, "share": round(right / len(gold), 4) if gold else 0.0,
            "rows": len(rows), "other_rows": wrong, "missed": missed}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    english = Path(args.shared) / "corpus" / "industrial_intelligence_shandong.pdf"
    if not english.exists():
        print(f"{english}: missing (needs ../shared/corpus)", file=sys.stderr)
        return 2
    import time

    from policy_nlp import compare
    from policy_nlp.ingestion import ingest

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pdf, gold = render_chinese(tmp)
        db = tmp / "pair.db"
        for result in ingest([str(pdf), str(english)], db=db):
            if getattr(result, "error", None):
                print(f"ingest failed: {result.error}", file=sys.stderr)
                return 1
        start = time.perf_counter()
        result = compare([STEM, english.stem], db=db)
        seconds = time.perf_counter() - start
    report = {"chinese": f"{STEM}.pdf (rendered)", "english": english.name,
              "indicators": score(result.indicators, gold, STEM, english.stem),
              "passage_pairs": len(result.pairs), "threshold": result.threshold, "threshold_source": result.threshold_source,
              "unique": {stem: len(rows) for stem, rows in result.unique.items()}, "compare_s": round(seconds, 1),
              "pairs_sample": [f"{p['similarity']:.2f} {p['a']['text'][:40]} ~ {p['b']['text'][:60]}" for p in result.pairs[:12]]}
    ind = report["indicators"]
    print(f"shared indicators aligned: {ind['aligned']}/{ind['shared']} ({100 * ind['share']:.1f} %, target >= 80 %); "
          f"{len(ind['other_rows'])} other rows; {report['passage_pairs']} passage pairs across the languages "
          f"(threshold {report['threshold']}, {report['threshold_source']}); compare {report['compare_s']} s")
    if args.verbose:
        for line in ind["missed"]:
            print("  missed:", line)
        for line in ind["other_rows"]:
            print("  other row:", line)
        for line in report["pairs_sample"]:
            print("  pair:", line)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
