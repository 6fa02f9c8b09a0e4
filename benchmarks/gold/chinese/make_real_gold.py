"""Hand-typed gold for the two real Chinese PDFs of ../shared/realdocs (read from `pdftotext -layout` and the
page images, never from policy_nlp). Run it to rewrite issue-67-example.json and issue-336-example.json."""
import json
from pathlib import Path
OUT = Path(__file__).resolve().parent

def ind(page, source, table, raw, context, value, unit, kind, subject, period="", place="", scale=1, unit_alt=(), place_alt=()):
    return {"page": page, "source": source, "table": table, "raw_text": raw, "context": context, "value": value,
            "scale": scale, "unit": unit, "unit_alt": list(unit_alt), "kind": kind, "subject": subject,
            "period": period, "place": place, "place_alt": list(place_alt)}

# ---------------- issue-67-example.pdf, pages 3, 6, 7
g = []
T1 = "主要会计数据和财务指标"
rows3 = [
    ("营业收入（元）", "4,755,785.11", 4755785.11, "5,699,227.63", 5699227.63, "-16.55%", -16.55, "CNY"),
    ("归属于上市公司股东的净利润（元）", "-4,648,986.52", -4648986.52, "-15,563,758.44", -15563758.44, "70.13%", 70.13, "CNY"),
    ("归属于上市公司股东的扣除非经常性损益的净利润（元）", "-7,889,855.34", -7889855.34, "-15,424,679.15", -15424679.15, "48.85%", 48.85, "CNY"),
    ("经营活动产生的现金流量净额（元）", "-4,194,229.68", -4194229.68, "35,078,254.69", 35078254.69, "-111.96%", -111.96, "CNY"),
    ("基本每股收益（元/股）", "-0.0053", -0.0053, "-0.0178", -0.0178, "70.22%", 70.22, "CNY/股"),
    ("稀释每股收益（元/股）", "-0.0053", -0.0053, "-0.0178", -0.0178, "70.22%", 70.22, "CNY/股"),
]
for label, r1, v1, r2, v2, r3, v3, unit in rows3:
    subj = label.split("（")[0]
    alt = ["CNY/share"] if "/" in unit else []
    g.append(ind(3, "table", T1, r1, f"{label} | 本报告期", v1, unit, "money", subj, "本报告期", unit_alt=alt))
    g.append(ind(3, "table", T1, r2, f"{label} | 上年同期", v2, unit, "money", subj, "上年同期", unit_alt=alt))
    g.append(ind(3, "table", T1, r3, f"{label} | 本报告期比上年同期增减", v3, "%", "growth", subj, "本报告期"))
g.append(ind(3, "table", T1, "-2.34%", "加权平均净资产收益率 | 本报告期", -2.34, "%", "percent", "加权平均净资产收益率", "本报告期"))
g.append(ind(3, "table", T1, "-8.06%", "加权平均净资产收益率 | 上年同期", -8.06, "%", "percent", "加权平均净资产收益率", "上年同期"))
g.append(ind(3, "table", T1, "上升 5.72 个百分点", "加权平均净资产收益率 | 本报告期比上年同期增减", 5.72, "pp", "growth", "加权平均净资产收益率", "本报告期"))
for label, r1, v1, r2, v2, r3, v3 in [
    ("总资产（元）", "298,608,889.04", 298608889.04, "306,236,911.04", 306236911.04, "-2.49%", -2.49),
    ("归属于上市公司股东的净资产（元）", "-200,136,703.31", -200136703.31, "-198,631,842.02", -198631842.02, "-0.76%", -0.76)]:
    subj = label.split("（")[0]
    g.append(ind(3, "table", T1, r1, f"{label} | 本报告期末", v1, "CNY", "money", subj, "本报告期末"))
    g.append(ind(3, "table", T1, r2, f"{label} | 上年度末", v2, "CNY", "money", subj, "上年度末"))
    g.append(ind(3, "table", T1, r3, f"{label} | 本报告期末比上年度末增减", v3, "%", "growth", subj, "本报告期末"))
