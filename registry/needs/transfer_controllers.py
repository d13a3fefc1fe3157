"""`/needs/export.csv`, `/needs/export.xlsx` and `/needs/import`: the needs table in and out of
spreadsheets (the rules are in `registry.needs.transfer`).

Exports and imports are streamed, so they open their own database session rather than the
request's (which advanced-alchemy commits and closes when the response starts): an export reads
the list a page at a time, and an import answers at once with a page that shows its progress as it
goes, writing in short transactions of its own (registry/needs/import_batches.py).
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import AsyncIterator
from contextlib import suppress
from datetime import date
from tempfile import SpooledTemporaryFile
from typing import Any

import anyio.to_thread
from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from babel.numbers import format_decimal
from litestar import Controller, Litestar, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Stream, Template
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry import spreadsheets
from registry.accounts.guards import current_principal, logged_in
from registry.db import models as m
from registry.i18n import current_language
from registry.i18n import gettext as _
from registry.needs import transfer
from registry.needs.controllers import channel_labels, kind_labels, role_labels, state_labels
from registry.needs.models import Channel, DepartmentRole, NeedKind, NeedState
from registry.needs.queries import NeedFilter

logger = logging.getLogger("registry")

SHOWN_ERRORS = 1000  # an import page lists this many errors, and counts the rest
_SLOT = "<!--import-progress-->"
_CHUNK_BYTES = 64 * 1024


def may_import(connection: ASGIConnection, _handler: BaseRouteHandler | None = None) -> None:
    """Administrators and development coordinators import; which rows a coordinator may write is
    checked row by row (their own areas)."""
    principal = current_principal(connection)
    if principal is None:
        raise NotAuthorizedException()
    if not (principal.is_admin or principal.coordinator_of):
        raise PermissionDeniedException()


def sessions_of(app: Litestar) -> async_sessionmaker[AsyncSession]:
    """The app's own session factory (the engine and settings of its SQLAlchemy plugin)."""
    config = app.plugins.get(SQLAlchemyPlugin).config
    return (config[0] if isinstance(config, list | tuple) else config).create_session_maker()


def _number(value: int) -> str:
    return format_decimal(value, locale=current_language())


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


def _export_name(extension: str) -> str:
    # Translators: the start of an exported file's name: lower-case letters a–z only.
    prefix = _("needs")
    return f"{prefix}-{date.today().isoformat()}.{extension}"


async def _names(session: AsyncSession) -> dict[str, list[str]]:
    return {
        "areas": list((await session.scalars(select(m.SupportArea.name).order_by(m.SupportArea.name))).all()),
        "departments": list((await session.scalars(select(m.Department.name).order_by(m.Department.name))).all()),
        "institutions": list((await session.scalars(select(m.Institution.name).order_by(m.Institution.name))).all()),
    }


def _too_large(request: Request, _exc: Exception) -> Response:
    return _form_page(request, None, _too_large_message(), status_code=413)


def _too_large_message() -> str:
    return _(
        "The file is larger than %(limit)s MB. Split it into smaller files and import them one by one.",
        limit=transfer.MAX_UPLOAD_BYTES // (1024 * 1024),
    )


def _form_page(
    request: Request, names: dict[str, list[str]] | None, error: str = "", status_code: int = 200
) -> Template:
    return Template(
        template_name="needs/import.html",
        context={
            "columns": transfer.COLUMNS,
            "names": names,
            "codes": {
                "channel": [(c.value, channel_labels().get(c.value, c.value)) for c in Channel],
                "kind": [(k.value, kind_labels().get(k.value, k.value)) for k in NeedKind],
                "state": [(s.value, state_labels().get(s.value, s.value)) for s in NeedState],
                "role": [(r.value, role_labels().get(r.value, r.value)) for r in DepartmentRole],
            },
            "error": error,
            "max_mb": transfer.MAX_UPLOAD_BYTES // (1024 * 1024),
            "max_rows": _number(transfer.MAX_ROWS),
            "separator": spreadsheets.CSV_SEPARATOR,
        },
        status_code=status_code,
    )


