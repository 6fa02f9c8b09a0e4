"""What a change is measured against (Indicator.base): 同比 / 环比 / 比上年 and their English
forms, read from the figure's own clause, stored on both back ends and exported."""

from __future__ import annotations

import csv
import sqlite3

import pytest

from conftest import make_pdf, run_cli
from test_chinese_search import make_chinese_pdf, pipeline_file

from policy_nlp.indicators import extract_indicators
from policy_nlp.indicators.baseline import change_base
from policy_nlp.ingestion import ingest
from policy_nlp.store import open_store


def _base(text: str, figure: str) -> str:
    at = text.index(figure)
    return change_base(text, at, at + len(figure))


@pytest.mark.parametrize("text, figure, base", [
    ("全省规模以上工业增加值同比增长8.2%", "8.2%", "year_on_year"),
    ("营业收入比上年同期下降3.1%", "3.1%", "year_on_year"),
    ("较去年同期增加12.5亿元", "12.5亿元", "year_on_year"),
    ("社会消费品零售总额环比增长0.3%", "0.3%", "period_on_period"),
    ("出口额较上月下降2.4%", "2.4%", "period_on_period"),
    ("研发投入比上年增长11.6%", "11.6%", "previous_year"),
    ("单位能耗比2020年下降13.5%", "13.5%", "2020"),
    # each clause its own base
    ("工业增加值同比增长8.2%，增速比上年提高1.3个百分点", "1.3个百分点", "previous_year"),
    ("工业增加值同比增长8.2%，增速比上年提高1.3个百分点", "8.2%", "year_on_year"),
    ("营业收入120亿元，增长12%", "12%", ""),
    ("Industrial output rose 8.2% year on year", "8.2%", "year_on_year"),
    ("Sales grew 4.1% y-o-y in March", "4.1%", "year_on_year"),
    ("Revenue was up 6% over the same period last year", "6%", "year_on_year"),
    ("Retail sales fell 0.4% month-on-month", "0.4%", "period_on_period"),
    ("GDP grew by 5.2% over the previous year", "5.2%", "previous_year"),
    ("Emissions fell 12% compared with 2005", "12%", "2005"),
    ("Sales grew 4% from 2019 to 2022", "4%", ""),  # a span, not a base
    ("Exports rose 12% year on year, while imports fell 3%", "3%", ""),
])
def test_base_comes_from_the_clause_of_the_figure(text, figure, base):
    assert _base(text, figure) == base


def test_indicator_rows_carry_the_base_of_their_change():
    english = {i.raw_text: (i.change, i.base) for i in extract_indicators(
        "Industrial output rose 8.2% year on year, while exports fell 3% compared with 2019.")}
    assert english == {"8.2%": ("increase", "year_on_year"), "3%": ("decrease", "2019")}
    chinese = {i.raw_text: (i.kind, i.change, i.base) for i in extract_indicators(
        "2022年全省规模以上工业增加值同比增长8.2%，增速比上年提高1.3个百分点，社会消费品零售总额环比下降0.4%。")}
    assert chinese == {"8.2%": ("growth", "increase", "year_on_year"),
                       "1.3个百分点": ("growth", "increase", "previous_year"),
                       "0.4%": ("growth", "decrease", "period_on_period")}
    # a level has no change, so no base, even in a clause that names one
    level = extract_indicators("截至2022年底，全省累计建成开通5G基站16.2万个，同比增长20%。")
    assert [(i.raw_text, i.base) for i in level] == [("16.2万个", ""), ("20%", "year_on_year")]


ZH_CHANGES = ["2022年全省规模以上工业增加值同比增长8.2%，增速比上年提高1.3个百分点。",
              "社会消费品零售总额环比下降0.4%，问题依然突出。"]


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bases")
    zh = make_chinese_pdf(folder / "zh_changes.pdf", ZH_CHANGES)
    en = make_pdf(folder / "en_changes.pdf", ["Industrial output rose 8.2% year on year in 2022.",
                                              "Emissions fell 12% compared with 2005."], title="Output")
    db = str(folder / "store.db")
    assert [r.status for r in ingest([str(zh), str(en)], db, pipeline=pipeline_file(folder, embed=False))] == ["added", "added"]
    return folder, db


