"""A confirmation after every save: post/redirect/get ends on a page that says the change was kept.

Litestar's FlashPlugin keeps its messages in a Litestar session. The registry's log-ins have sessions
of their own in the database, so the messages travel in a small encrypted cookie (Litestar's
client-side session backend) that lives only until the next page shows them. A handler may flash a
message of its own (`litestar.plugins.flash.flash`); every other successful save by a logged-in person
(a POST answered with 303 See Other) gets the general confirmation.
"""

from __future__ import annotations

import hashlib
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.plugins.flash import FlashConfig, FlashPlugin, flash
from litestar.template import TemplateConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from registry.i18n import gettext as _

FLASH_COOKIE = "registry_flash"
MESSAGES = "_messages"  # where litestar.plugins.flash keeps them in the session
# Answers that are not a save of the reader's data: logging in or out, choosing a language.
NOT_SAVES = ("/login", "/logout", "/language")


def flash_session(secret_key: str, *, secure: bool) -> Any:
    """The session middleware that carries flash messages (and nothing else) to the next page."""
    return CookieBackendConfig(
        secret=hashlib.sha256(f"flash messages:{secret_key}".encode()).digest(),
        key=FLASH_COOKIE,
        max_age=600,
        httponly=True,
        samesite="lax",
        secure=secure,
    ).middleware


def flash_plugin(template_config: TemplateConfig[Any]) -> FlashPlugin:
    return FlashPlugin(config=FlashConfig(template_config=template_config))


def confirm(request: ASGIConnection, message: str) -> None:
    """Tell the person on the next page what their save did, instead of the general confirmation."""
    flash(request, message, "success")


def confirms(scope: Scope, message: Message) -> bool:
    """Whether this answer to a POST ends a save that should be confirmed on the next page."""
    if message["status"] != 303 or scope.get("user") is None:
        return False
    if scope["path"].startswith(NOT_SAVES):
        return False
    location = MutableScopeHeaders.from_message(message).get("location") or ""
    return not location.startswith("/login")


class ConfirmSaves:
    """Adds the general confirmation to a save that flashed nothing of its own. It sits inside the flash
    session's middleware, which writes the cookie when the answer starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return

        async def confirming(message: Message) -> None:
            if message["type"] == "http.response.start" and confirms(scope, message):
                connection = ASGIConnection(scope)
                if not connection.session.get(MESSAGES):
                    confirm(connection, _("Your changes have been saved."))
            await send(message)

        await self.app(scope, receive, confirming)
