"""Route guards. Scoped rules (this area's coordinator, this department's head) are checked by the
services against the object itself; guards only decide who may reach a route at all."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from registry.accounts.principal import Principal


def current_principal(connection: ASGIConnection) -> Principal | None:
    return connection.scope.get("user")


def logged_in(connection: ASGIConnection, _handler: BaseRouteHandler | None = None) -> None:
    if current_principal(connection) is None:
        raise NotAuthorizedException()


def admin(connection: ASGIConnection, _handler: BaseRouteHandler | None = None) -> None:
    principal = current_principal(connection)
    if principal is None:
        raise NotAuthorizedException()
    if not principal.is_admin:
        raise PermissionDeniedException()
