"""The search page: query box, mode, facets for role, document and year with their counts,
hits with the query's words marked and a link to the page at each hit."""

from __future__ import annotations

from collections import Counter
from typing import Optional

from fastapi import APIRouter, Request

from ...vocabulary import ROLES, SEARCH_MODES, check_choice
from ..pages import opened, query_string, render
from ..queries import document_years

router = APIRouter()
FACET_DEPTH = 100  # facets count the best passages, as many a reader could page through
SHOWN = 20


def years_of(request: Request) -> dict[int, int | None]:
    """Document years, kept until the store's generation changes (an ingest or a delete)."""
    state = request.app.state
    with opened(request) as store:
        generation = store.generation()
        if state.years[0] != generation:
            state.years = (generation, document_years(store))
    return state.years[1]


def facet_counts(hits, years: dict[int, int | None]) -> dict[str, list[tuple[str, str, int]]]:
    """(value, label, count) per facet, most frequent first: role, document (by id) and year."""
    roles = Counter(h.role for h in hits)
    docs = Counter((h.doc_id, h.document) for h in hits)
    by_year = Counter(years.get(h.doc_id) for h in hits if years.get(h.doc_id) is not None)
    return {
        "role": [(r, r, n) for r, n in roles.most_common()],
        "doc": [(str(i), stem, n) for (i, stem), n in docs.most_common()],
        "year": [(str(y), str(y), n) for y, n in sorted(by_year.items(), key=lambda yn: (-yn[1], -yn[0]))],
    }


@router.get("/search", include_in_schema=False)
def search_page(request: Request, q: str = "", mode: str = "hybrid", role: Optional[str] = None, doc: Optional[str] = None,
                year: Optional[int] = None):
    from ...retrieval import search as run_search

    mode = check_choice("mode", mode, SEARCH_MODES)
    role = check_choice("role", role, ROLES) if role else None
    params = {"q": q, "mode": mode, "role": role, "doc": doc, "year": year}
    hits, facets = [], {}
    if q.strip():
        years = years_of(request)
        found = run_search(q, mode=mode, top=FACET_DEPTH, role=role, doc=doc, year=year, db=request.app.state.db)
        hits, facets = found[:SHOWN], facet_counts(found, years)
        found_n = len(found)
    else:
        found_n = 0
    links = {name: [(value, label, n, query_string(params, **{name: value}))
                    for value, label, n in values] for name, values in facets.items()}
    clear = {name: query_string(params, **{name: None}) for name in ("role", "doc", "year")}
    return render(request, "search.html", q=q, mode=mode, modes=SEARCH_MODES, params=params, hits=hits, facets=links,
                  clear=clear, found=found_n, depth=FACET_DEPTH, title="Search")
