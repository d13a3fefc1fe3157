"""The reader's choice of language, kept in a cookie for a year."""

from __future__ import annotations

from litestar import post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

from registry.i18n import LANGUAGE_COOKIE, LANGUAGES


@post("/language", name="set_language", include_in_schema=False)
async def set_language_choice(
    data: dict[str, str] = Body(media_type=RequestEncodingType.URL_ENCODED),
) -> Redirect:
    language = data.get("language", "")
    next_url = data.get("next", "/")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = "/"  # never redirect off-site
    response = Redirect(next_url, status_code=303)
    if language in LANGUAGES:
        response.cookies.append(
            Cookie(key=LANGUAGE_COOKIE, value=language, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
        )
    return response
