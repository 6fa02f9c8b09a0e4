"""`policy-nlp docs`: the stored documents."""

from __future__ import annotations

from .options import DbOption, JsonOption, console, open_existing_store, print_json

HELP = "List stored documents.\n\nExamples:\n\n  policy-nlp docs\n\n  policy-nlp docs --json | jq '.[].stem'"


def docs(db: DbOption = None, as_json: JsonOption = False) -> None:
    with open_existing_store(db) as store:
        infos = store.documents()
    if as_json:
        print_json([i.as_dict() for i in infos])
        return
    from rich.table import Table

    table = Table("id", "document", "title", "lang", "pages", "blocks", "chars", "ingested (UTC)")
    for i in infos:
        title = (i.title[:60] + "…") if len(i.title) > 60 else i.title
        table.add_row(str(i.id), i.name, title, i.language, str(i.n_pages), str(i.n_blocks), str(i.n_chars), i.ingested_at)
    out = console()
    out.print(table)
    out.print(f"{len(infos)} document(s) in {store.path}")
