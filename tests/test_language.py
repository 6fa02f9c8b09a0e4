"""Language per document and passage: script detection, stored in both back ends (and carried by
copy), shown by docs/show/--json, --lang filters on export, a clear error for an unknown code, and
a schema-4 SQLite store upgraded on open (languages computed, Chinese passages re-indexed)."""

from __future__ import annotations

import csv
import json
import sqlite3

import pytest

from conftest import make_pdf, run_cli
from test_chinese_search import ZH_PARAGRAPHS, make_chinese_pdf, pipeline_file

from policy_nlp.errors import PolicyNLPError
from policy_nlp.ingestion import ingest
from policy_nlp.language import assign_languages, check_language, detect_language, language_of_texts
from policy_nlp.model import Document, Passage
from policy_nlp.store import open_store


@pytest.mark.parametrize("text, expected", [
    ("截至2022年底，全省累计建成开通5G基站16.2万个", "zh"),
    ("GDP增长5.2%，CPI上涨0.2%", "zh"),  # Latin abbreviations inside Chinese
    ("Made in China 2025 (中国制造2025) is a plan for the manufacturing sector of the country", "en"),
    ("The province built 1,200 charging stations.", "en"),
    ("Le plan de mobilité active de Chelsea", "en"),  # Latin script: not told apart from English
    ("12,345 | 67.8% | 2022", ""),
    ("", ""),
])
def test_detect_language_by_script(text, expected):
    assert detect_language(text) == expected


def test_document_language_weighs_its_passages_and_figures_take_it():
    doc = Document(path="x.pdf", sha256="0")
    doc.passages = [Passage(text=t, page=1, section="") for t in
                    ("一、发展现状", "全省工业互联网平台发展迅速，人才短缺。", "Table 1: 2022 | 16.2 | 1.3", "12 | 34")]
    assign_languages(doc)
    assert doc.language == "zh"
    assert [p.language for p in doc.passages] == ["zh", "zh", "en", "zh"]
    assert language_of_texts(["Status of the sector", "Problems remain."]) == "en"


def test_check_language():
    assert check_language(None) is None and check_language("ZH") == "zh"
    with pytest.raises(PolicyNLPError, match="unknown language 'cn'; known: en, zh"):
        check_language("cn")


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> str:
    """A Chinese and an English document, without vectors (languages need none)."""
    folder = tmp_path_factory.mktemp("languages")
    zh = make_chinese_pdf(folder / "zh_report.pdf", ZH_PARAGRAPHS)
    en = make_pdf(folder / "en_report.pdf", ["A total of 1,200 charging stations were built in 2023.",
                                             "Problems remain in rural grids."], title="Rural energy")
    db = str(folder / "store.db")
    results = ingest([str(zh), str(en)], db, pipeline=pipeline_file(folder, embed=False))
    assert [r.status for r in results] == ["added", "added"]
    return db


def test_languages_are_stored_and_loaded(library):
    with open_store(library) as store:
        infos = {i.stem: i for i in store.documents()}
        assert infos["zh_report"].language == "zh" and infos["en_report"].language == "en"
        zh = store.load("zh_report")
        assert zh.language == "zh" and {p.language for p in zh.passages} == {"zh"}
        assert {p.language for p in store.load("en_report").passages} == {"en"}


def test_docs_show_and_json_show_the_language(library):
    out = run_cli("docs", "--json", "--db", library)
    assert out.returncode == 0, out.stderr
    assert {d["stem"]: d["language"] for d in json.loads(out.stdout)} == {"zh_report": "zh", "en_report": "en"}
    table = run_cli("docs", "--db", library)
    assert "lang" in table.stdout and " zh " in table.stdout
    shown = run_cli("show", "zh_report", "--json", "--db", library)
    assert json.loads(shown.stdout)["language"] == "zh"
    assert "language zh" in run_cli("show", "zh_report", "--db", library).stdout


def test_export_lang_filter(library, tmp_path):
    for lang, stem in (("zh", "zh_report"), ("en", "en_report")):
        out = tmp_path / f"{lang}.csv"
        done = run_cli("export", "indicators", "-o", str(out), "--lang", lang, "--db", library)
        assert done.returncode == 0, done.stderr
        rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
        assert rows and {r["document"] for r in rows} == {stem} and {r["language"] for r in rows} == {lang}
        sections = tmp_path / f"{lang}_sections.jsonl"
        assert run_cli("export", "sections", "-o", str(sections), "--lang", lang, "--db", library).returncode == 0
        assert {json.loads(line)["document"] for line in sections.read_text(encoding="utf-8").splitlines()} == {stem}
    bad = run_cli("export", "indicators", "-o", str(tmp_path / "x.csv"), "--lang", "fr", "--db", library)
    assert bad.returncode == 2 and "unknown language 'fr'" in bad.stderr


