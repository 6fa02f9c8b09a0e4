"""Unique points at sentence granularity.

A passage often makes a point another document also makes and, in the same breath, adds one
of its own ("… Enterprises that host student placements should be allowed to deduct the cost
from taxable income."). Passage alignment cannot see that second point, so uniqueness is
decided per sentence: a sentence is unique when no sentence and no passage of the other
documents (same role) reaches the calibrated "same point" cosine.

Sentence vectors are not stored; they are computed at compare time for the sentences of
multi-sentence passages only (a one-sentence passage's stored vector is its sentence's).

Not every sentence is a point of its own. These are never reported:

- fragments of fewer than MIN_WORDS words (headings, labels);
- signposting about the paper itself ("This section …", "We propose four groups of measures",
  "… a pattern that the next section examines");
- the topic line of a passage aligned with a passage of another document: its first sentence,
  or any sentence shorter than SHORT_WORDS words ("Showcase plants have multiplied."). The
  alignment already says that point is shared, and such lines are too short for their own
  vector to find the other document's wording;
- an anaphoric sentence ("… face similar constraints", "… from such programmes") whose
  antecedent, the sentence before it, makes a shared point: it elaborates that point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..segment.sentences import split_sentences

MIN_WORDS = 4
SHORT_WORDS = 6

# Sentences about the paper's own structure, not about policy.
_META = re.compile(
    r"^\W*(?:in\s+)?(?:this|the\s+present|the\s+next|the\s+following|the\s+previous|the\s+preceding)\s+"
    r"(?:paper|section|study|article|report|chapter|part)\b"
    r"|^\W*sections?\s+\d"
    r"|^\W*we\s+(?:propose|set\s+out|argue|present|recommend|examine|review|discuss|describe|outline|turn|conclude|begin|first)\b"
    r"|\b(?:next|following|previous|preceding|last)\s+section\b"
    r"|\bsections?\s+\d",
    re.IGNORECASE,
)
# A sentence that leans on the one before it: opens with a pronoun or demonstrative, or refers
# back with "such/similar/these/those N" ("such as" lists examples and does not count).
_ANAPHOR = re.compile(
    r"^\W*(?:they|these|those|this|it|such|together|similarly|likewise|the\s+result)\b"
    r"|\b(?:such|similar|these|those)\s+(?!as\b)[a-z]",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")


def passage_sentences(text: str) -> list[str]:
    """The sentences of a passage (the splitter that cut the passages)."""
    return [text[a:b].strip() for a, b in split_sentences(text) if text[a:b].strip()] or [text.strip()]


def n_words(sentence: str) -> int:
    return len(_WORD.findall(sentence))


def is_signposting(sentence: str) -> bool:
    """About the paper itself ("This section …", "We propose …", "the next section examines")."""
    return bool(_META.search(sentence))


def is_anaphoric(sentence: str) -> bool:
    return bool(_ANAPHOR.search(sentence))


@dataclass
class Sentence:
    doc: int  # index of the document in the comparison
    passage: int  # index into the document's passages
    index: int  # position in its passage
    count: int  # sentences in its passage
    text: str
    role: str
    section: int  # section index, for the sentence before

    @property
    def words(self) -> int:
        return n_words(self.text)


@dataclass
class Verdict:
    sentence: Sentence
    unique: bool
    reason: str  # unique | shared | fragment | signposting | topic of aligned passage | elaborates a shared point
    best: float  # best cosine to a sentence or passage of another document (-1: not compared)
    nearest: tuple[int, int, int] | None  # (doc, passage, sentence index or -1 for a whole passage)


def split_documents(passages: Sequence[Sequence], roles: Sequence[str]) -> list[list[Sentence]]:
    """Sentences of the passages (of the given roles) of each document, in reading order."""
    out = []
    for k, doc_passages in enumerate(passages):
        rows = []
        for i, p in enumerate(doc_passages):
            if p.role not in roles:
                continue
            texts = passage_sentences(p.text)
            rows += [Sentence(k, i, j, len(texts), t, p.role, p.section_index) for j, t in enumerate(texts)]
        out.append(rows)
    return out


def sentence_vectors(sentences: list[list[Sentence]], passage_vectors: Sequence[np.ndarray],
                     encode: Callable[[list[str]], np.ndarray]) -> list[np.ndarray]:
    """One vector per sentence: the stored passage vector for one-sentence passages, else encoded now."""
    todo = [s for rows in sentences for s in rows if s.count > 1]
    encoded = encode([s.text for s in todo]) if todo else None
    position = {id(s): n for n, s in enumerate(todo)}
    out = []
    for k, rows in enumerate(sentences):
        vectors = np.zeros((len(rows), passage_vectors[k].shape[1]), dtype=np.float32)
        for n, s in enumerate(rows):
            vectors[n] = encoded[position[id(s)]] if s.count > 1 else passage_vectors[k][s.passage]
        out.append(vectors)
    return out


def judge(sentences: list[list[Sentence]], vectors: list[np.ndarray], passage_vectors: Sequence[np.ndarray],
          aligned: Sequence[set[int]], threshold: float) -> list[list[Verdict]]:
    """A verdict for every sentence: unique, or why not.

    `aligned[k]` holds the passages of document k that were paired with a passage of another
    document; `threshold` is the cosine from which two sentences make the same point.
    """
    out: list[list[Verdict]] = []
    for k, rows in enumerate(sentences):
        verdicts: list[Verdict] = []
        by_role: dict[str, tuple[np.ndarray, list[tuple[int, int, int]]]] = {}
        for role in {s.role for s in rows}:
            targets, refs = [], []
            for m, other in enumerate(sentences):
                if m == k:
                    continue
                keep = [n for n, s in enumerate(other) if s.role == role]
                targets.append(vectors[m][keep])
                refs += [(m, other[n].passage, other[n].index) for n in keep]
                multi = sorted({other[n].passage for n in keep if other[n].count > 1})
                targets.append(np.asarray(passage_vectors[m], dtype=np.float32)[multi])
                refs += [(m, i, -1) for i in multi]
            by_role[role] = (np.vstack(targets) if targets else np.zeros((0, vectors[k].shape[1]), np.float32), refs)
        sims = np.full(len(rows), -1.0)
        nearest: list[tuple[int, int, int] | None] = [None] * len(rows)
        for role, (target, refs) in by_role.items():
            if not len(target):
                continue
            mine = [n for n, s in enumerate(rows) if s.role == role]
            scores = vectors[k][mine] @ target.T
            for n, row in zip(mine, scores):
                best = int(np.argmax(row))
                sims[n], nearest[n] = float(row[best]), refs[best]
        for n, s in enumerate(rows):
            if s.words < MIN_WORDS:
                reason = "fragment"
            elif is_signposting(s.text):
                reason = "signposting"
            elif s.passage in aligned[k] and ((s.index == 0 and s.count > 1) or s.words < SHORT_WORDS):
                reason = "topic of aligned passage"
            elif sims[n] >= threshold:
                reason = "shared"
            else:
                reason = "unique"
                previous = verdicts[-1] if verdicts else None
                if (is_anaphoric(s.text) and previous is not None and previous.sentence.section == s.section
                        and previous.reason in ("shared", "topic of aligned passage", "elaborates a shared point")):
                    reason = "elaborates a shared point"
            verdicts.append(Verdict(s, reason == "unique", reason, round(float(sims[n]), 4), nearest[n]))
        out.append(verdicts)
    return out
