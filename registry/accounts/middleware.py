"""Attaches the logged-in person (or None) to every request, before routing and guards."""

from __future__ import annotations

from contextvars import ContextVar

from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.accounts.principal import Principal
from registry.accounts.sessions import SESSION_COOKIE, principal_for
from registry.changes.service import Actor, current_actor
from registry.web.middleware import cookie_value

current_principal: ContextVar[Principal | None] = ContextVar("current_principal", default=None)


class AuthenticationMiddleware:
    def __init__(self, app: ASGIApp, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            scope["user"] = None
            await self.app(scope, receive, send)
            return
        principal = None
        token = cookie_value(scope["headers"], SESSION_COOKIE)
        if token:
            async with self.sessions() as session:
                principal = await principal_for(session, token)
                await session.commit()
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
