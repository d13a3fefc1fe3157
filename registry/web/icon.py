"""`/favicon.ico`: browsers ask for it at the root whatever the page links to."""

from __future__ import annotations

from litestar import get
from litestar.response import File

from registry.web.templating import STATIC


@get("/favicon.ico", name="favicon", include_in_schema=False)
async def favicon() -> File:
    return File(STATIC / "favicon.ico", media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"})
