"""Rhetorical roles of sections and passages.

Evidence, strongest first: the heading's words (models/role_lexicon.toml), the
parent section's role, and the content itself — cue words plus similarity to
example sentences (models/role_prototypes.toml) through the sentence-transformers
model. Every label records its confidence and which evidence decided it.

The content classifier knows only status, dilemma and recommendation, so content
is read in context (`classify_unlabelled`): a document whose passages read as
methods, procedure or legal text rather than a policy paper (nearer the "other"
examples of role_prototypes.toml) keeps its unlabelled sections "other", unless
they continue a run of sections whose headings named a content role; a section
whose own text reads that way stays "other" in a policy paper too; sections after
the reference list are back matter.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

from ..model import Document, Section
from ..vocabulary import CONTENT_ROLES, ROLES  # noqa: F401  (ROLES: one list for options and labels)
from .chinese_roles import chinese_probabilities, reads_as_chinese_policy

# Roles a subsection takes over from its parent when its own heading says nothing.
INHERITED = {"abstract", "introduction", "status", "dilemma", "recommendation", "conclusion", "references"}


@dataclass(frozen=True)
class Lexicon:
    # (role, priority, pattern, spans): `spans` marks a term with a linking word in it
    # ("costs of compliance"), which may reach past the heading's head phrase.
    entries: tuple[tuple[str, int, re.Pattern, bool], ...]

    def match(self, heading: str, head_end: int | None = None) -> tuple[str, str] | None:
        """(role, matched words) for a heading, or None.

        `head_end`: where the heading's head phrase ends (segment/heading_roles.py); terms
        without a linking word must lie inside it. Where one match lies inside a longer one
        ("regulatory findings" holds "findings"), the longer, more specific one decides;
        otherwise the higher priority, then the earlier match.
        """
        hits = []
        for role, priority, pattern, spans in self.entries:
            found = pattern.search(heading)
            if found and (spans or head_end is None or found.end() <= head_end):
                hits.append((priority, -found.start(), found.end(), role, found.group(0)))
        hits = [h for h in hits if not any(
            o is not h and -o[1] <= -h[1] and h[2] <= o[2] and (o[2] + o[1]) > (h[2] + h[1]) for o in hits)]
        if not hits:
            return None
        best = max(hits, key=lambda h: (h[0], h[1]))
        return best[3], best[4]


@lru_cache(maxsize=4)
def load_lexicon(path: str | Path) -> Lexicon:
    from .heading_roles import has_link

    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    entries = []
    for role, spec in data.items():
        priority = int(spec.get("priority", 1))
        for term in spec.get("terms", []):
            body = re.escape(term.rstrip("*")).replace(r"\ ", r"\s+")
            if any("\u2e80" <= ch <= "\u9fff" for ch in term):
                # Chinese is written without spaces: a term matches anywhere in the heading.
                entries.append((role, priority, re.compile(body), True))
                continue
            tail = r"\w*" if term.endswith("*") else r"\b"
            entries.append((role, priority, re.compile(rf"\b{body}{tail}", re.IGNORECASE), has_link(term)))
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
    """Probabilities of status / dilemma / recommendation for passage texts.

    A softmax regression over the sentence embedding and the cue-word counts,
    trained by models/train_role_classifier.py (weights in models/role_classifier.npz).
    Without weights for the configured embedding model it falls back to
    similarity with the example sentences of models/role_prototypes.toml.
    """

    def __init__(self, embed: Callable[[list[str]], "object"], prototypes_path: str | Path,
                 weights_path: str | Path | None = None, model_name: str = ""):
        import numpy as np

        self.embed = embed
        self.weights = None
        if weights_path and Path(weights_path).exists():
            data = np.load(weights_path, allow_pickle=False)
            if str(data["model"]) == model_name:
                self.weights = (data["W"], data["b"], float(data["cue_scale"]))
        data = tomllib.loads(Path(prototypes_path).read_text(encoding="utf-8"))
        centroids = []
        for role in CONTENT_ROLES:
            centre = embed(list(data[role])).mean(axis=0)
            centroids.append(centre / np.linalg.norm(centre))
        self.centroids = np.stack(centroids)
        # Examples of text that is none of the three (methods, definitions, procedure, legal and
        # administrative text, contact details): optional.
        self.other_centroid = None
        if data.get("other"):
            centre = embed(list(data["other"])).mean(axis=0)
            self.other_centroid = centre / np.linalg.norm(centre)

    def other_margin(self, vectors):
        """Per vector: similarity to the "other" examples minus the best similarity to a content
        role's examples (> 0: reads as methods, procedure or legal text). None without "other" examples."""
        if self.other_centroid is None:
            return None
        return vectors @ self.other_centroid - (vectors @ self.centroids.T).max(axis=1)

    @staticmethod
    def features(texts: Sequence[str], vectors, cue_scale: float):
        import numpy as np

        cues = np.array([[cue_scores(t)[r] for r in CONTENT_ROLES] for t in texts], dtype=np.float32).reshape(len(texts), 3)
        return np.hstack([vectors, cue_scale * cues])

    def probabilities(self, texts: Sequence[str], vectors=None):
        """(n, 3) probabilities in CONTENT_ROLES order; `vectors` reuses embeddings already computed."""
        import numpy as np

        vectors = self.embed(list(texts)) if vectors is None else vectors
        if self.weights is not None:
            W, b, cue_scale = self.weights
            z = self.features(texts, vectors, cue_scale) @ W + b
        else:
            z = 20.0 * (vectors @ self.centroids.T + 0.06 * self.features(texts, vectors, 1.0)[:, -3:])
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def classify(self, texts: Sequence[str], vectors=None, in_order: bool = False) -> list[tuple[str, float]]:
        """(role, confidence) per text. `in_order`: the texts are one document's passages in
        reading order, decoded jointly (policy papers move from status to dilemma to recommendation)."""
        if not texts:
            return []
        probs = self.probabilities(texts, vectors)
        labels = decode_in_order(probs) if in_order else probs.argmax(axis=1)
        return [(CONTENT_ROLES[int(i)], float(p[int(i)])) for i, p in zip(labels, probs)]


