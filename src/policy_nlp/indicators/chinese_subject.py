"""The subject of a Chinese figure: the noun phrase before it ("5G基站16.2万个" -> 5G基站).

No parser: the clause before the figure is cut at the last action verb ("累计建成开通5G基站" ->
"5G基站"); link verbs and qualifiers right before the figure ("达到", "约", "超过") are dropped, and
so are the place, whole-territory and time words a clause opens with ("全省", "山东省", "今年以来").
Where nothing is left (the verb's object is the figure: "软件业务收入完成4526.8亿元"), the phrase
before that verb is the subject. A count followed by its noun ("两家全资子公司") takes that noun.
"""

from __future__ import annotations

import re

from .chinese_places import default_chinese_places

# Clause boundaries: a subject never reaches over them.
_BOUNDARY = re.compile(r"[，；。！？：,;:!?（）()【】]|(?<=[\d%万亿元个家户项台座人])、")
# Verbs whose object is the counted thing: the subject follows them ("建成5G基站").
_ACTION = (
    "建成开通|累计建成|建成投运|建成|开通|投运|培育|带动|引进|新增|拥有|遴选|培训|设立|新建|建设|偿付|支付|"
    "履行|涉及|安排|投入|给予|发放|出售|持有|吸引|认定|创建|打造|部署|落地|实施|完成|实现|吸纳|服务|"
    "覆盖|惠及|帮扶|提供|签约|招引|集聚|聚集|净流出|流出|流入|补助|资助|奖励|扶持|累计"
)
_ACTION_RE = re.compile(_ACTION)
# Words between the subject and the figure: link verbs, qualifiers, change words.
_TAIL = re.compile(
    r"(?:达到|达|为|是|有|约为|约|大约|近|将近|接近|超过|逾|突破|超|不足|不到|低于|高于|不超过|不宜超过|一般不宜超过|最高|最多|仅|"
    r"仅有|仍在|在|连续多年|多年|连续|稳居|居全国|位居全国|居全省|位居全省|居|位居|位列|排名|全国|全省|合计|共计|共|总计|分别为|分别|已|已达|平均|提高到|提高至|提升到|增长到|下降到|降至|降到|增至|"
    r"同比增长|同比下降|同比上升|环比增长|环比下降|同比|环比|比上年|较上年|增长|增加|提高|提升|上升|下降|降低|减少|"
    r"占比|占|的|了|将|力争|要|可|和|及|与|以及|按|给予|保持|稳定在|控制在|\s)+$"
)
# Words a clause opens with that are not the subject.
_HEAD = re.compile(
    r"^(?:其中|目前|当前|近年来|今年以来|今年|去年|同时|此外|另外|截至\S{0,10}?[底末]|全省|全市|全国|全区|我省|我市|我国|本省|"
    r"全县|各地|累计|共|已|均|并|而|但|和|及|与|以及|对|向|将|新|已经|共有|据测算|据统计|初步统计|经测算|"
    r"到\d{4}年(?:底|末)?|\d{4}年(?:底|末)?|[“\"]?十[一二三四五]五[”\"]?(?:期间|时期)?|\s)+"
)
_MAX = 24


def subject_before(text: str, pos: int, floor: int = 0) -> str:
    """The subject phrase printed before the figure at `pos` (not before `floor`, the end of the
    figure before it in the same sentence)."""
    start = floor
    for m in _BOUNDARY.finditer(text, floor, pos):
        start = m.end()
    clause = text[start:pos]
    clause = _TAIL.sub("", clause)
    verbs = list(_ACTION_RE.finditer(clause))
    if verbs:
        after = _TAIL.sub("", clause[verbs[-1].end():])
        after = _tidy(after)
        if after:
            return after[-_MAX:]
        clause = clause[:verbs[-1].start()]
    subject = _tidy(_TAIL.sub("", clause))[-_MAX:]
    if not subject:
        # Nothing but a link word: "，合计37,745,190元" is the total.
        subject = re.sub(r"[\s、，,的]|^(?:以及|和|及|与)", "", text[start:pos])
        subject = subject if re.fullmatch(r"合计|共计|总计|小计", subject) else ""
    return subject


def subject_after(text: str, pos: int) -> str:
    """The noun a count is followed by: "两家全资子公司高才科技…" -> 全资子公司高才科技…, up to a boundary or verb."""
    m = _BOUNDARY.search(text, pos)
    phrase = text[pos:m.start() if m else len(text)]
    stops = [m.start() for m in (_ACTION_RE.search(phrase), re.search(r"拟|将|已|正在|是|为|有|合计|共|占|\d", phrase)) if m]
    if stops:
        phrase = phrase[:min(stops)]
    phrase = re.sub(r"^的", "", phrase.strip())
    return phrase[:_MAX]


def _tidy(phrase: str) -> str:
    phrase = phrase.strip(" 、，,的")
    for _ in range(3):
        before = phrase
        phrase = _HEAD.sub("", phrase)
        phrase = _strip_place(phrase)
        phrase = phrase.strip(" 、，,的")
        if phrase == before:
            break
    return phrase


def _strip_place(phrase: str) -> str:
    """A place the clause opens with ("山东省累计…", "青岛市建成…") is the place, not the subject."""
    found = default_chinese_places().find(phrase[:10])
    if found and found[0][0] == 0 and found[0][1] < len(phrase):
        rest = phrase[found[0][1]:]
        return re.sub(r"^(?:地区|的)", "", rest)
    return phrase
