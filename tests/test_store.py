from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, make_pdf, run_cli

from policy_nlp.errors import NotFoundError, StoreError
from policy_nlp.ingestion import ingest
from policy_nlp.store import SCHEMA_VERSION, open_store


def test_roundtrip_keeps_text_pages_and_fonts(small_pdfs, db):
    results = ingest(small_pdfs, db)
    assert [r.status for r in results] == ["added", "added"]
    from policy_nlp.extract import extract_pdf

    fresh = extract_pdf(small_pdfs[0])
    with open_store(db) as store:
        stored = store.load("alpha")
    assert stored.text == fresh.text
    assert "1,200 new charging stations" in stored.text
    assert all(line.page == 1 and line.size > 0 for line in stored.lines())
    assert stored.title == "A small test paper"


def test_unchanged_file_is_skipped_and_force_reprocesses(small_pdfs, db):
    ingest(small_pdfs, db)
    with open_store(db) as store:
        first = {d.name: d for d in store.documents()}
    again = ingest(small_pdfs, db)
    assert {r.status for r in again} == {"unchanged"}
    with open_store(db) as store:
        assert {d.name: d for d in store.documents()} == first
    forced = ingest([small_pdfs[0]], db, force=True)
    assert forced[0].status == "replaced"
    with open_store(db) as store:
        docs = store.documents()
        assert len(docs) == 2
        assert sqlite3.connect(db).execute("SELECT count(*) FROM blocks b LEFT JOIN documents d ON d.id=b.doc_id WHERE d.id IS NULL").fetchone()[0] == 0


def test_changed_file_replaces_its_old_version(small_pdfs, db):
    ingest([small_pdfs[0]], db)
    make_pdf(small_pdfs[0], ["Alpha province built 9,999 new charging stations in 2024."])
    result = ingest([small_pdfs[0]], db)[0]
    assert result.status == "replaced"
    with open_store(db) as store:
        assert len(store.documents()) == 1
        assert "9,999" in store.load("alpha.pdf").text


def test_document_lookup_by_id_name_and_stem(small_pdfs, db):
    ingest(small_pdfs, db)
    with open_store(db) as store:
        by_id = store.resolve("2")
        assert store.resolve("beta.pdf").id == by_id.id == store.resolve("beta").id
        with pytest.raises(NotFoundError, match="no document 'gamma'"):
            store.resolve("gamma")


def test_schema_version_mismatch_is_a_clear_error(small_pdfs, db):
    ingest([small_pdfs[0]], db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}"):
        open_store(db)
    result = run_cli("docs", "--db", str(db))
    assert result.returncode == 1 and "schema version" in result.stderr and "Traceback" not in result.stderr


def test_foreign_sqlite_file_is_refused(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a policy_nlp store"):
        open_store(other)


def _consistent(db: Path) -> list[tuple[str, int, int]]:
    """Per document: name, pages recorded vs stored, blocks recorded vs stored — all must agree."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT d.name, d.n_pages, (SELECT count(*) FROM pages p WHERE p.doc_id = d.id),"
        " d.n_blocks, (SELECT count(*) FROM blocks b WHERE b.doc_id = d.id) FROM documents d"
    ).fetchall()
    orphans = conn.execute("SELECT count(*) FROM lines l WHERE l.doc_id NOT IN (SELECT id FROM documents)").fetchone()[0]
    conn.close()
    assert orphans == 0
    for name, pages, stored_pages, blocks, stored_blocks in rows:
        assert (pages, blocks) == (stored_pages, stored_blocks), name
    return rows


def _wait_for_write_lock(db: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = sqlite3.connect(db, timeout=0)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                return
        finally:
            conn.close()
        time.sleep(0.05)
    raise AssertionError("the ingest never started writing")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_kill_mid_write_leaves_no_half_document(sig, small_pdfs, tmp_path, db):
    ingest([small_pdfs[0]], db)
    many = [make_pdf(tmp_path / f"doc{i}.pdf", [f"Document {i} reports {i * 100} projects."] * 30) for i in range(3)]
    env = {**os.environ, "POLICY_NLP_WRITE_DELAY": "5"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "policy_nlp", "ingest", *map(str, many), "--db", str(db)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    _wait_for_write_lock(db)  # the ingest is now inside a document's write transaction
    proc.send_signal(sig)
    proc.wait(timeout=30)
    rows = _consistent(db)
    names = [r[0] for r in rows]
    assert "alpha.pdf" in names
    assert names == ["alpha.pdf"]  # the interrupted document is absent, not half there
    # The store is still usable and the batch can simply be run again.
    assert run_cli("ingest", *map(str, many), "--db", str(db)).returncode == 0
    assert len(_consistent(db)) == 4


def test_two_ingest_processes_on_one_database(tmp_path, db):
    a = [make_pdf(tmp_path / f"a{i}.pdf", [f"Paper A{i} counts {i} things."] * 20) for i in range(4)]
    b = [make_pdf(tmp_path / f"b{i}.pdf", [f"Paper B{i} counts {i} items."] * 20) for i in range(4)]
    procs = [
        subprocess.Popen([sys.executable, "-m", "policy_nlp", "ingest", *map(str, files), "--db", str(db)], cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for files in (a, b)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    rows = _consistent(db)
    assert len(rows) == 8
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_script_without_main_guard_can_ingest_with_workers(small_pdfs, tmp_path):
    """Workers are spawned processes; a plain script that calls ingest(workers=2) at top level, as
    in the README, must not be re-run inside them."""
    script = tmp_path / "plain_script.py"
    db = tmp_path / "plain.db"
    script.write_text(
        "import policy_nlp\n"
        f"results = policy_nlp.ingest({[str(p) for p in small_pdfs]!r}, db={str(db)!r}, workers=2)\n"
        "print(sorted(r.status for r in results))\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(["added"] * len(small_pdfs))