class NeedTransferPages(Controller):
    path = "/needs"
    guards = [logged_in]

    # ------------------------------------------------------------ export

    @get("/export.csv", name="needs_export_csv")
    async def export_csv(self, request: Request) -> Stream:
        """The list as filtered on /needs (the same query parameters), as CSV."""
        need_filter = NeedFilter.from_query(request.query_params)
        sessions = sessions_of(request.app)

        async def body() -> AsyncIterator[bytes]:
            first = True
            async with sessions() as session:
                async for frame in transfer.export_chunks(session, need_filter):
                    yield spreadsheets.to_csv(frame, header=first, bom=first)
                    first = False
            if first:  # nothing matched: the header alone
                yield spreadsheets.to_csv(transfer.export_frame([]))

        return Stream(
            body(),
            media_type="text/csv",  # Litestar adds "; charset=utf-8"
            headers=_attachment(_export_name("csv")),
        )

    @get("/export.xlsx", name="needs_export_xlsx")
    async def export_xlsx(self, request: Request) -> Stream:
        """The list as filtered on /needs, as an Excel workbook (written row by row off the event loop)."""
        need_filter = NeedFilter.from_query(request.query_params)
        sessions = sessions_of(request.app)

        async def body() -> AsyncIterator[bytes]:
            writer = await anyio.to_thread.run_sync(transfer.needs_workbook)
            async with sessions() as session:
                async for frame in transfer.export_chunks(session, need_filter):
                    await anyio.to_thread.run_sync(writer.append, frame)
            with SpooledTemporaryFile(max_size=8 * 1024 * 1024) as target:
                await anyio.to_thread.run_sync(writer.save, target)
                target.seek(0)
                while chunk := await anyio.to_thread.run_sync(target.read, _CHUNK_BYTES):
                    yield chunk

        return Stream(
            body(),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers=_attachment(_export_name("xlsx")),
        )

    # ------------------------------------------------------------ import

    @get("/import", name="needs_import", guards=[may_import])
    async def import_form(self, request: Request, db_session: AsyncSession) -> Template:
        return _form_page(request, await _names(db_session))

    @get("/import/template.xlsx", name="needs_import_template", guards=[may_import])
    async def import_template(self, db_session: AsyncSession) -> Response[bytes]:
        content = transfer.template_xlsx(await _names(db_session))
        return Response(
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            # Translators: the name of the import template file: lower-case letters a–z and hyphens only.
            headers=_attachment(_("needs-template") + ".xlsx"),
        )

    @post(
        "/import",
        name="needs_import_run",
        status_code=200,
        guards=[may_import],
        # Room for the file and the form around it; a larger body is refused before it is read.
        request_max_body_size=transfer.MAX_UPLOAD_BYTES + 1024 * 1024,
        exception_handlers={RequestEntityTooLarge: _too_large},
    )
    async def run_import(self, request: Request) -> Response:
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _form_page(request, None, _("Choose a file to import."), status_code=422)
        data = await upload.read()
        await upload.close()
        if len(data) > transfer.MAX_UPLOAD_BYTES:
            return _form_page(request, None, _too_large_message(), status_code=413)
        return Stream(
            _import_page(request, upload.filename, data, sessions_of(request.app)),
            media_type="text/html",
            headers={"Cache-Control": "no-store"},
        )


async def _import_page(
    request: Request, filename: str, data: bytes, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[str]:
    """The import's page, sent as the import goes: a line of progress every few hundred rows, then
    the outcome. The import runs in its own transaction, committed only if every row is right."""
    principal = request.scope.get("user")
    engine = request.app.template_engine
    token = ScopeState.from_scope(request.scope).csrf_token or ""
    context = {
        "request": request,
        "csrf_input": Markup(f'<input type="hidden" name="_csrf_token" value="{html.escape(str(token))}" />'),
        "filename": filename,
        "slot": Markup(_SLOT),
    }
    head, tail = engine.get_template("needs/import_run.html").render(**context).split(_SLOT, 1)
    events: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()

    def progress(stage: str, done: int, total: int) -> None:
        events.put_nowait(("progress", stage, done, total))

    async def work() -> None:
        try:
            result = await transfer.import_needs(sessions, principal, filename, data, progress)
            events.put_nowait(("done", result))
        except transfer.ImportErrors as problem:
            events.put_nowait(("errors", problem.errors))
        except Exception as problem:  # noqa: BLE001 - shown on the page: the response has started
            logger.error(
                "import failed request_id=%s",
                request.scope.get("state", {}).get("request_id", "-"),
                exc_info=problem,
            )
            events.put_nowait(("failed", None))

    task = asyncio.create_task(work())
    try:
        yield head
        yield '<ol class="import-progress" role="log" aria-live="polite">\n'
        while True:
            event = await events.get()
            if event[0] != "progress":
                break
            _kind, stage, done, total = event
            text = (
                _("Checked %(done)s of %(total)s rows…", done=_number(done), total=_number(total))
                if stage == "check"
                else _("Saved %(done)s of %(total)s needs…", done=_number(done), total=_number(total))
            )
            yield f"<li>{html.escape(text)}</li>\n"
        yield "</ol>\n"
        outcome, value = event
        partial = engine.get_template("needs/_import_result.html")
        yield partial.render(
            request=request,
            outcome=outcome,
            counts={key: _number(getattr(value, key)) for key in ("created", "updated", "unchanged")}
            if outcome == "done"
            else {},
            errors=(value or [])[:SHOWN_ERRORS] if outcome == "errors" else [],
            error_count=len(value or []) if outcome == "errors" else 0,
            request_id=request.scope.get("state", {}).get("request_id", "-"),
        )
        yield tail
    finally:
        if not task.done():  # the reader went away: stop, and roll back
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
