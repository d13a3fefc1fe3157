"""`/changes`: the whole change log, filtered, and its CSV export. Read-only: no route edits a record."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.changes import queries
from registry.db import models as m

EXPORT_LIMIT = 100_000


class ChangeLogPages(Controller):
    path = "/changes"
    guards = [logged_in]

    @get("/", name="changes")
    async def changes(self, request: Request, db_session: AsyncSession) -> Template:
        change_filter, errors = queries.ChangeFilter.from_query(dict(request.query_params))
        before = request.query_params.get("before", "")
        records, next_id = await queries.page(db_session, change_filter, int(before) if before.isdigit() else None)
        people = (await db_session.execute(select(m.Person.id, m.Person.name).order_by(m.Person.name))).all()
        query = {k: v for k, v in request.query_params.items() if k != "before" and v}
        return Template(
            template_name="changes/list.html",
            context={
                "records": records,
                "next_id": next_id,
                "filter": change_filter,
                "filter_errors": errors,
                "people": people,
                "object_types": await queries.object_types(db_session),
                "query": query,
            },
        )

    @get("/export.csv", name="changes_csv")
    async def export(self, request: Request, db_session: AsyncSession) -> Response[bytes]:
        change_filter, _errors = queries.ChangeFilter.from_query(dict(request.query_params))
        records, _next = await queries.page(db_session, change_filter, size=EXPORT_LIMIT)
        return Response(
            queries.to_csv(records),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="changes.csv"'},
        )
