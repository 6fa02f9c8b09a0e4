"""policy_nlp: PDF policy papers -> structured, searchable, comparable evidence.

The Python API mirrors the CLI:

    import policy_nlp
    policy_nlp.ingest(["corpora/"], db="policy.db")
    doc = policy_nlp.load("smart_manufacturing_lanshan", db="policy.db")
    doc = policy_nlp.extract_pdf("paper.pdf")     # no store needed
    hits = policy_nlp.search("talent shortage", role="dilemma", db="policy.db")
    report = policy_nlp.copy_library("policy.db", "postgresql://user@host/db")  # report.ok
    result = policy_nlp.compare(["smart_manufacturing_lanshan", "smart_manufacturing_qinghe"], db="policy.db")
"""

from __future__ import annotations

__version__ = "0.1.0"

# Public name -> (module, attribute). Packages are nouns and functions verbs, so importing any
# subpackage never rebinds one of these names (`policy_nlp.retrieval` is a package,
# `policy_nlp.search` a function). Resolved lazily so `import policy_nlp` and the CLI's
# --help stay fast, then kept as ordinary module attributes.
_PUBLIC = {
    "ingest": (".ingestion", "ingest"),
    "extract_pdf": (".extract", "extract_pdf"),
    "extract_indicators": (".indicators", "extract_indicators"),
    "load": (".api", "load"),
    "documents": (".api", "documents"),
    "delete": (".api", "delete"),
    "open_store": (".store", "open_store"),
    "copy_library": (".store.transfer", "copy_library"),
    "search": (".api", "search"),
    "compare": (".comparison", "compare"),
    "similar": (".comparison", "similar"),
    "Document": (".model", "Document"),
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    try:
        module_name, attribute = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'policy_nlp' has no attribute {name!r}") from None
    import importlib

    value = getattr(importlib.import_module(module_name, __name__), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
