"""Indicators of Chinese sentences, in the same row shape as the English ones (model.Indicator).

    extract_chinese("截至2022年底，山东省累计建成开通5G基站16.2万个，居全国第3位。")
    # [Indicator(raw_text="16.2万个", value=162000.0, unit="", kind="count", indicator="5G基站",
    #            period="截至2022年底", place="山东省"),
    #  Indicator(raw_text="第3位", value=3.0, kind="rank", indicator="5G基站", ...)]

Rules, from how provincial reports and company reports print figures:
- a figure is an Arabic number ("4,755,785.11", "16.2") or a Chinese numeral ("三万", "两"), the
  latter only before a unit or measure word ("两家", "三成"; not "一级公路", "十四五", "八届");
- 万 / 亿 / 万亿 scale it; 元 / 万元 / 亿元 are CNY, % a percent, 个百分点 percentage points (pp), 倍 times,
  measure words (个, 家, 户, 项, 台, 座, 人 ...) make a count of what the subject names;
- not figures: years and dates (2022年, 4月10日, 1-6 月), numbers of articles, tables, files and
  cases (第7.9条, 表7.5, 171506号), ordinals (第二次), numbers glued to Latin letters (5G);
- 第N位 / 居全国第N is a rank; 同比 / 环比 / 比上年 增长 / 下降 N% is a growth, its direction in
  `change` as in English rows (increase / decrease; the value stays as printed);
- qualifiers: 约 / 近 (approximate), 超过 / 逾 / 余 / 以上 (lower_bound), 不足 / 不超过 / 最高 (upper_bound);
- the period is the nearest time phrase of the sentence (2022年, 截至2022年底, “十四五”期间, 今年以来);
- the place is the nearest place the sentence names (models/places_zh.txt), else "全省" as the
  document's province, else the caller's default (the passage's or a heading's place);
- the subject is the noun phrase before the figure ("5G基站16.2万个" -> 5G基站), or after a count
  ("两家全资子公司" -> 全资子公司); a growth or rank right after a figure is about the same subject.
"""

from __future__ import annotations

import re

from ..model import Indicator
from .baseline import change_base
from .chinese_numbers import HAN_NUMERAL_CHARS, HAN_UNITS, SCALES, UNIT_PATTERN, UNITS, read_chinese_numeral
from .chinese_places import WHOLE_COUNTRY, WHOLE_PROVINCE, ChinesePlaces, default_chinese_places
from .chinese_subject import subject_before, subject_after

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")

_FIGURE = re.compile(
    rf"(?P<sign>[-−－](?=\d))?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{HAN_NUMERAL_CHARS}]+)"
    rf"(?P<more>余|多)?\s?(?P<scale>{'|'.join(SCALES)})?(?P<more2>余|多)?\s?(?P<unit>{UNIT_PATTERN})?"
    r"(?P<per>/[\u4e00-\u9fff](?![\u4e00-\u9fff]{2}))?"
)
# What a number is not: a date, a year, an article, table, file or case number.
_NOT_AFTER = re.compile(r"\s?(?:年(?!均|以上|以下)|月|日|号|时|点(?!\d)|条|章|节|款|期|届|版|页|季度|会计年度|级|代|类|[-－~～—]\s?\d+\s?月|[A-Za-z])")
_NOT_BEFORE = re.compile(r"(?:表|图|附表|附件|附图|式|编号|代码|条款|文号|[A-Za-z]|[A-Za-z]-|[≤≥<>＜＞=＝])\s?$")
# A list label: "1、", "(1)", "（二）" opening a sentence or clause.
_LIST_LABEL = re.compile(r"(?:^|(?<=[，；。：\s]))[(（]?\s?$")
_LIST_AFTER = re.compile(r"\s?[、．]|\s?[)）]")
_RANK_BEFORE = re.compile(r"(?:居|位居|位列|排名|排在|排|列|名列)[^，。；,;]{0,8}第\s?$")
_RANK_AFTER = re.compile(r"\s?(?:位|名)")
_STRUCTURE = re.compile(r"(?:个|项|大|条)?(?:方面|措施|任务|原则|重点|环节|阶段|举措|目标|层次|维度|步骤|部分|问题|特点|类型|机制|领域|体系|工程|行动|计划|清单)")
_YEAR = re.compile(r"(?:19|20)\d\d")
# A noun right after a count: what it counts ("两家全资子公司"), not a verb or a link word.
_NOUN_NEXT = re.compile(r"(?![的和及与或、，。；：是为在将拟已均共合])[\u4e00-\u9fff]")

