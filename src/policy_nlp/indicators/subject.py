"""The subject phrase of a number — what is counted or measured — from tags and the dependency parse.

Readings, tried in order:
1. "X% of Y", "1/7 of the national total": the noun phrase after "of".
2. "a total of 162000 5G base stations": the noun phrase right after the quantity. Read from the
   part-of-speech tags rather than the tree, because the small model attaches long technical
   compounds ("national level internet backbone direct connection points") inconsistently, while
   its tags are reliable.
2b. The subject written before the figure, still from tags: "a deterministic network of 5600
   kilometers", "a thermal efficiency exceeding 50%", "the number of standard racks in use has
   exceeded 240000" (taken only when it clearly starts a clause).
3. Otherwise the dependency tree: the verb's subject ("number of" unwrapped), the noun a measure
   belongs to, the noun a participle hangs on. A tagged Doc without a parse answers None here,
   and the API parses just those sentences.
Ranks ("198 ... centers, ranking first in China") take the nearest noun phrase before them.
Without tags (a tokenizer-only pipeline) reading 2 works on word shapes.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

# Universal POS from the fine-grained tag, for pipelines without an attribute ruler (the API
# leaves it out: it maps tags to POS with a Matcher and costs as much as the tagger).
_TAG_TO_POS = {
    "NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ",
    "VB": "VERB", "VBD": "VERB", "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB", "MD": "AUX",
    "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "WRB": "ADV", "IN": "ADP", "RP": "ADP", "DT": "DET", "PDT": "DET",
    "WDT": "DET", "PRP": "PRON", "PRP$": "PRON", "WP": "PRON", "WP$": "PRON", "EX": "PRON", "CD": "NUM",
    "CC": "CCONJ", "TO": "PART", "POS": "PART", "UH": "INTJ", "SYM": "SYM", "FW": "X", "LS": "X", "ADD": "X",
    "XX": "X", "AFX": "ADJ", "HYPH": "PUNCT", "NFP": "PUNCT", ",": "PUNCT", ".": "PUNCT", ":": "PUNCT",
    "``": "PUNCT", "''": "PUNCT", "-LRB-": "PUNCT", "-RRB-": "PUNCT", "$": "SYM", "_SP": "SPACE",
}
_AUX_WORDS = {"be", "is", "are", "was", "were", "been", "being", "am", "has", "have", "had", "having", "do", "does",
              "did", "will", "would", "shall", "should", "can", "could", "may", "might", "must"}


def upos(t: Token) -> str:
    """The token's universal POS: from the pipeline if it set one, else from the tag."""
    pos = t.pos_
    if pos:
        return pos
    pos = _TAG_TO_POS.get(t.tag_, "")
    if pos == "VERB" and t.lower_ in _AUX_WORDS and t.dep_ in ("aux", "auxpass"):
        return "AUX"
    return pos

# Nouns that only wrap the real subject: "the number of X", "the total of X".
WRAPPERS = {"number", "numbers", "total", "amount", "quantity", "count", "volume", "sum", "scale", "size",
            "tally", "stock", "majority", "group", "batch"}
_DETERMINERS = {"the", "a", "an", "this", "these", "those", "that", "its", "their", "our", "his", "her", "such", "each",
                "every", "all", "some", "any", "various", "respective", "only", "other"}
_PP_HEADS = {"of", "for", "in", "on", "above"}  # "above": "enterprises above designated size"
# "57% of the total": the whole says nothing; the subject is elsewhere in the clause.
_GENERIC_WHOLES = {"total", "whole", "all", "sum", "overall", "rest"}
# "a 2.5-fold increase": the change, not the thing that changed.
_CHANGE_NOUNS = {"increase", "rise", "growth", "decline", "decrease", "drop", "fall", "reduction", "gain", "jump",
                 "cut", "improvement", "expansion", "loss"}
# Participles that start a new phrase rather than modify a noun ("platforms including Jier ...").
_NOT_MODIFIER_VERBS = {"including", "excluding", "following", "according", "regarding", "concerning", "involving",
                       "covering", "using", "reaching", "exceeding", "accounting", "ranking", "compared", "based",
                       "built", "selected", "approved", "located", "owned", "making", "becoming", "creating"}