T2 = "非经常性损益项目和金额"
g.append(ind(3, "table", T2, "3,240,868.82", "非流动资产处置损益（包括已计提资产减值准备的冲销部分） | 年初至报告期期末金额", 3240868.82, "CNY", "money", "非流动资产处置损益", "年初至报告期期末"))
g.append(ind(3, "table", T2, "3,340,324.88 元", "清偿债务减少预计负债，计入营业外收入 3,340,324.88 元；", 3340324.88, "CNY", "money", "营业外收入"))
g.append(ind(3, "table", T2, "99,456.06 元", "清理固定资产的损失，计入营业外支出 99,456.06 元。", 99456.06, "CNY", "money", "营业外支出"))
T3 = "资产负债表项目变动的情况及原因"
for label, r1, v1, r2, v2, r3, v3 in [
    ("预付款项", "2,436,695.05", 2436695.05, "1,878,311.93", 1878311.93, "29.73%", 29.73),
    ("应交税费", "84,791.64", 84791.64, "341,620.35", 341620.35, "-75.18%", -75.18),
    ("应收票据", "50,000.00", 50000.00, "15,878,744.00", 15878744.00, "-99.69%", -99.69),
    ("其他应收款", "18,267,606.14", 18267606.14, "3,123,072.43", 3123072.43, "484.92%", 484.92)]:
    g.append(ind(6, "table", T3, r1, f"{label} | 报告期末余额", v1, "CNY", "money", label, "报告期末"))
    g.append(ind(6, "table", T3, r2, f"{label} | 期初余额", v2, "CNY", "money", label, "期初"))
    g.append(ind(6, "table", T3, r3, f"{label} | 增减%", v3, "%", "growth", label, "报告期末"))
for table, rows in [("利润表项目变动的情况及原因", [
        ("管理费用", "7,764,789.98", 7764789.98, "15,753,158.14", 15753158.14, "-50.71%", -50.71),
        ("财务费用", "7,667.69", 7667.69, "403,265.89", 403265.89, "-98.10%", -98.10),
        ("资产减值损失", "-31,487.70", -31487.70, None, None, "100%", 100.0),
        ("营业外收入", "3,340,324.88", 3340324.88, None, None, "100%", 100.0)]),
    ("现金流量表项目变动的情况及原因", [
        ("销售商品、提供劳务收到的现金", "7,715,912.60", 7715912.60, "15,096,149.30", 15096149.30, "-48.89%", -48.89),
        ("收到其他与经营活动有关的现金", "25,061,835.95", 25061835.95, "55,655,312.24", 55655312.24, "-54.97%", -54.97),
        ("购买商品、接受劳务支付的现金", "6,255,142.55", 6255142.55, "16,817,427.60", 16817427.60, "-62.81%", -62.81),
        ("分配股利、利润或偿付利息支付的现金", "6,010.40", 6010.40, "490,591.07", 490591.07, "-98.77%", -98.77)])]:
    for label, r1, v1, r2, v2, r3, v3 in rows:
        g.append(ind(6, "table", table, r1, f"{label} | 2018 年 1-3 月", v1, "CNY", "money", label, "2018 年 1-3 月"))
        if r2:
            g.append(ind(6, "table", table, r2, f"{label} | 2017 年 1-3 月", v2, "CNY", "money", label, "2017 年 1-3 月"))
        g.append(ind(6, "table", table, r3, f"{label} | 增减%", v3, "%", "growth", label, "2018 年 1-3 月"))
