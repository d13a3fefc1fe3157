"""What every route of the JSON API (`/api/v1`) shares: the problem answer and the refusals each
operation documents, the security (the session cookie, plus the CSRF header on every write) and the
id type that keeps a value beyond the database's 64-bit ids out of the queries.

The answers themselves are made by registry/web/errors.py; this module only describes them, so that
the OpenAPI document says exactly what a client gets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme
from litestar.params import Parameter
from msgspec import UNSET, UnsetType

from registry.accounts.sessions import SESSION_COOKIE
from registry.forms import MAX_ID  # the largest id the database stores (BIGINT)
from registry.i18n import gettext as _

# An id in a JSON body: a positive 64-bit integer.
BodyId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
# An id in the path: the same bounds, documented as such in the OpenAPI document.
PathId = Annotated[int, Parameter(ge=1, le=MAX_ID)]
# An optional id in the query string (a filter), bounded the same way.
QueryId = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]


def refuse_query(errors: Mapping[str, str]) -> None:
    """A filter read from the query string as the pages read it (parameter → the value that makes no
    sense): the API refuses it as a bad request naming each parameter, where a page would ignore it."""
    if errors:
        raise ValidationException(
            detail=_("The values sent do not have the expected form."),
            extra=[
                {"key": name, "message": _("Not a possible value: %(value)s", value=value)}
                for name, value in errors.items()
            ],
        )


def refuse_nul(request: Request) -> None:
    """No database text holds a NUL character (PostgreSQL refuses it): one in the address or the query
    string is a bad request naming where it is, not a server error. (Bodies are checked field by field.)"""
    found = [name for name, value in request.query_params.multi_items() if "\x00" in name or "\x00" in value]
    if "\x00" in request.url.path:
        found.insert(0, "path")
    if found:
        raise ValidationException(
            detail=_("The values sent do not have the expected form."),
            extra=[{"key": name, "message": _("Contains a character that is not allowed.")} for name in found],
        )


class FieldError(msgspec.Struct):
    field: str
    message: str


class Problem(msgspec.Struct):
    """Every refusal (4xx) and server error: RFC 9457 problem JSON with the fields to correct."""

    status: int
    title: str
    detail: str
    request_id: str
    errors: list[FieldError] | UnsetType = UNSET


_WHY = {
    400: "The request is not of the expected form (a field, parameter or body of the wrong type or range).",
    401: "Not logged in: the session cookie is missing or has expired.",
    403: "Your roles do not allow this, or the CSRF header of a write is missing or wrong.",
    404: "There is no such object.",
    409: "Someone else saved the object after you read it; nothing was saved.",
    412: "The If-Match header names another version than the object's current ETag; nothing was saved.",
    422: "Some values need correcting: `errors` names each field and why.",
    503: "The database cannot be reached.",
}


def problems(*codes: int) -> dict[int, ResponseSpec]:
    """The refusals an operation can answer with, documented as problem JSON."""
    return {
        code: ResponseSpec(
            data_container=Problem,
            description=_WHY[code],
            media_type="application/problem+json",
            generate_examples=False,
        )
        for code in codes
    }


# What the operations can answer besides success. Public reads are open to visitors; staff reads need a
# session; writes also need the CSRF header and may be refused for the reader's roles or the values sent.
PUBLIC_READ = problems(400, 404)
READ = problems(400, 401, 404)
WRITE = problems(400, 401, 403, 404, 422)
WRITE_CHECKED = problems(400, 401, 403, 404, 409, 422)  # a write that refuses a stale version
# A change that honours If-Match (the ETag read): a stale one is refused with 412, a raced one with 409.
WRITE_MATCHED = problems(400, 401, 403, 404, 409, 412, 422)

# The optional If-Match header of such a change: the ETag of the version the change was made from.
IfMatch = Annotated[
    str | None,
    Parameter(
        header="If-Match",
        required=False,
        description="The ETag read with GET; the change is refused (412) if the object has changed since.",
    ),
]

SESSION = "sessionCookie"
CSRF = "csrfHeader"
# Security requirements: any of the alternatives will do; {} means "no credentials needed".
ANYONE = [{}, {SESSION: []}]
STAFF = [{SESSION: []}]
STAFF_WRITE = [{SESSION: [], CSRF: []}]

COMPONENTS = Components(
    security_schemes={
        SESSION: SecurityScheme(
            type="apiKey",
            name=SESSION_COOKIE,
            security_scheme_in="cookie",
            description="The session cookie set by logging in at /login (the same session as the pages).",
        ),
        CSRF: SecurityScheme(
            type="apiKey",
            name="x-csrftoken",
            security_scheme_in="header",
            description="Every write (POST, PUT, PATCH, DELETE) sends the value of the `registry_csrf` cookie in "
            "this header.",
        ),
    }
)
