"""Per-request context: the reader's language, a request id, and security headers on every response."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from registry.db.engine import UNSAFE_METHODS, reset_write_intent, set_write_intent
from registry.i18n import LANGUAGE_COOKIE, choose_language, reset_language, set_language

REQUEST_ID_HEADER = "x-request-id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def cookie_value(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                cookie_name, _sep, value = part.strip().partition("=")
                if cookie_name == name:
                    return value
    return None


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, default_language: str = "sv") -> None:
        self.app = app
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope["headers"]
        language = choose_language(
            cookie_value(headers, LANGUAGE_COOKIE), _header(headers, b"accept-language"), self.default_language
        )
        incoming_id = _header(headers, REQUEST_ID_HEADER.encode()) or ""
        # A request id from outside is kept only if it cannot forge anything in a log line.
        request_id = incoming_id if _SAFE_REQUEST_ID.match(incoming_id) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        language_token = set_language(language)
        request_id_token = request_id_var.set(request_id)
        # A request that may write takes SQLite's write lock when its transaction begins (see db.engine).
        intent_token = set_write_intent(scope["method"] in UNSAFE_METHODS)

        try:
            await self.app(scope, receive, send)
        finally:
            reset_language(language_token)
            request_id_var.reset(request_id_token)
            reset_write_intent(intent_token)


# A picture (matplotlib's SVG) styles its drawing inline and runs no script.
SVG_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


class HeadAsGet:
    """Answers HEAD for every GET address (status and headers of the GET, no body), as HTTP asks;
    Litestar routes only the methods a handler names."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        # The same scope, changed in place: Litestar's before_send hooks were bound to it before this
        # runs, and the database plugin closes the request's session through them (a copy would leave
        # the session, and its pooled connection, open).
        scope["method"] = "GET"
        await self.app(scope, receive, without_body)


HSTS = "max-age=31536000; includeSubDomains"


async def security_headers(message: Message, scope: Scope) -> None:
    """A `before_send` hook, so that every response gets these, 404s for unknown routes included.

    A page for a logged-in reader is never stored (not by the browser for Back after log-out, nor
    by a proxy)."""
    if message["type"] == "http.response.start":
        out = MutableScopeHeaders.from_message(message)
        is_svg = (out.get("content-type") or "").startswith("image/svg+xml")
        out["Content-Security-Policy"] = SVG_CONTENT_SECURITY_POLICY if is_svg else CONTENT_SECURITY_POLICY
        app = scope.get("app")
        settings = getattr(getattr(app, "state", None), "settings", None)
        if settings is not None and settings.is_production:
            out["Strict-Transport-Security"] = HSTS  # production is served over HTTPS only
        if scope.get("user") is not None and not scope.get("path", "").startswith("/static/"):
            # What a logged-in person sees is theirs: no browser or proxy cache keeps a copy.
            out["Cache-Control"] = "no-store"
        out["X-Content-Type-Options"] = "nosniff"
        out["Referrer-Policy"] = "same-origin"
        out["X-Frame-Options"] = "DENY"
        out[REQUEST_ID_HEADER] = scope.get("state", {}).get("request_id") or request_id_var.get()
