"""Numbers, scales and units as Chinese policy text prints them.

    read_chinese_numeral("一千五百八十一") -> 1581.0;  read_chinese_numeral("两") -> 2.0
    SCALES["万亿"] -> 1e12;  unit_of("万元") -> Unit("CNY", "money", 1e4)

A small pure-Python reader: Arabic figures with their separators ("4,755,785.11"), Chinese
numerals ("三万", "十六", "两"), the scale characters 万 / 亿 / 万亿, and the units and measure words
that follow a number (元 / 万元 / 亿元 -> CNY, 公里 -> km, 公顷 -> ha, 个 / 家 / 户 ... -> a count).
"""

from __future__ import annotations

from dataclasses import dataclass

HAN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
HAN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
HAN_BIG_UNITS = {"万": 1e4, "亿": 1e8}
HAN_NUMERAL_CHARS = "".join(HAN_DIGITS) + "".join(HAN_SMALL_UNITS)

# Scale words after a number, longest first ("万亿" before "万").
SCALES = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3}


def read_chinese_numeral(text: str) -> float | None:
    """The value of a Chinese numeral ("十六" 16, "一千五百八十一" 1581, "三万" 30000, "二〇二二" 2022);
    None when `text` is not one."""
    if not text or any(c not in HAN_DIGITS and c not in HAN_SMALL_UNITS and c not in HAN_BIG_UNITS for c in text):
        return None
    if all(c in HAN_DIGITS for c in text) and len(text) > 1:
        return float("".join(str(HAN_DIGITS[c]) for c in text))  # digit by digit: "二〇二二"
    total, section, digit = 0.0, 0.0, None
    for c in text:
        if c in HAN_DIGITS:
            if digit is not None:
                return None  # "三四": two digits without a unit between them
            digit = HAN_DIGITS[c]
        elif c in HAN_SMALL_UNITS:
            section += (1 if digit is None else digit) * HAN_SMALL_UNITS[c]
            digit = None
        else:
            section += digit or 0
            if section == 0:
                section = 1
            total = (total + section) * HAN_BIG_UNITS[c]
            section, digit = 0.0, None
    return total + section + (digit or 0)


@dataclass(frozen=True)
class Unit:
    code: str  # the row's unit: "CNY", "%", "pp", "km", "" for a count
    kind: str  # count | percent | money | quantity | ratio | growth
    factor: float = 1.0  # a scale the unit itself carries ("万元": 1e4; "成": 10, a tenth as percent)


# Units and measure words, longest first when matched. Money: the scale before 元 is a scale.
UNITS: dict[str, Unit] = {
    "个百分点": Unit("pp", "growth"), "百分点": Unit("pp", "growth"),
    "%": Unit("%", "percent"), "％": Unit("%", "percent"), "‰": Unit("‰", "percent"),
    "成": Unit("%", "percent", 10.0),
    "倍": Unit("times", "ratio"),
    "元人民币": Unit("CNY", "money"), "人民币元": Unit("CNY", "money"), "元": Unit("CNY", "money"),
    "美元": Unit("USD", "money"), "欧元": Unit("EUR", "money"), "港元": Unit("HKD", "money"), "日元": Unit("JPY", "money"),
    "平方公里": Unit("km2", "quantity"), "平方千米": Unit("km2", "quantity"), "平方米": Unit("m2", "quantity"),
    "立方米": Unit("m3", "quantity"), "公里": Unit("km", "quantity"), "千米": Unit("km", "quantity"),
    "米": Unit("m", "quantity"), "公顷": Unit("ha", "quantity"), "亩": Unit("mu", "quantity"),
    "吨": Unit("t", "quantity"), "千克": Unit("kg", "quantity"), "公斤": Unit("kg", "quantity"),
    "千瓦时": Unit("kWh", "quantity"), "千瓦": Unit("kW", "quantity"), "兆瓦": Unit("MW", "quantity"),
    "吉瓦": Unit("GW", "quantity"), "标准煤": Unit("tce", "quantity"),
    "小时": Unit("hours", "quantity"), "天": Unit("days", "quantity"), "个月": Unit("months", "quantity"),
    "周岁": Unit("years", "quantity"), "岁": Unit("years", "quantity"),
    # measure words: what is counted is the subject
    "人次": Unit("", "count"), "户": Unit("", "count"), "个": Unit("", "count"), "家": Unit("", "count"),
    "项": Unit("", "count"), "台": Unit("", "count"), "座": Unit("", "count"), "人": Unit("", "count"),
    "名": Unit("", "count"), "位": Unit("", "count"), "辆": Unit("", "count"), "架": Unit("", "count"),
    "套": Unit("", "count"), "件": Unit("", "count"), "所": Unit("", "count"), "条": Unit("", "count"),
    "处": Unit("", "count"), "批": Unit("", "count"), "支": Unit("", "count"), "株": Unit("", "count"),
    "头": Unit("", "count"), "只": Unit("", "count"), "张": Unit("", "count"), "份": Unit("", "count"),
    "篇": Unit("", "count"), "部": Unit("", "count"), "艘": Unit("", "count"), "所学校": Unit("", "count"),
    "股": Unit("", "count"), "次": Unit("", "count"), "例": Unit("", "count"), "场": Unit("", "count"),
    "片": Unit("", "count"), "块": Unit("", "count"), "类": Unit("", "count"), "种": Unit("", "count"),
}
# After a Chinese numeral only these count ("两家", "三万台", "三成"); "次", "类", "种", "位", "部",
# "名" after one are mostly names and ordinals ("一次反馈", "两类", "第二部").
HAN_UNITS = {k for k in UNITS if k not in ("次", "类", "种", "位", "部", "名", "条", "片", "块", "场", "股", "%", "％", "‰")}
UNIT_PATTERN = "|".join(sorted(map(lambda u: u.replace("%", "%"), UNITS), key=len, reverse=True))


def unit_of(text: str) -> Unit | None:
    """The unit a table header or note names: "单位：万元" -> Unit("CNY", "money", 1e4)."""
    text = text.strip()
    for scale, factor in SCALES.items():
        if text.startswith(scale) and text[len(scale):] in UNITS:
            unit = UNITS[text[len(scale):]]
            return Unit(unit.code, unit.kind, unit.factor * factor)
    return UNITS.get(text)
