"""A strict CLI: option values checked against their known values, output paths checked before
anything is written, --version and -h."""

from __future__ import annotations

import pytest

from conftest import run_cli


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "x", "--role", "Recommendations"],
         "unknown role 'Recommendations'; known: abstract, introduction, status, dilemma, recommendation, conclusion, references, other"),
        (["search", "x", "--mode", "fuzzy"], "unknown mode 'fuzzy'; known: hybrid, dense, bm25"),
        (["export", "indicators", "-o", "k.csv", "--kind", "percentage"],
         "unknown kind 'percentage'; known: count, percent, money, rank, fraction, ratio, growth, quantity"),
        (["export", "sections", "-o", "k.csv", "--format", "xlsx"], "unknown format 'xlsx'; known: csv, jsonl"),
        (["indicators", "1", "--role", "findings"], "unknown role 'findings'"),
        (["compare", "a", "b", "--role", "recs"], "unknown role 'recs'"),
    ],
)
def test_unknown_option_values_are_usage_errors(args, message, db):
    result = run_cli(*args, "--db", str(db))
    assert result.returncode == 2, result.stderr
    assert message in " ".join(result.stderr.split())
    assert not db.exists()  # refused before the store was touched


def test_near_miss_names_the_likely_value(db):
    result = run_cli("search", "x", "--role", "Recommendations", "--db", str(db))
    assert "did you mean 'recommendation'?" in result.stderr


def test_output_with_unknown_extension_is_refused_unless_format_says(tmp_path, small_pdfs, db):
    assert run_cli("ingest", *map(str, small_pdfs), "--db", str(db), "--pipeline", "pipelines/extract_only.toml").returncode == 0
    refused = run_cli("export", "sections", "-o", str(tmp_path / "k.xlsx"), "--db", str(db))
    assert refused.returncode == 2
    assert "unknown output format for suffix .xlsx" in refused.stderr
    assert not (tmp_path / "k.xlsx").exists()
    forced = run_cli("export", "sections", "-o", str(tmp_path / "k.txt"), "--format", "csv", "--db", str(db))
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "k.txt").read_text(encoding="utf-8-sig").startswith('"document"')


def test_missing_output_folder_is_an_error_not_created(tmp_path, small_pdfs, db):
    assert run_cli("ingest", *map(str, small_pdfs), "--db", str(db), "--pipeline", "pipelines/extract_only.toml").returncode == 0
    target = tmp_path / "no" / "such" / "dir" / "k.csv"
    result = run_cli("export", "indicators", "-o", str(target), "--db", str(db))
    assert result.returncode == 2
    assert f"folder {target.parent} does not exist" in result.stderr
    assert not (tmp_path / "no").exists()
    html = run_cli("compare", "alpha", "beta", "--html", str(tmp_path / "nope" / "r.html"), "--db", str(db))
    assert html.returncode == 1 and "does not exist" in html.stderr
    assert not (tmp_path / "nope").exists()


def test_version_and_short_help():
    from policy_nlp import __version__

    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"policy-nlp {__version__}"
    for args in (["-h"], ["search", "-h"], ["export", "indicators", "-h"], ["models", "prepare", "-h"]):
        result = run_cli(*args)
        assert result.returncode == 0 and "Usage:" in result.stdout, args


def test_every_command_has_its_own_module_and_examples():
    from pathlib import Path

    import policy_nlp.cli as cli

    folder = Path(cli.__file__).parent
    for command in ("ingest", "docs", "show", "indicators", "search", "similar", "compare", "delete", "reindex",
                    "export", "models"):
        assert (folder / f"{command}.py").exists(), command
        result = run_cli(command, "--help")
        assert result.returncode == 0, command
        assert "Examples" in result.stdout or "Commands" in result.stdout, command


def test_help_examples_print_one_command_per_line():
    """A long example must not be rewrapped across two lines (it would not paste into a shell)."""
    result = run_cli("search", "--help")
    lines = result.stdout.splitlines()
    example = next(line for line in lines if "--mode bm25" in line)
    assert example.strip() == 'policy-nlp search "rural grid investment" --mode bm25 --doc rural_clean_energy_hexi'
