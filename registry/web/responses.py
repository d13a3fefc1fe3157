"""What every page answer gets, whatever its handler's return annotation says."""

from __future__ import annotations

from mimetypes import guess_type
from pathlib import PurePath
from typing import Any

from litestar import MediaType
from litestar.response import Template


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
