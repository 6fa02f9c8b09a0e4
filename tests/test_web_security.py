"""The web interface is safe by default: document text is escaped, `../` reaches nothing, uploads
are checked like ingest and size-limited, a non-loopback bind needs a token and every request
then carries it."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")

import policy_nlp  # noqa: E402
from conftest import REPO, make_pdf, run_cli, sample_pdfs  # noqa: E402

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web_security")
    pdf = make_pdf(folder / "xss_report.pdf", [
        f"{SCRIPT} The county built 120 new schools in 2023 and trained 450 teachers.",
        "Problems remain: rural schools lack 35 percent of the teachers they need.",
    ], title=f"{SCRIPT} Report")
    path = folder / "store.db"
    assert [r.status for r in policy_nlp.ingest([pdf], path)] == ["added"]
    return path


def _client(db, tmp_path, **options):
    from fastapi.testclient import TestClient

    from policy_nlp.web import create_app

    return TestClient(create_app(db, cache_dir=tmp_path / "cache", **options))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(db, tmp_path_factory):
    """A real uvicorn server: raw request paths (`../`, `%2e%2e%2f`) reach it unaltered, where a
    test client's URL handling would fold them first."""
    import uvicorn

    from policy_nlp.web import create_app

    app = create_app(db, cache_dir=tmp_path_factory.mktemp("web_security_cache"))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started
    yield app, port
    srv.should_exit = True
    thread.join(10)


def _raw_get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def test_document_text_is_escaped(db, tmp_path):
    client = _client(db, tmp_path)
    doc = policy_nlp.documents(db)[0]
    assert SCRIPT in doc.title  # the title really holds the tag
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for url in ("/", f"/documents/{doc.id}", "/search?q=county+schools", "/indicators", "/api"):
        html = client.get(url).text
        assert SCRIPT not in html and "<script>alert" not in html, url
        if url not in ("/api", "/indicators"):
            assert escaped in html, url
    # the query's words are marked inside the escaped text, never around raw markup
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in client.get("/search?q=alert").text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="no Chromium installed (Debian package 'chromium')")
def test_script_in_a_document_shows_as_text_in_a_browser(db, server):
    from playwright.sync_api import sync_playwright

    _, port = server
    doc = policy_nlp.documents(db)[0]
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for url in ("/", f"/documents/{doc.id}", "/search?q=alert+schools", "/search?q=county+schools"):
            page.goto(f"http://127.0.0.1:{port}{url}")
            assert SCRIPT in page.inner_text("main"), url
        browser.close()
    assert dialogs == []


def test_dot_dot_in_any_route_is_404(server):
    app, port = server
    templates = set()

    def walk(routes, prefix=""):
        for route in routes:
            inner = getattr(route, "original_router", None)  # an included router (FastAPI >= 0.116)
            if inner is not None:
                walk(inner.routes, prefix + getattr(inner, "prefix", ""))
            elif "GET" in (getattr(route, "methods", None) or {"GET"}):
                path = getattr(route, "path", "")
                templates.add(path if path.startswith(prefix) else prefix + path)

    walk(app.routes)
    assert {"/documents/{doc_id}/pages/{number}.png", "/api/search", "/static"} <= templates
    attacks = ("../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
               "%252e%252e%252fetc%252fpasswd", "..\\..\\etc\\passwd")
    tried = 0
    for template in sorted(templates):
        head = template.split("{")[0].rstrip("/")
        for attack in attacks:
            paths = [f"{head}/{attack}", f"{template.replace('{', '').replace('}', '')}/{attack}"]
            if "{" in template:  # the attack as the route's own parameter
                paths.append(re.sub(r"\{\w+\}", lambda _: attack, template))
            for path in paths:
                status, _ = _raw_get(port, path)
                assert status == 404, (path, status)
                tried += 1
    for path in ("/static/../app.py", "/static/%2e%2e%2fapp.py", "/static/..%2f..%2fstore%2fdb.py", "/documents/1/pages/..%2f1.png"):
        status, body = _raw_get(port, path)
        assert status == 404 and b"create_app" not in body and b"import" not in body, path
    assert tried > 50
    assert _raw_get(port, "/static/style.css")[0] == 200  # the guard lets ordinary paths through


def _wait(client, job_id: str) -> dict:
    deadline = time.time() + 60
    while time.time() < deadline:
        state = client.get(f"/api/uploads/{job_id}").json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError("upload never finished")


