"""What every route shares: the templates (autoescaped), the store each request opens, the
filters that turn model values into page text."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape

HERE = Path(__file__).resolve().parent
ROLE_COLOURS = {"status": "#2b8a3e", "dilemma": "#c92a2a", "recommendation": "#1864ab", "other": "#868e96"}


def marked(highlighted: str) -> Markup:
    """A Hit's `highlighted` text (query words between `**`) as HTML: the text is escaped first,
    then only our own markers become <mark>, so nothing from a PDF can open a tag."""
    parts = str(escape(highlighted)).split("**")
    if len(parts) % 2 == 0:  # an odd marker count: a literal ** in the text, not ours
        return Markup(escape(highlighted))
    return Markup("".join(f"<mark>{p}</mark>" if i % 2 else p for i, p in enumerate(parts)))


def role_colour(role: str) -> str:
    return ROLE_COLOURS.get(role, ROLE_COLOURS["other"])


def _environment() -> Environment:
    from ..formatting import figure, with_unit

    # autoescape on for every template, whatever its suffix: a PDF may contain <script>.
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(marked=marked, figure=figure, with_unit=with_unit, role_colour=role_colour)
    env.globals.update(role_colour=role_colour, content_roles=("status", "dilemma", "recommendation"))
    return env


TEMPLATES = Jinja2Templates(env=_environment())


def render(request: Request, name: str, status_code: int = 200, **context):
    return TEMPLATES.TemplateResponse(request, name, {"request": request, **context}, status_code=status_code)


@contextmanager
def opened(request: Request):
    """The app's store for one request: connections are cheap and a request never shares one
    with an ingest running in a background thread."""
    from ..store import open_store

    store = open_store(request.app.state.db, create=False)
    try:
        yield store
    finally:
        store.close()


def store_key(db) -> str:
    """A short, stable name for a store (its resolved path or URL without password), for the
    folders it keeps under the cache."""
    from ..config import is_db_url

    text = str(db)
    if is_db_url(text):
        head, _, tail = text.partition("@")
        text = tail if tail else head
    else:
        text = str(Path(text).expanduser().resolve())
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def default_cache_dir(db) -> Path:
    from ..embed.cache import cache_root

    return cache_root() / "web" / store_key(db)


def query_string(params: dict, **changes) -> str:
    """The URL query for `params` with `changes` applied (None removes a key): facet links."""
    from urllib.parse import urlencode

    merged = {**params, **changes}
    items = []
    for key, value in merged.items():
        if value is None or value == "":
            continue
        for v in value if isinstance(value, (list, tuple)) else [value]:
            items.append((key, v))
    return urlencode(items)