_PERIOD = re.compile(
    r"截至\s?\d{4}\s?年(?:\s?\d{1,2}\s?月)?(?:底|末|年底)?"
    r"|(?:到|至|在)\s?\d{4}\s?年(?:底|末)?"
    r"|\d{4}\s?(?:年\s?)?[-—–至到]\s?\d{4}\s?年"
    r"|\d{4}\s?年以来"
    r"|\d{4}\s?会计年度"
    r"|\d{4}\s?年(?:上半年|下半年|前三季度|第[一二三四]季度|\s?\d{1,2}\s?[-—–]\s?\d{1,2}\s?月|\s?\d{1,2}\s?月(?:份)?|度|底|末|初)?"
    r"|[“\"]?十[一二三四五六七八九]五[”\"]?(?:期间|时期|末|以来|规划期)?"
    r"|今年以来|今年上半年|今年|去年|(?<![比较])上年(?:同期|度末)?|近[一二三四五六七八九十\d]+年|每年|年均|"
    r"年初至报告期期?末|本报告期末?|报告期[末内]?|期初|期末"
)
# A date ("2017年7月7日") says when something happened, not the time a figure covers.
_DATE = re.compile(r"\d{4}\s?年\s?\d{1,2}\s?月\s?\d{1,2}\s?日")
_CHANGE_UP = re.compile(r"(?:增长|增加|提高|提升|上升|上涨|增|升|扩大)(?:了)?\s?$")
_CHANGE_DOWN = re.compile(r"(?:下降|降低|减少|回落|下滑|下跌|缩小|收窄|降|减)(?:了)?\s?$")
_APPROX_BEFORE = re.compile(r"(?:约|大约|近|将近|接近|约为)\s?$")
_LOWER_BEFORE = re.compile(r"(?:超过|逾|突破|超|多于|高于|不低于|不少于)\s?$")
_UPPER_BEFORE = re.compile(r"(?:不足|不到|低于|不超过|不宜超过|不得超过|最高|最多|少于|控制在)\s?$")
_LOWER_AFTER = re.compile(r"\s?(?:以上|之上)")
_UPPER_AFTER = re.compile(r"\s?(?:以下|以内|之内)")
_APPROX_AFTER = re.compile(r"\s?左右")


def is_chinese(text: str) -> bool:
    """Text to read with the Chinese rules: more Chinese characters than Latin letters, and a few."""
    cjk = len(_CJK.findall(text))
    return cjk >= 2 and cjk >= len(_LATIN.findall(text))


def extract_chinese(sentence: str, default_place: str = "", home: str = "",
                    places: ChinesePlaces | None = None) -> list[Indicator]:
    """Indicators of one Chinese sentence; offsets are characters in `sentence`.

    default_place: the place when the sentence names none (its passage's or a heading's);
    home: the province of the document, which "全省" / "我省" stand for."""
    places = places or default_chinese_places()
    flat = re.sub(r"\s+", " ", sentence).strip()
    named = places.find(sentence)
    dates = [(m.start(), m.end()) for m in _DATE.finditer(sentence)]
    periods = [(m.start(), m.end(), m.group(0).strip()) for m in _PERIOD.finditer(sentence)
               if not any(a <= m.start() < b for a, b in dates)]
    out: list[Indicator] = []
    for m in _FIGURE.finditer(sentence):
        ind = _read(sentence, m)
        if ind is None:
            continue
        if any(a <= m.start() < b for a, b, _ in periods):
            continue  # inside a time phrase: "截至2022年底", "1-6 月"
        ind.sentence = flat
        ind.period = _period(periods, m.start(), sentence)
        ind.place = _place(sentence, named, m.start(), default_place, home)
        previous = out[-1] if out else None
        ind.indicator = _subject(sentence, m, ind, previous)
        out.append(ind)
    return out


def _read(text: str, m: re.Match) -> Indicator | None:
    num, unit_text, scale_text = m.group("num"), m.group("unit") or "", m.group("scale") or ""
    before = text[max(0, m.start() - 12):m.start()]
    han = not num[0].isdigit()
    value = read_chinese_numeral(num) if han else float(num.replace(",", ""))
    if value is None:
        return None
    if re.search(r"第\s?$", before):
        # An ordinal: a rank after "居全国第", "位居第", or as "第N位"; else a name ("第二次", "第 7.9 条").
        num_end = m.start("num") + len(num)
        r = _RANK_AFTER.match(text, num_end)
        if not (_RANK_BEFORE.search(before) or r):
            return None
        start = text.rfind("第", 0, m.start())
        end = r.end() if r else num_end
        return Indicator(start=start, end=end, raw_text=text[start:end], value=value, unit="", kind="rank")
    if han:
        if unit_text not in HAN_UNITS and not (scale_text and unit_text):
            return None  # "一级公路", "十四五", "八届": a Chinese numeral is a figure only before a unit
        if value == 1 and not scale_text:
            return None  # "一个", "一批": an article, not a figure
        if _STRUCTURE.match(text, m.end()) and not scale_text:
            return None  # "三个方面", "四项措施": the document's own structure
    else:
        if _NOT_BEFORE.search(before) or re.match(r"\s?[≤≥<>＜＞]", text[m.end():m.end() + 2]):
            return None  # "表 7.5", "60000≤Q": a table number, a condition's bound
        if not unit_text and not scale_text and _LIST_AFTER.match(text, m.end()) and _LIST_LABEL.search(before):
            return None  # "1、沈阳市…", "(1)人才总量…": a list label
        if not unit_text and not scale_text and _NOT_AFTER.match(text, m.end()):
            return None
        if not unit_text and not scale_text and _YEAR.fullmatch(num):
            return None  # "（2017）", "2017会计年度"
        if re.match(r"\s?[A-Za-z]", text[m.end():m.end() + 2]) and not unit_text:
            return None  # "5G", "3D"
    if m.group("sign"):
        value = -value
    start, end = m.start(), m.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    unit = UNITS.get(unit_text)
    factor = SCALES.get(scale_text, 1.0) * (unit.factor if unit else 1.0)
    value *= factor
    code, kind = (unit.code, unit.kind) if unit else ("", "count")
    if m.group("per") and code:
        code += m.group("per")  # "公顷/处" -> "ha/处"
    qualifier, change = "", ""
    if _UPPER_BEFORE.search(before) or _UPPER_AFTER.match(text, end):
        qualifier = "upper_bound"  # first: "不宜超过" holds "超过"
    elif m.group("more") or m.group("more2") or _LOWER_BEFORE.search(before) or _LOWER_AFTER.match(text, end):
        qualifier = "lower_bound"
    elif _APPROX_BEFORE.search(before) or _APPROX_AFTER.match(text, end):
        qualifier = "approximate"
    if code in ("%", "pp", "times"):
        up, down = _CHANGE_UP.search(before), _CHANGE_DOWN.search(before)
        if up or down:
            kind, change = "growth", "increase" if up else "decrease"
        elif code == "pp":
            kind, change = "growth", "percentage_points"
    if (m.group("sign") or "") and code == "%":
        kind = "percent"
    # The qualifier words stay out of the raw text, as in English rows ("over 130 million").
    return Indicator(start=start, end=end, raw_text=text[start:end].strip(), value=value, unit=code, kind=kind,
                     qualifier=qualifier, change=change, base=change_base(text, start, end) if change else "")


