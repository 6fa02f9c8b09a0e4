"""The web interface's JSON API and pages on the sample corpus, through FastAPI's test client:
the API returns the Python API's own objects; filters narrow; downloads parse; the pages show
the same objects the CLI prints."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from collections import Counter
from dataclasses import asdict

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")

import policy_nlp  # noqa: E402
from conftest import sample_pdfs  # noqa: E402

QUERIES = ("shortage of skilled workers and talent", "rural grid investment", "care workers wages")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("web_api") / "store.db"
    results = policy_nlp.ingest(sample_pdfs(), path)
    assert [r.status for r in results] == ["added"] * 4
    return path


@pytest.fixture(scope="module")
def client(db, tmp_path_factory):
    from fastapi.testclient import TestClient

    from policy_nlp.web import create_app

    with TestClient(create_app(db, cache_dir=tmp_path_factory.mktemp("web_cache"))) as c:
        yield c


def _years(db) -> dict[int, int]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT id, year FROM documents"))


def test_documents_are_the_python_api_documents(client, db):
    assert client.get("/api/documents").json() == [asdict(i) for i in policy_nlp.documents(db)]
    doc = policy_nlp.load("smart_manufacturing_lanshan", db=db)
    got = client.get(f"/api/documents/{doc.id}").json()
    assert got["title"] == doc.title and got["pages"] == doc.n_pages
    assert got["outline"] == [h.__dict__ for h in doc.outline]
    assert [s["role"] for s in got["sections"]] == [s.role for s in doc.sections]


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_search_is_the_python_api_search(client, db, mode):
    for q in QUERIES:
        got = client.get("/api/search", params={"q": q, "mode": mode, "top": 15}).json()
        assert got == [h.as_dict() for h in policy_nlp.search(q, mode=mode, top=15, db=db)]
        assert got, q


def test_search_filters_narrow(client, db):
    q = QUERIES[0]
    everything = client.get("/api/search", params={"q": q, "top": 100}).json()
    roles = Counter(h["role"] for h in everything)
    role = next(r for r, _ in roles.most_common() if r != everything[0]["role"])
    narrowed = client.get("/api/search", params={"q": q, "top": 100, "role": role}).json()
    assert narrowed and {h["role"] for h in narrowed} == {role}
    assert narrowed == [h.as_dict() for h in policy_nlp.search(q, top=100, role=role, db=db)]
    one = client.get("/api/search", params={"q": q, "doc": "rural_clean_energy_hexi"}).json()
    assert one and {h["document"] for h in one} == {"rural_clean_energy_hexi"}
    years = _years(db)
    year = years[everything[0]["doc_id"]]
    dated = client.get("/api/search", params={"q": q, "top": 100, "year": year}).json()
    assert dated and {years[h["doc_id"]] for h in dated} == {year}
    assert len(dated) < len(everything)
    bad = client.get("/api/search", params={"q": q, "role": "Recommendations"})
    assert bad.status_code == 400 and bad.json()["error"].startswith("unknown role 'Recommendations'; known: abstract")


def test_indicators_api_filters(client, db):
    with policy_nlp.open_store(db, create=False) as store:
        every = list(store.indicators())
        percent = list(store.indicators(kind="percent"))
    got = client.get("/api/indicators").json()
    assert [{k: v for k, v in r.items() if k != "group"} for r in got] == every
    assert client.get("/api/indicators", params={"kind": "percent"}).json() == [
        {**r, "group": g["group"]} for r, g in zip(percent, [x for x in got if x["kind"] == "percent"])]
    money = client.get("/api/indicators", params={"unit": "CNY"}).json()
    assert money and len(money) == sum(r["unit"] == "CNY" for r in every) and {r["unit"] for r in money} == {"CNY"}
    place = client.get("/api/indicators", params={"place": "lanshan"}).json()
    assert place and len(place) == sum("lanshan" in (r["place"] or "").lower() for r in every)
    subject = Counter(r["indicator"] for r in every if r["indicator"]).most_common(1)[0][0]
    rows = client.get("/api/indicators", params={"subject": subject}).json()
    # Every row of that exact subject is in its group; grouped phrasings share its group name.
    assert len(rows) >= sum(r["indicator"] == subject for r in every)
    assert len({r["group"] for r in rows}) == 1
    # subjects that mean the same thing share a group (by their embeddings); others do not
    group = {r["indicator"]: r["group"] for r in got}
    assert group["manufacturing investment"] == group["investment in manufacturing"]
    assert group["provincial smart factories"] == group["provincial-level smart factories"]
    assert group["care beds"] != group["day-care centres"] and group["care beds"] != group["manufacturing investment"]
    doc_rows = client.get("/api/indicators", params={"doc": "smart_manufacturing_qinghe", "kind": "count"}).json()
    assert doc_rows and {(r["document"], r["kind"]) for r in doc_rows} == {("smart_manufacturing_qinghe", "count")}


def test_compare_is_the_python_api_compare(client, db):
    docs = ["smart_manufacturing_lanshan", "smart_manufacturing_qinghe"]
    # A first comparison computes its sentence vectors in fp32 and caches them in float16, so later
    # ones differ from it in the 4th decimal: the cache is filled first, then both read it.
    policy_nlp.compare(docs, db=db)
    want = json.loads(policy_nlp.compare(docs, db=db).to_json())
    got = client.get("/api/compare", params=[("doc", d) for d in docs]).json()
    assert got == want
    assert got["documents"] == docs and got["pairs"] and got["indicators"]
    page = client.get("/compare", params=[("doc", d) for d in docs] + [("tab", "pairs")]).text
    assert page.count("<tr><td><span class=\"role") == len(got["pairs"])
    export = client.get("/compare/export", params=[("doc", d) for d in docs])
    html = export.text
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    # self-contained: no script, no link or asset outside the file, every part in one page
    assert "<script" not in html.lower() and "file://" not in html and "href=" not in html and "src=" not in html
    for part in ("tab-similarity", "tab-pairs", "tab-unique", "tab-indicators"):
        assert f'id="{part}"' in html
    assert html.count('class="cell"') == len(docs) ** 2
    one = client.get("/api/compare", params={"doc": docs[0]})
    assert one.status_code == 400 and "at least two" in one.json()["error"]


def test_downloads_parse_with_pandas_and_json(client, db):
    import pandas as pd

    from policy_nlp.export import INDICATOR_COLUMNS

    doc = policy_nlp.load("smart_manufacturing_lanshan", db=db)
    with policy_nlp.open_store(db, create=False) as store:
        rows = list(store.indicators(doc.id))
        money = list(store.indicators(doc.id, kind="money"))
    csv = client.get(f"/documents/{doc.id}/indicators.csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    frame = pd.read_csv(io.BytesIO(csv.content))
    assert list(frame.columns) == list(INDICATOR_COLUMNS) and len(frame) == len(rows)
    assert frame["value"].tolist() == pytest.approx([r["value"] for r in rows])
    assert frame["raw_text"].tolist() == [r["raw_text"] for r in rows]
    lines = client.get(f"/documents/{doc.id}/indicators.jsonl", params={"kind": "money"}).text.splitlines()
    parsed = [json.loads(line) for line in lines]
    assert len(parsed) == len(money) > 0 and {p["kind"] for p in parsed} == {"money"}
    assert [p["raw_text"] for p in parsed] == [r["raw_text"] for r in money]
    everything = pd.read_csv(io.BytesIO(client.get("/indicators.csv", params={"kind": "percent"}).content))
    with policy_nlp.open_store(db, create=False) as store:
        assert len(everything) == len(list(store.indicators(kind="percent"))) > 0
    assert client.get(f"/documents/{doc.id}/indicators.xlsx").status_code == 400


def test_pages_show_the_objects_the_cli_prints(client, db):
    from html import escape

    library = client.get("/").text
    for info in policy_nlp.documents(db):
        assert f'data-doc-id="{info.id}"' in library and escape(info.title) in library and info.name in library
    q = QUERIES[0]
    page = client.get("/search", params={"q": q}).text
    hits = policy_nlp.search(q, top=100, db=db)
    shown = re.findall(r'<li class="hit" data-doc="([^"]+)" data-role="([^"]+)"', page)
    assert shown == [(h.document, h.role) for h in hits[:20]]
    # facet counts are the counts among the best 100 passages
    facet = dict(re.findall(r'data-value="(\w+)"[^>]*>\w+</a> <span class="count">(\d+)</span>',
                            page.split('data-facet="role"')[1].split("</ul>")[0]))
    assert {k: int(v) for k, v in facet.items()} == dict(Counter(h.role for h in hits))
    assert "<mark>" in page
    doc = policy_nlp.load("rural_clean_energy_hexi", db=db)
    text = client.get(f"/documents/{doc.id}").text
    for section in doc.sections:
        assert escape(section.heading) in text
    assert text.count('class="box box-heading"') == sum(h.page == 1 for h in doc.outline)


def test_page_images_by_document_id_and_page_number(client, db, tmp_path):
    from PIL import Image

    from policy_nlp.web.page_images import SCALE

    doc = policy_nlp.load("elderly_care_services_report", db=db)
    first = client.get(f"/documents/{doc.id}/pages/2.png")
    assert first.status_code == 200 and first.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(first.content))
    page = doc.pages[1]
    assert image.size == (round(page.width * SCALE), round(page.height * SCALE))
    cached = list((client.app.state.cache_dir / "pages").glob(f"{doc.sha256}-p2-*.png"))
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns
    assert client.get(f"/documents/{doc.id}/pages/2.png").content == first.content
    assert cached[0].stat().st_mtime_ns == stamp  # served from the cache, not drawn again
    assert client.get(f"/documents/{doc.id}/pages/{doc.n_pages + 1}.png").status_code == 404
    assert client.get("/documents/999/pages/1.png").status_code == 404
    assert client.get("/documents/999").status_code == 404




def test_openapi_and_reference_page(client):
    schema = client.get("/openapi.json").json()
    for path in ("/api/documents", "/api/search", "/api/indicators", "/api/compare"):
        assert path in schema["paths"]
    reference = client.get("/api").text
    assert "/api/search" in reference and "cdn" not in reference.lower()
    assert client.get("/docs").status_code == 404  # Swagger UI needs a CDN: not served


def test_page_boxes_are_stored_positions_scaled():
    """Heading boxes are their block's stored box; an indicator's box is the part of the stored
    line its characters take (the lines it spans when it wraps); percentages of the page size."""
    from policy_nlp.model import Block, Document, Heading, Indicator, Line, Page
    from policy_nlp.web.queries import locate, page_boxes

    lines = [Line("2. Status", 1, (50, 100, 150, 112)), Line("Output rose by 12.5% in 2023 across", 1, (50, 130, 400, 142)),
             Line("the province.", 1, (50, 144, 120, 156))]
    doc = Document(path="x.pdf", sha256="0", pages=[Page(1, 500, 800, blocks=[Block(lines[:1], 1, "heading"), Block(lines[1:], 1)])])
    doc.outline = [Heading("Status", 1, 1, number="2", block=0)]
    doc.indicators = [Indicator(0, 5, "12.5%", 12.5, "%", "percent", page=1), Indicator(0, 5, "2023 across the province", 1, page=1)]
    boxes = page_boxes(doc, 1)
    # "12.5%" is characters 15-20 of a 35-character line 350 pt wide: x 200-250, padded 2 pt
    assert [b["bbox"] for b in boxes] == [(50, 100, 150, 112), (198, 130, 252, 142), (50, 130, 400, 156)]
    assert boxes[0]["pct"] == {"left": 10.0, "top": 12.5, "width": 20.0, "height": 1.5}
    assert locate("not there", lines) is None


def test_chart_draws_one_point_per_value_and_escapes_labels():
    from policy_nlp.web.charts import heatmap, line_chart
    from policy_nlp.web.queries import chart_series, group_subjects

    rows = [{"value": 3.0, "period": "in 2022", "place": "A<b>"}, {"value": 1.0, "period": "in 2020", "place": "A<b>"},
            {"value": 2.0, "period": "in 2021", "place": "B"}, {"value": None, "period": "in 2019", "place": "B"}]
    series = chart_series(rows)
    assert series == {"A<b>": [("in 2020", 1.0), ("in 2022", 3.0)], "B": [("in 2021", 2.0)]}
    svg = line_chart(series)
    assert svg.count('<circle class="point"') == 3 and "A<b>" not in svg and "A&lt;b&gt;" in svg
    assert heatmap(["a", "b"], [[1, 0.5], [0.5, 1]]).count('class="cell"') == 4
    import numpy as np

    v = np.array([[1, 0], [0.96, 0.28], [0, 1]], dtype=np.float32)  # cos(a, b) = 0.96, c apart
    assert group_subjects(["a", "a", "b", "c"], v) == {"a": "a", "b": "a", "c": "c"}


def test_the_app_over_a_postgresql_store(db, pg_server, tmp_path):
    """Any store the CLI can open: the sample library copied into PostgreSQL serves the same
    documents, search hits, years and indicators."""
    from fastapi.testclient import TestClient

    from policy_nlp.web import create_app

    url = pg_server.new_database()
    assert policy_nlp.copy_library(str(db), url).ok
    with TestClient(create_app(url, cache_dir=tmp_path / "cache")) as pg:
        docs = pg.get("/api/documents").json()
        assert [(d["stem"], d["title"]) for d in docs] == [(i.stem, i.title) for i in policy_nlp.documents(db)]
        q = QUERIES[1]
        assert pg.get("/api/search", params={"q": q, "mode": "bm25"}).json() == [
            h.as_dict() for h in policy_nlp.search(q, mode="bm25", db=url)]
        page = pg.get("/search", params={"q": q}).text
        assert 'class="hit"' in page and 'data-facet="year"' in page
        years = sorted(_years(db).values())
        assert all(f">{y}</a>" in page for y in set(years))
        with policy_nlp.open_store(db, create=False) as store:
            assert len(pg.get("/api/indicators").json()) == len(list(store.indicators()))
        assert pg.get("/").status_code == 200 and pg.get(f"/documents/{docs[0]['id']}").status_code == 200


def test_serve_without_the_web_extra_names_the_package(monkeypatch, db):
    import importlib.util

    from typer.testing import CliRunner

    from policy_nlp.cli.app import app

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "uvicorn" else real(name, *a))
    result = CliRunner().invoke(app, ["serve", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["error: the web interface needs uvicorn: pip install 'policy-nlp[web]'"]
