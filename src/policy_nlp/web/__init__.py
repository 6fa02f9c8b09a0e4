"""The web interface (`policy-nlp serve`): a thin FastAPI layer over the Python API.

Pages are rendered on the server from the same objects the CLI prints (DocumentInfo, Hit,
indicator rows, Comparison); `/api/...` returns those objects as JSON. Needs the `web` extra.
"""

from .app import create_app

__all__ = ["create_app"]
