"""The web interface (`policy-nlp serve`): a thin FastAPI layer over the Python API.

Pages are rendered on the server from the same objects the CLI prints (DocumentInfo, Hit,
indicator rows, Comparison); `/api/...` returns those objects as JSON. Needs the `web` extra.
"""

__all__ = ["create_app"]


def __getattr__(name: str):
    # Lazy: `web.security` (the CLI's host check) must import without FastAPI installed.
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'policy_nlp.web' has no attribute {name!r}")
