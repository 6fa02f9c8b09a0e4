"""The library page: every document with its year, pages, role shares and indicators; PDFs
added from the browser (ingested in the background) and documents deleted."""

from __future__ import annotations

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse

from ..pages import opened, render
from ..queries import library_rows
from ..uploads import UploadError

router = APIRouter()


@router.get("/", include_in_schema=False)
def library(request: Request):
    with opened(request) as store:
        rows = library_rows(store)
        where = str(store.path)
    limit = request.app.state.uploads.max_bytes / 2**20
    return render(request, "library.html", rows=rows, where=where, upload_limit_mb=f"{limit:.3g}", title="Library")


@router.post("/upload", summary="Add a PDF: saved, then ingested in the background; poll /api/uploads/{id}")
async def upload(request: Request, file: UploadFile = File(...)):
    try:
        job = await request.app.state.uploads.receive(file)
    except UploadError as exc:
        return JSONResponse({"error": str(exc)}, status_code=exc.status)
    return JSONResponse(job.as_dict(), status_code=202)


@router.post("/documents/{doc_id}/delete", include_in_schema=False)
def delete(request: Request, doc_id: int):
    with opened(request) as store:
        store.delete_documents([doc_id])
    return RedirectResponse("/", status_code=303)
