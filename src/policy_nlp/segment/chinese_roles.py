"""Content roles of Chinese passages from their cue words.

The content classifier (roles.ContentClassifier) reads passages through an English sentence
model; Chinese text means little to it. Chinese policy prose marks its role in its wording:
status reports what was reached ("截至2022年底…累计建成…同比增长"), dilemma names what is lacking
("短板", "不足", "制约", "仍然", "尚未"), recommendation says what to do ("加快", "推进", "力争到2025年",
"建议"). Counted per passage, these cues decide its role when one role clearly leads; otherwise the
classifier's reading stands.
"""

from __future__ import annotations

import re

from ..extract.text import has_cjk
from ..vocabulary import CONTENT_ROLES

CUES = {
    "status": re.compile(
        r"截至|累计|已经|已[建达有完实]|达到|突破|同比|环比|较上年|比上年|增长|建成|完成|实现|居全国|位居|占比|比重|"
        r"取得|成效|显著|稳步|持续[提增扩]|提升至|提高到|初步形成|基本建成|达\d"),
    "dilemma": re.compile(
        r"问题|不足|短板|瓶颈|制约|滞后|薄弱|缺口|依赖|偏低|不强|不够|不高|困难|风险|挑战|流失|不平衡|不充分|矛盾|"
        r"难以|尚未|仍然|仍[在有存]|较低|较弱|缺乏|短缺|不完善|亟待|亟需|不足以|差距|低于|受制于|堵点|痛点|仅[占有为]"),
    "recommendation": re.compile(
        r"建议|应当|应该|[要应]加|加快|推进|推动|强化|完善|加强|鼓励|支持|力争|实施|建立|健全|引导|着力|切实|积极|"
        r"大力|进一步|给予|补贴|(?:力争|争取)?到\s?20\d\d\s?年|争取|优化|深化|构建|打造|谋划|统筹|落实"),
}
# A role leads when it has at least this many cues and this many more than the next.
MIN_CUES = 2
MIN_LEAD = 1


def is_chinese_text(text: str) -> bool:
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    return has_cjk(text) and cjk >= 10 and cjk >= len(re.findall(r"[A-Za-z]", text))


def cue_counts(text: str) -> dict[str, int]:
    return {role: len(pattern.findall(text)) for role, pattern in CUES.items()}


def chinese_role(text: str) -> tuple[str, float] | None:
    """(role, confidence) of a Chinese passage whose cues clearly lead, else None."""
    if not is_chinese_text(text):
        return None
    counts = cue_counts(text)
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    (best, n), (_, second) = ranked[0], ranked[1]
    if n < MIN_CUES or n - second < MIN_LEAD:
        return None
    return best, round(n / max(1, sum(counts.values())), 3)


def chinese_probabilities(texts: list[str], probs) -> None:
    """Overwrite, in place, the classifier's probabilities of the Chinese passages whose cues lead
    (rows in CONTENT_ROLES order) with the cues' reading."""
    for row, text in enumerate(texts):
        found = chinese_role(text)
        if found is None:
            continue
        role, _ = found
        # Sharp enough that reading in order (neighbours tend to share a role) does not undo it.
        probs[row] = [(0.9 if r == role else 0.05) for r in CONTENT_ROLES]


def reads_as_chinese_policy(texts: list[str]) -> bool | None:
    """For a document of Chinese passages: whether half of them carry content cues (None when the
    passages are not mostly Chinese, so the classifier decides)."""
    chinese = [t for t in texts if is_chinese_text(t)]
    if len(chinese) < max(1, len(texts) // 2):
        return None
    cued = sum(1 for t in chinese if sum(cue_counts(t).values()) >= MIN_CUES)
    return cued >= len(chinese) / 2
