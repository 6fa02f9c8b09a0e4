"""The JSON API behind the pages: the Python API's own objects (DocumentInfo, Hit, indicator rows,
Comparison), serialised as their `as_dict()`/`asdict`; FastAPI documents it at /openapi.json."""

from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from ..pages import opened

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/documents", summary="Stored documents (policy_nlp.documents)")
def documents(request: Request) -> list[dict]:
    with opened(request) as store:
        return [info.as_dict() for info in store.documents()]


@router.get("/documents/{doc_id}", summary="One document: title, outline, sections with roles (policy_nlp.load)")
def document(request: Request, doc_id: int) -> dict:
    with opened(request) as store:
        doc = store.load(doc_id)
    return {"id": doc.id, "name": doc.name, "stem": doc.stem, "sha256": doc.sha256, "title": doc.title, "pages": doc.n_pages,
            "outline": [h.__dict__ for h in doc.outline],
            "sections": [{k: v for k, v in s.__dict__.items() if k != "blocks"} for s in doc.sections]}


@router.get("/search", summary="Passages that answer a query (policy_nlp.search)")
def search(request: Request, q: str, mode: str = "hybrid", top: int = Query(10, ge=1, le=1000), role: Optional[str] = None,
           doc: Optional[str] = None, year: Optional[int] = None) -> list[dict]:
    from ...retrieval import search as run_search

    return [h.as_dict() for h in run_search(q, mode=mode, top=top, role=role, doc=doc, year=year, db=request.app.state.db)]


@router.get("/indicators", summary="Indicator rows (store.indicators, as `policy-nlp export indicators`), filtered")
def indicators(request: Request, doc: Optional[str] = None, role: Optional[str] = None, kind: Optional[str] = None,
               subject: Optional[str] = None, unit: Optional[str] = None, place: Optional[str] = None,
               period: Optional[str] = None, limit: int = Query(10_000, ge=1)) -> list[dict]:
    from .indicators import indicator_rows

    rows = indicator_rows(request, doc=doc, role=role, kind=kind, subject=subject, unit=unit, place=place, period=period)
    return rows[:limit]


@router.get("/compare", summary="Compare two or more documents (policy_nlp.compare)")
def compare(request: Request, doc: List[str] = Query(..., description="two or more: id, name or stem"),
            role: Optional[str] = None) -> dict:
    from .compare import comparison

    return comparison(request, doc, role).as_dict()


@router.get("/uploads/{job_id}", summary="Progress of an upload's ingest")
def upload(request: Request, job_id: str):
    job = request.app.state.uploads.get(job_id)
    if job is None:
        return JSONResponse({"error": f"no upload {job_id}"}, status_code=404)
    return job.as_dict()
