"""The compare page: pick two or more documents; similarity heatmap, aligned passages, unique
points and indicators side by side, one tab each; a self-contained HTML export to share."""

from __future__ import annotations

from collections import OrderedDict
from typing import List, Optional

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from ...errors import PolicyNLPError
from ...vocabulary import ROLES, check_choice
from ..charts import heatmap
from ..pages import TEMPLATES, opened, query_string, render

router = APIRouter()
TABS = ("similarity", "pairs", "unique", "indicators")
KEEP = 8  # comparisons kept in memory: a tab switch must not recompute one


def comparison(request: Request, docs: list[str], role: Optional[str]):
    """policy_nlp.compare's result, kept per (documents, role, store generation)."""
    from ...comparison import compare

    role = check_choice("role", role, ROLES) if role else None
    if len(docs) < 2:
        raise PolicyNLPError("compare needs at least two documents")
    with opened(request) as store:
        generation = store.generation()
    cache: OrderedDict = request.app.state.comparisons
    key = (tuple(docs), role, generation)
    if key not in cache:
        cache[key] = compare(docs, role=role, db=request.app.state.db)
        while len(cache) > KEEP:
            cache.popitem(last=False)
    return cache[key]


@router.get("/compare", include_in_schema=False)
def compare_page(request: Request, doc: List[str] = Query([]), tab: str = "similarity", role: Optional[str] = None):
    tab = check_choice("tab", tab, TABS)
    with opened(request) as store:
        infos = store.documents()
    result = comparison(request, doc, role) if len(doc) >= 2 else None
    params = {"doc": doc, "role": role}
    tabs = [(name, query_string(params, tab=name)) for name in TABS]
    chart = Markup(heatmap(result.documents, result.similarity)) if result and tab == "similarity" else None
    return render(request, "compare.html", infos=infos, chosen=set(doc), result=result, tab=tab, tabs=tabs, chart=chart,
                  roles=ROLES, role=role, export_query=query_string(params), title="Compare")


@router.get("/compare/export", summary="The comparison as one self-contained HTML file (no scripts, no links out)")
def export(request: Request, doc: List[str] = Query(...), role: Optional[str] = None):
    result = comparison(request, doc, role)
    html = TEMPLATES.get_template("compare_export.html").render(result=result, chart=Markup(heatmap(result.documents, result.similarity)))
    name = "comparison_" + "_vs_".join(result.documents)[:120] + ".html"
    return Response(html, media_type="text/html; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'})
