"""create_app: the FastAPI application over one store (any the CLI can open)."""

from __future__ import annotations

from collections import OrderedDict
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..errors import NotFoundError, PolicyNLPError
from .pages import HERE, default_cache_dir, render
from .security import GuardMiddleware
from .uploads import MAX_UPLOAD_MB, Uploads


def create_app(db, token: str | None = None, *, cache_dir: str | Path | None = None,
               max_upload_mb: float = MAX_UPLOAD_MB, pipeline: str | Path | None = None) -> FastAPI:
    """The web application over the store `db`. With `token`, every request must carry it
    (`Authorization: Bearer`, `?token=`, or the cookie a `?token=` visit sets).

    Page images and uploaded PDFs live under `cache_dir` (default: the user cache,
    ~/.cache/policy_nlp/web/<store>). Uploads are ingested with `pipeline` (default: the default
    pipeline), its time limit included."""
    from ..store import open_store

    open_store(db, create=False).close()  # a missing or foreign store fails here, not on the first page
    # Swagger UI and ReDoc load their scripts from a CDN; the schema is served and rendered here.
    cache = Path(cache_dir) if cache_dir else default_cache_dir(db)
    uploads = Uploads(db, cache / "uploads", int(max_upload_mb * 2**20), pipeline=pipeline)

    @asynccontextmanager
    async def lifespan(app):
        yield
        uploads.close()

    app = FastAPI(title="policy_nlp", version=__version__, docs_url=None, redoc_url=None, openapi_url="/openapi.json",
                  description="The JSON API of `policy-nlp serve`: the same objects as the Python API.", lifespan=lifespan)
    state = app.state
    state.db = db
    state.cache_dir = cache
    state.uploads = uploads
    state.years = (None, {})
    state.subjects = (None, {})
    state.comparisons = OrderedDict()

    from .routes import api, compare, document, indicators, library, search

    for module in (library, document, search, indicators, compare, api):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/api", include_in_schema=False)
    def api_reference(request: Request):
        return render(request, "api.html", schema=app.openapi(), title="API")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return Response((HERE / "static" / "favicon.svg").read_bytes(), media_type="image/svg+xml")

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError):
        return _error(request, str(exc), 404)

    @app.exception_handler(PolicyNLPError)
    async def bad_request(request: Request, exc: PolicyNLPError):
        return _error(request, str(exc), 400)

    app.add_middleware(GuardMiddleware, token=token)
    return app


def _error(request: Request, message: str, status: int):
    """The one-line message of the CLI, as JSON for the API and as a page for a browser."""
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"error": message}, status_code=status)
    return render(request, "error.html", status_code=status, message=message, title="Error")
