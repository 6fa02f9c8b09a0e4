"""`policy-nlp indicators`: the numeric indicators of one document as a table."""

from __future__ import annotations

import typer
from typing_extensions import Annotated

from .options import DbOption, JsonOption, KindOption, RoleOption, console, fail, open_existing_store, print_json

HELP = (
    "List the numeric indicators of one document.\n\n"
    "Examples:\n\n  policy-nlp indicators industrial_intelligence_shandong\n\n"
    "  policy-nlp indicators 2 --role status --kind percent --json"
)


def indicators(
    doc: Annotated[str, typer.Argument(help="Document id, name or stem.", show_default=False)],
    db: DbOption = None,
    role: RoleOption = None,
    kind: KindOption = None,
    as_json: JsonOption = False,
) -> None:
    from ..errors import NotFoundError

    with open_existing_store(db) as store:
        try:
            rows = list(store.indicators(doc, role, kind))
        except NotFoundError as exc:
            fail(str(exc))
    if as_json:
        print_json(rows)
        return
    from rich.markup import escape
    from rich.table import Table

    from ..formatting import figure

    table = Table("page", "role", "indicator", "value", "unit", "kind", "qualifier", "change", "period", "place", "text",
                  title=f"{len(rows)} indicators")
    for r in rows:
        change = r["change"] + (f" vs {r['base']}" if r.get("base") else "")  # "increase vs year_on_year"
        table.add_row(str(r["page"]), r["section_role"], escape(r["indicator"]), figure(r["value"]), r["unit"], r["kind"],
                      r["qualifier"], escape(change), escape(r["period"]), escape(r["place"]), escape(r["raw_text"]))
    console().print(table)