def test_copy_to_postgresql_carries_languages(library, pg_server):
    from policy_nlp.store.transfer import copy_library

    url = pg_server.new_database()
    report = copy_library(library, url)
    assert report.ok and report.checked == 2
    with open_store(url) as store:
        assert {i.stem: i.language for i in store.documents()} == {"zh_report": "zh", "en_report": "en"}
        assert store.load("zh_report").passages[0].language == "zh"
        assert store.conn.execute("SELECT count(*) FROM passages WHERE fts_text IS NOT NULL").fetchone()[0] > 0



def test_copy_back_from_postgresql_keeps_languages(library, pg_server, tmp_path):
    from policy_nlp.store.transfer import copy_library

    url = pg_server.new_database()
    assert copy_library(library, url).ok
    back = str(tmp_path / "back.db")
    assert copy_library(url, back).ok
    with open_store(back) as store:
        assert {i.stem: i.language for i in store.documents()} == {"zh_report": "zh", "en_report": "en"}


def test_schema_4_store_gets_languages_and_chinese_words_on_open(library, tmp_path):
    """A store written before languages (schema 4: FTS over passages.text; the language columns are
    left in place, empty, as the upgrade adds only missing ones) is upgraded on open: languages by
    script, Chinese passages cut into words, the index rebuilt."""
    import shutil

    db = tmp_path / "old.db"
    shutil.copy(library, db)
    conn = sqlite3.connect(db)
    conn.executescript("""
        DROP TRIGGER passages_fts_insert; DROP TRIGGER passages_fts_delete; DROP TABLE passages_fts;
        DROP VIEW passages_fts_source;
        UPDATE passages SET fts_text = NULL, language = ''; UPDATE documents SET language = '';
        CREATE VIRTUAL TABLE passages_fts USING fts5(text, content='passages', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2');
        INSERT INTO passages_fts(passages_fts) VALUES ('rebuild');
        ALTER TABLE indicators DROP COLUMN base;
        PRAGMA user_version = 4;
    """)
    conn.close()
    from policy_nlp.api import search

    with open_store(db) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == 6
        assert {i.stem: i.language for i in store.documents()} == {"zh_report": "zh", "en_report": "en"}
        store.conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('integrity-check')")
    assert "高端人才短缺" in search("人才", mode="bm25", top=1, db=db)[0].text
    assert search("charging stations", mode="bm25", top=1, db=db)[0].document == "en_report"


def test_postgresql_schema_3_store_gets_languages_on_open(library, pg_server):
    from policy_nlp.api import search
    from policy_nlp.store.postgres import SCHEMA_VERSION

    url = pg_server.new_database()
    with open_store(library) as sqlite, open_store(url) as postgres:
        for info in sqlite.documents():
            postgres.put_document(sqlite.load(info.id))
        postgres.conn.execute("UPDATE passages SET fts_text = NULL, language = ''")
        postgres.conn.execute("UPDATE documents SET language = ''")
        postgres.conn.execute("ALTER TABLE indicators DROP COLUMN base")
        postgres.conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
        # whole runs of characters only, as before languages
        assert not postgres.conn.execute("SELECT count(*) FROM passage_terms WHERE lexeme = '人才'").fetchone()[0]
    with open_store(url) as store:
        assert store.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
        assert {i.stem: i.language for i in store.documents()} == {"zh_report": "zh", "en_report": "en"}
    assert "高端人才短缺" in search("人才", mode="bm25", top=1, db=url)[0].text


def test_web_library_and_document_pages_show_the_language(library, tmp_path):
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    from fastapi.testclient import TestClient

    from policy_nlp.web import create_app

    with TestClient(create_app(library, cache_dir=tmp_path / "cache")) as client:
        page = client.get("/").text
        assert page.count('<td class="language">zh</td>') == 1 and page.count('<td class="language">en</td>') == 1
        with open_store(library) as store:
            zh_id = store.resolve("zh_report").id
        assert "language zh" in client.get(f"/documents/{zh_id}").text
        listed = {d["stem"]: d["language"] for d in client.get("/api/documents").json()}
        assert listed == {"zh_report": "zh", "en_report": "en"}