# "an average of 90 work-hours": the statistic, not what it is of.
_STATISTICS = {"average", "mean", "median", "maximum", "minimum", "estimate", "peak"}
_CALENDAR_NOUNS = {"year", "month", "week", "day", "quarter", "season", "annum", "hour", "decade"}
_PLACE_NOUNS = {"province", "country", "city", "region", "nation", "world", "county", "district", "prefecture", "state"}
_NP_POS = {"NOUN", "PROPN", "ADJ", "X"}
_CLAUSE_VERBS = {"VERB", "AUX"}
_MAX_TOKENS = 14
_OPEN_QUOTES = {"“": "”", "‘": "’", "\"": "\"", "(": ")"}


def subject_of(doc: Doc, span: Span, skip: set[int], places: set[str], kind: str = "count",
               core: Span | None = None) -> str | None:
    """Subject phrase of the quantity `span` (`core`: its number and unit, without qualifier words);
    `skip` holds the tokens of other quantities and of time phrases.

    None means: only the dependency tree can tell, and this Doc is tagged but not parsed (the API
    then parses just these sentences)."""
    core = core or span
    if _in_arithmetic(doc, span):
        return ""  # "$7,650 (90 work-hours × $85 per work-hour)": the terms of a sum name nothing
    tagged = doc.has_annotation("TAG")
    if kind == "rank":
        return _rank_subject(doc, span, skip, places) if tagged else ""
    after = span.end
    if after < len(doc) and doc[after].lower_ == "of":
        words = _run(doc, after + 1, skip, tagged, places, strip_owner=True)
        if words:
            words += _attachments(doc, words[-1].i + 1, skip, tagged, places)
        if words and _generic_whole(words, places) and tagged:
            # "86,000 rural households, about 42% of the total, now host ...": a share of the
            # figure written just before it
            k = span.start - 1
            if k >= 1 and doc[k].text == "," and k - 1 not in skip and upos(doc[k - 1]) == "NOUN":
                return _join(_left_phrase(doc, k - 1, skip, tagged, places))
            # "four ... platforms have been cultivated, accounting for 1/7 of the national total":
            # a share of what the figure before it counts
            counted = _counted_before(doc, span.start, skip, tagged, places)
            if counted and len(words) > 1:
                return f"{_join(words)} of {_join(counted)}"
            if counted:
                return _join(counted)
        if words and not (len(words) == 1 and words[0].lower_ in _GENERIC_WHOLES):
            if tagged and kind in ("percent", "fraction"):
                # "60% of ... industrial investment has been invested in technological transformation"
                words += _passive_predicate(doc, words[-1].i + 1, skip, places)
            return _join(words)
    words = _run(doc, after, skip, tagged, places)
    if len(words) == 1 and words[0].lower_ in WRAPPERS and words[0].i + 1 < len(doc) and doc[words[0].i + 1].lower_ == "of":
        words = _run(doc, words[0].i + 2, skip, tagged, places) or words  # "2.3 times the number of X"
    if words and not (len(words) == 1 and words[0].lower_ in _CHANGE_NOUNS):
        if len(words) == 1 and tagged:
            predicate = _passive_predicate(doc, words[0].i + 1, skip, places)
            if predicate:
                return _join(words + predicate)
            having = _what_they_have(doc, span.start, skip, places)
            if having:
                return f"{_join(words)} with {_join(having)}"
        return _join(words + _attachments(doc, words[-1].i + 1, skip, tagged, places))
    if tagged:
        words = _before(doc, span, core, skip, places)
        if words:
            holder = _holder(doc, words[0].i, skip, places)
            return f"{_join(words)} of {_join(holder)}" if holder else _join(words)
    if tagged and not doc.has_annotation("DEP"):
        return None
    if doc.has_annotation("DEP"):
        if upos(core.root) == "VERB":  # "has almost doubled": what doubled is the clause subject
            head = _clause_subject(core.root, set(range(core.start, core.end)), skip)
        else:
            head = _head_noun(core, skip)
            if head is not None and head.lower_ in _STATISTICS:
                # "revising the MEL takes an average of 90 work-hours": what takes them, if the
                # verb's own subject names it ("each receives an average of": the statistic says more)
                doer = next((c for c in head.head.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")
                             and c.i not in skip), None) if head.head.i != head.i else None
                if doer is not None and upos(doer) not in ("PRON", "DET"):
                    head = doer
        if head is not None:
            if upos(head) == "VERB":  # a gerund subject: "Extending care insurance to all ... would cost"
                return _join([t for t in head.subtree][:_MAX_TOKENS])
            return _phrase_of(head, skip, tagged, places, core)
    return ""


