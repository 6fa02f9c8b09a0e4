"""`policy-nlp compare`: similarity, aligned passages, unique sentences, indicators side by side."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from typing_extensions import Annotated

from .options import DbOption, JsonOption, PipelineOption, RoleOption, console, fail, open_existing_store

HELP = (
    "Compare documents: similarity matrix, passages that say the same thing, sentences unique to each, "
    "indicators side by side.\n\n"
    "Examples:\n\n"
    "  policy-nlp compare smart_manufacturing_lanshan smart_manufacturing_qinghe\n\n"
    "  policy-nlp compare 1 2 3 --role recommendation --html report.html\n\n"
    "  policy-nlp compare a.pdf b.pdf --json > comparison.json\n\n"
    "  policy-nlp compare a b --csv out/   # similarity.csv, pairs.csv, unique.csv, indicators.csv"
)


def compare(
    docs: Annotated[List[str], typer.Argument(help="Two or more documents (id, name or stem).", show_default=False)],
    db: DbOption = None,
    role: RoleOption = None,
    threshold: Annotated[Optional[float], typer.Option("--threshold", min=-1.0, max=1.0,
                                                       help="Override the calibrated pair threshold (cosine).")] = None,
    html: Annotated[Optional[Path], typer.Option("--html", help="Write a self-contained HTML report here.", show_default=False)] = None,
    csv_dir: Annotated[Optional[Path], typer.Option("--csv", help="Write CSV tables into this folder.", show_default=False)] = None,
    pipeline: PipelineOption = None,
    as_json: JsonOption = False,
) -> None:
    from ..comparison import compare as run_compare
    from ..config import PipelineError
    from ..errors import PolicyNLPError

    for target, folder in ((html, html.parent if html else None), (csv_dir, csv_dir.parent if csv_dir else None)):
        if target is not None and not folder.is_dir():  # checked before the comparison's work, not after
            fail(f"{target}: folder {folder} does not exist")
    open_existing_store(db).close()
    try:
        result = run_compare(docs, role=role, db=db, threshold=threshold, pipeline=pipeline)
    except (PolicyNLPError, PipelineError) as exc:
        fail(str(exc))
    if html:
        from ..comparison.report import write_html

        write_html(result, html)
    if csv_dir:
        from ..comparison.tables import write_csv_tables

        write_csv_tables(result, csv_dir)
    if as_json:
        typer.echo(result.to_json())
        return
    _print_comparison(result)
    if html:
        typer.echo(f"HTML report: {html}")
    if csv_dir:
        typer.echo(f"CSV tables: {csv_dir}/")


def _print_comparison(result) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = console()
    matrix = Table("", *result.documents, title="Document similarity (passage coverage)")
    for stem, row in zip(result.documents, result.similarity):
        matrix.add_row(stem, *(f"{v:.2f}" for v in row))
    out.print(matrix)
    out.print(f"Same point = cosine ≥ {result.threshold:.2f} ({escape(result.threshold_source)})")
    pairs = Table("role", "sim", "A", "B", title=f"Aligned passages ({len(result.pairs)})", show_lines=True)
    for p in result.pairs:
        pairs.add_row(p["role"], f"{p['similarity']:.2f}",
                      escape(f"{p['a']['text'][:220]}\n[{p['a']['document']} p.{p['a']['page']} {p['a']['section']}]"),
                      escape(f"{p['b']['text'][:220]}\n[{p['b']['document']} p.{p['b']['page']} {p['b']['section']}]"))
    out.print(pairs)
    out.print(f"Unique point = a sentence no sentence or passage of another document matches at cosine ≥ "
              f"{result.unique_threshold:.2f} ({escape(result.unique_threshold_source)})")
    for stem in result.documents:
        rows = result.unique.get(stem, [])
        table = Table("role", "best", "sentence", title=f"Only in {stem} ({len(rows)} sentences)", show_lines=True)
        for r in rows:
            where = f"[p.{r['page']} {r['section']}, passage {r['passage']}]"
            table.add_row(r["role"], f"{r['best_match']:.2f}", escape(f"{r['text'][:300]}\n{where}"))
        out.print(table)
    from ..formatting import with_unit

    indicators = Table("subject", *result.documents, "why paired", title=f"Indicators side by side ({len(result.indicators)})",
                       show_lines=True)
    for row in result.indicators:
        cells = []
        for stem in result.documents:
            v = row["values"].get(stem)
            cells.append(escape(with_unit(v["value"], v["unit"]) + (f" ({v['period']})" if v["period"] else "")) if v else "")
        indicators.add_row(escape(row["subject"]), *cells, escape(row.get("reason", "")))
    out.print(indicators)
