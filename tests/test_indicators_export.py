"""Indicators through the whole pipeline: stored with provenance, exported to CSV/JSONL, listed by the CLI."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS, run_cli, truth

STEM = "smart_manufacturing_lanshan"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("ind") / "i.db"
    result = run_cli("ingest", str(CORPUS / f"{STEM}.pdf"), str(CORPUS / "elderly_care_services_report.pdf"), "--db", str(path))
    assert result.returncode == 0, result.stderr
    return path


def test_export_csv_opens_in_pandas_with_provenance(db, tmp_path):
    import pandas as pd

    out = tmp_path / "indicators.csv"
    result = run_cli("export", "indicators", "-o", str(out), "--doc", STEM, "--db", str(db))
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out)
    required = ["document", "page", "section", "section_role", "indicator", "value", "unit", "kind", "qualifier",
                "period", "place", "raw_text", "sentence"]
    assert set(required) <= set(frame.columns)
    assert set(frame["document"]) == {STEM}
    gold = truth(STEM)["indicators"]
    # Hand-annotated values are found with their role (tolerance for float formatting).
    found = {(round(float(v), 4), r) for v, r in zip(frame["value"], frame["section_role"])}
    hits = [g for g in gold if (round(float(g["value"]), 4), g["role"]) in found]
    assert len(hits) / len(gold) >= 0.9
    assert frame["page"].between(1, truth(STEM)["pages"]).all()
    assert not frame["section_role"].eq("references").any()
    five_g = frame[frame["raw_text"].str.contains("162,000", regex=False)]
    assert list(five_g["value"]) == [162000.0] and "base stations" in five_g["indicator"].iloc[0]


def test_filters_and_jsonl(db, tmp_path):
    out = tmp_path / "pct.jsonl"
    assert run_cli("export", "indicators", "-o", str(out), "--kind", "percent", "--role", "dilemma", "--db", str(db)).returncode == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and {r["kind"] for r in rows} == {"percent"} and {r["section_role"] for r in rows} == {"dilemma"}
    assert {r["document"] for r in rows} == {STEM, "elderly_care_services_report"}


def test_indicators_command(db):
    table = run_cli("indicators", STEM, "--db", str(db))
    assert table.returncode == 0 and "5G base stations" in table.stdout
    rows = json.loads(run_cli("indicators", STEM, "--json", "--role", "recommendation", "--db", str(db)).stdout)
    assert rows and all(r["section_role"] == "recommendation" for r in rows)
    missing = run_cli("indicators", "nope", "--db", str(db))
    assert missing.returncode == 1 and "no document 'nope'" in missing.stderr


def test_scaled_values_are_exact_decimals():
    from policy_nlp.indicators import extract_indicators

    found = extract_indicators("Cumulative identifier registrations passed 4.1 billion in 2022.")
    assert [i.value for i in found] == [4100000000.0]


def test_export_tables_rebuilds_the_truth_table_with_its_caption(db, tmp_path):
    import pandas as pd

    out = tmp_path / "tables.csv"
    result = run_cli("export", "tables", "-o", str(out), "--db", str(db))
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out, dtype={"text": str})
    (gold,) = truth("elderly_care_services_report")["tables"]
    mine = frame[frame["document"] == "elderly_care_services_report"]
    assert set(mine["caption"]) == {gold["caption"]} and set(mine["page"]) == {gold["page"]}
    rebuilt = mine.pivot(index="row", columns="column", values="text").sort_index()
    assert rebuilt.values.tolist() == gold["rows"]


def test_exported_file_has_ordinary_permissions(db, tmp_path):
    import os

    out = tmp_path / "sections.csv"
    old = os.umask(0o022)
    try:
        assert run_cli("export", "sections", "-o", str(out), "--db", str(db)).returncode == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600: others may read it, as with any file