def period_in(text: str) -> str:
    """The first time phrase of a Chinese header or caption ("本报告期", "2018 年 1-3 月"), or ""."""
    dates = [(m.start(), m.end()) for m in _DATE.finditer(text)]
    return next((m.group(0).strip() for m in _PERIOD.finditer(text) if not any(a <= m.start() < b for a, b in dates)), "")


def _period(periods: list[tuple[int, int, str]], pos: int, text: str) -> str:
    """The nearest time phrase before the figure, else the first after it in the same clause."""
    before = [p for p in periods if p[1] <= pos]
    if before:
        return before[-1][2]
    clause_end = _clause_end(text, pos)
    after = [p for p in periods if pos < p[0] < clause_end]
    return after[0][2] if after else ""


def _clause_end(text: str, pos: int) -> int:
    m = re.compile(r"[，；。！？,;]").search(text, pos)
    return m.start() if m else len(text)


def _place(text: str, named: list[tuple[int, int, str]], pos: int, default: str, home: str) -> str:
    before = [name for a, b, name in named if b <= pos]
    if before:
        return before[-1]
    after = [name for a, b, name in named if pos <= a < _clause_end(text, pos)]
    if after:
        return after[0]
    head = text[:pos]
    if home and any(w in head for w in WHOLE_PROVINCE):
        return home
    if any(w in head for w in WHOLE_COUNTRY) and not default:
        return "中国"
    return default


def _subject(text: str, m: re.Match, ind: Indicator, previous: Indicator | None) -> str:
    """The subject: the phrase before the figure; after it for a count followed by its noun; a
    growth or rank right after a figure (same clause) takes that figure's subject."""
    if previous is not None and ind.kind in ("growth", "rank") and previous.indicator:
        between = text[previous.end:ind.start]
        if len(between) <= 12 and not re.search(r"[；;。]", between) and not _own_subject(between):
            return previous.indicator
    if text.startswith("的", ind.end) and ind.kind != "rank":
        subject = subject_after(text, ind.end + 1)  # "100.00%的股权", "规模100亿元的人才发展基金"
        if subject:
            return subject
    if ind.kind == "count" and _NOUN_NEXT.match(text, ind.end):
        subject = subject_after(text, ind.end)  # "两家全资子公司", "五个地级市"
        if subject:
            return subject
    start = ind.start if ind.kind == "rank" else m.start()
    subject = subject_before(text, start, previous.end if previous else 0)
    if not subject and ind.kind in ("count", "money", "quantity", "percent"):
        subject = subject_after(text, ind.end)
    if previous is not None and (not subject or _only_a_place(subject)):
        subject = previous.indicator  # "其中深圳市引进4800名": of the same thing as the figure before
    return subject


def _only_a_place(phrase: str) -> bool:
    found = default_chinese_places().find(phrase)
    return bool(found) and found[0][0] == 0 and found[0][1] == len(phrase)


def _own_subject(between: str) -> bool:
    """Does the text between two figures name a new subject ("，产品不良品率环比下降")?"""
    core = re.sub(r"[，,、\s]|同比|环比|比上年|较上年|比上年同期|较上年同期|平均|分别|增长|增加|提高|提升|上升|下降|降低|减少|回落|"
                  r"居|位居|位列|排名|全国|全省|全市|第|了|约|近|达|达到|为|连续多年|连续|多年|继续|稳居|仍", "", between)
    return len(core) >= 2
