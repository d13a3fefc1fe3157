"""What every page answer gets, whatever its handler's return annotation says."""

from __future__ import annotations

import json
from mimetypes import guess_type
from pathlib import PurePath
from typing import Any

from litestar import MediaType
from litestar.datastructures import MutableScopeHeaders
from litestar.response import Template
from litestar.types import Message, Scope


async def templates_as_pages(response: Any) -> Any:
    """An app-wide `after_request` hook: a rendered template is sent with its own media type.

    Litestar gives a handler annotated `-> Any` (a form handler that answers with a redirect on
    success and a re-rendered page on refusal) the JSON media type, and a `Template` without one of
    its own inherits it: the browser would show a refused form's HTML as source text. The template's
    file name says what it is (`.html` → text/html), so that decides.
    """
    if isinstance(response, Template) and not response.media_type:
        guessed = guess_type(f"name{PurePath(response.template_name or 'page.html').suffix}")[0]
        response.media_type = guessed or MediaType.HTML
    return response


def _request_header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


async def htmx_answers(message: Message, scope: Scope) -> None:
    """A `before_send` hook for answers to htmx (boosted links and forms), so that the address bar
    and the reader's place are what a full page load would give.

    - A refused form (4xx/5xx to anything but GET) leaves the address on the form's page: htmx
      would otherwise push the POST-only address, which a reload answers with 405.
    - A save that redirects to a `#section` of a page: the browser's XHR drops the fragment when it
      follows a redirect, so htmx is told where to go (`HX-Location`) and loads it itself, anchor
      and all, then scrolls there.
    """
    if message["type"] != "http.response.start" or scope.get("type") != "http":
        return
    if _request_header(scope, b"hx-request") != "true" or _request_header(scope, b"hx-history-restore-request"):
        return
    out = MutableScopeHeaders.from_message(message)
    status = message["status"]
    if status >= 400 and scope.get("method") != "GET":
        out["HX-Push-Url"] = "false"
    elif status in _REDIRECTS and "#" in (location := out.get("location") or ""):
        message["status"] = 200
        del out["location"]
        out["HX-Location"] = json.dumps({"path": location, "target": "body"})


_REDIRECTS = {301, 302, 303, 307, 308}
