"""Route guards. Scoped rules (this area's coordinator, this department's head) are checked by the
services against the object itself; guards only decide who may reach a route at all."""

from __future__ import annotations

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from registry.accounts.principal import Principal


def current_principal(connection: ASGIConnection) -> Principal | None:
    return connection.scope.get("user")


async def logged_in(connection: ASGIConnection, _handler: BaseRouteHandler | None = None) -> None:
    if current_principal(connection) is None:
        raise NotAuthorizedException(extra={"typed": await _typed(connection)})


async def _typed(connection: ASGIConnection) -> dict[str, str]:
    """What a form sent when its session had run out, so that it can be offered again after log-in
    (the form's token aside)."""
    if not isinstance(connection, Request) or connection.method != "POST":
        return {}
    if connection.content_type[0] not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return {}
    form = await connection.form()
    return {key: value for key, value in form.items() if isinstance(value, str) and key != "_csrf_token" and value}


def admin(connection: ASGIConnection, _handler: BaseRouteHandler | None = None) -> None:
    principal = current_principal(connection)
    if principal is None:
        raise NotAuthorizedException()
    if not principal.is_admin:
        raise PermissionDeniedException()
