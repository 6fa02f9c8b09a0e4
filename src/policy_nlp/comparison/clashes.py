"""What keeps two alike figures apart: signs, read from the sentence, that they count different things.

Sentence vectors see that two figures are about the same field; they do not see that one is the
domestic share and the other the foreign one, that one is a size class of counted projects and the
other a project's cost, that one is the part of investment going to technological transformation and
the other the part going to digital projects, or that "29 platforms at provincial level" are not
national platforms. Each test here is a veto on a candidate pair, never a score: the pair's score
and its calibrated threshold stay as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Administrative levels: "national platforms" and "provincial-level platforms" are two different stocks
# however alike the rest of their words and sentences.
_LEVELS = {"national": "national", "nationwide": "national", "country": "national", "federal": "national",
           "provincial": "provincial", "province": "provincial", "state": "provincial", "municipal": "city",
           "city": "city", "prefecture": "city", "prefectural": "city", "county": "county", "district": "district"}
_LEVEL_WORDS = "|".join(_LEVELS)


def _levels_in(text: str) -> set[str]:
    return {_LEVELS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _LEVELS}


_LEVEL_AFTER = re.compile(rf"\s+(?:at|of)\s+(?:the\s+)?({_LEVEL_WORDS})[\s-]+level\b", re.I)


def levels(subject: str, sentence: str = "") -> set[str]:
    """The administrative levels a subject names, or, when it names none, the level stated right
    after it in the sentence ("29 industrial internet platforms at provincial level")."""
    found = _levels_in(subject)
    if found or not subject or not sentence:
        return found
    # A plain search and one compiled pattern: a pattern per subject cost 4.5 s on ten documents.
    at = sentence.lower().find(subject.lower())
    after = _LEVEL_AFTER.match(sentence, at + len(subject)) if at >= 0 else None
    return {_LEVELS[after.group(1).lower()]} if after else set()


def levels_conflict(a: str, b: str, sentence_a: str = "", sentence_b: str = "") -> bool:
    la, lb = levels(a, sentence_a), levels(b, sentence_b)
    return bool(la and lb and not la & lb)


def _whole_word_starts(sentence: str, raw: str) -> list[int]:
    """Where `raw` stands in `sentence` as a whole figure ("11" is not the start of "115")."""
    out, k = [], sentence.find(raw) if raw else -1
    while k >= 0:
        before = sentence[k - 1] if k else " "
        after = sentence[k + len(raw)] if k + len(raw) < len(sentence) else " "
        if not (before.isalnum() or before in "_.,") and not (after.isalnum() or after == "_"):
            out.append(k)
        k = sentence.find(raw, k + 1)
    return out


def clause(indicator) -> tuple[str, str]:
    """The words of the figure's own clause (between commas or semicolons) before and after it."""
    sentence, raw = indicator.sentence or "", indicator.raw_text or ""
    starts = _whole_word_starts(sentence, raw)
    if not starts:
        return "", ""
    at = min(starts, key=lambda k: abs(k - indicator.start))
    low = max(sentence.rfind(",", 0, at), sentence.rfind(";", 0, at)) + 1
    ends = [k for k in (sentence.find(",", at + len(raw)), sentence.find(";", at + len(raw))) if k >= 0]
    return sentence[low:at], sentence[at + len(raw):min(ends) if ends else len(sentence)]


# Words that name the two sides of one whole: a domestic share and a foreign share of a market add up
# to it, they do not measure it twice.
_OPPOSITES = [("domestic", "foreign"), ("public", "private"), ("urban", "rural"), ("import", "export"),
              ("imports", "exports"), ("imported", "exported"), ("male", "female"), ("men", "women"),
              ("inbound", "outbound"), ("state-owned", "private"), ("onshore", "offshore"), ("internal", "external")]
_SIDE = {word: (k, side) for k, pair in enumerate(_OPPOSITES) for side, word in enumerate(pair)}
# "overseas vendors" is the foreign side as well.
_SIDE.update({"overseas": _SIDE["foreign"], "local": _SIDE["domestic"], "indigenous": _SIDE["domestic"]})


def _sides(text: str) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for word in re.findall(r"[a-z-]+", text.lower()):
        if word in _SIDE:
            k, side = _SIDE[word]
            out.setdefault(k, set()).add(side)
    return out


def opposite_sides(x, y) -> bool:
    """One figure's clause names one side of a pair (domestic, urban, imports) and the other's only
    the other side (foreign, rural, exports)."""
    sx, sy = _sides(" ".join(clause(x))), _sides(" ".join(clause(y)))
    return any(len(sx[k]) == 1 and len(sy[k]) == 1 and sx[k] != sy[k] for k in sx.keys() & sy.keys())


_BOUND = r"(?:over|more than|above|at least|exceeding|in excess of|no less than|not less than|less than|below|under|up to|no more than)"


def is_threshold(indicator) -> bool:
    """A bound that defines a class of things counted elsewhere ("projects with an investment of over 5
    million yuan", "firms with annual revenue below 20 million yuan"), not a level of anything. "with
    over 164 million IoT terminals" has no noun between "with" and the bound: that is a level."""
    raw = (indicator.raw_text or "").lower()
    if not re.match(_BOUND + r"\b", raw):
        return False
    before, _ = clause(indicator)
    return bool(re.search(r"\b(?:with|whose)\s+(?:an?\s+|the\s+|their\s+|its\s+)?(?:[a-z-]+\s+){1,3}(?:of\s+|is\s+|are\s+)?$",
                          before.lower()))


# Where a share goes: "60% of investment has been invested in technological transformation", "of which
# roughly 40% is earmarked for digital and intelligent projects", "one third of which is to go to …".
_DESTINATION = re.compile(
    r"\b(?:is|are|was|were|be|been)\b(?:\s+to)?\s+(?:[a-z]+\s+)?(?:in|into|to|for|on)\s+(?:the\s+)?"
    r"(?P<np>[a-z][a-z0-9 &-]*?)\s*(?:\bby\b.*|\bin\s+\d.*|\[\d+\].*|[.!?]\s*)?$")


def share_destination(indicator) -> str:
    """What a share of a whole is spent on or put to, when its clause says so ("" otherwise)."""
    _, after = clause(indicator)
    found = _DESTINATION.search(after.lower().strip())
    return found.group("np").strip() if found else ""


@dataclass(frozen=True)
class Signs:
    """What one figure's sentence says about what it counts, read once per figure (a comparison
    weighs every figure of one document against every figure of the other)."""

    levels: frozenset[str]
    sides: tuple[tuple[int, int], ...]  # (pair of opposites, side) named alone in the figure's clause
    threshold: bool
    destination: str


def signs(indicator) -> Signs:
    sides = _sides(" ".join(clause(indicator)))
    return Signs(levels=frozenset(levels(indicator.indicator or "", indicator.sentence or "")),
                 sides=tuple(sorted((k, next(iter(v))) for k, v in sides.items() if len(v) == 1)),
                 threshold=is_threshold(indicator), destination=share_destination(indicator))


def differ(a: Signs, b: Signs, share: bool, same_meaning) -> str:
    """Why two figures count different things ("" if nothing says so): another administrative level,
    the two sides of one whole, a size class against a level, or shares of a whole put to different uses."""
    if a.levels and b.levels and not a.levels & b.levels:
        return "administrative levels"
    sides_b = dict(b.sides)
    if any(k in sides_b and sides_b[k] != side for k, side in a.sides):
        return "opposite sides of one whole"
    if a.threshold != b.threshold:
        return "a size class against a level"
    if share and a.destination and b.destination and not same_meaning(a.destination, b.destination):
        return "shares put to different uses"
    return ""
