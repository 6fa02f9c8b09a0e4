"""`policy-nlp show`: one document's title, outline, sections or clean text."""

from __future__ import annotations

import typer
from typing_extensions import Annotated

from .options import DbOption, JsonOption, console, fail, open_existing_store, print_json

HELP = (
    "Show one document: title, pages, outline; --text for its clean text.\n\n"
    "DOC is the document's id, file name or file stem (any name it was ingested under).\n\n"
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

    with open_existing_store(db) as store:
        try:
            document = store.load(doc)
        except NotFoundError as exc:
            fail(str(exc))
    if as_json:
        payload = {
            "id": document.id, "name": document.name, "stem": document.stem, "path": document.path,
            "sha256": document.sha256, "title": document.title, "pages": document.n_pages, "language": document.language,
            "outline": [h.__dict__ for h in document.outline],
            "ocr": ocr_summary(document),
            "sections": [
                {k: v for k, v in s.__dict__.items() if k not in ("blocks",)}
                | {"text": s.text if text else None, "ocr": on_ocr_pages(s, document)}
                for s in document.sections
            ] if sections else None,
            "tables": [{"page": t.page, "rows": t.rows, "caption": t.caption} for t in document.tables],
        }
        if text:
            payload["text"] = document.text
        print_json(payload)
        return
    if text:
        typer.echo(document.text)
        return
    out = console()
    if sections:
        _print_sections(out, document)
        return
    out.print(f"[bold]{document.title or document.name}[/bold]")
    language = f" · language {document.language}" if document.language else ""
    out.print(f"{document.name} · id {document.id} · {document.n_pages} pages · {len(document.tables)} tables{language}"
              f" · sha256 {document.sha256[:12]}")
    _print_ocr(out, document)
    if not document.outline:
        out.print("\n(no headings detected)")
        return
    out.print("\nOutline:")
    for h in document.outline:
        indent = "  " * (h.level - 1)
        number = f"{h.number} " if h.number else ""
        out.print(f"  {indent}{number}{h.text}  [dim](p. {h.page})[/dim]", markup=True)


def ocr_pages(document) -> list[int]:
    """The pages read by OCR (the extract stage records them in the document's metadata)."""
    return [int(n) for n in document.metadata.get("ocr_pages", "").split(",") if n.strip().isdigit()]


def ocr_summary(document) -> dict | None:
    """Which pages OCR read, its mean word confidence and languages; None for a text-layer document."""
    pages = ocr_pages(document)
    if not pages:
        return None
    confidence = document.metadata.get("ocr_confidence", "")
    return {"pages": pages, "confidence": float(confidence) if confidence else None,
            "languages": document.metadata.get("ocr_languages", "")}


def on_ocr_pages(section, document) -> bool:
    """Whether a section's text comes from a page read by OCR: lower confidence in its words and
    figures than a text layer's (Chinese OCR keeps prose only; its tables are left out)."""
    return any(section.page_start <= p <= section.page_end for p in ocr_pages(document))


def _print_ocr(out, document) -> None:
    summary = ocr_summary(document)
    if summary:
        pages = ", ".join(map(str, summary["pages"]))
        out.print(f"[yellow]read by OCR: page(s) {pages} (mean word confidence {summary['confidence']:.0f}/100, "
                  f"{summary['languages'] or 'eng'}): lower confidence than a text layer[/yellow]")


def _print_sections(out, document) -> None:
    from rich.table import Table

    table = Table("level", "section", "role", "confidence", "evidence", "pages", title=document.title or document.name)
    for s in document.sections:
        pages = f"{s.page_start}" if s.page_start == s.page_end else f"{s.page_start}-{s.page_end}"
        label = ("  " * max(0, s.level - 1)) + (f"{s.number} " if s.number else "") + s.heading
        evidence = f"{s.role_evidence} · OCR (low confidence)" if on_ocr_pages(s, document) else s.role_evidence
        table.add_row(str(s.level), label, s.role, f"{s.role_confidence:.2f}", evidence, pages)
    out.print(table)
    _print_ocr(out, document)
