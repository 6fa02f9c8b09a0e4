"""Who may talk to the server, and which request paths are refused before any route sees them."""

from __future__ import annotations

import ipaddress
import secrets
from urllib.parse import unquote

TOKEN_COOKIE = "policy_nlp_token"
TOKEN_PARAM = "token"
LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: only this machine can reach such a bind."""
    host = host.strip().strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve anywhere


def new_token() -> str:
    return secrets.token_urlsafe(24)


def has_dot_segment(path: str) -> bool:
    """`..` before a slash (or at the end), raw or percent-encoded up to three times: never part
    of a route of ours, so refused outright rather than trusting every route to resolve it."""
    candidate = path
    for _ in range(4):
        text = candidate.replace("\\", "/") + "/"
        if "../" in text:
            return True
        decoded = unquote(candidate)
        if decoded == candidate:
            return False
        candidate = decoded
    return True  # still encoded after three rounds: nobody sends that in good faith


def presented_token(scope) -> str | None:
    """The token a request carries: `Authorization: Bearer T`, `?token=T`, or the cookie set by a
    first visit with `?token=T` (so a browser needs the token in the URL once)."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    query = scope.get("query_string", b"").decode("latin-1")
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == TOKEN_PARAM and value:
            return unquote(value)
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == TOKEN_COOKIE:
            return unquote(value)
    return None


class GuardMiddleware:
    """Pure ASGI middleware: 404 for any path with a `..` segment; 401 without the right token
    when the app has one. It sets the token cookie when the token came in the query string."""

    def __init__(self, app, token: str | None = None):
        self.app = app
        self.token = token

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        raw = scope.get("raw_path") or scope.get("path", "").encode()
        if has_dot_segment(raw.decode("latin-1")) or has_dot_segment(scope.get("path", "")):
            return await _plain(send, 404, "not found")
        if self.token is None:
            return await self.app(scope, receive, send)
        given = presented_token(scope)
        if given is None or not secrets.compare_digest(given.encode(), self.token.encode()):
            return await _plain(send, 401, "a token is required: open the URL printed by `policy-nlp serve` (…?token=…)")
        from_query = f"{TOKEN_PARAM}=" in scope.get("query_string", b"").decode("latin-1")

        async def send_with_cookie(message):
            if from_query and message["type"] == "http.response.start":
                cookie = f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
            await send(message)

        return await self.app(scope, receive, send_with_cookie)


async def _plain(send, status: int, text: str) -> None:
    body = (text + "\n").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
