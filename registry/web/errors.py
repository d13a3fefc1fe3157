"""Errors as the reader should see them: a plain page (or JSON for the API), never a traceback.

Every server error is logged with its request id, which the error page shows so that support can
find it; nothing the user typed is written to the log unescaped.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from registry.db.versioning import EditConflict
from registry.forms import MAX_ID, FormErrors
from registry.i18n import gettext as _

logger = logging.getLogger("registry")
# How the JSON decoder names a missing or unknown field: "Object missing required field `name`".
_NAMED_FIELD = re.compile(r"field `([^`]+)`")
_LONG_NUMBER = re.compile(r"\d{19,}")


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(("/api/", "/schema")) or path.endswith(".json")


def _title(status_code: int) -> str:
    return {
        400: _("The request could not be understood"),
        401: _("You need to log in"),
        403: _("You do not have permission to do this"),
        404: _("Page not found"),
        405: _("That action is not possible here"),
        409: _("Conflict with a change made by someone else"),
        412: _("Changed since you read it"),
        422: _("Some values need correcting"),
        429: _("Too many attempts; wait a moment and try again"),
    }.get(status_code, _("Something went wrong on our side"))


def _request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", "-"))


def problem(
    request: Request,
    status_code: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    title: str | None = None,
) -> Response:
    title = title or _title(status_code)
    if _wants_json(request):
        body: dict[str, object] = {
            "status": status_code,
            "title": title,
            "detail": detail,
            "request_id": _request_id(request),
        }
        if errors:
            body["errors"] = errors
        return Response(body, status_code=status_code, media_type="application/problem+json")
    return Template(
        template_name="error.html",
        context={
            "status_code": status_code,
            "title": title,
            "detail": detail,
            "errors": errors or [],
            "request_id": _request_id(request),
        },
        status_code=status_code,
        media_type=MediaType.HTML,
    )


def _return_address(request: Request, exc: NotAuthorizedException) -> str:
    """Where log-in leads back to: the address itself for a page; for a form sent after the
    session ran out, the page the form was on (a POST-only address would answer 405), with what
    was typed in its query string for the page to offer again."""
    if request.method == "GET":
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    referer = urlsplit(request.headers.get("referer", ""))
    same_site = referer.netloc == request.url.netloc and referer.path.startswith("/")
    path, query = (referer.path, parse_qsl(referer.query)) if same_site else ("/", [])
    typed = exc.extra.get("typed", {}) if isinstance(exc.extra, dict) else {}
    query = [(key, value) for key, value in query if key not in typed] + list(typed.items())
    return path + (f"?{urlencode(query)}" if query else "")


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    status_code = exc.status_code
    if isinstance(exc, NotAuthorizedException) and not _wants_json(request):
        return Redirect(f"/login?next={quote(_return_address(request, exc))}", status_code=303)
    errors: list[dict[str, str]] = []
    detail = ""
    if isinstance(exc, ValidationException):
        for item in exc.extra or []:
            if isinstance(item, dict):
                field = str(item.get("key") or item.get("source") or "body")
                message = str(item.get("message", ""))
                if field == "data":  # the body as a whole: name the field the message is about, if any
                    named = _NAMED_FIELD.search(message)
                    field = named.group(1) if named else "body"
                errors.append({"field": field, "message": message})
        detail = _("The values sent do not have the expected form.")
    elif isinstance(exc, NotAuthorizedException):
        detail = _("Log in to continue.")
    elif isinstance(exc, PermissionDeniedException) and "csrf" in str(exc.detail).lower():
        detail = _("The form was out of date or incomplete. Reload the page and try again.")
    elif isinstance(exc, PermissionDeniedException):
        detail = _("Your roles do not allow this.")
    elif status_code == 404:
        detail = _("There is nothing at this address. It may have been removed or renamed.")
    elif status_code == 405:
        detail = _("This address does not accept that kind of request.")
    elif status_code < 500:
        detail = str(exc.detail) if exc.detail and exc.detail != "Bad Request" else _("The request was not accepted.")
    if status_code >= 500:
        return internal_error_handler(request, exc)
    # An exception may name its own kind of refusal (e.g. "Still in use" rather than a generic 409 title).
    title = getattr(exc, "title", None)
    response = problem(request, status_code, detail, errors, str(title) if title else None)
    if status_code == 405 and exc.headers:  # the methods the address does accept (RFC 9110: Allow)
        allow = {key.lower(): value for key, value in exc.headers.items()}.get("allow")
        if allow:
            response.headers["Allow"] = allow
    return response


def form_errors_handler(request: Request, exc: FormErrors) -> Response:
    errors = [{"field": field, "message": message} for field, message in exc.errors.items()]
    return problem(request, 422, _("Some values need correcting."), errors)


def _huge_number_in_path(request: Request) -> bool:
    return any(int(number) > MAX_ID for number in _LONG_NUMBER.findall(request.url.path))


def out_of_range_handler(request: Request, exc: Exception) -> Response:
    """A number no database column can hold (an id of 2^63 or more, in an address, a filter, a form or
    JSON): nothing has such an id, so an address with one is not found, and a value with one is wrong."""
    if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) != "22003":
        return internal_error_handler(request, exc)  # numeric_value_out_of_range is the only one meant here
    if _huge_number_in_path(request):
        return problem(request, 404, _("There is nothing at this address. It may have been removed or renamed."))
    return problem(
        request,
        422,
        _("A number sent is larger than any record's id or any amount the registry keeps (%(max)s).", max=MAX_ID),
    )


def too_deep_handler(request: Request, exc: RecursionError) -> Response:
    return problem(request, 400, _("The data sent is nested too deeply to be read."))


def conflict_handler(request: Request, _exc: Exception) -> Response:
    """A save made from an older version than the saved one (EditConflict), or one that raced
    another save (StaleDataError): refused, never silently overwriting the other."""
    return problem(
        request,
        409,
        _(
            "Not saved: someone else saved this after you opened it. Reload to see their version, "
            "then make your change again."
        ),
    )


def internal_error_handler(request: Request, exc: Exception) -> Response:
    logger.error(
        "server error request_id=%s method=%s path=%r",
        _request_id(request),
        request.method,
        request.url.path,
        exc_info=exc,
    )
    return problem(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        _("The error has been logged. Quote the request id if you contact support."),
    )


exception_handlers = {
    HTTPException: http_exception_handler,
    FormErrors: form_errors_handler,
    OverflowError: out_of_range_handler,  # SQLite's driver, for an integer past 64 bits
    DataError: out_of_range_handler,  # PostgreSQL's "bigint out of range"
    RecursionError: too_deep_handler,
    EditConflict: conflict_handler,
    StaleDataError: conflict_handler,
    Exception: internal_error_handler,
}