# Passage-to-passage role transitions in reading order: neighbouring passages
# tend to share a role. Deliberately symmetric: a forward-only prior (status ->
# dilemma -> recommendation) gets stuck when introductions, conclusions or notes
# sit between the parts.
_TRANSITIONS = ((0.70, 0.15, 0.15), (0.15, 0.70, 0.15), (0.15, 0.15, 0.70))
_START = (1 / 3, 1 / 3, 1 / 3)


def decode_in_order(probs) -> list[int]:
    """Most likely role sequence (Viterbi) given per-passage probabilities."""
    import numpy as np

    log_p = np.log(probs + 1e-9)
    log_t = np.log(np.array(_TRANSITIONS))
    score = log_p[0] + np.log(np.array(_START))
    back = np.zeros(probs.shape, dtype=int)
    for t in range(1, len(probs)):
        candidates = score[:, None] + log_t
        back[t] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + log_p[t]
    path = [int(score.argmax())]
    for t in range(len(probs) - 1, 0, -1):
        path.append(int(back[t][path[-1]]))
    return path[::-1]


def assign_section_roles(sections: list[Section], lexicon: Lexicon) -> None:
    """Heading words first (weighed in context: segment/heading_roles.py), then the parent's role;
    the rest waits for content evidence."""
    from .heading_roles import heading_role

    last = max((b for s in sections for b in s.blocks), default=0) or 1
    stack: list[Section] = []
    for section in sections:
        while stack and stack[-1].level >= section.level:
            stack.pop()
        parent = stack[-1] if stack else None
        position = (section.blocks[0] if section.blocks else last) / last
        # A word label ("Annexe A", "Appendix B", "PART II") is part of what the heading says.
        words = f"{section.number} {section.heading}" if re.match(r"[^\W\d]{4,}", section.number) else section.heading
        hit = heading_role(words, position, lexicon) if section.level > 0 else None
        # An "other" heading under a content section belongs to it ("Data" in "Status"), unless it
        # stands at the very end: back matter ("Connect with GAO") after the last section's text.
        if hit and not (parent and parent.role in CONTENT_ROLES and hit[0] == "other" and position < BACK_MATTER):
            section.role, section.role_confidence, section.role_evidence = hit[0], 0.95, f"heading: '{hit[1]}'"
        elif parent is not None and (parent.role in INHERITED or (parent.role == "other" and parent.role_evidence != NO_EVIDENCE)):
            # A subsection of "Methods" or "Appendix" stays "other" unless its own heading says more.
            section.role = parent.role
            section.role_confidence = round(parent.role_confidence * 0.95, 3)
            section.role_evidence = f"parent: {parent.path}"
        else:
            section.role, section.role_confidence, section.role_evidence = "other", 0.5, NO_EVIDENCE
        if section.level > 0:
            stack.append(section)


