"""The indicators page: every indicator across documents, filtered by subject, kind, unit,
place and period; for one subject a chart of its values by period and place, its rows and a
CSV download. Subjects that mean the same thing are grouped by their embeddings."""

from __future__ import annotations

from collections import Counter
from typing import Optional

from fastapi import APIRouter, Request
from markupsafe import Markup

from ...vocabulary import INDICATOR_KINDS, ROLES, check_choice
from ..charts import line_chart
from ..pages import opened, query_string, render
from ..queries import chart_series, filter_indicators, group_subjects

router = APIRouter()
SHOWN = 500


def _subject_vectors(store, subjects: list[str]):
    """Subject phrases embedded with the model the passages were embedded with, through the
    comparison's encoder (the store's vector cache first: each phrase is computed once)."""
    from ...comparison.engine import _encoder, comparison_backend

    models = store.embed_models()
    if not models or not subjects:
        return None
    model = max(models, key=models.get)
    return _encoder(model, store, backend=comparison_backend(None))(subjects)


def subject_groups(request: Request, store, rows: list[dict]) -> dict[str, str]:
    """Subject -> group name, kept until the store's generation changes."""
    state = request.app.state
    generation = store.generation()
    if state.subjects[0] != generation:
        subjects = [r["indicator"] for r in rows if r["indicator"]]
        distinct = list(dict.fromkeys(subjects))
        vectors = _subject_vectors(store, distinct)
        if vectors is None:  # no model to ask: the same words make one group
            groups = {s: s for s in distinct}
        else:
            groups = group_subjects(subjects, vectors)
        state.subjects = (generation, groups)
    return state.subjects[1]


def indicator_rows(request: Request, doc=None, role=None, kind=None, subject=None, unit=None, place=None, period=None) -> list[dict]:
    """store.indicators rows (the export's rows) with their subject's `group`, filtered."""
    role = check_choice("role", role, ROLES) if role else None
    kind = check_choice("kind", kind, INDICATOR_KINDS) if kind else None
    with opened(request) as store:
        rows = list(store.indicators(doc, role, kind))
        everything = rows if doc is None and role is None and kind is None else list(store.indicators())
        groups = subject_groups(request, store, everything)
    for row in rows:
        row["group"] = groups.get(row["indicator"], row["indicator"])
    return filter_indicators(rows, subject=subject, unit=unit, place=place, period=period)


@router.get("/indicators", include_in_schema=False)
def indicators_page(request: Request, subject: Optional[str] = None, kind: Optional[str] = None, unit: Optional[str] = None,
                    place: Optional[str] = None, period: Optional[str] = None, doc: Optional[str] = None):
    all_rows = indicator_rows(request)
    rows = filter_indicators(all_rows, subject=subject, kind=kind, unit=unit, place=place, period=period,
                             document=doc)
    groups = Counter(r["group"] for r in all_rows if r["group"])
    members: dict[str, set] = {}
    for r in all_rows:
        members.setdefault(r["group"], set()).add(r["indicator"])
    chart, charted, left_out = None, 0, 0
    if subject:
        # One measure per chart: counts and growth multiples of one subject share no axis.
        valued = [r for r in rows if r["value"] is not None]
        dimensions = Counter((r["kind"], r["unit"]) for r in valued)
        if dimensions:
            (kind_, unit_), charted = dimensions.most_common(1)[0]
            left_out = len(valued) - charted
            series = chart_series([r for r in valued if (r["kind"], r["unit"]) == (kind_, unit_)])
            chart = Markup(line_chart(series, unit=unit_ or kind_))
    params = {"subject": subject, "kind": kind, "unit": unit, "place": place, "period": period, "doc": doc}
    return render(request, "indicators.html", rows=rows[:SHOWN], total=len(rows), shown=SHOWN, params=params,
                  groups=groups.most_common(), members=members, kinds=INDICATOR_KINDS,
                  units=sorted({r["unit"] for r in all_rows if r["unit"]}),
                  documents=sorted({r["document"] for r in all_rows}), chart=chart,
                  chart_points=charted, left_out=left_out, download_query=query_string(params),
                  title="Indicators")


@router.get("/indicators.{fmt}", summary="Filtered indicators as CSV or JSON Lines (the export's columns)")
def download(request: Request, fmt: str, subject: Optional[str] = None, kind: Optional[str] = None, unit: Optional[str] = None,
             place: Optional[str] = None, period: Optional[str] = None, doc: Optional[str] = None):
    from .document import export_response

    rows = filter_indicators(indicator_rows(request, kind=kind), subject=subject, unit=unit, place=place, period=period,
                             document=doc)
    return export_response(rows, fmt, "indicators")
