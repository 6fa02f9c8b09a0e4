"""The body text's type: the yardstick headings are measured against."""

from __future__ import annotations

from collections import Counter

from ..model import Document


def body_style(doc: Document) -> tuple[float, bool]:
    """Font size and boldness of the bulk of the text, weighted by characters."""
    sizes: Counter = Counter()
    bold: Counter = Counter()
    for line in doc.lines():
        sizes[round(line.size, 1)] += len(line.text)
        bold[line.bold] += len(line.text)
    if not sizes:
        return 10.0, False
    return sizes.most_common(1)[0][0], bold.most_common(1)[0][0]