S1 = "公司下属两家全资子公司高才科技有限公司、沈阳凯毅电气有限公司拟将所持有的新东北电气（锦州）电力电容器有限公司（以下简称“新锦容”）合计100.00%的股权出售给江苏安靠光热发电系统科技有限公司。"
g.append(ind(7, "text", "", "两家", S1, 2.0, "", "count", "全资子公司"))
g.append(ind(7, "text", "", "100.00%", S1, 100.0, "%", "percent", "新锦容的股权"))
S2 = "请求法院判令被告向原告偿付欠款2,853万元、利息7,788,690元以及违约金1,426,500元，合计37,745,190元。"
g.append(ind(7, "text", "", "2,853万元", S2, 28530000.0, "CNY", "money", "欠款", place_alt=["沈阳市"]))
g.append(ind(7, "text", "", "7,788,690元", S2, 7788690.0, "CNY", "money", "利息", place_alt=["沈阳市"]))
g.append(ind(7, "text", "", "1,426,500元", S2, 1426500.0, "CNY", "money", "违约金", place_alt=["沈阳市"]))
g.append(ind(7, "text", "", "37,745,190元", S2, 37745190.0, "CNY", "money", "合计", place_alt=["沈阳市"]))
g.append(ind(7, "text", "", "37,745,190.00元", "依据律师出具的法律意见，基于财务谨慎性原则，2017会计年度公司已对该案件涉及的金额预计负债37,745,190.00元。", 37745190.0, "CNY", "money", "预计负债", "2017会计年度"))
g.append(ind(7, "text", "", "272,727,700元", "案件代理律师认为，依据最高人民法院的终审裁定，公司应当履行赔偿责任272,727,700元。", 272727700.0, "CNY", "money", "赔偿责任"))
for n, x in enumerate(g, 1):
    x["id"] = f"ZH67-{n:03d}"
doc67 = {
    "document": "issue-67-example.pdf", "folder": "realdocs", "pages": [3, 6, 7], "generated": False,
    "annotator_notes": "Pages 3, 6 and 7 annotated in full from pdftotext -layout and the page images. Table cells keep "
        "the printed number; '元'/'单位：人民币元' -> CNY, '元/股' -> CNY/股. Growth columns (增减, 比上年同期增减) are kind growth "
        "with unit %; '上升 5.72 个百分点' is +5.72 pp. '-' cells are empty, not zero. Figures of the lawsuits are about a "
        "company, not a territory (place ''; 沈阳市 accepted).",
    "indicators": g,
    "non_indicators": [
        {"page": 3, "raw_text": "第 1 号", "reason": "number of a regulatory notice (identifier), printed three times"},
        {"page": 6, "raw_text": "2018 年 1-3 月", "reason": "period header"},
        {"page": 7, "raw_text": "171506号", "reason": "file number (identifier), three times"},
        {"page": 7, "raw_text": "（2017）最高法执复27号 / （2015）高执异字第52号", "reason": "court case numbers"},
        {"page": 7, "raw_text": "八届十六次董事会会议", "reason": "name of a board session"},
        {"page": 7, "raw_text": "2017年第二次临时股东大会 / 一次反馈 / 二次反馈", "reason": "ordinals in names"},
        {"page": 7, "raw_text": "2017年8月7日 ...", "reason": "dates"},
    ],
}
# ---------------- issue-336-example.pdf, page 1 (printed 173)
h = []
T75 = "表 7.5 停车区用地指标基准值（公顷/处）"
for grade, lanes, raw in [("高速公路", "八", "2.5000"), ("高速公路", "六", "2.1333"), ("高速公路", "四", "1.6667"),
                          ("一级公路", "六", "1.3333"), ("一级公路", "四", "0.6667"), ("二级公路", "二", "0.3333")]:
    h.append(ind(1, "table", T75, raw, f"{grade} {lanes} | 用地指标基准值", float(raw), "ha/处", "quantity",
                 f"停车区用地指标基准值，{grade}{lanes}车道", unit_alt=["ha", "公顷/处"], place_alt=["安徽省"]))
T76 = "表 7.6 停车区用地指标调整系数"
cols = ["μ≤10", "10＜μ≤20", "20＜μ≤30", "30＜μ≤40", "μ＞40"]
rows = [("高速公路", "八", "80000≤Q＜100000", "0.92 1.02 1.11 1.19 1.26"),
        ("高速公路", "八", "60000≤Q＜80000", "0.87 0.93 1.00 1.06 1.10"),
        ("高速公路", "六", "60000≤Q＜80000", "0.97 1.04 1.12 1.19 1.25"),
        ("高速公路", "六", "45000≤Q＜60000", "0.82 0.91 1.00 1.09 1.16"),
        ("高速公路", "四", "40000≤Q＜55000", "1.01 1.11 1.20 1.30 1.39"),
        ("高速公路", "四", "25000≤Q＜40000", "0.81 0.92 1.00 1.08 1.16"),
        ("一级公路", "六", "30000≤Q＜55000", "0.80 0.90 1.00 1.05 1.10"),
        ("一级公路", "四", "15000≤Q＜30000", "0.80 0.90 1.00 1.10 1.15"),
        ("二级公路", "二", "Q＜15000", "1.00 1.00 1.00 1.00 1.00")]
