"""The web interface in a real browser: Playwright drives Debian's headless Chromium against a
uvicorn server started here, on the sample corpus. Every page loads without a console error; a
search returns hits and a facet narrows them; highlights sit where the store says the headings
and figures are; the chart draws one point per value; an upload is ingested. A screenshot of
every page goes to $POLICY_NLP_SCREENSHOTS (else the test's tmp_path)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")
pytest.importorskip("playwright", reason="playwright is not installed (the dev extra)")

import policy_nlp  # noqa: E402
from conftest import make_pdf, sample_pdfs  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    print("test_web_browser: skipped, no Chromium (Debian package 'chromium')")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian package 'chromium'); CI installs it")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("web_browser") / "store.db"
    assert [r.status for r in policy_nlp.ingest(sample_pdfs(), path)] == ["added"] * 4
    return path


@pytest.fixture(scope="module")
def base_url(db, tmp_path_factory):
    import uvicorn

    from policy_nlp.web import create_app

    app = create_app(db, cache_dir=tmp_path_factory.mktemp("web_browser_cache"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("POLICY_NLP_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser):
    """A fresh page that records console errors, page errors and failed requests."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.problems = []
    tab.on("console", lambda msg: tab.problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: tab.problems.append(f"pageerror: {exc}"))
    tab.on("requestfailed", lambda req: tab.problems.append(f"failed: {req.url}"))
    tab.on("response", lambda r: tab.problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    yield tab
    context.close()


def _biggest_subject(db) -> tuple[str, int]:
    """A subject with several values, and how many rows of the store have a value for it (counted
    from the Python API's rows, not from the page)."""
    with policy_nlp.open_store(db, create=False) as store:
        rows = list(store.indicators())
    counts = Counter(r["indicator"] for r in rows if r["indicator"] and r["value"] is not None)
    return counts.most_common(1)[0]


def test_every_page_loads_without_console_errors(db, base_url, page, shots):
    docs = policy_nlp.documents(db)
    subject, _ = _biggest_subject(db)
    compare = "doc=smart_manufacturing_lanshan&doc=smart_manufacturing_qinghe"
    urls = {"library": "/", "search": "/search?q=shortage+of+skilled+workers", "indicators": "/indicators",
            "indicators_chart": f"/indicators?subject={subject}", "api": "/api"}
    urls |= {f"document_{d.stem}": f"/documents/{d.id}" for d in docs}
    urls |= {f"compare_{tab}": f"/compare?{compare}&tab={tab}" for tab in ("similarity", "pairs", "unique", "indicators")}
    urls["compare_pick"] = "/compare"
    for name, url in urls.items():
        response = page.goto(base_url + url)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, url
        assert page.locator("main h1").count() == 1, url
        page.screenshot(path=str(shots / f"{name}.png"), full_page=name != "indicators")
    assert page.problems == []
    assert len(list(shots.glob("*.png"))) >= len(urls)


def test_search_returns_hits_and_a_facet_narrows_them(base_url, page, shots):
    page.goto(base_url + "/search")
    page.fill("input[name=q]", "shortage of skilled workers and talent")
    page.click("form.searchbox button")
    page.wait_for_selector("li.hit")
    before = page.locator("li.hit").count()
    roles_before = set(page.eval_on_selector_all("li.hit", "els => els.map(e => e.dataset.role)"))
    assert before > 0 and len(roles_before) > 1
    facets = page.eval_on_selector_all("ul[data-facet=role] a", "els => els.map(e => [e.dataset.value, e.nextElementSibling.textContent])")
    role, count = min(((r, int(n)) for r, n in facets), key=lambda rc: rc[1])
    page.click(f"ul[data-facet=role] a[data-value={role}]")
    page.wait_for_selector("li.hit")
    roles_after = page.eval_on_selector_all("li.hit", "els => els.map(e => e.dataset.role)")
    assert set(roles_after) == {role} and len(roles_after) >= min(count, 20)
    assert len(roles_after) < before or len(roles_before) > 1
    assert f"role={role}" in page.url
    page.screenshot(path=str(shots / "search_facet.png"))
    first_doc = page.eval_on_selector_all("ul[data-facet=doc] a", "els => els.map(e => e.textContent)")[0]
    page.click("ul[data-facet=doc] a")
    docs = set(page.eval_on_selector_all("li.hit", "els => els.map(e => e.dataset.doc)"))
    assert docs == {first_doc}
    assert page.problems == []


def _line_with(lines, text: str):
    return next(ln for ln in lines if text in ln.text)


def test_document_page_highlights_at_the_stored_positions(db, base_url, page, shots):
    doc = policy_nlp.load("smart_manufacturing_lanshan", db=db)
    number = 1
    pdf_page = doc.pages[number - 1]
    blocks = list(doc.blocks())
    page.goto(f"{base_url}/documents/{doc.id}?page={number}")
    page.wait_for_function("document.getElementById('page-image').complete && document.getElementById('page-image').naturalWidth > 0")
    image = page.eval_on_selector("#page-image", "e => { const r = e.getBoundingClientRect(); "
                                                 "return {x: r.x, y: r.y, w: r.width, h: r.height, nw: e.naturalWidth}; }")
    scale = image["w"] / pdf_page.width
    assert abs(image["h"] - pdf_page.height * scale) < 1.5  # the image is the page, whole
    boxes = page.eval_on_selector_all(".box", "els => els.map(e => { const r = e.getBoundingClientRect(); "
                                              "return {id: e.id, kind: e.dataset.kind, x: r.x, y: r.y, w: r.width, h: r.height}; })")
    by_id = {b["id"]: b for b in boxes}
    # expected boxes from the store: each heading's block (run-in: its first line)
    expected = {}
    for k, heading in enumerate(doc.outline):
        if heading.page == number:
            block = blocks[heading.block]
            expected[f"box-h{k}"] = block.lines[0].bbox if heading.run_in else block.bbox
    lines = pdf_page.lines
    figures = {}  # an indicator on one line: its box lies on that line, around the figure
    for k, ind in enumerate(doc.indicators):
        if ind.page == number and any(ind.raw_text in ln.text for ln in lines):
            figures[f"box-i{k}"] = _line_with(lines, ind.raw_text).bbox
    assert sum(k.startswith("box-h") for k in expected) >= 3 and len(figures) >= 2
    for key, (x0, top, x1, bottom) in expected.items():
        got = by_id[key]
        assert abs(got["x"] - image["x"] - x0 * scale) < 1.5, key
        assert abs(got["y"] - image["y"] - top * scale) < 1.5, key
        assert abs(got["w"] - (x1 - x0) * scale) < 1.5 and abs(got["h"] - (bottom - top) * scale) < 1.5, key
    for key, (x0, top, x1, bottom) in figures.items():
        got = by_id[key]
        assert abs(got["y"] - image["y"] - top * scale) < 1.5 and abs(got["h"] - (bottom - top) * scale) < 1.5, key
        assert got["x"] - image["x"] >= x0 * scale - 1.5 and got["x"] + got["w"] - image["x"] <= x1 * scale + 1.5, key
        assert 0 < got["w"] < (x1 - x0) * scale, key
    # and the rendered page has ink inside the boxes as the browser drew them: they sit on the text
    from io import BytesIO

    from PIL import Image

    png = Image.open(BytesIO(page.request.get(f"{base_url}/documents/{doc.id}/pages/{number}.png").body())).convert("L")
    ratio = png.width / pdf_page.width
    for key in [next(k for k in expected if k.startswith("box-h")), *figures]:
        got = by_id[key]
        left, top = (got["x"] - image["x"]) / scale, (got["y"] - image["y"]) / scale
        box = (left, top, left + got["w"] / scale, top + got["h"] / scale)
        crop = png.crop(tuple(int(v * ratio) for v in box))
        assert crop.getextrema()[0] < 100, key  # dark text inside the box as drawn
    page.screenshot(path=str(shots / "document_highlights.png"), full_page=True)
    assert page.problems == []


def test_indicator_chart_renders_one_point_per_value(db, base_url, page, shots):
    subject, n_values = _biggest_subject(db)
    page.goto(f"{base_url}/indicators?subject={subject}")
    page.wait_for_selector("#chart svg")
    members = {r["indicator"] for r in page.request.get(f"{base_url}/api/indicators", params={"subject": subject}).json()}
    with policy_nlp.open_store(db, create=False) as store:
        valued = [r for r in store.indicators() if r["indicator"] in members and r["value"] is not None]
    # one measure per chart: the values of the subject's most common kind and unit
    want = Counter((r["kind"], r["unit"]) for r in valued).most_common(1)[0][1]
    assert subject in members and len(valued) >= n_values >= 2 and want >= 2
    assert page.locator("#chart svg circle.point").count() == want
    assert page.locator("#indicator-table tbody tr").count() == len(valued)
    box = page.eval_on_selector("#chart svg", "e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; }")
    assert box[0] > 300 and box[1] > 150
    page.screenshot(path=str(shots / "indicators_chart.png"), full_page=True)
    assert page.problems == []


def test_upload_through_the_browser_is_ingested(db, base_url, page, shots, tmp_path):
    pdf = make_pdf(tmp_path / "harbour_logistics_plan.pdf", [
        "1. Status. The port handled 3.2 million containers in 2023, up 8% on 2022.",
        "2. Problems. Berths are short and 40% of trucks wait over two hours.",
        "3. Recommendations. We recommend two new berths and a truck booking system.",
    ], title="Harbour logistics plan")
    page.goto(base_url + "/")
    before = page.locator("#library tbody tr").count()
    page.set_input_files("#upload-file", str(pdf))
    page.click("#upload-form button")
    page.wait_for_selector("#upload-progress li[data-status=done]", timeout=60_000)
    page.screenshot(path=str(shots / "library_upload_done.png"))
    page.wait_for_selector('#library tr[data-stem="harbour_logistics_plan"]', timeout=20_000)  # after the reload
    assert page.locator("#library tbody tr").count() == before + 1
    assert "harbour_logistics_plan" in {d.stem for d in policy_nlp.documents(db)}
    page.screenshot(path=str(shots / "library_after_upload.png"), full_page=True)
    assert page.problems == []