EXPECTED = {("zh_changes", "8.2%"): "year_on_year", ("zh_changes", "1.3个百分点"): "previous_year",
            ("zh_changes", "0.4%"): "period_on_period", ("en_changes", "8.2%"): "year_on_year", ("en_changes", "12%"): "2005"}


def _bases(store) -> dict:
    return {(row["document"], row["raw_text"]): row["base"] for row in store.indicators() if row["change"]}


def test_base_is_stored_and_exported(stored):
    folder, db = stored
    with open_store(db) as store:
        assert _bases(store) == EXPECTED
        assert {(d.stem, i.raw_text): i.base for d in map(store.load, ("zh_changes", "en_changes")) for i in d.indicators
                if i.change} == {(stem, raw): base for (stem, raw), base in EXPECTED.items()}
    out = folder / "indicators.csv"
    done = run_cli("export", "indicators", "--db", db, "-o", str(out))
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    assert header.index("base") == header.index("change") + 1
    assert {(r["document"], r["raw_text"]): r["base"] for r in rows if r["change"]} == EXPECTED


def test_postgresql_store_keeps_the_base(stored, pg_server):
    _, db = stored
    url = pg_server.new_database()
    with open_store(db) as sqlite, open_store(url) as postgres:
        for info in sqlite.documents():
            postgres.put_document(sqlite.load(info.id))
        assert _bases(postgres) == EXPECTED


def test_schema_5_store_gains_the_base_column_on_open(stored, tmp_path):
    import shutil

    _, db = stored
    old = tmp_path / "old.db"
    shutil.copy(db, old)
    conn = sqlite3.connect(old)
    conn.executescript("ALTER TABLE indicators DROP COLUMN base; PRAGMA user_version = 5;")
    conn.close()
    with open_store(old) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == 6
        rows = list(store.indicators())
        assert rows and all(r["base"] == "" for r in rows)  # stored before: unknown until ingested again
    ingest([str(p) for p in sorted(stored[0].glob("*.pdf"))], str(old), force=True,
           pipeline=pipeline_file(stored[0], embed=False))
    with open_store(old) as store:
        assert _bases(store) == EXPECTED


def test_postgresql_schema_4_store_gains_the_base_column(stored, pg_server):
    from policy_nlp.store.postgres import SCHEMA_VERSION

    _, db = stored
    url = pg_server.new_database()
    with open_store(db) as sqlite, open_store(url) as postgres:
        for info in sqlite.documents():
            postgres.put_document(sqlite.load(info.id))
        postgres.conn.execute("ALTER TABLE indicators DROP COLUMN base")
        postgres.conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with open_store(url) as store:
        assert store.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
        assert {r["base"] for r in store.indicators()} == {""}


def test_a_table_column_names_the_base_of_its_cells():
    """A company report's table: the column "本报告期比上年同期增减" holds "上升 5.72 个百分点"
    (as in ../shared/realdocs/issue-67-example.pdf)."""
    from policy_nlp.indicators.table_cells import _chinese_cell

    found = _chinese_cell("上升 5.72 个百分点", "本报告期比上年同期增减", "加权平均净资产收益率", "", "")
    assert [(i.value, i.unit, i.change, i.base) for i in found] == [(5.72, "pp", "increase", "year_on_year")]


def test_the_indicators_command_shows_the_change_and_its_base(stored):
    _, db = stored
    shown = run_cli("indicators", "zh_changes", "--db", db, env={"COLUMNS": "250"})  # no wrapped cells
    assert shown.returncode == 0, shown.stderr
    assert "increase vs year_on_year" in shown.stdout and "increase vs previous_year" in shown.stdout
    assert "decrease vs period_on_period" in shown.stdout
    help_text = run_cli("export", "indicators", "--help").stdout
    assert "base" in help_text and "year_on_year" in help_text
