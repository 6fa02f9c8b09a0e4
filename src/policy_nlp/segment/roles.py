"""Rhetorical roles of sections and passages.

Evidence, strongest first: the heading's words (models/role_lexicon.toml), the
parent section's role, and the content itself — cue words plus similarity to
example sentences (models/role_prototypes.toml) through the sentence-transformers
model. Every label records its confidence and which evidence decided it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

from ..model import Document, Passage, Section

ROLES = ("abstract", "introduction", "status", "dilemma", "recommendation", "conclusion", "references", "other")
CONTENT_ROLES = ("status", "dilemma", "recommendation")
# Roles a subsection takes over from its parent when its own heading says nothing.
INHERITED = {"abstract", "introduction", "status", "dilemma", "recommendation", "conclusion", "references"}


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[tuple[str, int, re.Pattern], ...]

    def match(self, heading: str) -> tuple[str, str] | None:
        """(role, matched words) for a heading, or None."""
        best: tuple[int, int, str, str] | None = None
        for role, priority, pattern in self.entries:
            found = pattern.search(heading)
            if found and (best is None or (priority, -found.start()) > (best[0], best[1])):
                best = (priority, -found.start(), role, found.group(0))
        return (best[2], best[3]) if best else None


@lru_cache(maxsize=4)
def load_lexicon(path: str | Path) -> Lexicon:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    entries = []
    for role, spec in data.items():
        for term in spec.get("terms", []):
            body = re.escape(term.rstrip("*")).replace(r"\ ", r"\s+")
            tail = r"\w*" if term.endswith("*") else r"\b"
            entries.append((role, int(spec.get("priority", 1)), re.compile(rf"\b{body}{tail}", re.IGNORECASE)))
    return Lexicon(tuple(entries))


# Cue words inside a passage. They are weak evidence, combined with similarity.
_CUES: dict[str, list[re.Pattern]] = {
    "dilemma": [re.compile(p, re.IGNORECASE) for p in (
        r"^\s*(however|but|nevertheless|yet|unfortunately)\b", r"\b(lack|lacks|lacking|shortage|insufficient|inadequate|weak|weakness)\b",
        r"\b(problems?|difficult(y|ies)?|obstacles?|bottlenecks?|barriers?|constrain(t|ts|ed)|challenges?|risks?)\b",
        r"\b(not enough|fail(s|ed)? to|unable|cannot|low(er)? than|lag(s|ging)? behind|restrict(s|ed)?|hinder(s|ed)?)\b",
        r"\b(not|no|only|few|little|uneven|unequal|far from|remains?|still)\b",
    )],
    "recommendation": [re.compile(p, re.IGNORECASE) for p in (
        r"\b(should|must|need(s)? to|ought to|it is (necessary|essential|important|recommended) to|we (recommend|propose|suggest))\b",
        r"^\s*(strengthen|promote|improve|accelerate|establish|encourage|build|optimi[sz]e|enhance|support|develop|expand|increase|create|set up)\b",
        r"\b(recommend(s|ed|ation)?|propos(e|al)|suggest(s|ion)?|countermeasures?)\b",
    )],
    "status": [re.compile(p, re.IGNORECASE) for p in (
        r"\b(has|have|had) (reached|exceeded|achieved|built|grown|risen|increased|become|formed)\b",
        r"\b(ranking|ranked) (first|second|third|\w+th)\b", r"\b(as of|by the end of|in) (19|20)\d\d\b",
        r"\d[\d,.]*\s*(%|percent|million|billion|trillion|yuan)", r"\b(a total of|accounting for|up \d)",
    )],
}


def cue_scores(text: str) -> dict[str, float]:
    return {role: float(sum(1 for p in patterns if p.search(text))) for role, patterns in _CUES.items()}


class ContentClassifier:
    """Scores texts for status / dilemma / recommendation: prototype similarity + cue words."""

    def __init__(self, embed: Callable[[list[str]], "object"], prototypes_path: str | Path, cue_weight: float = 0.06):
        import numpy as np

        data = tomllib.loads(Path(prototypes_path).read_text(encoding="utf-8"))
        self.embed = embed
        self.cue_weight = cue_weight
        centroids = []
        for role in CONTENT_ROLES:
            vectors = embed(list(data[role]))
            centre = vectors.mean(axis=0)
            centroids.append(centre / np.linalg.norm(centre))
        self.centroids = np.stack(centroids)

    def scores(self, texts: Sequence[str], vectors=None):
        """(n, 3) scores in CONTENT_ROLES order; `vectors` reuses embeddings already computed."""
        import numpy as np

        vectors = self.embed(list(texts)) if vectors is None else vectors
        sims = vectors @ self.centroids.T
        cues = np.array([[cue_scores(t)[r] for r in CONTENT_ROLES] for t in texts], dtype=np.float32).reshape(len(texts), 3)
        return sims + self.cue_weight * cues

    def classify(self, texts: Sequence[str], vectors=None) -> list[tuple[str, float]]:
        """(role, confidence) per text; confidence is a softmax over the three scores."""
        import numpy as np

        if not texts:
            return []
        scores = self.scores(texts, vectors)
        exp = np.exp((scores - scores.max(axis=1, keepdims=True)) * 20.0)
        probs = exp / exp.sum(axis=1, keepdims=True)
        return [(CONTENT_ROLES[int(i)], float(p[i])) for i, p in zip(probs.argmax(axis=1), probs)]


def assign_section_roles(sections: list[Section], lexicon: Lexicon, classify_sections: Callable[[list[Section]], list[tuple[str, float]]] | None = None) -> None:
    """Heading words, then the parent's role, then content (for sections still unlabelled)."""
    stack: list[Section] = []
    unresolved: list[Section] = []
    for section in sections:
        while stack and stack[-1].level >= section.level:
            stack.pop()
        parent = stack[-1] if stack else None
        hit = lexicon.match(section.heading) if section.level > 0 else None
        if hit and not (parent and parent.role in CONTENT_ROLES and hit[0] in ("other",)):
            section.role, section.role_confidence, section.role_evidence = hit[0], 0.95, f"heading: '{hit[1]}'"
        elif parent is not None and parent.role in INHERITED:
            section.role = parent.role
            section.role_confidence = round(parent.role_confidence * 0.95, 3)
            section.role_evidence = f"parent: {parent.path}"
        else:
            unresolved.append(section)
        if section.level > 0:
            stack.append(section)
    todo = [s for s in unresolved if s.text.strip() and s.level > 0]
    for section in unresolved:
        section.role, section.role_confidence, section.role_evidence = "other", 0.5, "no evidence"
    if todo and classify_sections is not None:
        for section, (role, confidence) in zip(todo, classify_sections(todo)):
            section.role, section.role_confidence, section.role_evidence = role, round(confidence, 3), "content"