_OPERATORS = {"×", "x", "*", "=", "+", "÷"}


def _in_arithmetic(doc: Doc, span: Span) -> bool:
    """Whether the figure is a term of a calculation in brackets: "(90 work-hours × $85)"."""
    start = next((k for k in range(span.start - 1, max(-1, span.start - 12), -1) if doc[k].text in "()"), None)
    if start is None or doc[start].text != "(":
        return False
    end = next((k for k in range(span.end, min(len(doc), span.end + 12)) if doc[k].text in "()"), None)
    if end is None or doc[end].text != ")":
        return False
    return any(doc[k].text in _OPERATORS for k in range(start + 1, end))


_SCOPE_WORDS = {"national", "provincial", "municipal", "regional", "global", "world", "worldwide", "country", "nation",
                "overall", "entire", "whole", "same", "state", "federal", "grand", "combined"}


def _generic_whole(words: list[Token], places: set[str]) -> bool:
    """ "the total", "the national total", "Shandong's overall total": a whole that names no thing."""
    return words[-1].lower_ in _GENERIC_WHOLES and all(
        w.lower_ in _SCOPE_WORDS or w.text in places or w.lower_ in _GENERIC_WHOLES for w in words[:-1])


def _counted_before(doc: Doc, start: int, skip: set[int], tagged: bool, places: set[str]) -> list[Token]:
    """What the nearest figure before `start` in the same clause counts ("four [platforms]")."""
    k = start - 1
    while k >= 0 and doc[k].text not in (";", ".") and k not in skip:
        k -= 1
    if k < 0 or k not in skip:
        return []
    while k + 1 < start and k + 1 in skip:
        k += 1  # the figure's last token
    words = _run(doc, k + 1, skip, tagged, places)
    return words if words and words[-1].i < start else []


# -- reading 2: the noun phrase after the number ------------------------------------------------

def _np_token(t: Token, tagged: bool) -> bool:
    if not tagged:
        return t.is_alpha and not t.is_stop
    if upos(t) in ("NOUN", "PROPN", "ADJ") or (upos(t) == "X" and t.is_alpha):
        return True
    return _np_verb(t)


def _np_verb(t: Token) -> bool:
    """A verb form inside a noun phrase: "technology oriented ... libraries", "cross domain platforms".

    Decided from the neighbours' tags, not from the tree, so a tagged-only Doc reads the same
    phrase as a parsed one.
    """
    if t.tag_ not in ("VBN", "VBG") or t.i + 1 >= len(t.doc):
        return False
    if _hyphen_compound(t):
        return True  # "state-owned enterprises", "export-oriented firms": one adjective
    if t.lower_ in _NOT_MODIFIER_VERBS:
        return False
    nxt = t.doc[t.i + 1]
    return upos(nxt) in ("NOUN", "ADJ", "PROPN") or (nxt.like_num and not nxt.whitespace_)  # "existing 5G applications"


def _hyphen_compound(t: Token) -> bool:
    """The second half of a hyphenated word: "owned" in "state-owned"."""
    return t.i >= 2 and t.doc[t.i - 1].text == "-" and not t.doc[t.i - 1].whitespace_ and not t.doc[t.i - 2].whitespace_


