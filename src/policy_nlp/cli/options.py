"""Options shared by several commands, their checks, and the few helpers every command uses.

Only typer (and the import-free vocabulary) is imported here: `policy-nlp --help` and the
commands that need no model must stay fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from typing_extensions import Annotated

from ..config import DB_ENV
from ..language import LANGUAGES
from ..vocabulary import EXPORT_FORMATS, INDICATOR_KINDS, OCR_MODES, ROLES, SEARCH_MODES, ChoiceError, check_choice


def _checked(what: str, known: tuple[str, ...]):
    """An option callback: a value outside `known` is a usage error (exit code 2) naming the known values."""

    def callback(value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        try:
            return check_choice(what, value, known)
        except ChoiceError as exc:
            raise typer.BadParameter(str(exc)) from None

    return callback


# A string, not a Path: pathlib folds the "//" of postgresql://host/db.
DbOption = Annotated[
    Optional[str],
    typer.Option("--db", envvar=DB_ENV, show_default=False,
                 help=f"SQLite store file, or postgresql://user@host:port/dbname [default: ./policy_nlp.db, or ${DB_ENV}]"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]
RoleOption = Annotated[
    Optional[str],
    typer.Option("--role", help=f"Only this role: {', '.join(ROLES)}.", callback=_checked("role", ROLES), show_default=False),
]
KindOption = Annotated[
    Optional[str],
    typer.Option("--kind", help=f"Only this indicator kind: {', '.join(INDICATOR_KINDS)}.",
                 callback=_checked("kind", INDICATOR_KINDS), show_default=False),
]
ModeOption = Annotated[
    str, typer.Option("--mode", help=f"{', '.join(SEARCH_MODES)}.", callback=_checked("mode", SEARCH_MODES)),
]
FormatOption = Annotated[
    Optional[str],
    typer.Option("--format", help="csv or jsonl [default: from the file's suffix: .csv, .jsonl].",
                 callback=_checked("format", EXPORT_FORMATS), show_default=False),
]
OcrOption = Annotated[
    Optional[str],
    typer.Option("--ocr", callback=_checked("OCR mode", OCR_MODES), show_default=False,
                 help="auto: read by OCR the pages whose text does not decode and the image-only pages (needs the "
                      "tesseract program; Debian: tesseract-ocr); off: never [default: the pipeline's [extract] ocr, off]."),
]
LanguageOption = Annotated[
    Optional[str],
    typer.Option("--lang", help="Only this language: en, zh (documents' and passages' language by script).",
                 callback=_checked("language", LANGUAGES), show_default=False),
]
DocOption = Annotated[Optional[str], typer.Option("--doc", help="Only this document (id, name or stem).", show_default=False)]
PipelineOption = Annotated[
    Optional[Path], typer.Option("--pipeline", help="Pipeline TOML file [default: pipelines/default.toml].", show_default=False),
]


def keep_examples(help_text: str) -> str:
    """Help text whose "Examples:" lines print as written, one per line: click rewraps paragraphs to
    the terminal, which splits a long command line in two; a paragraph opened by \\b is left alone."""
    head, marker, tail = help_text.partition("Examples:\n\n")
    if not marker:
        return help_text
    lines = [line for line in tail.split("\n") if line.strip()]
    return f"{head}{marker}\b\n" + "\n".join(lines)


def fail(message: str, code: int = 1) -> None:
    """One line on stderr, then exit: the shape of every CLI error."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def console():
    from rich.console import Console

    # Piped output keeps full rows instead of rich's 80-column default.
    return Console(highlight=False, width=None if sys.stdout.isatty() else 200)


def stderr_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def open_existing_store(db: Optional[str]):
    """The store at `db`, or exit with its error (missing file, not a store, newer schema)."""
    from ..errors import StoreError
    from ..store import open_store

    try:
        return open_store(db, create=False)
    except StoreError as exc:
        fail(str(exc))


def print_json(payload) -> None:
    import json

    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
