"""`policy-nlp ingest`: files, folders and globs into the store, one summary line per file."""

from __future__ import annotations

import json
import sys
from typing import List, Optional

import typer
from typing_extensions import Annotated

from ..engines import ENGINES, EngineError, check_ray_address
from .options import DbOption, JsonOption, OcrOption, PipelineOption, _checked, fail, stderr_console

HELP = (
    "Ingest PDF files, folders (searched recursively) or glob patterns into the store.\n\n"
    "Examples:\n\n"
    "  policy-nlp ingest paper.pdf\n\n"
    "  policy-nlp ingest corpora/ reports/*.pdf --workers 2\n\n"
    "  policy-nlp ingest paper.pdf --force   # re-process an unchanged file\n\n"
    "  policy-nlp ingest scans/ --ocr auto   # read image-only and undecodable pages with tesseract\n\n"
    "  policy-nlp ingest reports/ --engine ray --ray-address auto   # on this machine's Ray cluster"
)

# Failures that name an input that never became a file to process: they have no progress step.
_NOT_A_FILE = ("no such file or folder", "pattern matches no files", "folder has no PDF, .txt or .md files")


def _address(value: Optional[str]) -> Optional[str]:
    try:
        return check_ray_address(value)
    except EngineError as exc:
        raise typer.BadParameter(str(exc)) from None


def ingest(
    paths: Annotated[List[str], typer.Argument(help="Files, folders or globs.", show_default=False)],
    db: DbOption = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Parallel worker processes.")] = 1,
    force: Annotated[bool, typer.Option("--force", help="Re-process files already stored unchanged.")] = False,
    pipeline: PipelineOption = None,
    as_json: JsonOption = False,
    ocr: OcrOption = None,
    engine: Annotated[str, typer.Option(
        "--engine", callback=_checked("engine", ENGINES),
        help="local: worker processes here; ray: a Ray cluster (pip install 'policy-nlp[ray]').")] = "local",
    ray_address: Annotated[Optional[str], typer.Option(
        "--ray-address", show_default=False, callback=_address,
        help="With --engine ray: 'auto' (the cluster this machine belongs to) or HOST:PORT; "
             "default: start a local Ray for this ingest.")] = None,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..config import PipelineError, load_pipeline
    from ..errors import PolicyNLPError
    from ..ingestion import ingest as run_ingest

    if ray_address is not None and engine != "ray":
        fail("--ray-address needs --engine ray", code=2)
    try:
        pipe = load_pipeline(pipeline)
    except PipelineError as exc:
        fail(str(exc))
    from ..extract.ocr import OcrError
    from ..ingestion import with_ocr

    try:
        pipe = with_ocr(pipe, ocr)  # fails fast: no tesseract, no language data, a bad [extract] ocr
    except OcrError as exc:
        fail(str(exc), code=2)
    err_console = stderr_console()
    quiet = as_json or not sys.stderr.isatty()
    progress = Progress(
        TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, disable=quiet, transient=True,
    )
    task = progress.add_task("ingest", total=None)

    def say(line: str, to_stderr: bool) -> None:
        if quiet:
            typer.echo(line, err=to_stderr)
        else:
            progress.console.print(line, markup=False, soft_wrap=True)

    def on_result(result) -> None:
        if result.failed or not as_json:
            say(result.summary(), to_stderr=result.failed)
        warning = result.warning_summary()
        if warning:
            say(warning, to_stderr=True)
        if not (result.failed and result.doc_id is None and result.message.endswith(_NOT_A_FILE)):
            progress.advance(task)

    try:
        with progress:
            results = run_ingest(paths, db, force=force, workers=workers, pipeline=pipe, on_result=on_result,
                                 on_start=lambda n: progress.update(task, total=n),
                                 engine=engine, ray_address=ray_address)
    except PolicyNLPError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        err_console.print("interrupted: documents already written are complete; the one in progress was not stored")
        raise typer.Exit(130)
    if as_json:
        from dataclasses import asdict

        typer.echo(json.dumps([asdict(r) for r in results], indent=2, ensure_ascii=False))
    else:
        counts = dict.fromkeys(("added", "replaced", "unchanged", "failed"), 0)
        for r in results:
            counts[r.status] = counts.get(r.status, 0) + 1
        typer.echo(", ".join(f"{n} {status}" for status, n in counts.items()))
    if any(r.failed for r in results):
        raise typer.Exit(1)