def _run(doc: Doc, i: int, skip: set[int], tagged: bool, places: set[str], strip_owner: bool = False) -> list[Token]:
    """Noun-phrase tokens from doc[i] on, ending on a noun; [] when none starts there."""
    n = len(doc)
    if i < n and doc[i].lower_ in ("a", "an", "per", "each", "every") and i + 1 < n and doc[i + 1].lower_ in _CALENDAR_NOUNS:
        return []  # "300 yuan a month", "50,000 people a year": a rate, not what is counted
    while i < n and (doc[i].lower_ in _DETERMINERS or upos(doc[i]) == "DET"):
        i += 1
    out: list[Token] = []
    k = i
    while k < n and len(out) < _MAX_TOKENS:
        t = doc[k]
        if k in skip:
            if strip_owner:
                out = []  # "60% of Shandong Province's 10 trillion yuan industrial investment"
                k += 1
                continue
            break
        if t.text in _OPEN_QUOTES and t.text != "(":
            close = _closing(doc, k)
            if close is None:
                break
            out.extend(doc[k:close + 1])
            k = close + 1
            continue
        if t.text in ("’s", "'s", "’", "'") and strip_owner:
            out = []
            k += 1
            continue
        if _np_token(t, tagged):
            out.append(t)
        elif t.like_num and k + 1 < n and not t.whitespace_ and _np_token(doc[k + 1], tagged):
            out.append(t)  # "5G", "4K": a number glued into a name
        elif t.tag_ == "HYPH" or (t.text == "-" and not t.whitespace_):
            out.append(t)
        elif t.lower_ in ("and", "&") and out and k + 1 < n and not upos(doc[k + 1]) == "PROPN" and (
                _np_token(doc[k + 1], tagged) or _coordinated_modifier(doc, k + 1, tagged)):
            out.append(t)  # "research and development centers"
            if not _np_token(doc[k + 1], tagged):
                out.append(doc[k + 1])  # "cross industry and cross domain platforms": "cross" tagged a verb
                k += 1
        elif tagged and t.tag_ in ("VBZ", "VBP") and t.text.islower() and t.text.endswith("s") and out and \
                upos(out[-1]) in ("PROPN", "NOUN") and k + 1 < n and doc[k + 1].lower_ in ("on", "in", "of", "for", "at", "with"):
            out.append(t)  # "ETC lanes on highways": a plural noun mis-tagged as a verb
        else:
            break
        k += 1
    if strip_owner:
        out = [t for t in out if not (t.text in places and upos(t) == "PROPN")]
        while out and out[0].lower_ in ("province", "city", "’s", "'s"):
            out.pop(0)
    while out and not _nounish(out[-1], tagged):
        out.pop()
    return out


def _coordinated_modifier(doc: Doc, k: int, tagged: bool) -> bool:
    """doc[k], after "and", opens a second modifier of the same head although its tag says verb:
    "cross industry and cross domain industrial internet platforms". Only between modifiers: the
    word before "and" is a singular noun or adjective (after a plural, "and" joins two things)
    and a run of noun-phrase words ending in a plural noun follows."""
    if not tagged or doc[k].tag_ != "VB" or doc[k - 2].tag_ not in ("NN", "JJ") or k + 1 >= len(doc) \
            or doc[k + 1].tag_ != "NN":
        return False  # "wage and fund additional places": a verb and its object
    j = k + 1
    while j < len(doc) and _np_token(doc[j], tagged):
        j += 1
    return j > k + 1 and doc[j - 1].tag_ == "NNS"


def _nounish(t: Token, tagged: bool) -> bool:
    if t.text in _OPEN_QUOTES.values() or _value_added(t):
        return True
    if not tagged:
        return t.is_alpha
    return upos(t) in ("NOUN", "PROPN", "X") or (t.tag_ in ("VBZ", "VBP") and t.text.endswith("s"))


def _closing(doc: Doc, k: int) -> int | None:
    closing = _OPEN_QUOTES[doc[k].text]
    for j in range(k + 1, min(len(doc), k + 12)):
        if doc[j].text == closing or (closing == "\"" and doc[j].text == "\""):
            return j
    return None


