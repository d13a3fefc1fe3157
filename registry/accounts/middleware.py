"""Attaches the logged-in person (or None) to every request, before routing and guards.

The log-in is read through the request's own database session (the one the route handlers get as
`db_session`, committed or rolled back and closed when the answer starts), so a request opens one
database connection, not two. `/health`, the bench floor and static files need no log-in.
"""

from __future__ import annotations

from contextvars import ContextVar

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar.types import ASGIApp, Receive, Scope, Send

from registry.accounts.principal import Principal
from registry.accounts.sessions import SESSION_COOKIE, principal_for
from registry.changes.service import Actor, current_actor
from registry.web.middleware import cookie_value

ANONYMOUS_PATHS = ("/static/", "/health", "/bench/floor")

current_principal: ContextVar[Principal | None] = ContextVar("current_principal", default=None)


class AuthenticationMiddleware:
    def __init__(self, app: ASGIApp, database: SQLAlchemyAsyncConfig) -> None:
        self.app = app
        self.database = database

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ANONYMOUS_PATHS):
            scope["user"] = None
            await self.app(scope, receive, send)
            return
        principal = None
        token = cookie_value(scope["headers"], SESSION_COOKIE)
        if token:
            session = self.database.provide_session(scope["app"].state, scope)
            principal = await principal_for(session, token)
        scope["user"] = principal
        scope["auth"] = token if principal else None
        actor_token = current_actor.set(
            Actor(person_id=principal.person_id, name=principal.name) if principal else Actor(None, "anonymous")
        )
        principal_token = current_principal.set(principal)
        try:
            await self.app(scope, receive, send)
        finally:
            current_actor.reset(actor_token)
            current_principal.reset(principal_token)
