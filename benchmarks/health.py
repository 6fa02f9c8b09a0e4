"""Store health: what a reader of the store would trip over, per document and in total. No gold.

    python benchmarks/health.py FOLDER [FOLDER ...] [--db PATH] [--workers N]
    python benchmarks/health.py --db PATH            # an existing store, as it is

A folder is ingested into --db (default: a fresh store per folder under benchmarks/results/cache/).
Per document: pages whose text layer does not decode, passages under 40 characters, an empty
title, sections without role evidence, indicator rows from a reference list or with no subject,
and rows holding "(cid:" (passages, sections, indicators; blocks keep what the page printed, so
they are counted apart). Writes benchmarks/results/health.json, one entry per folder or store.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from policy_nlp.ingestion import ingest  # noqa: E402
from policy_nlp.store import open_store  # noqa: E402
from policy_nlp.store.db import UNREADABLE_PAGES_KEY  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
SHORT_PASSAGE = 40  # characters: below this a passage is a label or a fragment, not a statement


def _count(conn, sql: str, doc_id: int) -> int:
    return conn.execute(sql, (doc_id,)).fetchone()[0]


def document_health(conn: sqlite3.Connection, doc_id: int) -> dict:
    name, title, n_pages, metadata = conn.execute(
        "SELECT name, title, n_pages, metadata FROM documents WHERE id = ?", (doc_id,)).fetchone()
    unreadable = [n for n in json.loads(metadata).get(UNREADABLE_PAGES_KEY, "").split(",") if n]
    return {
        "document": name,
        "pages": n_pages,
        "unreadable_pages": len(unreadable),
        "unreadable_share": round(len(unreadable) / n_pages, 3) if n_pages else 0.0,
        "passages": _count(conn, "SELECT count(*) FROM passages WHERE doc_id = ?", doc_id),
        "short_passages": _count(conn, f"SELECT count(*) FROM passages WHERE doc_id = ? AND length(text) < {SHORT_PASSAGE}", doc_id),
        "empty_title": not title.strip(),
        "sections": _count(conn, "SELECT count(*) FROM sections WHERE doc_id = ?", doc_id),
        "sections_without_role_evidence": _count(conn, "SELECT count(*) FROM sections WHERE doc_id = ? AND trim(role_evidence) IN ('', 'no evidence')", doc_id),
        "indicators": _count(conn, "SELECT count(*) FROM indicators WHERE doc_id = ?", doc_id),
        "indicators_from_references": _count(conn, "SELECT count(*) FROM indicators WHERE doc_id = ? AND section_role = 'references'", doc_id),
        "indicators_without_subject": _count(conn, "SELECT count(*) FROM indicators WHERE doc_id = ? AND trim(indicator) = ''", doc_id),
        "cid_passages": _count(conn, "SELECT count(*) FROM passages WHERE doc_id = ? AND instr(text, '(cid:')", doc_id),
        "cid_sections": _count(conn, "SELECT count(*) FROM sections WHERE doc_id = ? AND instr(text, '(cid:')", doc_id),
        "cid_indicators": _count(conn, "SELECT count(*) FROM indicators WHERE doc_id = ? AND (instr(sentence, '(cid:') OR instr(indicator, '(cid:'))", doc_id),
        "cid_blocks": _count(conn, "SELECT count(*) FROM blocks WHERE doc_id = ? AND instr(text, '(cid:')", doc_id),
    }


def totals(rows: list[dict]) -> dict:
    out: dict = {"documents": len(rows)}
    for key in rows[0] if rows else []:
        if key in ("document", "unreadable_share"):
            continue
        out[key] = sum(int(r[key]) for r in rows)
    out["unreadable_share"] = round(out["unreadable_pages"] / out["pages"], 3) if rows and out["pages"] else 0.0
    out["short_passage_share"] = round(out["short_passages"] / out["passages"], 3) if rows and out["passages"] else 0.0
    return out


def store_health(db: Path) -> tuple[list[dict], dict]:
    with open_store(db, create=False):  # brings an older store to this version first
        pass
    conn = sqlite3.connect(db)
    try:
        rows = [document_health(conn, doc_id) for (doc_id,) in conn.execute("SELECT id FROM documents ORDER BY id")]
    finally:
        conn.close()
    return rows, totals(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if not args.folders and not args.db:
        parser.error("give a folder to ingest, or --db with an existing store")
    if args.db and len(args.folders) > 1:
        parser.error("--db takes one folder at most (each folder gets its own store)")
    runs = []
    for folder in args.folders or [None]:
        entry: dict = {}
        if folder is None:
            db = args.db
            if not db.exists():
                parser.error(f"{db}: no such store")
            source = str(db)
        else:
            db = args.db or RESULTS / "cache" / f"health-{folder.resolve().name}.db"
            db.parent.mkdir(parents=True, exist_ok=True)
            if args.db is None:
                db.unlink(missing_ok=True)
            start = time.perf_counter()
            results = ingest([folder], db, workers=args.workers)
            entry["ingest_seconds"] = round(time.perf_counter() - start, 1)
            entry["failed"] = [r.message for r in results if r.failed]
            entry["warnings"] = {Path(r.path).name: r.warnings for r in results if r.warnings}
            source = str(folder)
        rows, total = store_health(db)
        runs.append({"source": source, "db": str(db), "total": total, **entry, "documents": rows})
        print(f"{source}: " + ", ".join(f"{k} {v}" for k, v in total.items()))
        for row in rows:
            flags = {k: v for k, v in row.items() if k not in ("document", "pages", "passages", "sections", "indicators") and v}
            if flags:
                print(f"  {row['document']}: {flags}")
    out = RESULTS / "health.json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    previous = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    previous.update({run["source"]: run for run in runs})  # one entry per folder or store, latest run
    out.write_text(json.dumps(previous, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