def _attachments(doc: Doc, i: int, skip: set[int], tagged: bool, places: set[str]) -> list[Token]:
    """Short 'of / for / in / on' phrases after the head: 'secondary nodes for industrial internet ...'."""
    out: list[Token] = []
    for _ in range(2):
        if i >= len(doc) or doc[i].lower_ not in _PP_HEADS or i in skip:
            break
        words = _run(doc, i + 1, skip, tagged, places)
        if not words or any(t.text in places or upos(t) == "PROPN" and doc[i].lower_ == "in" or
                            t.lower_ in _PLACE_NOUNS and doc[i].lower_ == "in" for t in words):
            break  # "in Shandong" is the place; "in 2022" the period
        if len(out) + len(words) + 1 > _MAX_TOKENS:
            break
        out.extend(doc[i:words[-1].i + 1])
        i = words[-1].i + 1
    return out


_PASSIVE_AUX = {"be", "is", "are", "was", "were", "been", "being"}
_VERB_GROUP = _PASSIVE_AUX | {"has", "have", "had", "will", "would", "can", "could", "should", "may", "might", "also",
                              "already", "now", "successively", "respectively"}
_EXAMPLES = {"including", "like", "namely"}


def _passive_predicate(doc: Doc, i: int, skip: set[int], places: set[str]) -> list[Token]:
    """'A total of 29 platforms have been selected as national level characteristic professional
    platforms': a bare counted noun ("platforms") says little; with its passive predicate it says
    which platforms ("platforms selected as national level ..."). From tags only; [] when the noun
    is not the subject of a passive verb.

    Examples between the noun and its verb are skipped: "Twelve cities, including Zaozhuang,
    Jining, and Weihai, were selected as ..."."""
    n = len(doc)
    k = i
    if k < n and doc[k].text == ",":
        k += 1
    if k < n and doc[k].lower_ in _EXAMPLES:
        k += 1
        while k < n and doc[k].lower_ not in _VERB_GROUP and doc[k].text not in (";", ".", ":") and k - i < 16:
            k += 1
    passive = False
    while k < n and (doc[k].lower_ in _VERB_GROUP or doc[k].text == ","):
        passive = passive or doc[k].lower_ in _PASSIVE_AUX
        k += 1
    if not passive or k >= n or doc[k].tag_ != "VBN" or k in skip:
        return []
    out = [doc[k]]
    k += 1
    if k < n and doc[k].tag_ in ("IN", "RP") and k not in skip:
        words = _run(doc, k + 1, skip, True, places)
        in_place = doc[k].lower_ in ("in", "at") and any(t.text in places or upos(t) == "PROPN" for t in words)
        if words and not in_place and len(words) + 3 <= _MAX_TOKENS:
            out += [doc[k]] + words
    return out


def _what_they_have(doc: Doc, start: int, skip: set[int], places: set[str]) -> list[Token]:
    """'has achieved full coverage in 16 cities', 'pilot zones across 12 provinces': the counted set
    is described by the noun phrase before "in"/"across" ("cities with full coverage")."""
    k = start - 1
    if k < 1 or doc[k].lower_ not in ("in", "across") or k - 1 in skip or upos(doc[k - 1]) != "NOUN":
        return []
    words = _left_phrase(doc, k - 1, skip, True, places)
    while words and words[0].tag_.startswith("VB"):
        words.pop(0)  # "has achieved full coverage": the verb is no part of what the cities have
    return words if len(words) <= _MAX_TOKENS // 2 else []


# -- reading 2b: the noun phrase before the number, from tags -------------------------------------

_AUX_CHAIN = {"has", "have", "had", "been", "is", "are", "was", "were", "be", "will", "would", "could", "can",
              "should", "may", "might", "already", "now", "also", "still", "further", "steadily", "nearly",
              "almost", "reportedly", "respectively"}
_SUBJECT_STOPS = {"that", "which", "who", "where", "when", "while", "and", "or", "but", "as", "than", "if"}


