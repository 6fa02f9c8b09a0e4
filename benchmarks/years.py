"""Document-year benchmark: exact-year accuracy against benchmarks/gold/document_years.json.

    python benchmarks/years.py [--shared /work/shared]

Compares the year read from the text (policy_nlp.segment.dates.document_year) with the
earlier rule kept below as `metadata_year` (running heads, then the latest year on page 1,
then the PDF creation date). Documents are extracted and segmented (no embedding), as the
store sees them. Writes benchmarks/results/years.json.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from policy_nlp.config import load_pipeline  # noqa: E402
from policy_nlp.errors import InputError  # noqa: E402
from policy_nlp.pipeline import extract, run_stages  # noqa: E402
from policy_nlp.segment.dates import document_year  # noqa: E402


def metadata_year(doc) -> int | None:
    """The rule store.db.document_year used before it read the text (the baseline)."""
    this_year = datetime.now(timezone.utc).year

    def years(texts) -> list[int]:
        found = [int(y) for t in texts for y in re.findall(r"\b(?:19|20)\d\d\b", t)]
        return [y for y in found if y <= this_year]

    heads = years(line.text for page in doc.pages for line in page.removed)
    if heads:
        return max(heads)
    first = years(b.text for b in doc.pages[0].blocks[:15]) if doc.pages else []
    if first:
        return max(first)
    created = re.search(r"(?:19|20)\d\d", doc.metadata.get("CreationDate", ""))
    return int(created.group(0)) if created else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default="/work/shared")
    args = parser.parse_args()
    gold = json.loads((REPO / "benchmarks/gold/document_years.json").read_text())["documents"]
    pipeline = load_pipeline()
    rows = []
    for rel, truth in gold.items():
        path = Path(args.shared) / rel
        try:
            doc = run_stages([extract(path, pipeline)], pipeline, only=["segment"])[0]
            before, after, error = metadata_year(doc), document_year(doc), ""
        except InputError as exc:
            before = after = None
            error = str(exc)[:200]
        rows.append({"document": rel, "gold": truth["year"], "before": before, "after": after, "error": error})
        mark = "ok " if after == truth["year"] else "MISS"
        print(f"{mark} {rel:55} gold={truth['year']} before={before} after={after} {error}")
    n = len(rows)
    summary = {name: sum(r[name] == r["gold"] for r in rows) for name in ("before", "after")}
    print(f"before (metadata/page-1 rule): {summary['before']}/{n}   after (text): {summary['after']}/{n}")
    out = REPO / "benchmarks/results/years.json"
    out.write_text(json.dumps({"n": n, "correct": summary, "documents": rows}, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
