"""Chinese place names from the gazetteer models/places_zh.txt (provinces, cities, regions).

A name is found by its full form ("山东省", "青岛市") or its short form ("山东", "青岛"); either way
the full form is what an indicator's place holds. A name inside a longer one is not a place of its
own ("沈阳" in "沈阳高压开关有限责任公司" is a company's name): a place followed by 有限 / 公司 / 银行 /
大学 ... is skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# A place name that starts an organisation's name is not a territory.
_ORGANISATION = re.compile(r"[\u4e00-\u9fff（）()]{0,12}?(?:有限|公司|集团|银行|大学|学院|医院|证券|交易所|法院|委员会|管理局|研究院|研究所|中心)")
# Whole-territory words: "全省" is the province the document is about, "全国" / "我国" the country.
WHOLE_PROVINCE = ("全省", "我省", "本省", "全区", "我区")
WHOLE_CITY = ("全市", "我市", "本市")
WHOLE_COUNTRY = ("全国", "我国", "国内")


@dataclass
class ChinesePlaces:
    full: dict[str, str]  # any form -> full name
    kinds: dict[str, str]  # full name -> province | city | municipality | region | country
    pattern: re.Pattern
    provinces: dict[str, str]  # city -> its province

    @classmethod
    def load(cls, path: str | Path) -> ChinesePlaces:
        full: dict[str, str] = {}
        kinds: dict[str, str] = {}
        provinces: dict[str, str] = {}
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t") + ["", "", ""]
            name, kind, shorts, province = parts[0], parts[1], parts[2], parts[3]
            kinds[name] = kind
            if province:
                provinces[name] = province
            full[name] = name
            for short in filter(None, shorts.split(",")):
                full.setdefault(short, name)
        names = sorted(full, key=len, reverse=True)
        return cls(full, kinds, re.compile("|".join(map(re.escape, names))), provinces)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, full name) of each place printed in `text`."""
        out = []
        for m in self.pattern.finditer(text):
            if _ORGANISATION.match(text, m.end()):
                continue
            out.append((m.start(), m.end(), self.full[m.group(0)]))
        return out

    def main_place(self, text: str, kinds: tuple[str, ...] = ("province", "municipality", "city", "region")) -> str:
        """The place `text` names most (ties: the first named), or ""."""
        found = [name for _, _, name in self.find(text) if self.kinds.get(name) in kinds]
        if not found:
            return ""
        counts = Counter(found)
        best = max(counts.values())
        return next(name for name in found if counts[name] == best)

    def province(self, text: str) -> str:
        """The province `text` names most, else the province of the city it names most."""
        return self.main_place(text, ("province", "municipality")) or self.provinces.get(self.main_place(text, ("city",)), "")


@lru_cache(maxsize=2)
def load_chinese_places(path: str) -> ChinesePlaces:
    return ChinesePlaces.load(path)


_DEFAULT: list[ChinesePlaces] = []


def default_chinese_places() -> ChinesePlaces:
    """The gazetteer shipped in models/places_zh.txt, loaded once."""
    if not _DEFAULT:
        from ..config import models_dir

        _DEFAULT.append(load_chinese_places(str(Path(models_dir()) / "places_zh.txt")))
    return _DEFAULT[0]