def assign_passage_roles(doc: Document, classifier: Callable[[], ContentClassifier] | None, vectors=None) -> None:
    """Passages take their section's role, unless their own content clearly says otherwise.

    A "However, …" problem paragraph inside a status section becomes a dilemma
    passage (decided by its explicit wording, no model needed). Passages of
    documents without usable headings are classified by content through the
    sentence-transformers model; `classifier` is a factory called only then.
    """
    sections = doc.sections
    has_headings = any(s.level > 0 for s in sections)
    headless: list[int] = []
    for i, passage in enumerate(doc.passages):
        section = sections[passage.section_index]
        if section.role_evidence in ("no evidence", "content") and (section.level > 0 or not has_headings):
            headless.append(i)
            continue
        if section.role in CONTENT_ROLES:
            for role in CONTENT_ROLES:
                if role != section.role and (signal := _explicit_turn(passage.text, role)):
                    passage.role, passage.role_confidence = role, 0.8
                    passage.role_evidence = f"content cue '{signal}' overrides section ({section.role})"
                    break
    if classifier is None or not headless:
        return
    model = classifier()
    texts = [doc.passages[i].text for i in headless]
    labels = model.classify(texts, None if vectors is None else vectors[headless])
    for i, (role, confidence) in zip(headless, labels):
        passage = doc.passages[i]
        passage.role, passage.role_confidence, passage.role_evidence = role, round(confidence, 3), "content"


_TURN_SIGNALS = {
    # A passage leaves its section's role only on an explicit signal: a contrast
    # that opens a problem ("However, …") or an explicit recommendation. Problem
    # statements in dilemma sections often say "needs to be strengthened", and
    # achievements are often cited inside dilemma sections as context, so neither
    # similarity nor modal verbs alone are enough.
    "dilemma": re.compile(r"^\s*(however|but|nevertheless|yet|unfortunately|despite|although)\b", re.IGNORECASE),
    "recommendation": re.compile(
        r"\b(we|this (paper|report|study|article)) (therefore )?(recommends?|suggests?|proposes?)\b|\bit is (recommended|suggested|proposed)\b",
        re.IGNORECASE,
    ),
}


def _explicit_turn(text: str, role: str) -> str:
    """The words that signal a turn to `role`, or "" when there are none."""
    signal = _TURN_SIGNALS.get(role)
    found = signal.search(text) if signal else None
    if found and cue_scores(text)[role] >= (2 if role == "dilemma" else 1):
        return found.group(0).strip()
    return ""
