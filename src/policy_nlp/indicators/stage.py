"""The indicators stage over many documents: one spaCy pass over the passages of a whole chunk.

Each document keeps its own context: the place names it introduces, its country, and per passage
the headings above it (where a figure's place is looked for when its passage names none). Only
the model calls are shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import Pipeline
from ..model import Document, Indicator, Passage

_SENTENCE_END = (".", "!", "?", ":", ";", "。", "！", "？", "”", "\"", "’", ")")


@dataclass
class _Run:
    """Passages read as one text: a sentence broken by a page or column break continues in the
    next passage ("since the 13th Five Year" | "Plan, 60% of ..."), and read apart, the halves
    give a false "5 years" and figures without their period."""

    passages: list[Passage]
    text: str
    starts: list[int]  # offset of each passage in `text`


def _passages(doc: Document) -> list[Passage]:
    """The prose passages outside the reference list: a table row's numbers are read from its
    grid (table_cells.py), where its headers say what each one is."""
    return [p for p in doc.passages
            if p.kind != "table" and "references" not in (p.role, doc.sections[p.section_index].role)]


def _table_indicators(doc: Document) -> list[Indicator]:
    from .chinese_tables import fix_coefficients, is_chinese_table, unit_line_above
    from .table_cells import table_indicators

    out: list[Indicator] = []
    for number, table in enumerate(doc.tables, start=1):
        section = doc.sections[table.section] if 0 <= table.section < len(doc.sections) else None
        if section is not None and section.role == "references":
            continue
        caption = ""
        chinese = is_chinese_table(table)
        if chinese:
            # "单位：人民币元" printed on a line above the table (or at the end of the heading line).
            above = unit_line_above(doc, table)
            caption = " ".join(filter(None, [table.caption, above])) if above and above not in table.caption else ""
        found = table_indicators(table, caption=caption, number=number, section=section.path if section else "")
        if chinese:
            fix_coefficients(table, caption, found)
        for indicator in found:
            indicator.document = doc.stem
            indicator.section_role = section.role if section else ""
            out.append(indicator)
    return out


def _runs(passages: list[Passage]) -> list[_Run]:
    runs: list[_Run] = []
    for passage in passages:
        last = runs[-1] if runs else None
        if last is not None and last.passages[-1].section_index == passage.section_index \
                and not last.passages[-1].text.rstrip().endswith(_SENTENCE_END):
            # A line break, not a space: the sentence splitter joins the two only where the first
            # reads as prose cut short (a long line of lower-case words), not after a label.
            last.text += "\n"
            last.starts.append(len(last.text))
            last.text += passage.text
            last.passages.append(passage)
        else:
            runs.append(_Run([passage], passage.text, [0]))
    return runs


def headings_above(doc: Document, section_index: int) -> list[str]:
    """The section's heading and those of the sections it sits in, nearest first."""
    out: list[str] = []
    level = None
    for section in reversed(doc.sections[:section_index + 1]):
        if level is None or 0 < section.level < level:
            out.append(section.heading)
            level = section.level
            if level <= 1:
                break
    return out


# A count of a country's own divisions ("48 states", "16 provinces") belongs to that country when
# nothing nearer names a place.
_DIVISIONS = re.compile(r"^(?:\S+\s+){0,2}(?:states|provinces|counties|prefectures|municipalities)\b", re.IGNORECASE)


def _divisions_of_the_country(doc: Document, indicators: list[Indicator], model: str | None) -> None:
    if not any(not i.place and _DIVISIONS.match(i.indicator) for i in indicators):
        return
    from .api import PIPE_NAME, get_nlp

    places = get_nlp(model).get_pipe(PIPE_NAME).places
    text = "\n".join(p.text for p in _passages(doc))
    country = places.home_country(text)
    if not country:
        return
    for indicator in indicators:
        if not indicator.place and _DIVISIONS.match(indicator.indicator):
            indicator.place = country


def _found_per_document(docs: list[Document], model: str | None) -> list[list[tuple[_Run, list[Indicator]]]]:
    """For each document, its runs of passages with the indicators of each."""
    from .api import TextGroup, extract_from_groups

    runs_of = [_runs(_passages(doc)) for doc in docs]
    groups = [
        TextGroup(
            [run.text for run in runs],
            context="\n".join(run.text for run in runs),
            surroundings=[headings_above(doc, run.passages[0].section_index) for run in runs],
            title=doc.title,
        )
        for doc, runs in zip(docs, runs_of)
    ]
    found = extract_from_groups(groups, model=model, n_process=1)
    return [list(zip(runs, per_run)) for runs, per_run in zip(runs_of, found)]


def _squeezed(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def _printed_page(doc: Document, passage: Passage, indicator: Indicator, pages: dict[int, list[str]]) -> int:
    """The page a figure is printed on. A passage that runs on over a page break carries the page
    it starts on; the figure's own words are looked up on the pages after it."""
    if not pages:
        return passage.page
    around = _squeezed(passage.text[max(0, indicator.start - 25):indicator.end + 25])
    if not around or any(around in block for block in pages.get(passage.page, [])):
        return passage.page
    for page in (passage.page + 1, passage.page + 2):
        if any(around in block for block in pages.get(page, [])):
            return page
    return passage.page


def _page_texts(doc: Document, passages: set[int]) -> dict[int, list[str]]:
    """Squeezed text of the blocks on each page a multi-page passage touches (a block may itself
    run on over a column break, so each page's blocks are also joined)."""
    out: dict[int, list[str]] = {}
    for page in doc.pages:
        if any(p <= page.number <= p + 2 for p in passages):
            blocks = [_squeezed(b.text) for b in page.blocks]
            out[page.number] = blocks + ["".join(blocks)]
    return out


def mine(docs: list[Document], pipeline: Pipeline) -> list[Document]:
    """Indicators of every passage outside the reference list, with page, section and role.

    Their "subject: sentence" vectors, which only a comparison needs, are not computed here: the
    first comparison embeds them and keeps them in the store's vector cache. At ingest they cost
    more model time than the passages themselves (3,000 abstracts: 60 s against 32 s)."""
    model = pipeline.stage("indicators").get("spacy_model")
    found = _found_per_document(docs, model)
    for doc, per_run in zip(docs, found):
        doc.indicators = []
        page_texts = _page_texts(doc, {p.page for run, found in per_run if found for p in run.passages}) \
            if len(doc.pages) > 1 else {}
        for run, indicators in per_run:
            for indicator in indicators:
                # The page is the one the figure is printed on, not where its sentence began.
                k = max(i for i, start in enumerate(run.starts) if start <= indicator.start)
                passage = run.passages[k]
                indicator.start -= run.starts[k]
                indicator.end -= run.starts[k]
                indicator.document = doc.stem
                indicator.page = _printed_page(doc, passage, indicator, page_texts)
                indicator.section = passage.section
                indicator.section_role = doc.sections[passage.section_index].role
                doc.indicators.append(indicator)
        _divisions_of_the_country(doc, doc.indicators, model)
        doc.indicators += _table_indicators(doc)
    return docs


def warm(pipeline: Pipeline) -> None:
    from . import extract_indicators

    extract_indicators("Warm-up: 12 stations were built in 2020.", model=pipeline.stage("indicators").get("spacy_model"))
