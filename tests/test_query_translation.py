"""Query translation for bm25: a Chinese query's glossary words (models/zh_en_terms.tsv) add their
English words to the lexical query, so it finds English passages on SQLite and PostgreSQL; the
Chinese words stay (and count twice); POLICY_NLP_QUERY_TRANSLATION=0 switches it off; English
queries are untouched and never read the glossary."""

from __future__ import annotations

import pytest

from conftest import make_pdf
from test_chinese_search import make_chinese_pdf, pipeline_file

from policy_nlp.ingestion import ingest
from policy_nlp.retrieval import lexical, query_translation as translation
from policy_nlp.retrieval.lexical import fts_query, query_tokens
from policy_nlp.retrieval.query_translation import (TRANSLATION_ENV, glossary, glossary_file, glossary_terms, parse_glossary,
                                                    query_translation, translate_words)
from policy_nlp.store import open_store

ZH_PARAGRAPHS = [
    "截至2022年底，全省累计建成开通5G基站16.2万个。",
    "当前高端人才短缺问题突出，制约了智能制造的进一步发展。",
]
# Three English papers: one on elderly care, one on a shortage of talent, one on neither.
EN_CARE = ["Nursing homes in rural counties are short of staff, and the pension fund pays for elderly care."]
EN_TALENT = ["Software and manufacturing firms in the city face a talent shortage and recruit engineers abroad."]
EN_PORT = ["Container traffic at the harbour grew by nine percent over the year."]


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("query_translation")
    pdfs = [make_chinese_pdf(folder / "zh_report.pdf", ZH_PARAGRAPHS),
            make_pdf(folder / "en_care.pdf", EN_CARE, title="Care for the elderly"),
            make_pdf(folder / "en_talent.pdf", EN_TALENT, title="Skills in the city"),
            make_pdf(folder / "en_port.pdf", EN_PORT, title="Port statistics")]
    db = str(folder / "store.db")
    results = ingest([str(p) for p in pdfs], db, pipeline=pipeline_file(folder, embed=False))
    assert [r.status for r in results] == ["added"] * 4, results
    return db


@pytest.fixture
def translation_off(monkeypatch):
    monkeypatch.setenv(TRANSLATION_ENV, "0")


def _documents(db: str, query: str) -> list[str]:
    from policy_nlp.api import search

    return [h.document for h in search(query, mode="bm25", top=10, db=db)]


# -- the glossary file ----------------------------------------------------------------------------

def test_the_glossary_parses_without_empty_sides_or_duplicates():
    lines = glossary_file().read_text(encoding="utf-8").splitlines()
    terms = parse_glossary(lines)  # raises on a line without both sides and on a term given twice
    entries = [line for line in lines if line.strip() and not line.startswith("#")]
    assert len(terms) == len(entries) and 500 <= len(terms) <= 1000
    assert all(term and words for term, words in terms.items())
    assert terms["人才"] == ("talent",) and terms["短缺"] == ("shortage",)
    assert terms["制造业"] == ("manufacturing",) and terms["数字化转型"] == ("digital", "transformation")
    assert terms["基站"] == ("base", "station") and terms["养老"] == ("elderly", "care", "pension")


def test_glossary_english_words_are_base_forms_without_stopwords():
    """The index stems English words, so "talents" beside "talent" would count the word twice; a
    stopword would be dropped from the query anyway."""
    for term, words in glossary().items():
        assert not set(words) & lexical.stopwords(), term
        assert len(set(words)) == len(words), term
        assert not any(w + "s" in words or w + "es" in words for w in words), term


def test_parse_glossary_refuses_a_line_without_both_sides_and_a_term_given_twice():
    assert parse_glossary(["# a comment", "", "人才\ttalent", "短缺\tshortage lack"]) == {
        "人才": ("talent",), "短缺": ("shortage", "lack")}
    with pytest.raises(ValueError, match="line 1"):
        parse_glossary(["人才 talent"])  # no tab
    with pytest.raises(ValueError, match="line 2"):
        parse_glossary(["人才\ttalent", "短缺\t  "])
    with pytest.raises(ValueError, match="'人才' given twice"):
        parse_glossary(["人才\ttalent", "人才\ttalents"])


# -- matching (pure functions, a glossary written here) ---------------------------------------

TERMS = {"数字化": ("digital",), "数字化转型": ("digital", "transformation"), "转型": ("transition",),
         "人才": ("talent",), "短缺": ("shortage",), "5g基站": ("5g", "base", "station"), "5g": ("5g",)}


def test_longest_match_first_over_several_words_and_inside_one():
    assert glossary_terms(["数字化", "转型"], TERMS) == ["数字化转型"]  # two jieba words, one term
    assert glossary_terms(["数字化", "人才"], TERMS) == ["数字化", "人才"]
    assert glossary_terms(["人才短缺"], TERMS) == ["人才", "短缺"]  # inside a word jieba keeps whole
    assert glossary_terms(["5G", "基站"], TERMS) == ["5g基站"]  # case of the Latin part does not matter
    assert glossary_terms(["5G", "人才"], TERMS) == ["人才"]  # a Latin word is its own English
    assert glossary_terms(["才短"], TERMS) == []