def _before(doc: Doc, span: Span, core: Span, skip: set[int], places: set[str]) -> list[Token] | None:
    """'a deterministic network of 5600 kilometers', 'a thermal efficiency exceeding 50%',
    'the number of standard racks in use has exceeded 240000': the subject written before the figure.

    A reading from tags only, so most sentences need no dependency parse; where it finds nothing
    the tree decides."""
    i = span.start - 1
    if i < 0:
        return None
    t = doc[i]
    if t.lower_ == "of" and i >= 1 and _nounish(doc[i - 1], True) and i - 1 not in skip \
            and doc[i - 1].lower_ not in WRAPPERS and doc[i - 1].lower_ not in ("terms", "one", "each") \
            and doc[i - 1].lower_ not in _STATISTICS:
        return _left_phrase(doc, i - 1, skip, True, places)  # "a network of 5600 kilometers"
    if t.lower_ == "from" and i >= 1 and i - 1 not in skip and upos(doc[i - 1]) == "NOUN":
        words = _object_phrase(doc, i - 1, skip)  # "raise the share of X from 8.5% to 15%"
        if words:
            return words
    if span.start < core.start and upos(t) == "NOUN" and i not in skip:
        return _left_phrase(doc, i, skip, True, places)  # "thermal efficiency exceeding 50%"
    # "X has reached 210", "X has grown to 6,850", "X rose by 18.4%"
    k = i
    while k >= 0 and doc[k].lower_ in ("a", "an", "another", "further", "additional", "extra"):
        k -= 1  # "wind turbines added a further 640 MW"
    if k >= 0 and doc[k].lower_ in ("to", "by", "at", "about", "around", "from"):
        k -= 1
    if k < 0 or not doc[k].tag_.startswith("VB") or doc[k].lower_ in _AUX_CHAIN and doc[k].lower_ not in ("has", "have", "had", "is", "are", "was", "were"):
        return None
    k -= 1
    while k >= 0 and (doc[k].lower_ in _AUX_CHAIN or doc[k].tag_ in ("RB", "MD")):
        k -= 1
    if k < 0 or k in skip or not (upos(doc[k]) in ("NOUN", "PROPN") or _value_added(doc[k])):
        return None
    return _subject_phrase(doc, k, skip, places) or _gerund_subject(doc, k, skip)


def _gerund_subject(doc: Doc, end: int, skip: set[int]) -> list[Token] | None:
    """'Extending coverage to all older residents would cost 380 million yuan': a clause that opens
    with a gerund is the subject, up to its verb."""
    start = end
    while start > 0 and not (doc[start - 1].is_punct and doc[start - 1].tag_ != "HYPH") and start - 1 not in skip:
        start -= 1
    if doc[start].tag_ != "VBG" or (start > 0 and not doc[start - 1].is_punct) or end - start >= _MAX_TOKENS:
        return None
    return list(doc[start:end + 1])


def _value_added(t: Token) -> bool:
    """'industrial value added': a noun phrase of statistics that ends in a participle."""
    return t.lower_ == "added" and t.i > 0 and t.doc[t.i - 1].lower_ == "value"


def _holder(doc: Doc, start: int, skip: set[int], places: set[str]) -> list[Token]:
    """'70000 technological transformation projects with an investment of over 5 million yuan': the
    figure measures the investment *of the projects*. The noun phrase that holds the measure (the
    one before "with"), or [] when there is none."""
    k = start - 1
    while k >= 0 and doc[k].lower_ in ("a", "an", "the"):
        k -= 1
    if k < 1 or doc[k].lower_ != "with" or k - 1 in skip or upos(doc[k - 1]) != "NOUN":
        return []
    return _left_phrase(doc, k - 1, skip, True, places)