for grade, lanes, q, cells in rows:
    for col, raw in zip(cols, cells.split()):
        h.append(ind(1, "table", T76, raw, f"{grade} {lanes} {q} | 大型车比例 μ（%） {col}", float(raw), "", "ratio",
                     f"停车区用地指标调整系数", unit_alt=["times"], place_alt=["安徽省"]))
S = "服务设施出入口加减速车道用地指标，平原一般不宜超过 3.4 公顷/处，丘陵、山区一般不宜超过 4.0 公顷/处。"
h.append(ind(1, "text", "", "不宜超过 3.4 公顷/处", S, 3.4, "ha/处", "quantity", "服务设施出入口加减速车道用地指标，平原", unit_alt=["ha", "公顷/处"], place_alt=["安徽省"]))
h.append(ind(1, "text", "", "不宜超过 4.0 公顷/处", S, 4.0, "ha/处", "quantity", "服务设施出入口加减速车道用地指标，丘陵、山区", unit_alt=["ha", "公顷/处"], place_alt=["安徽省"]))
T77 = "表 7.7 监控通信设施用地指标（公顷/处）"
for col, raw in [("路段监控通信分中心", "1.7333"), ("路段监控通信站", "0.8667"), ("桥隧监控通信站", "0.5333")]:
    h.append(ind(1, "table", T77, raw, f" | {col}", float(raw), "ha/处", "quantity", f"{col}用地指标", unit_alt=["ha", "公顷/处"], place_alt=["安徽省"]))
for n, x in enumerate(h, 1):
    x["id"] = f"ZH336-{n:03d}"
doc336 = {
    "document": "issue-336-example.pdf", "folder": "realdocs", "pages": [1], "generated": False,
    "annotator_notes": "The one page (printed 173) annotated in full. 公顷/处 -> ha/处 (ha accepted). Adjustment "
        "coefficients of table 7.6 are ratios without unit (its header's '%' belongs to μ, not to the cells). Traffic "
        "bounds (60000≤Q＜80000) and truck-share classes (20＜μ≤30) are class limits of the table's conditions, not "
        "measured figures; lane counts 八/六/四 are row labels. The standard is Anhui's (running head) but no figure "
        "names a place: place '' (安徽省 accepted).",
    "indicators": h,
    "non_indicators": [
        {"page": 1, "raw_text": "表 7.5 / 表 7.6 / 表 7.7 / 表 7.8", "reason": "table numbers"},
        {"page": 1, "raw_text": "第 7.9 条 / 第 7.10 条 / 第 7.11 条", "reason": "article numbers"},
        {"page": 1, "raw_text": "60000≤Q＜80000, 20＜μ≤30 ...", "reason": "class limits of table conditions"},
        {"page": 1, "raw_text": "第 20 年", "reason": "the forecast year a rule refers to"},
        {"page": 1, "raw_text": "二、三、四级公路", "reason": "road classes"},
        {"page": 1, "raw_text": "173", "reason": "page number"},
    ],
}
outl = json.loads((OUT.parent / "outlines" / "issue-67-example.json").read_text(encoding="utf-8"))
doc67["title"], doc67["headings"] = outl["title"], outl["headings"]
doc67["headings_notes"] = "Headings as in benchmarks/gold/outlines/issue-67-example.json (hand-made from the PDF)."
doc336["title"], doc336["headings"] = "", []
doc336["headings_notes"] = "No headings on this page (numbered articles open running text; captions are captions)."
for name, d in [("issue-67-example", doc67), ("issue-336-example", doc336)]:
    (OUT / f"{name}.json").write_text(json.dumps(d, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(name, len(d["indicators"]), len(d["headings"]))
