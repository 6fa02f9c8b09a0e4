"""A heading's words as evidence for its section's role, weighed with the rest of the heading and
its place in the document.

A role word counts fully in the heading's head phrase ("Risks to the Outlook": risks) and not in a
modifier after a preposition or participle ("Credit for Previous Actions", "Forces Shaping the
Outlook"): there it names what the section is about, not what it does. A few words change role
with their place: "Summary" opens a document as its abstract and closes it as its conclusion.
"""

from __future__ import annotations

import re

# Words that end a heading's head phrase: what follows modifies it.
_LINK = re.compile(
    r"\s(?:of|for|to|in|on|at|by|with|from|under|into|towards?|through|against|shaping|promoting|affecting|"
    r"facing|driving|regarding|concerning|about|de|du|des|pour|sur|dans|en|aux?)\s",
    re.IGNORECASE,
)
# Role words whose role depends on where the section stands: (early, late), split at the middle.
_BY_PLACE = {
    re.compile(r"^\s*summary\s*$", re.IGNORECASE): ("abstract", "conclusion"),
    re.compile(r"^\s*(key\s+)?highlights\s*$", re.IGNORECASE): ("abstract", "conclusion"),
    re.compile(r"\boutlook\b", re.IGNORECASE): ("status", "conclusion"),
}


def has_link(words: str) -> bool:
    """Whether a lexicon term has a linking word inside ("costs of compliance")."""
    return _LINK.search(f" {words} ") is not None


def head_phrase(heading: str) -> str:
    """The heading up to its first preposition or participle ("Risks" of "Risks to the Outlook")."""
    padded = f" {heading} "
    found = _LINK.search(padded, 1)  # past a leading one: "About GAO", "Towards a green economy"
    return heading if found is None else padded[: found.start()].strip()


def heading_role(heading: str, position: float, lexicon) -> tuple[str, str] | None:
    """(role, words) the heading is evidence for, or None. `position`: where the section starts,
    0 at the document's first block and 1 at its last."""
    heading = heading.strip()
    head = head_phrase(heading)
    hit = lexicon.match(heading, head_end=len(head))
    if hit and has_link(hit[1]):
        return hit  # a term that reaches past the head phrase ("summary of findings") is specific
    for pattern, (early, late) in _BY_PLACE.items():
        found = pattern.search(head)
        if found and not lexicon.match(head_phrase(pattern.sub(" ", heading))):
            return (early if position < 0.5 else late), found.group(0).strip()
    return hit
