"""The spaCy patterns of the indicator component, loaded from models/indicator_patterns.jsonl.

Each line is either a token pattern for spaCy's Matcher ({"label", "pattern"}) or a regular
expression over characters ({"label", "regex"}) for things a tokenizer cuts apart (e-mail
addresses, phone numbers, citation marks). An optional "note" says why the pattern exists.

Patterns made only of fixed words ("more than", "as of the end of", "one is to") are run through
a PhraseMatcher instead of the Matcher: they match the same spans, but the Matcher evaluates every
word list of every pattern on every token, which made it the slowest step of the component.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans
from spacy.vocab import Vocab

# Labels whose matches mean "the numbers in here are not indicators" (the quantity may still
# be a measurement, e.g. an age threshold).
NOT_INDICATOR_LABELS = ("ENUM", "IDIOM", "SPEC", "DISCOURSE", "AGE", "PLAN", "PERIOD")
# A pattern with more word combinations than this stays in the Matcher.
_MAX_PHRASES = 20000


@dataclass
class Found:
    """Pattern matches in one Doc: token spans per label, and masked character ranges."""

    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    masks: list[tuple[int, int]] = field(default_factory=list)
    _sets: dict[tuple[str, ...], set[int]] = field(default_factory=dict)

    def get(self, label: str) -> list[tuple[int, int]]:
        return self.spans.get(label, [])

    def token_set(self, *labels: str) -> set[int]:
        """Token indices covered by these labels (computed once per label set: asked for often)."""
        if labels not in self._sets:
            self._sets[labels] = {i for label in labels for start, end in self.get(label) for i in range(start, end)}
        return self._sets[labels]


class PatternSet:
    """A Matcher, a PhraseMatcher and text masks built from one JSONL pattern file."""

    def __init__(self, vocab: Vocab, path: str | Path) -> None:
        self.path = Path(path)
        self.matcher = Matcher(vocab, validate=True)
        self.phrases = PhraseMatcher(vocab, attr="LOWER")
        masks: list[tuple[re.Pattern[str], tuple[str, ...]]] = []
        by_label: dict[str, list[list[dict]]] = {}
        phrases: dict[str, set[tuple[str, ...]]] = {}
        with self.path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{self.path}:{number}: not JSON ({exc})") from None
                if "regex" in entry:
                    masks.append((re.compile(entry["regex"]), tuple(entry.get("needs", ()))))
                    continue
                words = _as_phrases(entry["pattern"])
                if words is not None:
                    phrases.setdefault(entry["label"], set()).update(words)
                else:
                    by_label.setdefault(entry["label"], []).append(entry["pattern"])
        for label, patterns in by_label.items():
            # LONGEST: "three million , two hundred" wins over its pieces, "more than" over "more".
            self.matcher.add(label, patterns, greedy="LONGEST")
        lower: dict[str, int] = {}
        for label, items in phrases.items():
            self.phrases.add(label, [_lower_keys(vocab, words, lower) for words in sorted(items)])
        # One expression per mask: joined into one alternation, an early short mask would hide a
        # longer one starting at the same place.
        # "needs": strings one of which must occur for the mask to apply ("@" for e-mail addresses),
        # a substring test that spares most sentences most of the expressions.
        self.masks = masks
        self.labels = sorted(set(by_label) | set(phrases))

    def find(self, doc: Doc, text: str | None = None) -> Found:
        found = Found()
        strings = doc.vocab.strings
        for match_id, start, end in self.matcher(doc):
            label = strings[match_id]
            if label in ("PERIOD", "PLAN") and not _years_ok(doc, start, end):
                continue
            found.spans.setdefault(label, []).append((start, end))
        by_label: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in self.phrases(doc):
            by_label.setdefault(strings[match_id], []).append((start, end))
        for label, spans in by_label.items():
            # the Matcher's "LONGEST": no overlaps within a label, longer spans first
            kept = filter_spans([doc[s:e] for s, e in spans])
            found.spans.setdefault(label, []).extend((span.start, span.end) for span in kept)
            if label in ("PERIOD", "PLAN"):
                found.spans[label] = [(s, e) for s, e in found.spans[label] if _years_ok(doc, s, e)]
        for spans in found.spans.values():
            spans.sort()
        text = doc.text if text is None else text
        found.masks = sorted(
            m.span() for rx, needs in self.masks if not needs or any(n in text for n in needs) for m in rx.finditer(text)
        )
        return found


def _lower_keys(vocab: Vocab, words: tuple[str, ...], cache: dict[str, int]) -> tuple[int, ...] | Doc:
    """A phrase as the PhraseMatcher stores it: the LOWER value of each word's lexeme.

    PhraseMatcher.add takes these as well as Docs (it is how a pickled matcher is rebuilt) and
    keeps only these values of a Doc: the same matcher, without building ~30,000 Docs (0.46 s of
    the component's 0.63 s set-up). Words a tokenizer would not keep as one token go as a Doc.
    """
    keys = []
    for word in words:
        key = cache.get(word)
        if key is None:
            if not word or any(ch.isspace() for ch in word):
                return Doc(vocab, words=list(words))
            key = cache[word] = vocab[word].lower
        keys.append(key)
    return tuple(keys)


def _as_phrases(pattern: list[dict]) -> list[tuple[str, ...]] | None:
    """The word sequences a pattern of fixed words matches, or None when it needs the Matcher.

    Convertible tokens: {"LOWER": w}, {"LOWER": {"IN": [...]}}, {"ORTH": w} (lower-cased), each with
    no operator or "?" (then the token may be left out).
    """
    choices: list[list[str | None]] = []
    for token in pattern:
        op = token.get("OP")
        keys = set(token) - {"OP"}
        if op not in (None, "?") or len(keys) != 1:
            return None
        (attr,) = keys
        spec = token[attr]
        if attr not in ("LOWER", "ORTH"):
            return None
        if isinstance(spec, str):
            words = [spec.lower()]
        elif isinstance(spec, dict) and set(spec) == {"IN"}:
            words = [w.lower() for w in spec["IN"]]
        else:
            return None
        choices.append(words + [None] if op == "?" else words)
    count = 1
    for c in choices:
        count *= len(c)
    if count > _MAX_PHRASES:
        return None
    out = []
    for combo in itertools.product(*choices):
        words = tuple(w for w in combo if w is not None)
        if words:
            out.append(words)
    return out


def _years_ok(doc: Doc, start: int, end: int) -> bool:
    """A time phrase's four-digit numbers must be years ("in 2022", not "in 5000 households")."""
    for token in doc[start:end]:
        if token.shape_ == "dddd" and not 1800 <= int(token.text) <= 2100:
            return False
    return True
