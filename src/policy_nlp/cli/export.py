"""`policy-nlp export sections|indicators|tables`: rows to CSV or JSON Lines."""

from __future__ import annotations

from pathlib import Path

import typer
from typing_extensions import Annotated

from .options import (DbOption, DocOption, FormatOption, KindOption, LanguageOption, RoleOption, fail, keep_examples,
                      open_existing_store)

export_app = typer.Typer(
    help="Export sections, indicators or table cells to CSV (or JSON Lines with --format jsonl).",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

OutputOption = Annotated[
    Path, typer.Option("--output", "-o", help="File to write: .csv or .jsonl (other names need --format).", show_default=False),
]


@export_app.command(
    "indicators",
    help=keep_examples("Export every indicator: document, page, section, section_role, indicator, figure (the value in full with "
    "thousands separators and unit: '10,000,000,000,000 CNY'), value, unit, kind, qualifier, low, high, "
    "period, place, change, base (what a change is measured against: year_on_year, period_on_period, previous_year "
    "or a year), raw_text, sentence, language\n\n"
    "Examples:\n\n  policy-nlp export indicators -o indicators.csv\n\n"
    "  policy-nlp export indicators -o money.jsonl --kind money --role status --doc industrial_intelligence_shandong\n\n"
    "  policy-nlp export indicators -o zh.csv --lang zh"),
)
def export_indicators(
    output: OutputOption, db: DbOption = None, fmt: FormatOption = None, doc: DocOption = None, role: RoleOption = None,
    kind: KindOption = None, lang: LanguageOption = None,
) -> None:
    from ..export import INDICATOR_COLUMNS, with_figure

    _export(db, lambda store: with_figure(store.indicators(doc, role, kind, lang=lang)), INDICATOR_COLUMNS, output, fmt,
            "indicators")


@export_app.command(
    "sections",
    help=keep_examples("Export every section: document, path, heading, level, role, role_confidence, page_start, page_end, text.\n\n"
    "Examples:\n\n  policy-nlp export sections -o sections.csv\n\n  policy-nlp export sections -o rec.jsonl --role recommendation"),
)
def export_sections(output: OutputOption, db: DbOption = None, fmt: FormatOption = None, doc: DocOption = None, role: RoleOption = None,
                    lang: LanguageOption = None) -> None:
    from ..export import SECTION_COLUMNS

    _export(db, lambda store: store.sections(doc, role, lang=lang), SECTION_COLUMNS, output, fmt, "sections")


@export_app.command(
    "tables",
    help=keep_examples("Export every table cell: document, page, table (its number in the document), caption, row, column, text. "
    "One row per cell, so tables of any shape share one file; pivot on row and column to rebuild a table.\n\n"
    "Examples:\n\n  policy-nlp export tables -o tables.csv\n\n  policy-nlp export tables -o report.jsonl --doc elderly_care_services_report"),
)
def export_tables(output: OutputOption, db: DbOption = None, fmt: FormatOption = None, doc: DocOption = None,
                  lang: LanguageOption = None) -> None:
    from ..export import TABLE_CELL_COLUMNS

    _export(db, lambda store: store.table_cells(doc, lang=lang), TABLE_CELL_COLUMNS, output, fmt, "table cells")


def _export(db, rows, columns, output: Path, fmt: str | None, noun: str) -> None:
    """Write the store's `rows(store)` to `output`. A bad output path is a usage error (exit 2),
    checked before the store is read; a document that is not stored is exit 1."""
    from ..errors import NotFoundError
    from ..export import OutputError, check_output, write_rows

    try:
        fmt = check_output(output, fmt)
    except OutputError as exc:
        fail(str(exc), code=2)
    with open_existing_store(db) as store:
        try:
            count = write_rows(rows(store), output, columns, fmt)
        except NotFoundError as exc:
            fail(str(exc))
    typer.echo(f"wrote {count} {noun} to {output}")