def test_each_english_word_once_in_the_order_found():
    assert translate_words(["数字化转型", "数字化", "人才"], TERMS) == ["digital", "transformation", "talent"]


# -- the query the back ends search for --------------------------------------------------------

def test_a_chinese_query_keeps_its_words_twice_and_adds_the_english_ones():
    assert query_translation("养老") == ["elderly", "care", "pension"]
    assert query_tokens("养老") == ["养老", "养老", "elderly", "care", "pension"]
    assert fts_query("养老") == '"养老" OR "养老" OR "elderly" OR "care" OR "pension"'


def test_a_mixed_query_counts_only_its_chinese_words_twice():
    assert query_tokens("人才 shortage") == ["人才", "人才", "shortage", "talent"]


def test_postgresql_searches_the_same_words():
    """postgres_index.query_words feeds to_tsvector('english'): it takes query_tokens as they are."""
    from policy_nlp.retrieval.postgres_index import query_words

    assert query_words("养老") == "养老 养老 elderly care pension"


def test_a_chinese_query_without_glossary_words_is_as_before():
    assert query_translation("才短") == [] and query_tokens("才短") == ["才", "短"]


@pytest.mark.parametrize("query, expected", [
    ("talent shortage in the digital economy", '"talent" OR "shortage" OR "digital" OR "economy"'),
    ("base stations", '"base" OR "stations"'),
    ("Elderly care: pension reform", '"elderly" OR "care" OR "pension" OR "reform"'),
    ("of the", '"of" OR "the"'),
])
def test_english_queries_are_untouched(query, expected, monkeypatch):
    translation.glossary.cache_clear()
    tokens = query_tokens(query)
    assert fts_query(query) == expected and query_translation(query) == []
    assert translation.glossary.cache_info().currsize == 0  # an English query never reads the glossary
    monkeypatch.setenv(TRANSLATION_ENV, "0")
    assert query_tokens(query) == tokens and fts_query(query) == expected


@pytest.mark.parametrize("value, on", [("1", True), ("", True), ("0", False), ("false", False), ("OFF", False)])
def test_the_switch(value, on, monkeypatch):
    monkeypatch.setenv(TRANSLATION_ENV, value)
    assert translation.translation_enabled() is on
    assert query_tokens("养老") == (["养老", "养老", "elderly", "care", "pension"] if on else ["养老"])


# -- search ------------------------------------------------------------------------------------

def test_a_chinese_query_finds_an_english_passage(library):
    """养老 occurs in no Chinese passage; its English words only in the care paper."""
    assert _documents(library, "养老") == ["en_care"]


def test_a_chinese_query_finds_both_languages(library):
    """人才短缺 is in the Chinese report, "talent shortage" in the talent paper (the care paper is
    "short of staff": no word of the translation)."""
    assert sorted(_documents(library, "人才短缺")) == ["en_talent", "zh_report"]


def test_a_partial_translation_ranks_below_the_query_word_itself(library):
    """智能制造 -> intelligent manufacturing smart: the talent paper has "manufacturing" only, the
    Chinese report 智能制造 itself (counted twice)."""
    assert _documents(library, "智能制造") == ["zh_report", "en_talent"]


def test_switched_off_a_chinese_query_finds_chinese_passages_only(library, translation_off):
    assert _documents(library, "养老") == []
    assert _documents(library, "人才短缺") == ["zh_report"]
    assert _documents(library, "智能制造") == ["zh_report"]


def test_english_rankings_do_not_change(library, monkeypatch):
    from policy_nlp.api import search

    for query in ("talent shortage", "elderly care pension", "container traffic harbour"):
        on = [(h.passage_id, h.score) for h in search(query, mode="bm25", top=10, db=library)]
        monkeypatch.setenv(TRANSLATION_ENV, "0")
        off = [(h.passage_id, h.score) for h in search(query, mode="bm25", top=10, db=library)]
        monkeypatch.delenv(TRANSLATION_ENV)
        assert on == off and on, query


def test_the_same_on_postgresql(library, pg_server, monkeypatch):
    url = pg_server.new_database()
    with open_store(library) as sqlite, open_store(url) as postgres:
        for info in sqlite.documents():
            postgres.put_document(sqlite.load(info.id), pipeline="default")
    assert _documents(url, "养老") == ["en_care"]
    assert sorted(_documents(url, "人才短缺")) == ["en_talent", "zh_report"]
    assert _documents(url, "智能制造") == ["zh_report", "en_talent"]
    monkeypatch.setenv(TRANSLATION_ENV, "0")
    assert _documents(url, "养老") == []
    assert _documents(url, "人才短缺") == ["zh_report"]
