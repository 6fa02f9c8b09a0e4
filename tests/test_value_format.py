"""Values print in full: thousands separated, with their unit, never in exponent notation (terminal, CSV, HTML)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from rich.console import Console

from policy_nlp.comparison.engine import Comparison
from policy_nlp.comparison.report import render_html
from policy_nlp.comparison.tables import write_csv_tables
from policy_nlp.export import INDICATOR_COLUMNS, with_figure, write_rows
from policy_nlp.formatting import figure, plain, with_unit

EXPONENT = re.compile(r"\d[eE][+-]?\d")
VALUES = [(1e13, "CNY", "10,000,000,000,000 CNY"), (0.000123, "t", "0.000123 t"), (162000.0, "", "162,000")]


@pytest.mark.parametrize("value, text", [
    (1e13, "10,000,000,000,000"), (1e16, "10,000,000,000,000,000"), (0.000123, "0.000123"), (162000, "162,000"),
    (0.142857142857, "0.142857"), (38.2, "38.2"), (1234.5, "1,234.5"), (-0.5, "-0.5"), (0, "0"), (1.23e-05, "0.0000123"),
])
def test_figure(value, text):
    assert figure(value) == text


def test_units_and_plain_decimals():
    assert with_unit(1e13, "CNY") == "10,000,000,000,000 CNY"
    assert with_unit(38.2, "%") == "38.2%" and with_unit(162000, "") == "162,000" and with_unit(None, "%") == ""
    assert plain(1e16) == "10000000000000000" and plain(1.23e-05) == "0.0000123" and plain(162000.0) == "162000"


def _comparison() -> Comparison:
    rows = []
    for value, unit, _ in VALUES:
        cell = {"value": value, "unit": unit, "raw_text": "raw", "indicator": "subject", "period": "", "place": "",
                "page": 1, "section": "1", "sentence": "A sentence."}
        rows.append({"subject": "subject", "dimension": "count", "values": {"a": cell, "b": dict(cell)}, "similarity": 0.8,
                     "reason": "same subject 'subject' (similarity 0.80); both counts"})
    return Comparison(documents=["a", "b"], similarity=[[1.0, 0.5], [0.5, 1.0]], threshold=0.5, threshold_source="test",
                      indicators=rows, paths={"a": "", "b": ""}, roles=["status"])


def _check(text: str) -> None:
    assert not EXPONENT.search(text), EXPONENT.search(text)
    assert "e+" not in text
    for _, _, shown in VALUES:
        assert shown in text


def test_terminal_table(monkeypatch):
    from policy_nlp.cli import compare as command

    buffer = io.StringIO()
    monkeypatch.setattr(command, "console", lambda: Console(file=buffer, width=400, color_system=None))
    command._print_comparison(_comparison())
    _check(buffer.getvalue())
    assert "both counts" in buffer.getvalue()


def test_html_report():
    html = render_html(_comparison())
    _check(html)
    assert "why paired" in html and "both counts" in html


def test_comparison_csv(tmp_path):
    write_csv_tables(_comparison(), tmp_path)
    text = (tmp_path / "indicators.csv").read_text(encoding="utf-8-sig")
    _check(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [float(r["a_value"]) for r in rows] == [v for v, _, _ in VALUES]  # still numbers for machines
    assert rows[0]["reason"].startswith("same subject")


def test_indicator_export_csv(tmp_path):
    rows = [{"document": "d", "value": value, "unit": unit, "kind": "count"} for value, unit, _ in VALUES]
    out = tmp_path / "indicators.csv"
    write_rows(with_figure(rows), out, INDICATOR_COLUMNS)
    text = out.read_text(encoding="utf-8-sig")
    _check(text)
    assert "10000000000000" in text and "0.000123" in text  # the value column: every digit, no separators