def _subject_phrase(doc: Doc, end: int, skip: set[int], places: set[str]) -> list[Token] | None:
    """The clause subject ending at doc[end], unwrapped ('the total number of X' -> X) and without a
    trailing place ('... in Shandong')."""
    start = end
    while start - 1 >= 0 and end - start < _MAX_TOKENS:
        prev = doc[start - 1]
        if prev.i in skip or prev.is_punct and prev.tag_ != "HYPH" or prev.lower_ in _SUBJECT_STOPS:
            break
        glued = prev.like_num and not prev.whitespace_ and _np_token(doc[start], True)  # "5G", "4K"
        if not (_np_token(prev, True) or glued or prev.tag_ == "HYPH" or prev.lower_ in ("of", "in", "on", "for", "per") or
                upos(prev) == "DET"):
            break
        start -= 1
    if not _clause_start(doc, start, skip):
        return None  # "... connected to public networks rose": the subject goes on further left
    words = list(doc[start:end + 1])
    while words and (words[0].lower_ in _DETERMINERS or upos(words[0]) in ("DET", "ADP")):
        words.pop(0)
    # "the total number of X": X
    for k, w in enumerate(words):
        if w.lower_ in WRAPPERS and k + 1 < len(words) and words[k + 1].lower_ == "of" and all(
                upos(x) == "ADJ" for x in words[:k]):
            words = words[k + 2:]
            break
    while words and (words[0].lower_ in _DETERMINERS or upos(words[0]) == "DET"):
        words.pop(0)
    # "... in Shandong", "... in the province": where, not what
    for k, w in enumerate(words):
        if w.lower_ == "in" and all(x.text in places or x.lower_ in _PLACE_NOUNS or upos(x) in ("DET", "PROPN")
                                    for x in words[k + 1:]):
            words = words[:k]
            break
    if not words or words[-1].text in places or not _nounish(words[-1], True):
        return None
    return words


def _object_phrase(doc: Doc, end: int, skip: set[int]) -> list[Token] | None:
    """The object of a change verb, ending at doc[end]: 'raise [the share of older residents receiving
    regular home visits] from 8.5% to 15%'. It starts right after the verb; None when no verb
    (or a figure, or a clause boundary) comes first within reach."""
    start = end
    while start - 1 >= 0 and end - start < _MAX_TOKENS:
        prev = doc[start - 1]
        if prev.tag_ in ("VB", "VBD", "VBP", "VBZ", "MD") and prev.i not in skip:
            words = list(doc[start:end + 1])
            while words and (words[0].lower_ in _DETERMINERS or upos(words[0]) == "DET"):
                words.pop(0)
            return words or None
        if prev.i in skip or prev.is_punct and prev.tag_ != "HYPH":
            return None
        start -= 1
    return None


def _clause_start(doc: Doc, start: int, skip: set[int]) -> bool:
    """Does a subject read from tags really begin at doc[start]? Only after a clear boundary:
    the sentence start, a comma or semicolon, ", and", or a time phrase or figure ("In 2022 the ...")."""
    if start == 0:
        return True
    prev = doc[start - 1]
    if prev.text in (",", ";", ":", "(", "“") or prev.i in skip:
        return True
    if prev.lower_ in ("and", "but", "while", "whereas") and start >= 2 and (doc[start - 2].text in (",", ";") or start - 2 in skip):
        return True
    return False


# -- reading 3: the dependency tree --------------------------------------------------------------

