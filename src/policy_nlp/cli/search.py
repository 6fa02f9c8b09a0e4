"""`policy-nlp search`: passages that answer a query, across every stored document.

The cold path matters here (a whole process per query): nothing but the store, numpy and the
query encoder is imported, and rich only to print.
"""

from __future__ import annotations

from typing import Optional

import typer
from typing_extensions import Annotated

from .options import (DbOption, DocOption, JsonOption, LanguageOption, ModeOption, PipelineOption, RoleOption, console, fail,
                      open_existing_store, print_json)

HELP = (
    "Search passages across every stored document.\n\n"
    "Modes: hybrid (default: bm25 and embeddings fused), dense, bm25.\n\n"
    "Examples:\n\n"
    "  policy-nlp search \"talent shortage\" --role dilemma --top 10\n\n"
    "  policy-nlp search \"rural grid investment\" --mode bm25 --doc rural_clean_energy_hexi\n\n"
    "  policy-nlp search \"care workers wages\" --json | jq '.[0].text'\n\n"
    "  policy-nlp search \"人才短缺\" --lang zh --mode bm25"
)


def search(
    query: Annotated[str, typer.Argument(help="What to look for, in plain words.", show_default=False)],
    db: DbOption = None,
    mode: ModeOption = "hybrid",
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Number of passages to return.")] = 10,
    role: RoleOption = None,
    doc: DocOption = None,
    year: Annotated[Optional[int], typer.Option("--year", help="Only documents of this year.", show_default=False)] = None,
    lang: LanguageOption = None,
    pipeline: PipelineOption = None,
    as_json: JsonOption = False,
) -> None:
    from ..config import PipelineError
    from ..errors import PolicyNLPError
    from ..api import search as run_search

    open_existing_store(db).close()  # a clear error when the store is missing
    try:
        hits = run_search(query, mode=mode, top=top, role=role, doc=doc, year=year, lang=lang, db=db, pipeline=pipeline)
    except (PolicyNLPError, PipelineError) as exc:
        fail(str(exc))
    if as_json:
        from ..api import passage_languages

        languages = passage_languages(db, [h.passage_id for h in hits]) if hits else {}
        print_json([h.as_dict() | {"language": languages.get(h.passage_id, "")} for h in hits])
        return
    out = console()
    if not hits:
        out.print("no matching passages")
        return
    from rich.markup import escape

    for rank, h in enumerate(hits, start=1):
        parts = escape(h.highlighted).replace("**", "\x00").split("\x00")
        text = "".join(f"[bold yellow]{p}[/bold yellow]" if i % 2 else p for i, p in enumerate(parts))
        out.print(f"[bold]{rank}. {escape(h.document)}[/bold]  p.{h.page}  {escape(h.section)}  [cyan]{h.role}[/cyan]  "
                  f"score {h.score:.4f}  ({h.matched})")
        out.print(f"   {text}\n")
