"""Pages for recommendations and line decisions: the forms on the need page, the decision register
(`/decisions`, with exports) and a head's desk (`/my/decisions`)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.accounts.principal import Principal
from registry.db import models as m
from registry.decisions import queries, services
from registry.forms import FormErrors
from registry.i18n import gettext as _
from registry.needs import lifecycle
from registry.needs import queries as need_queries
from registry.needs.controllers import detail_page, state_labels
from registry.needs.models import Need, NeedState
from registry.spreadsheets import to_csv, to_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECOMMENDATION_FIELDS = ("outcome", "rationale", "recorded_on")
DECISION_FIELDS = ("department_id", "outcome", "rationale", "committed_days", "decided_on")


def _principal(request: Request) -> Principal | None:
    return request.scope.get("user")


def outcome_labels() -> dict[str, str]:
    return services.recommendation_labels() | services.decision_labels()


def kind_labels() -> dict[str, str]:
    return {"recommendation": _("Recommendation"), "decision": _("Line decision")}


async def need_context(session: AsyncSession, need: Need, principal: Principal | None) -> dict[str, Any]:
    """What the need page shows about the steering group's advice and the line's decisions."""
    decisions = await queries.for_need(session, need, principal)
    return {
        "decisions": decisions,
        "may_recommend": services.may_recommend(principal, need) and need.owning_area_id is not None,
        "recommend_open": need.state in (NeedState.ready, NeedState.recommended),
        "decided": need.state in lifecycle.DECIDED,
        "state_label": lifecycle.state_label(need.state),
        "may_reopen": services.may_recommend(principal, need) and need.state in lifecycle.DECIDED,
        "may_decide_any": any(line.may_decide for line in decisions.lines),
        "reader_is_admin": principal is not None and principal.is_admin,
        "recommendation_labels": services.recommendation_labels(),
        "decision_labels": services.decision_labels(),
        "today": date.today().isoformat(),
    }


async def _need_or_404(session: AsyncSession, need_id: int) -> Need:
    need = await need_queries.get_need(session, need_id)
    if need is None:
        raise NotFoundException()
    return need


async def _typed(request: Request, names: tuple[str, ...], form_name: str) -> dict[str, Any]:
    form = await request.form()
    values = {name: form.get(name) if isinstance(form.get(name), str) else "" for name in names}
    return values | {"form": form_name}


class DecisionPages(Controller):
    include_in_schema = False
    guards = [logged_in]

    async def _refused(
        self, request: Request, session: AsyncSession, need_id: int, errors: FormErrors, typed: dict[str, Any]
    ) -> Template:
        """The need page again, with the reasons and what was typed; nothing saved."""
        await session.rollback()
        return await detail_page(request, session, await _need_or_404(session, need_id), errors, 422, typed)

    @post("/needs/{need_id:int}/recommendations", name="need_recommend")
    async def recommend(self, request: Request, db_session: AsyncSession, need_id: int) -> Any:
        need = await _need_or_404(db_session, need_id)
        typed = await _typed(request, RECOMMENDATION_FIELDS, "recommendation")
        try:
            await services.record_recommendation(
                db_session,
                _principal(request),
                need,
                typed["outcome"],
                typed["rationale"],
                recorded_on=typed["recorded_on"],
            )
        except FormErrors as errors:
            return await self._refused(request, db_session, need_id, errors, typed)
        return Redirect(f"/needs/{need.id}#decisions", status_code=303)

    @post("/needs/{need_id:int}/reopen", name="need_reopen")
    async def reopen(self, request: Request, db_session: AsyncSession, need_id: int) -> Any:
        need = await _need_or_404(db_session, need_id)
        typed = await _typed(request, ("reopen_reason",), "reopen")
        try:
            await services.reopen(db_session, _principal(request), need, typed["reopen_reason"])
        except FormErrors as errors:
            return await self._refused(request, db_session, need_id, errors, typed)
        return Redirect(f"/needs/{need.id}#decisions", status_code=303)

    @post("/needs/{need_id:int}/decisions", name="need_decide")
    async def decide(self, request: Request, db_session: AsyncSession, need_id: int) -> Any:
        need = await _need_or_404(db_session, need_id)
        typed = await _typed(request, DECISION_FIELDS, "decision")
        try:
            await services.record_decision(db_session, _principal(request), need, typed["department_id"], typed)
        except FormErrors as errors:
            return await self._refused(request, db_session, need_id, errors, typed)
        return Redirect(f"/needs/{need.id}#decisions", status_code=303)

    @get("/decisions", name="decisions")
    async def register(self, request: Request, db_session: AsyncSession) -> Template:
        register_filter = queries.RegisterFilter.from_query(request.query_params)
        page = await queries.register_page(db_session, register_filter)
        return Template(
            template_name="decisions/register.html",
            context={
                "page": page,
                "filter": register_filter,
                "query": register_filter.as_query(page=None),
                **await _names(db_session),
                "outcomes": outcome_labels(),
                "recommendation_labels": services.recommendation_labels(),
                "decision_labels": services.decision_labels(),
                "kinds": kind_labels(),
            },
        )

    @get(["/decisions/export.csv", "/decisions/export.xlsx"], name="decisions_export")
    async def export(self, request: Request, db_session: AsyncSession) -> Response[bytes]:
        extension = request.url.path.rsplit(".", 1)[1]
        register_filter = queries.RegisterFilter.from_query(request.query_params)
        rows = await queries.register_all(db_session, register_filter)
        frame = export_frame(rows, await _names(db_session))
        filename = f"{_('decisions')}-{date.today().isoformat()}.{extension}"
        return Response(
            content=to_csv(frame) if extension == "csv" else to_xlsx(frame, title=_("Decision register")),
            media_type="text/csv" if extension == "csv" else XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-store",
            },
        )

    @get("/my/decisions", name="my_decisions")
    async def mine(self, request: Request, db_session: AsyncSession) -> Template:
        principal = _principal(request)
        waiting, recent, departments = await queries.desk(db_session, principal.head_of | principal.deputy_of)
        return Template(
            template_name="decisions/mine.html",
            context={
                "waiting": waiting,
                "recent": recent,
                "departments": departments,
                "department_names": {d.id: d.name for d in departments},
                "recommendation_labels": services.recommendation_labels(),
                "decision_labels": services.decision_labels(),
                "states": state_labels(),
            },
        )


async def _names(session: AsyncSession) -> dict[str, Any]:
    areas = (await session.execute(select(m.SupportArea.id, m.SupportArea.name).order_by(m.SupportArea.name))).all()
    departments = (await session.execute(select(m.Department.id, m.Department.name).order_by(m.Department.name))).all()
    return {"areas": [tuple(a) for a in areas], "departments": [tuple(d) for d in departments]}


def export_frame(rows: list[queries.RegisterRow], names: dict[str, Any]) -> pd.DataFrame:
    """The register as a table for CSV and Excel, headed and worded in the reader's language."""
    areas, departments = dict(names["areas"]), dict(names["departments"])
    outcomes, kinds = outcome_labels(), kind_labels()
    columns = {
        "day": _("Date"),
        "kind": _("Kind"),
        "id": _("Record number"),
        "need": _("Need"),
        "title": _("Title"),
        "area": _("Support-service area"),
        "department": _("Department"),
        "outcome": _("Outcome"),
        "committed_days": _("Committed person-days"),
        "rationale": _("Rationale"),
        "by": _("Recorded by"),
        "meeting": _("Meeting"),
        "status": _("Superseded"),
        "supersedes": _("Supersedes decision"),
    }
    records = [
        {
            columns["day"]: row.day,
            columns["kind"]: kinds[row.kind],
            columns["id"]: row.id,
            columns["need"]: row.need_id,
            columns["title"]: row.need_title,
            columns["area"]: areas.get(row.area_id, ""),
            columns["department"]: departments.get(row.department_id, ""),
            columns["outcome"]: outcomes.get(row.outcome, row.outcome),
            columns["committed_days"]: float(row.committed_days) if row.committed_days is not None else None,
            columns["rationale"]: row.rationale,
            columns["by"]: row.by_name,
            columns["meeting"]: row.meeting_id,
            columns["status"]: _("superseded") if row.superseded else "",
            columns["supersedes"]: row.supersedes_id,
        }
        for row in rows
    ]
    return pd.DataFrame(records, columns=list(columns.values()))