def test_non_pdf_upload_gets_the_cli_error_line(db, tmp_path):
    client = _client(db, tmp_path)
    before = policy_nlp.documents(db)
    folder = tmp_path / "cli"
    folder.mkdir()
    (folder / "notes.pdf").write_text("meeting notes, not a PDF at all\n")
    cli = subprocess.run([sys.executable, "-m", "policy_nlp", "ingest", "notes.pdf", "--db", str(tmp_path / "cli.db")],
                         cwd=folder, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert cli.returncode == 1
    line = cli.stderr.strip().splitlines()[0]
    assert line.startswith("FAILED  notes.pdf: not a PDF")
    response = client.post("/upload", files={"file": ("notes.pdf", b"meeting notes, not a PDF at all\n", "application/pdf")})
    assert response.status_code == 202
    state = _wait(client, response.json()["id"])
    assert state["status"] == "failed" and state["message"] == line
    # a text file by name: read as a PDF too (the library takes PDFs), so refused the same way
    response = client.post("/upload", files={"file": ("../../evil.txt", b"plain text", "text/plain")})
    state = _wait(client, response.json()["id"])
    assert state["message"] == "FAILED  evil.txt: not a PDF (no %PDF- header)"
    assert policy_nlp.documents(db) == before
    assert not list((client.app.state.cache_dir / "uploads").rglob("*.pdf"))  # refused files are not kept


def test_upload_size_limit(db, tmp_path):
    client = _client(db, tmp_path, max_upload_mb=0.01)
    big = sample_pdfs()[0]
    assert big.stat().st_size > 0.01 * 2**20
    response = client.post("/upload", files={"file": ("big.pdf", big.read_bytes(), "application/pdf")})
    assert response.status_code == 413
    assert response.json()["error"] == "FAILED  big.pdf: larger than the upload limit of 0.01 MB"
    assert not list((client.app.state.cache_dir / "uploads").rglob("*.pdf"))
    assert client.post("/upload", files={}).status_code == 422  # no file at all
    small = make_pdf(tmp_path / "small_paper.pdf", ["The district opened 12 clinics in 2024."])
    assert small.stat().st_size < 0.01 * 2**20
    response = client.post("/upload", files={"file": ("small_paper.pdf", small.read_bytes(), "application/pdf")})
    assert response.status_code == 202 and _wait(client, response.json()["id"])["status"] == "done"
    added = next(d for d in policy_nlp.documents(db) if d.stem == "small_paper")
    deleted = client.post(f"/documents/{added.id}/delete", follow_redirects=False)
    assert deleted.status_code == 303 and deleted.headers["location"] == "/"
    assert "small_paper" not in {d.stem for d in policy_nlp.documents(db)}
    assert client.post(f"/documents/{added.id}/delete").status_code == 404


def test_loopback_rule():
    from policy_nlp.web.security import has_dot_segment, is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.org", ""))
    assert has_dot_segment("/a/%2E%2E/b") and has_dot_segment("/a/..") and not has_dot_segment("/a/..b/c.d")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_non_loopback_bind_without_token_refuses_to_start(db, host):
    result = run_cli("serve", "--host", host, "--port", str(_free_port()), "--db", str(db), timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: --host {host} is reachable from other machines: give --token TOKEN or --generate-token "
                     "(or bind to 127.0.0.1)"]
    assert result.stdout == ""
    short = run_cli("serve", "--host", host, "--token", "abc", "--db", str(db), timeout=60)
    assert short.returncode == 2 and "at least 8 characters" in short.stderr


def test_token_required_when_set(db, tmp_path):
    token = "s3cret-token-for-tests"
    client = _client(db, tmp_path, token=token)
    for url in ("/", "/api/documents", "/static/style.css", "/openapi.json", "/search?q=schools"):
        assert client.get(url).status_code == 401, url
        assert client.get(url, headers={"Authorization": "Bearer wrong-token-here"}).status_code == 401, url
        assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200, url
    first = client.get(f"/?token={token}")
    assert first.status_code == 200 and "policy_nlp_token" in first.headers["set-cookie"]
    assert client.get("/api/documents").status_code == 200  # the cookie now carries it
    client.cookies.clear()
    assert client.get("/api/documents").status_code == 401


def test_generated_token_is_printed_and_required(db):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "policy_nlp", "serve", "--host", "0.0.0.0", "--port", str(port),
                             "--generate-token", "--db", str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    try:
        serving = proc.stdout.readline()
        token_line = proc.stdout.readline()
        assert serving.startswith("serving ") and token_line.startswith("token: ")
        token = token_line.split()[1]
        assert len(token) >= 24 and f"?token={token}" in serving
        deadline = time.time() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/documents")
                status = conn.getresponse().status
                break
            except OSError:
                assert time.time() < deadline and proc.poll() is None, proc.stderr.read() if proc.poll() is not None else ""
                time.sleep(0.2)
        assert status == 401
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/api/documents", headers={"Authorization": f"Bearer {token}"})
        assert conn.getresponse().status == 200
    finally:
        proc.terminate()
        proc.wait(20)


def test_upload_time_limit_stops_a_slow_pdf_and_the_next_upload_works(db, tmp_path):
    """Uploads run in a child process, so the pipeline's per-file time limit (a signal) applies
    as it does to `policy-nlp ingest`; in a server thread it could not."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    slow = tmp_path / "slow.pdf"
    c = canvas.Canvas(str(slow), pagesize=A4, invariant=1)
    for number in range(300):  # ~15 s of extraction, far past the limit
        for i in range(45):
            c.drawString(72, 780 - 16 * i, f"Page {number} line {i}: the ministry shall report emissions every year.")
        c.showPage()
    c.save()
    pipeline = tmp_path / "limited.toml"
    pipeline.write_text('[pipeline]\nname = "limited"\nstages = ["extract", "segment"]\n'
                        '[extract]\ntime_limit_s = 3\n[segment]\nlexicon = "role_lexicon.toml"\n', encoding="utf-8")
    client = _client(db, tmp_path, pipeline=pipeline)
    with client:
        response = client.post("/upload", files={"file": ("slow.pdf", slow.read_bytes(), "application/pdf")})
        state = _wait(client, response.json()["id"])
        assert state["status"] == "failed"
        assert state["message"] == "FAILED  slow.pdf: stopped after 3 s (time limit; [extract] time_limit_s)"
        small = make_pdf(tmp_path / "after_slow.pdf", ["The district opened 12 clinics in 2024."])
        response = client.post("/upload", files={"file": ("after_slow.pdf", small.read_bytes(), "application/pdf")})
        assert _wait(client, response.json()["id"])["status"] == "done"
    assert "after_slow" in {d.stem for d in policy_nlp.documents(db)}
    assert "slow" not in {d.stem for d in policy_nlp.documents(db)}
