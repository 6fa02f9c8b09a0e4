"""bm25 over Chinese passages: a Chinese PDF rendered here (reportlab, the built-in CID font
STSong-Light) is ingested and found by Chinese words inside longer runs of characters (人才 in
高端人才短缺, 5G基站, 工业互联网), on SQLite (FTS5) and PostgreSQL (tsvector + passage_terms),
with --lang filters; the stored text stays as printed; English search does not load jieba."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, make_pdf, run_cli

from policy_nlp.ingestion import ingest
from policy_nlp.store import open_store

ZH_PARAGRAPHS = [
    "截至2022年底，全省累计建成开通5G基站16.2万个，工业互联网平台连接设备超过1200万台。",
    "当前高端人才短缺问题突出，制约了智能制造的进一步发展，企业研发投入占比仅为1.8%。",
    "建议加快培育专精特新企业，推进数字化转型，力争到2025年规模以上工业企业营收增长16.55%。",
]
EN_PARAGRAPHS = [
    "The province built many charging stations for electric vehicles in rural counties.",
    "A shortage of skilled workers limits the growth of advanced manufacturing firms.",
]


def make_chinese_pdf(path: Path, paragraphs: list[str], title: str = "山东省工业数字化发展报告") -> Path:
    """A one-page Chinese PDF: a title and paragraphs broken into lines of 30 characters."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    y = 780
    c.setFont("STSong-Light", 18)
    c.drawString(72, y, title)
    y -= 36
    c.setFont("STSong-Light", 11)
    for paragraph in paragraphs:
        for i in range(0, len(paragraph), 30):
            c.drawString(72, y, paragraph[i:i + 30])
            y -= 16
        y -= 14
    c.save()
    return path


def pipeline_file(folder: Path, embed: bool = True) -> Path:
    """The default pipeline with one embedding model for every language (what this file tests is
    lexical, and the languages filter, not the choice of models), or without the embed stage."""
    text = (REPO / "pipelines" / "default.toml").read_text(encoding="utf-8").split("[embed.languages]")[0]
    if not embed:
        text = text.replace('stages = ["extract", "segment", "embed", "indicators"]', 'stages = ["extract", "segment", "indicators"]')
    path = folder / ("pipeline.toml" if embed else "pipeline_no_embed.toml")
    path.write_text(text, encoding="utf-8")
    return path


def build_library(folder: Path, embed: bool = True) -> str:
    zh = make_chinese_pdf(folder / "zh_report.pdf", ZH_PARAGRAPHS)
    en = make_pdf(folder / "en_report.pdf", EN_PARAGRAPHS, title="Rural energy and skills")
    db = str(folder / "store.db")
    results = ingest([str(zh), str(en)], db, pipeline=pipeline_file(folder, embed))
    assert [r.status for r in results] == ["added", "added"], results
    return db


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> str:
    return build_library(tmp_path_factory.mktemp("zh_search"))


def _bm25(db: str, query: str, **filters) -> list:
    from policy_nlp.api import search

    return search(query, mode="bm25", top=5, db=db, **filters)


@pytest.mark.parametrize("query, expected", [
    ("人才", "高端人才短缺"), ("5G基站", "5G基站16.2万个"), ("工业互联网", "工业互联网平台"),
    ("互联网", "工业互联网平台"), ("智能制造", "智能制造"), ("专精特新企业", "专精特新"),
])
def test_chinese_words_inside_runs_are_found(library, query, expected):
    hits = _bm25(library, query)
    assert hits and expected in hits[0].text and hits[0].document == "zh_report"


def test_chinese_query_words_are_highlighted(library):
    hit = _bm25(library, "人才 shortage 5G基站")[0]
    assert "**人才**" in hit.highlighted or "**5G基站**" in hit.highlighted
    mixed = _bm25(library, "skilled workers 人才")
    english = next(h for h in mixed if h.document == "en_report")
    assert "**skilled**" in english.highlighted and english.highlighted.count("**") % 2 == 0


def test_a_run_that_is_not_a_word_is_not_a_match(library):
    """Whole runs used to be the only tokens; now a string that straddles two words ("才短") is no
    word of the index (bm25 is over words, not characters)."""
    assert not _bm25(library, "才短")


