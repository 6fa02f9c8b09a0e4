"""`policy-nlp`: the command-line application, assembled from one module per command.

Only typer is imported at start-up; pdfplumber, spaCy and the embedding runtime load inside
the commands that need them, so `policy-nlp --help` answers at once.
"""

from __future__ import annotations

from typing import Optional

import typer
from typing_extensions import Annotated

from . import compare, copy, delete, docs, indicators, ingest, reindex, search, serve, show, similar
from .export import export_app
from .models import models_app
from .options import keep_examples

app = typer.Typer(
    name="policy-nlp",
    help=keep_examples(
        "Turn PDF policy papers into structured, searchable, comparable evidence.\n\n"
        "Examples:\n\n"
        "  policy-nlp ingest corpora/ --workers 2\n\n"
        "  policy-nlp docs\n\n"
        "  policy-nlp search \"talent shortage\" --role dilemma\n\n"
        "  policy-nlp show smart_manufacturing_lanshan --sections"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

for module in (ingest, docs, show, indicators, search, similar, compare, delete, reindex, copy, serve):
    name = module.__name__.rsplit(".", 1)[-1]
    app.command(name, help=keep_examples(module.HELP))(getattr(module, name))
app.add_typer(export_app, name="export")
app.add_typer(models_app, name="models")


def _print_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"policy-nlp {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option("--version", "-V", callback=_print_version, is_eager=True,
                                                    help="Print the version and exit.")] = None,
) -> None:
    """Turn PDF policy papers into structured, searchable, comparable evidence."""


def main() -> None:
    app()


if __name__ == "__main__":
    main()