NO_EVIDENCE = "no evidence"
# Where, as a share of the document's blocks, back matter may begin.
BACK_MATTER = 0.9
_REFERENCE_ENTRY = re.compile(r"^\s*(\[\d{1,3}\]|\d{1,3}\.\s+[A-Z][\w'-]+,\s+[A-Z])")


def mark_role_turns(doc: Document) -> None:
    """Passages take their section's role unless their own words clearly turn elsewhere.

    A "However, …" problem paragraph inside a status section becomes a dilemma
    passage; an explicit "we recommend" inside a status or dilemma section becomes
    a recommendation.
    """
    for passage in doc.passages:
        section = doc.sections[passage.section_index]
        if section.role not in CONTENT_ROLES:
            continue
        for role in CONTENT_ROLES:
            if role != section.role and (signal := _explicit_turn(passage.text, role)):
                passage.role, passage.role_confidence = role, 0.8
                passage.role_evidence = f"content cue '{signal}' overrides section ({section.role})"
                break


def needs_content(doc: Document) -> list[int]:
    """Indices of passages whose role must come from their content."""
    has_headings = any(s.level > 0 for s in doc.sections)
    out = []
    for i, passage in enumerate(doc.passages):
        section = doc.sections[passage.section_index]
        if section.role_evidence == NO_EVIDENCE and (section.level > 0 or not has_headings):
            if _REFERENCE_ENTRY.match(passage.text):
                passage.role, passage.role_confidence, passage.role_evidence = "references", 0.7, "content: reference entry"
                continue
            out.append(i)
    return out


def _contrast_candidates(doc: Document) -> list[int]:
    """Passages of status sections that open with a contrast but were not flipped by cue words."""
    return [
        i for i, p in enumerate(doc.passages)
        if p.role == "status" and p.role_evidence == "section" and _TURN_SIGNALS["dilemma"].search(p.text)
    ]


def classify_unlabelled(doc: Document, classifier: Callable[[], ContentClassifier] | None, vectors=None) -> None:
    """Content roles for passages (in reading order) and sections that headings left open.

    `vectors` are the passages' embeddings when the embed stage computed them;
    otherwise the classifier embeds what it needs. `classifier` is a factory,
    called only when some passage needs it.
    """
    import numpy as np

    todo = needs_content(doc)
    contrasts = _contrast_candidates(doc)
    if classifier is None or not (todo or contrasts):
        return
    model = classifier()
    if contrasts:
        # "However, occupancy tells a different story": the opening contrast plus
        # the classifier's reading of the passage decide together.
        texts = [doc.passages[i].text for i in contrasts]
        probs = model.probabilities(texts, model.embed(texts) if vectors is None else vectors[contrasts])
        for i, p in zip(contrasts, probs):
            if p[CONTENT_ROLES.index("dilemma")] > p[CONTENT_ROLES.index("status")]:
                passage = doc.passages[i]
                passage.role, passage.role_confidence = "dilemma", round(float(p[CONTENT_ROLES.index("dilemma")]), 3)
                passage.role_evidence = "content: opening contrast + classifier, overrides section (status)"
    if not todo:
        return
    texts = [doc.passages[i].text for i in todo]
    vecs = model.embed(texts) if vectors is None else vectors[todo]
    probs = model.probabilities(texts, vecs)
    chinese_probabilities(texts, probs)  # Chinese passages: their cue words, where one role leads
    labels = decode_in_order(probs)
    margin = model.other_margin(vecs)
    policy = reads_as_policy(doc, model, vecs if vectors is None else vectors) \
        or bool(reads_as_chinese_policy([p.text for p in doc.passages]))
    by_section: dict[int, list[int]] = {}
    for row, (i, label) in enumerate(zip(todo, labels)):
        passage = doc.passages[i]
        if policy:
            passage.role, passage.role_confidence, passage.role_evidence = CONTENT_ROLES[label], round(float(probs[row][label]), 3), "content"
        else:
            passage.role, passage.role_confidence, passage.role_evidence = "other", 0.6, NOT_POLICY
        by_section.setdefault(passage.section_index, []).append(row)
    back_matter = _after_references(doc.sections)
    deferred = []
    for index, rows in by_section.items():
        section = doc.sections[index]
        if section.level == 0:
            continue  # headless text: the passages carry the roles
        if index in back_matter:
            section.role, section.role_confidence, section.role_evidence = "other", 0.7, "context: after the references (back matter)"
        elif not policy:
            deferred.append(index)
        elif margin is not None and float(np.mean(margin[rows])) > OTHER_MARGIN:
            section.role, section.role_confidence = "other", round(min(0.9, 0.5 + float(np.mean(margin[rows]))), 3)
            section.role_evidence = "content: reads as methods, procedure or legal text"
        else:
            mean = np.mean(probs[rows], axis=0)
            best = int(mean.argmax())
            section.role, section.role_confidence, section.role_evidence = CONTENT_ROLES[best], round(float(mean[best]), 3), "content"
    if deferred:
        roles_from_context(doc.sections, set(deferred))
    for index in by_section:
        section = doc.sections[index]
        if section.level > 0 and section.role_evidence != "content":
            # Passages of a section labelled by context or as "other" follow their section.
            for row in by_section[index]:
                passage = doc.passages[todo[row]]
                passage.role, passage.role_confidence, passage.role_evidence = section.role, section.role_confidence, "section"