def test_stored_text_stays_unsegmented_and_the_index_holds_words(library):
    with open_store(library) as store:
        rows = store.conn.execute("SELECT p.text, p.fts_text, p.language FROM passages p JOIN documents d ON d.id = p.doc_id"
                                  " WHERE d.stem = 'zh_report'").fetchall()
        english = store.conn.execute("SELECT count(*) FROM passages p JOIN documents d ON d.id = p.doc_id"
                                     " WHERE d.stem = 'en_report' AND (p.fts_text IS NOT NULL OR p.language != 'en')").fetchone()[0]
        store.conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('integrity-check')")
    text = " ".join(r[0] for r in rows)
    assert "5G基站16.2万个" in text and "高端人才短缺" in text  # as printed: no spaces inserted
    words = " ".join(r[1] for r in rows if r[1])
    assert "5G基站" in words.split() and "16.2" in words.split() and "16.55%" in words.split()
    assert {r[2] for r in rows} == {"zh"} and english == 0


def test_english_queries_and_mixed_ones(library):
    assert _bm25(library, "skilled workers shortage")[0].document == "en_report"
    mixed = _bm25(library, "5G基站 charging stations")
    assert {h.document for h in mixed} == {"zh_report", "en_report"}


def test_lang_filter_keeps_one_language(library):
    assert {h.document for h in _bm25(library, "5G基站 charging stations", lang="zh")} == {"zh_report"}
    assert {h.document for h in _bm25(library, "5G基站 charging stations", lang="en")} == {"en_report"}
    from policy_nlp.api import search

    hybrid = search("人才短缺 shortage of skilled workers", mode="hybrid", top=10, db=library, lang="zh",
                    pipeline=pipeline_file(Path(library).parent))
    assert hybrid and {h.document for h in hybrid} == {"zh_report"}


def test_cli_search_lang_and_json_language(library):
    out = run_cli("search", "人才", "--mode", "bm25", "--lang", "zh", "--json", "--db", library)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits and all(h["language"] == "zh" for h in hits) and "人才" in hits[0]["text"]
    bad = run_cli("search", "人才", "--lang", "cn", "--db", library)
    assert bad.returncode == 2 and "unknown language 'cn'" in bad.stderr and "en, zh" in bad.stderr


def test_english_search_does_not_load_jieba(library):
    """jieba's dictionary (~0.5 s) loads only when Chinese text is met: an English query in a fresh
    process leaves it unloaded, a Chinese one loads it."""
    code = ("import sys; from policy_nlp.api import search; from policy_nlp import wordseg; "
            "search(sys.argv[2], mode='bm25', db=sys.argv[1]); print(wordseg.loaded(), 'jieba' in sys.modules)")
    for query, expected in (("skilled workers", "False False"), ("人才", "True True")):
        out = subprocess.run([sys.executable, "-c", code, library, query], capture_output=True, text=True, cwd=REPO, timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == expected


def test_the_same_on_postgresql(library, pg_server):
    from policy_nlp.api import search

    url = pg_server.new_database()
    with open_store(library) as sqlite, open_store(url) as postgres:
        for info in sqlite.documents():
            postgres.put_document(sqlite.load(info.id), pipeline="default")
        assert {r[0] for r in postgres.conn.execute("SELECT DISTINCT language FROM passages")} == {"zh", "en"}
    for query, expected in (("人才", "高端人才短缺"), ("5G基站", "5G基站16.2万个"), ("工业互联网", "工业互联网平台")):
        hits = search(query, mode="bm25", top=5, db=url)
        assert hits and expected in hits[0].text, query
    assert {h.document for h in search("5G基站 charging stations", mode="bm25", top=5, db=url, lang="en")} == {"en_report"}
    hybrid = search("人才 workers", mode="hybrid", top=5, db=url, lang="zh", pipeline=pipeline_file(Path(library).parent))
    assert {h.document for h in hybrid} == {"zh_report"}
    assert [h.passage_id for h in search("skilled workers shortage", mode="bm25", top=5, db=url)]
