"""`policy-nlp similar`: stored documents nearest to a document or to a piece of text."""

from __future__ import annotations

from typing import Optional

import typer
from typing_extensions import Annotated

from .options import DbOption, JsonOption, console, fail, open_existing_store, print_json

HELP = (
    "Stored documents most similar to a document, or to a piece of text.\n\n"
    "Examples:\n\n  policy-nlp similar smart_manufacturing_lanshan\n\n  policy-nlp similar --text \"rural solar subsidies\" --top 3"
)


def similar(
    doc: Annotated[Optional[str], typer.Argument(help="Document id, name or stem.", show_default=False)] = None,
    text: Annotated[Optional[str], typer.Option("--text", help="Find documents similar to this text instead.", show_default=False)] = None,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Number of documents to return.")] = 5,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    from ..comparison import similar as run_similar
    from ..errors import PolicyNLPError

    if (doc is None) == (text is None):
        raise typer.BadParameter("give a document or --text, not both and not neither")
    open_existing_store(db).close()
    try:
        rows = run_similar(doc, text=text, top=top, db=db)
    except PolicyNLPError as exc:
        fail(str(exc))
    if as_json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table("document", "similarity", "title")
    for row in rows:
        table.add_row(row["document"], f"{row['similarity']:.3f}", row["title"])
    console().print(table)