def _head_noun(core: Span, skip: set[int]) -> Token | None:
    head = _head_noun_raw(core, skip)
    if head is not None and head.i in skip:
        # "3 trillion yuan of manufacturing investment, of which 40% ...": past the other figure
        of = next((c for c in head.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        return obj if obj is not None and obj.i not in skip and _is_noun(obj) else None
    return head


def _head_noun_raw(core: Span, skip: set[int]) -> Token | None:
    inside = set(range(core.start, core.end))
    token = core.root
    for _ in range(6):
        head, dep = token.head, token.dep_
        if head.i == token.i:
            return None
        if head.i in inside:
            token = head
            continue
        if dep == "pobj" and head.lower_ == "of" and _is_noun(head.head) and head.head.i not in skip:
            return _unwrap(head.head)  # "a network of 5600 kilometers", "an investment of over 5 million yuan"
        if dep in ("nummod", "compound", "amod", "nmod", "quantmod") and _is_noun(head) and head.i > token.i:
            return _unwrap(head)
        if dep in ("nsubj", "nsubjpass") and upos(head) in _CLAUSE_VERBS:
            # "of which more than 80% were small and medium-sized enterprises"
            obj = next((c for c in head.rights if c.dep_ in ("attr", "dobj") and _is_noun(c) and c.i not in inside), None)
            if obj is not None:
                return _unwrap(obj)
        if upos(head) in _CLAUSE_VERBS:
            subject = _clause_subject(head, inside, skip)
            if subject is not None:
                return subject
            if head.dep_ in ("acl", "relcl") and _is_noun(head.head):
                return _unwrap(head.head)  # "a thermal efficiency exceeding 50%"
        if dep in ("acl", "relcl") and _is_noun(head):
            return head
        token = head
    return None


def _is_noun(token: Token) -> bool:
    return upos(token) in ("NOUN", "PROPN")


def _unwrap(noun: Token) -> Token:
    """'the total number of various X' -> X."""
    for _ in range(3):
        if noun.lower_ not in WRAPPERS:
            break
        of = next((c for c in noun.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if obj is None or not _is_noun(obj):
            break
        noun = obj
    return noun


def _clause_subject(verb: Token, inside: set[int], skip: set[int]) -> Token | None:
    """The subject of the clause a number is the object of, following conjoined verbs up."""
    for _ in range(4):
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in inside), None)
        if subject is not None:
            if subject.i in skip or upos(subject) == "PRON":
                return None
            if upos(subject) == "VERB" and subject.tag_ == "VBG":
                return subject
            return _unwrap(subject) if _is_noun(subject) else None
        if verb.dep_ in ("conj", "xcomp", "advcl", "ccomp") and upos(verb.head) in _CLAUSE_VERBS:
            verb = verb.head
            continue
        return None
    return None


def _phrase_of(head: Token, skip: set[int], tagged: bool, places: set[str], core: Span) -> str:
    """The head noun with the modifiers on its left and short attachments on its right."""
    doc = head.doc
    left = head.i
    while left - 1 >= 0 and left - 1 not in skip and doc[left - 1].i not in range(core.start, core.end) and (
        _np_token(doc[left - 1], tagged) or doc[left - 1].tag_ == "HYPH"
    ) and doc[left - 1].text not in places:
        left -= 1
    words = [t for t in doc[left:head.i + 1]]
    return _join(words + _attachments(doc, head.i + 1, skip | set(range(core.start, core.end)), tagged, places))


def _rank_subject(doc: Doc, span: Span, skip: set[int], places: set[str]) -> str:
    """'198 ... centers, ranking first in China' -> the centres: the nearest noun phrase before the rank."""
    k = span.start - 1
    tagged = doc.has_annotation("TAG")
    while k >= 0 and doc[k].text != ";":
        t = doc[k]
        if _nounish(t, tagged) and upos(t) != "PUNCT" and t.i not in skip and t.text not in places and \
                t.lower_ not in ("terms", "quantity", "country", "world", "nation") and not t.like_num:
            words = _left_phrase(doc, k, skip, tagged, places)
            return _join(words)
        k -= 1
    return ""


def _left_phrase(doc: Doc, head: int, skip: set[int], tagged: bool, places: set[str]) -> list[Token]:
    """The head noun doc[head] with the noun-phrase words on its left, quotes kept whole."""
    left = head
    while left - 1 >= 0 and left - 1 not in skip and doc[left - 1].text not in places and (
        _np_token(doc[left - 1], tagged) or doc[left - 1].tag_ == "HYPH" or doc[left - 1].text in ("“", "‘")
        or (doc[left - 1].text in ("”", "’") and left - 1 > 0)
    ):
        left -= 1
    words = list(doc[left:head + 1])
    if words and words[-1].i + 1 < len(doc) and doc[words[-1].i + 1].text in ("”", "’") and any(t.text in ("“", "‘") for t in words):
        words.append(doc[words[-1].i + 1])
    while words and words[0].text in ("”", "’"):
        words.pop(0)
    return words


def _join(tokens: list[Token]) -> str:
    if not tokens:
        return ""
    # Tokens that were not neighbours in the sentence ("cities, including ..., were selected") are
    # joined with a space even when the first one had none after it.
    parts = []
    for t, nxt in zip(tokens, tokens[1:] + [None]):
        parts.append(t.text_with_ws if nxt is None or nxt.i == t.i + 1 or t.whitespace_ else t.text + " ")
    return "".join(parts).strip()
