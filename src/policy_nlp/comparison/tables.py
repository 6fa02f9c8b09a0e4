"""A comparison as CSV tables (same CSV conventions as `export`)."""

from __future__ import annotations

from pathlib import Path

from ..export import write_rows
from ..formatting import with_unit
from .engine import Comparison


def write_csv_tables(comparison: Comparison, folder: str | Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(exist_ok=True)  # the folder itself, never a missing tree above it
    docs = comparison.documents
    written = []
    rows = [{"document": stem, **dict(zip(docs, row))} for stem, row in zip(docs, comparison.similarity)]
    written.append(folder / "similarity.csv")
    write_rows(rows, written[-1], ["document", *docs])
    pair_rows = [
        {"role": p["role"], "similarity": p["similarity"],
         **{f"{side}_{k}": p[side][k] for side in ("a", "b") for k in ("document", "page", "section", "passage", "text")}}
        for p in comparison.pairs
    ]
    columns = ["role", "similarity", *[f"{side}_{k}" for side in ("a", "b") for k in ("document", "page", "section", "passage", "text")]]
    written.append(folder / "pairs.csv")
    write_rows(pair_rows, written[-1], columns)
    # One row per unique sentence, with its passage, and the nearest sentence or passage elsewhere.
    unique_rows = [
        {**ref, "document": stem, "nearest_document": (ref.get("nearest") or {}).get("document", ""),
         "nearest_text": (ref.get("nearest") or {}).get("text", "")}
        for stem, refs in comparison.unique.items() for ref in refs
    ]
    written.append(folder / "unique.csv")
    write_rows(unique_rows, written[-1], ["document", "role", "page", "section", "passage", "sentence", "best_match", "text",
                                          "passage_text", "nearest_document", "nearest_text"])
    ind_rows = []
    for row in comparison.indicators:
        flat = {"subject": row["subject"], "dimension": row["dimension"], "reason": row.get("reason", "")}
        for stem in docs:
            v = row["values"].get(stem) or {}
            for key in ("value", "unit", "period", "place", "page", "raw_text"):
                flat[f"{stem}_{key}"] = v.get(key)
            # As a reader checks it against the PDF: every digit, thousands separated, with its unit.
            flat[f"{stem}_figure"] = with_unit(v["value"], v["unit"]) if v else ""
        ind_rows.append(flat)
    written.append(folder / "indicators.csv")
    keys = ("figure", "value", "unit", "period", "place", "page", "raw_text")
    write_rows(ind_rows, written[-1], ["subject", "dimension", "reason", *[f"{s}_{k}" for s in docs for k in keys]])
    return written
