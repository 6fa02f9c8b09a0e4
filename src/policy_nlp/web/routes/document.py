"""The document page: the outline coloured by role beside the page image, with headings and
indicators boxed where they stand; the indicator table with filters and its downloads."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from ...vocabulary import INDICATOR_KINDS, ROLES, check_choice
from ..page_images import page_png
from ..pages import opened, query_string, render
from ..queries import page_boxes

router = APIRouter()


def _checked(role: Optional[str], kind: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    role = check_choice("role", role, ROLES) if role else None
    kind = check_choice("kind", kind, INDICATOR_KINDS) if kind else None
    return role, kind


@router.get("/documents/{doc_id}", include_in_schema=False)
def document(request: Request, doc_id: int, page: int = 1, role: Optional[str] = None, kind: Optional[str] = None):
    role, kind = _checked(role, kind)
    with opened(request) as store:
        doc = store.load(doc_id)
        rows = list(store.indicators(doc_id, role, kind))
    page = min(max(page, 1), max(doc.n_pages, 1))
    size = next(((p.width, p.height) for p in doc.pages if p.number == page), (595.0, 842.0))
    filters = {"role": role, "kind": kind}
    return render(request, "document.html", doc=doc, page=page, page_size=size, boxes=page_boxes(doc, page), rows=rows,
                  filters=filters, roles=ROLES, kinds=INDICATOR_KINDS, title=doc.title or doc.name,
                  download_query=query_string(filters))


@router.get("/documents/{doc_id}/pages/{number}.png", summary="A page image, rendered on first request and cached")
def page_image(request: Request, doc_id: int, number: int):
    with opened(request) as store:
        doc = store.load(doc_id)
    png = page_png(doc.path, doc.sha256, number, doc.n_pages, request.app.state.cache_dir)
    return FileResponse(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.get("/documents/{doc_id}/indicators.{fmt}", summary="The document's indicators as CSV or JSON Lines (as `export indicators`)")
def download(request: Request, doc_id: int, fmt: str, role: Optional[str] = None, kind: Optional[str] = None):
    role, kind = _checked(role, kind)
    with opened(request) as store:
        stem = store.resolve(doc_id).stem
        rows = list(store.indicators(doc_id, role, kind))
    return export_response(rows, fmt, f"{stem}_indicators")


def export_response(rows: list[dict], fmt: str, stem: str) -> Response:
    """Rows written by the CLI's own writer (export.write_rows: the same columns, BOM and quoting
    as `policy-nlp export indicators`), sent as a download."""
    import tempfile
    from pathlib import Path

    from ...export import INDICATOR_COLUMNS, with_figure, write_rows

    fmt = check_choice("format", fmt, ("csv", "jsonl"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{stem}.{fmt}"
        write_rows(with_figure(rows), path, INDICATOR_COLUMNS, fmt)
        body = path.read_bytes()
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson; charset=utf-8"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})
