"""`policy-nlp copy`: move a library between stores, resumable and checked."""

from __future__ import annotations

import sys

import typer
from typing_extensions import Annotated

from .options import JsonOption, fail, print_json, stderr_console

HELP = (
    "Copy every document (with its names, vectors and indicators) from one store to another: a SQLite file or "
    "postgresql://user@host:port/dbname, either way. Documents already at the destination are skipped, so an "
    "interrupted copy re-run finishes the rest; each is then read back and compared part by part (exit code 1 "
    "on any difference).\n\n"
    "Examples:\n\n"
    "  policy-nlp copy --from policy.db --to postgresql://analyst@dbhost:5432/policy\n\n"
    "  policy-nlp copy --from postgresql://analyst@dbhost/policy --to laptop.db --json"
)

StoreArg = lambda flag, text: typer.Option(flag, help=text, show_default=False)  # noqa: E731


def copy(
    source: Annotated[str, StoreArg("--from", "The store to copy: a SQLite file or a postgresql:// URL.")],
    destination: Annotated[str, StoreArg("--to", "The store to copy into (created if needed).")],
    check: Annotated[bool, typer.Option("--check/--no-check", help="Read every document back and compare it.")] = True,
    as_json: JsonOption = False,
) -> None:
    from ..errors import PolicyNLPError
    from ..store.transfer import same_store

    for flag, value in (("--from", source), ("--to", destination)):
        if not value.strip():
            raise typer.BadParameter("needs a SQLite file or a postgresql:// URL", param_hint=flag)
    if same_store(source, destination):
        raise typer.BadParameter(f"{destination} is the store copied from", param_hint="--to")
    try:
        report = _run(source, destination, check)
    except PolicyNLPError as exc:
        fail(str(exc))
    except ImportError as exc:  # psycopg missing for a postgresql:// URL
        fail(f"{exc}; pip install -e '.[postgres]'")
    if as_json:
        print_json(report.as_dict())
    else:
        counts = ", ".join(f"{len(names)} {outcome}" for outcome, names in report.outcomes.items())
        typer.echo(f"{report.source} -> {report.destination}: {counts}; {report.checked} checked")
        for name in report.outcomes["conflict"]:
            typer.echo(f"CONFLICT {name}: another document holds its path at the destination", err=True)
        for m in report.mismatches:
            typer.echo(f"MISMATCH {m.name} {m.part}: source {m.source}, destination {m.destination}", err=True)
    if not report.ok:
        raise typer.Exit(1)


def _run(source: str, destination: str, check: bool):
    from rich.progress import Progress

    from ..store.transfer import copy_library

    with Progress(console=stderr_console(), disable=not sys.stderr.isatty(), transient=True) as progress:
        task = progress.add_task("copying", total=None)

        def advance(done: int, total: int, outcome: str, name: str) -> None:
            progress.update(task, completed=done, total=total, description=f"{outcome} {name}")

        return copy_library(source, destination, check=check, on_document=advance)
