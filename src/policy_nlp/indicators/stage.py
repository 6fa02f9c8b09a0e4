"""The indicators stage over many documents: one spaCy pass over the passages of a whole chunk.

Each document keeps its own context (the places it names serve all its passages); only the
model calls are shared.
"""

from __future__ import annotations

from ..config import Pipeline
from ..model import Document, Indicator


def _passages(doc: Document):
    return [p for p in doc.passages if "references" not in (p.role, doc.sections[p.section_index].role)]


def _found_per_document(docs: list[Document], model: str | None) -> list[list[list[Indicator]]]:
    """For each document, one list of indicators per kept passage."""
    from . import api

    texts_of = [[p.text for p in _passages(doc)] for doc in docs]
    contexts_of = ["\n".join(texts) for texts in texts_of]
    plan, run, tidy = getattr(api, "_plan", None), getattr(api, "_run_jobs", None), getattr(api, "_tidy", None)
    if plan is None or run is None or tidy is None or len(docs) == 1:
        return [api.extract_from_texts(texts, model=model, context=context, n_process=1)
                for texts, context in zip(texts_of, contexts_of)]
    # Several documents: plan each with its own context, then read all their sentences in one pass.
    name = model or api.DEFAULT_MODEL
    component = api.get_nlp(name).get_pipe(api.PIPE_NAME)
    jobs, contexts, owner = [], [], []
    for k, (texts, context) in enumerate(zip(texts_of, contexts_of)):
        doc_jobs, doc_contexts = plan(texts, component, context)
        for job in doc_jobs:
            job.order += len(jobs)
            job.text_index += len(contexts)
        jobs += doc_jobs
        contexts += doc_contexts
        owner += [(k, i) for i in range(len(texts))]
    results = [[[] for _ in texts] for texts in texts_of]
    for _, text_index, indicators in sorted(run(name, jobs, contexts, 64), key=lambda item: item[0]):
        for indicator in indicators:
            indicator.value, indicator.low, indicator.high = tidy(indicator.value), tidy(indicator.low), tidy(indicator.high)
        k, i = owner[text_index]
        results[k][i].extend(indicators)
    return results


def mine(docs: list[Document], pipeline: Pipeline) -> list[Document]:
    """Indicators of every passage outside the reference list, with page, section and role.

    Their "subject: sentence" vectors, which only a comparison needs, are not computed here: the
    first comparison embeds them and keeps them in the store's vector cache. At ingest they cost
    more model time than the passages themselves (3,000 abstracts: 60 s against 32 s)."""
    found = _found_per_document(docs, pipeline.stage("indicators").get("spacy_model"))
    for doc, per_passage in zip(docs, found):
        doc.indicators = []
        for passage, indicators in zip(_passages(doc), per_passage):
            section = doc.sections[passage.section_index]
            for indicator in indicators:
                indicator.document = doc.stem
                indicator.page = passage.page
                indicator.section = passage.section
                indicator.section_role = section.role
                doc.indicators.append(indicator)
    return docs


def warm(pipeline: Pipeline) -> None:
    from . import extract_indicators

    extract_indicators("Warm-up: 12 stations were built in 2020.", model=pipeline.stage("indicators").get("spacy_model"))
