"""`policy-nlp delete`: remove documents and everything derived from them."""

from __future__ import annotations

from typing import List

import typer
from typing_extensions import Annotated

from .options import DbOption, JsonOption, fail, open_existing_store, print_json

HELP = (
    "Delete documents and everything derived from them (sections, passages, search index, vectors, "
    "indicators, other names), all in one transaction: if any DOC is unknown, nothing is deleted.\n\n"
    "Examples:\n\n  policy-nlp delete 3\n\n  policy-nlp delete old_report.pdf draft_v2 --json"
)


def delete(
    docs: Annotated[List[str], typer.Argument(help="Documents (id, name or stem).", show_default=False)],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    from ..errors import NotFoundError

    with open_existing_store(db) as store:
        try:
            removed = store.delete_documents(docs)
        except NotFoundError as exc:
            fail(f"{exc}; nothing was deleted")
    if as_json:
        print_json([info.as_dict() for info in removed])
        return
    for info in removed:
        typer.echo(f"deleted document {info.id} ({info.name})")
