"""`policy-nlp serve`: the web interface over a store (needs the `web` extra)."""

from __future__ import annotations

from typing import Optional

import typer
from typing_extensions import Annotated

from .options import DbOption, PipelineOption, fail, open_existing_store

HELP = (
    "Serve the library in a browser: library, document pages with highlights, search with facets, "
    "indicators with charts, comparisons; a JSON API under /api (schema at /openapi.json).\n\n"
    "Binds to 127.0.0.1 (this machine only). Any other address needs --token, or --generate-token to "
    "make one and print it; every request must then carry it (open the printed URL once).\n\n"
    "Examples:\n\n"
    "  policy-nlp serve\n\n"
    "  policy-nlp serve --db policy.db --port 8080\n\n"
    "  policy-nlp serve --host 0.0.0.0 --generate-token\n\n"
    "  policy-nlp serve --host 0.0.0.0 --token \"$POLICY_NLP_TOKEN\" --db postgresql://user@host/policy"
)
WEB_PACKAGES = ("fastapi", "uvicorn", "jinja2", "multipart", "httpx")
PIP_NAMES = {"multipart": "python-multipart"}


def missing_web_package() -> Optional[str]:
    """The first package of the `web` extra that cannot be imported, by its pip name."""
    import importlib.util

    for module in WEB_PACKAGES:
        if importlib.util.find_spec(module) is None:
            return PIP_NAMES.get(module, module)
    return None


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind; other than loopback needs a token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    token: Annotated[Optional[str], typer.Option("--token", envvar="POLICY_NLP_TOKEN", show_default=False,
                                                 help="Require this token on every request.")] = None,
    generate_token: Annotated[bool, typer.Option("--generate-token", help="Make a random token and print it.")] = False,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", min=0.01, help="Largest PDF accepted from the browser (MB).")] = 50.0,
    pipeline: PipelineOption = None,
) -> None:
    from ..web.security import is_loopback, new_token

    if token is not None and len(token.strip()) < 8:
        fail("--token: use at least 8 characters (or --generate-token)", code=2)
    if token and generate_token:
        fail("--token and --generate-token: give one of them", code=2)
    if not is_loopback(host) and not token and not generate_token:
        fail(f"--host {host} is reachable from other machines: give --token TOKEN or --generate-token "
             "(or bind to 127.0.0.1)", code=2)
    missing = missing_web_package()
    if missing:
        fail(f"the web interface needs {missing}: pip install 'policy-nlp[web]'")
    if pipeline is not None:  # checked now, not at the first upload
        from ..config import PipelineError, load_pipeline

        try:
            load_pipeline(pipeline)
        except PipelineError as exc:
            fail(str(exc), code=2)
    store = open_existing_store(db)  # a clear error when the store is missing
    where = store.path  # a URL without its password: the line below may end up in a log
    store.close()
    if generate_token:
        token = new_token()
    import uvicorn

    from ..web import create_app

    app = create_app(db, token=token.strip() if token else None, max_upload_mb=max_upload_mb, pipeline=pipeline)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    typer.echo(f"serving {where} at {url}  (Ctrl-C stops)")
    if generate_token:
        typer.echo(f"token: {token}")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except OSError as exc:  # the port is taken, the address is not ours
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