# A section whose passages are, on average, this much nearer the "other" examples than any
# content role's examples reads as methods, procedure or legal text (cosine similarity).
OTHER_MARGIN = 0.10
# A document reads as a policy paper when at least this share of its passages is nearer a content
# role's examples than the "other" examples.
POLICY_SHARE = 0.5
NOT_POLICY = "context: the document does not read as a policy paper"


def reads_as_policy(doc: Document, model: ContentClassifier, vectors) -> bool:
    """Whether the document reads as a policy paper (status, dilemma, recommendation) rather than
    methods, procedure or legal text: its headings name two content roles or more, or most of its
    passages are nearer the content roles' examples than the "other" examples. `vectors`: the
    passages' embeddings (all of them, or those that need content)."""
    if len({s.role for s in doc.sections if s.role in CONTENT_ROLES and s.role_evidence.startswith("heading")}) >= 2:
        return True
    margin = model.other_margin(vectors)
    if margin is None or not len(margin):
        return True
    return float((margin < 0).mean()) >= POLICY_SHARE


_MAIN_BODY = {"abstract", "introduction", "status", "dilemma", "recommendation", "conclusion"}


def _after_references(sections: list[Section]) -> set[int]:
    """Indices of sections that follow a top-level reference list with nothing of the main body
    after it (appendices, back matter). A heading of the main body after the references (reading
    order gone wrong in columns, a reference list per chapter) means they are not the end."""
    top = min((s.level for s in sections if s.level > 0), default=1)
    start = None
    for i, section in enumerate(sections):
        evidenced = section.role_evidence.startswith("heading")
        if section.role == "references" and section.level == top and evidenced:
            start = i
        elif start is not None and section.role in _MAIN_BODY and evidenced:
            start = None
    if start is None:
        return set()
    return {i for i in range(start + 1, len(sections)) if sections[i].level > 0}


def roles_from_context(sections: list[Section], open_sections: set[int]) -> None:
    """Roles of sections in a document that does not read as a policy paper, from their place:
    a section continues the content role of its previous sibling (or, first under its parent, its
    parent's), so "Sample efficiency" after "Experiments" stays with the results; otherwise
    "other". Sections are resolved in document order, so a run carries on until a heading breaks it."""
    stack: list[Section] = []
    previous: dict[int, Section] = {}  # id of the parent (0: top) -> last section seen under it
    for i, section in enumerate(sections):
        if section.level <= 0:
            continue
        while stack and stack[-1].level >= section.level:
            stack.pop()
        parent = stack[-1] if stack else None
        key = id(parent) if parent is not None else 0
        if i in open_sections:
            # The previous sibling's content role, else the parent's: an administrative sibling
            # ("Authority") between two parts of a proposed rule does not end the rule.
            sibling = previous.get(key)
            source = sibling if sibling is not None and sibling.role in CONTENT_ROLES else parent
            if source is not None and source.role in CONTENT_ROLES:
                section.role, section.role_confidence = source.role, round(min(0.6, source.role_confidence * 0.9), 3)
                section.role_evidence = f"context: continues {source.path}"
            else:
                section.role, section.role_confidence, section.role_evidence = "other", 0.6, NOT_POLICY
        previous[key] = section
        stack.append(section)


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
