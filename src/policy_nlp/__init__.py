"""policy_nlp: PDF policy papers -> structured, searchable, comparable evidence.

The Python API mirrors the CLI:

    import policy_nlp
    policy_nlp.ingest(["corpora/"], db="policy.db")
    doc = policy_nlp.load("smart_manufacturing_lanshan", db="policy.db")
    doc = policy_nlp.extract_pdf("paper.pdf")     # no store needed
    hits = policy_nlp.search("talent shortage", role="dilemma", db="policy.db")
    result = policy_nlp.compare(["smart_manufacturing_lanshan", "smart_manufacturing_qinghe"], db="policy.db")
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["ingest", "extract_pdf", "extract_indicators", "load", "documents", "open_store", "search", "compare", "similar",
           "Document"]


def __getattr__(name: str):
    # Lazy so `import policy_nlp` (and the CLI's --help) stays fast.
    if name == "ingest":
        from .ingest import ingest

        return ingest
    if name == "search":
        from .search import search

        return search
    if name in ("compare", "similar"):
        import importlib

        package = importlib.import_module(".compare", __name__)  # callable: policy_nlp.compare([...])
        return package if name == "compare" else package.similar
    if name == "extract_indicators":
        from .indicators import extract_indicators

        return extract_indicators
    if name == "extract_pdf":
        from .extract import extract_pdf

        return extract_pdf
    if name == "open_store":
        from .store import open_store

        return open_store
    if name == "Document":
        from .model import Document

        return Document
    if name in ("load", "documents"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'policy_nlp' has no attribute {name!r}")
