"""Pages for processes: the list, one process with its responsible, team, mandate and needs, the
mandate's versions, and the RACI matrix."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.accounts.principal import Principal
from registry.benefits import queries as benefit_queries
from registry.benefits import words as benefit_words
from registry.changes import queries as change_queries
from registry.db import models as m
from registry.db.versioning import EditConflict
from registry.forms import FormErrors
from registry.i18n import gettext as _
from registry.processes import export, queries, rules, services
from registry.processes.models import Process
from registry.web.forms import as_form_values, conflict_of, form_page, submitted

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def unit_labels() -> dict[str, str]:
    return {"hours_per_month": _("hours per month"), "percent": _("percent of full time")}


def mandate_labels() -> dict[str, str]:
    return {spec.name: str(spec.label) for spec in services.MANDATE_FIELDS}


async def choices(session: AsyncSession) -> dict[str, list[tuple[Any, str]]]:
    people = (await session.execute(select(m.Person.id, m.Person.name, m.Person.title).order_by(m.Person.name))).all()
    departments = (await session.execute(select(m.Department.id, m.Department.name).order_by(m.Department.name))).all()
    institutions = (
        await session.execute(select(m.Institution.id, m.Institution.name).order_by(m.Institution.name))
    ).all()
    areas = (await session.execute(select(m.SupportArea.id, m.SupportArea.name).order_by(m.SupportArea.name))).all()
    return {
        "people": [(p.id, f"{p.name} ({p.title})" if p.title else p.name) for p in people],
        "departments": [tuple(r) for r in departments],
        "institutions": [tuple(r) for r in institutions],
        "areas": [tuple(r) for r in areas],
        "allocation_units": list(unit_labels().items()),
    }


def _principal(request: Request) -> Principal:
    return request.scope["user"]


async def _process_or_404(session: AsyncSession, slug: str) -> Process:
    process = await queries.get_process(session, slug)
    if process is None:
        raise NotFoundException()
    return process


def _cells(values: list[Any]) -> dict[str, str]:
    """The row's cells as posted: one "<column id>:<letter>" per select (an empty cell is "<column id>:")."""
    cells: dict[str, str] = {}
    for value in values:
        column, _sep, letter = str(value).partition(":")
        cells[column.strip()] = letter.strip()
    return cells


def _is_htmx_row(request: Request) -> bool:
    return bool(request.headers.get("hx-request")) and request.headers.get("hx-target", "").startswith("activity-")


class ProcessPages(Controller):
    guards = [logged_in]
    include_in_schema = False

    # ------------------------------------------------------------ the list and one process

    @get("/processes", name="processes")
    async def processes(self, request: Request, db_session: AsyncSession) -> Template:
        today = date.today()
        processes = await queries.list_processes(db_session)
        mandates = await queries.approved_mandates(db_session)
        rows = []
        for process in processes:
            mandate = mandates.get(process.id)
            rows.append(
                {
                    "process": process,
                    "responsible": queries.current_responsible(process),
                    "team": queries.team_summary(process, today),
                    "mandate": mandate,
                    "expiry": rules.expiry(mandate.ends_on, today) if mandate else None,
                }
            )
        return Template(
            template_name="processes/list.html",
            context={"rows": rows, "may_create": services.may_create(_principal(request))},
        )

    @get("/processes/new", name="process_new")
    async def new(self, request: Request, db_session: AsyncSession) -> Template:
        principal = _principal(request)
        if not services.may_create(principal):
            raise PermissionDeniedException()
        return await self._form(db_session, {"owner_id": principal.person_id, "department_ids": []}, None, None)

    async def _form(
        self, session: AsyncSession, values: dict, process: Process | None, errors: FormErrors | None
    ) -> Template:
        return form_page(
            title=_("Edit %(name)s", name=process.name) if process else _("New process"),
            fields=services.PROCESS_FIELDS,
            values=values,
            choices=await choices(session),
            action=f"/processes/{process.slug}/edit" if process else "/processes/new",
            cancel_url=f"/processes/{process.slug}" if process else "/processes",
            errors=errors,
        )

    @post("/processes/new", name="process_create")
    async def create(self, request: Request, db_session: AsyncSession) -> Any:
        values = await submitted(request, services.PROCESS_FIELDS)
        try:
            process = await services.save_process(db_session, _principal(request), values)
        except FormErrors as errors:
            await db_session.rollback()
            return await self._form(db_session, values, None, errors)
        return Redirect(f"/processes/{process.slug}", status_code=303)

    @get("/processes/{slug:str}", name="process")
    async def process(self, request: Request, db_session: AsyncSession, slug: str) -> Template:
        return await self._detail(request, db_session, await _process_or_404(db_session, slug))

    async def _detail(
        self, request: Request, session: AsyncSession, process: Process, errors: FormErrors | None = None
    ) -> Template:
        principal = _principal(request)
        today = date.today()
        versions = await queries.mandates(session, process.id)
        approved = queries.approved_mandate(versions)
        history = await change_queries.history(session, "process", process.id)
        return Template(
            template_name="processes/detail.html",
            context={
                "process": process,
                "responsible": queries.current_responsible(process),
                "summary": queries.team_summary(process, today),
                "today": today,
                "full_time": rules.FULL_TIME_HOURS_PER_MONTH,
                "units": unit_labels(),
                "versions": versions,
                "approved": approved,
                "expiry": rules.expiry(approved.ends_on, today) if approved else None,
                "draft": versions[0] if versions and not versions[0].is_approved else None,
                "needs": await queries.needs_of(session, process.id),
                "benefits": await benefit_queries.with_status(
                    await benefit_queries.benefits_of(session, process_id=process.id), today
                ),
                "labels": benefit_words.labels(),
                "number": benefit_words.number,
                "owns": services.owns(principal, process),
                "manages": services.manages(principal, process),
                "choices": await choices(session) if services.owns(principal, process) else {"people": []},
                "errors": errors.errors if errors else {},
                "history": history,
                "names": await change_queries.referenced_names(session, history) if history else {},
            },
            status_code=422 if errors else 200,
        )

    async def _act(
        self, request: Request, session: AsyncSession, slug: str, action: Callable[..., Awaitable[str]]
    ) -> Any:
        """Run one action from the process page: back to the page, or the page with the reason and nothing saved."""
        process = await _process_or_404(session, slug)
        form = await request.form()
        try:
            target = await action(_principal(request), process, form)
        except FormErrors as errors:
            await session.rollback()
            return await self._detail(request, session, await _process_or_404(session, slug), errors)
        return Redirect(target, status_code=303)

    @get("/processes/{slug:str}/edit", name="process_edit")
    async def edit(self, request: Request, db_session: AsyncSession, slug: str) -> Template:
        process = await _process_or_404(db_session, slug)
        if not services.owns(_principal(request), process):
            raise PermissionDeniedException()
        values = as_form_values(process, services.PROCESS_FIELDS, department_ids=[d.id for d in process.departments])
        return await self._form(db_session, values, process, None)

    @post("/processes/{slug:str}/edit", name="process_update")
    async def update(self, request: Request, db_session: AsyncSession, slug: str) -> Any:
        process = await _process_or_404(db_session, slug)
        values = await submitted(request, services.PROCESS_FIELDS)
        try:
            process = await services.save_process(db_session, _principal(request), values, process)
        except EditConflict:
            await db_session.rollback()
            current = await _process_or_404(db_session, slug)
            saved = as_form_values(current, services.PROCESS_FIELDS, department_ids=[d.id for d in current.departments])
            page = await self._form(db_session, {**values, "version": current.version}, current, None)
            page.context["conflict"] = conflict_of(services.PROCESS_FIELDS, saved, values)
            page.status_code = 409
            return page
        except FormErrors as errors:
            await db_session.rollback()
            return await self._form(db_session, values, await _process_or_404(db_session, slug), errors)
        return Redirect(f"/processes/{process.slug}", status_code=303)

    @post("/processes/{slug:str}/appoint", name="process_appoint")
    async def appoint(self, request: Request, db_session: AsyncSession, slug: str) -> Any:
        async def action(principal, process, form):
            await services.appoint(db_session, principal, process, dict(form))
            return f"/processes/{process.slug}#responsible-heading"

        return await self._act(request, db_session, slug, action)

    @post("/processes/{slug:str}/needs", name="process_need_link")
    async def link_need(self, request: Request, db_session: AsyncSession, slug: str) -> Any:
        async def action(principal, process, form):
            await services.link_need(db_session, principal, process, form.get("need_id"))
            return f"/processes/{process.slug}#needs-heading"

        return await self._act(request, db_session, slug, action)

    @post("/processes/{slug:str}/needs/{need_id:int}/delete", name="process_need_unlink")
    async def unlink_need(self, request: Request, db_session: AsyncSession, slug: str, need_id: int) -> Redirect:
        process = await _process_or_404(db_session, slug)
        await services.unlink_need(db_session, _principal(request), process, need_id)
        return Redirect(f"/processes/{process.slug}#needs-heading", status_code=303)

    # ------------------------------------------------------------ the team

    async def _team_form(
        self, session: AsyncSession, process: Process, values: dict, member_id: int | None, errors: FormErrors | None
    ) -> Template:
        return form_page(
            title=_("Team member of %(process)s", process=process.name),
            fields=services.TEAM_FIELDS,
            values=values,
            choices=await choices(session),
            action=f"/processes/{process.slug}/team/{member_id}/edit"
            if member_id
            else f"/processes/{process.slug}/team/new",
            cancel_url=f"/processes/{process.slug}#team-heading",
            errors=errors,
        )

    @get("/processes/{slug:str}/team/new", name="process_team_new")
    async def new_member(self, request: Request, db_session: AsyncSession, slug: str) -> Template:
        process = await _process_or_404(db_session, slug)
        if not services.manages(_principal(request), process):
            raise PermissionDeniedException()
        values = {"allocation_unit": "hours_per_month", "starts_on": date.today().isoformat()}
        return await self._team_form(db_session, process, values, None, None)

    @post("/processes/{slug:str}/team/new", name="process_team_create")
    async def create_member(self, request: Request, db_session: AsyncSession, slug: str) -> Any:
        process = await _process_or_404(db_session, slug)
        values = await submitted(request, services.TEAM_FIELDS)
        try:
            await services.save_team_member(db_session, _principal(request), process, values)
        except FormErrors as errors:
            await db_session.rollback()
            return await self._team_form(db_session, await _process_or_404(db_session, slug), values, None, errors)
        return Redirect(f"/processes/{process.slug}#team-heading", status_code=303)

    async def _member(self, process: Process, member_id: int) -> m.TeamMember:
        member = next((t for t in process.team if t.id == member_id), None)
        if member is None:
            raise NotFoundException()
        return member

    @get("/processes/{slug:str}/team/{member_id:int}/edit", name="process_team_edit")
    async def edit_member(self, request: Request, db_session: AsyncSession, slug: str, member_id: int) -> Template:
        process = await _process_or_404(db_session, slug)
        if not services.manages(_principal(request), process):
            raise PermissionDeniedException()
        member = await self._member(process, member_id)
        values = as_form_values(member, services.TEAM_FIELDS)
        values.update(
            allocation=str(member.allocation).replace(".0", "") if member.allocation is not None else "",
            allocation_unit=member.allocation_unit.value,
            starts_on=member.starts_on.isoformat() if member.starts_on else "",
            ends_on=member.ends_on.isoformat() if member.ends_on else "",
        )
        return await self._team_form(db_session, process, values, member.id, None)

    @post("/processes/{slug:str}/team/{member_id:int}/edit", name="process_team_update")
    async def update_member(self, request: Request, db_session: AsyncSession, slug: str, member_id: int) -> Any:
        process = await _process_or_404(db_session, slug)
        member = await self._member(process, member_id)
        values = await submitted(request, services.TEAM_FIELDS)
        try:
            await services.save_team_member(db_session, _principal(request), process, values, member)
        except FormErrors as errors:
            await db_session.rollback()
            return await self._team_form(db_session, await _process_or_404(db_session, slug), values, member_id, errors)
        return Redirect(f"/processes/{process.slug}#team-heading", status_code=303)

    @post("/processes/{slug:str}/team/{member_id:int}/delete", name="process_team_delete")
    async def delete_member(self, request: Request, db_session: AsyncSession, slug: str, member_id: int) -> Redirect:
        process = await _process_or_404(db_session, slug)
        await services.remove_team_member(db_session, _principal(request), process, member_id)
        return Redirect(f"/processes/{process.slug}#team-heading", status_code=303)

    # ------------------------------------------------------------ the mandate

    async def _mandate_form(
        self, session: AsyncSession, process: Process, values: dict, errors: FormErrors | None
    ) -> Template:
        return form_page(
            title=_("New version of the mandate for %(process)s", process=process.name),
            intro=_("The process owner approves the version; an approved version is kept unchanged."),
            fields=services.MANDATE_FIELDS,
            values=values,
            choices={},
            action=f"/processes/{process.slug}/mandate/new",
            cancel_url=f"/processes/{process.slug}#mandate-heading",
            errors=errors,
        )

    @get("/processes/{slug:str}/mandate/new", name="process_mandate_new")
    async def new_mandate(self, request: Request, db_session: AsyncSession, slug: str) -> Template:
        process = await _process_or_404(db_session, slug)
        if not services.manages(_principal(request), process):
            raise PermissionDeniedException()
        versions = await queries.mandates(db_session, process.id)
        if versions:
            values = as_form_values(versions[0], services.MANDATE_FIELDS)
            values.update(starts_on=versions[0].starts_on.isoformat(), ends_on=versions[0].ends_on.isoformat())
        else:
            today = date.today()
            values = {"starts_on": today.isoformat(), "ends_on": (today + timedelta(days=365)).isoformat()}
        return await self._mandate_form(db_session, process, values, None)

    @post("/processes/{slug:str}/mandate/new", name="process_mandate_create")
    async def create_mandate(self, request: Request, db_session: AsyncSession, slug: str) -> Any:
        process = await _process_or_404(db_session, slug)
        values = await submitted(request, services.MANDATE_FIELDS)
        try:
            mandate = await services.draft_mandate(db_session, _principal(request), process, values)
        except FormErrors as errors:
            await db_session.rollback()
            return await self._mandate_form(db_session, await _process_or_404(db_session, slug), values, errors)
        return Redirect(f"/processes/{process.slug}/mandate/{mandate.version}", status_code=303)

    @get("/processes/{slug:str}/mandate/compare", name="process_mandate_compare")
    async def compare(self, request: Request, db_session: AsyncSession, slug: str) -> Template:
        process = await _process_or_404(db_session, slug)
        versions = await queries.mandates(db_session, process.id)
        by_number = {v.version: v for v in versions}
        errors: dict[str, str] = {}

        def chosen(name: str, default: int | None) -> int | None:
            text = request.query_params.get(name, "")
            if not text:
                return default
            if text.isdigit() and int(text) in by_number:
                return int(text)
            errors[name] = _("No such version.")
            return default

        newest = versions[0].version if versions else None
        second = versions[1].version if len(versions) > 1 else newest
        old, new = chosen("from", second), chosen("to", newest)
        diff = []
        if old is not None and new is not None:
            before, after = by_number[old], by_number[new]
            diff = rules.compare(
                {name: getattr(before, name) for name in services.MANDATE_TEXT},
                {name: getattr(after, name) for name in services.MANDATE_TEXT},
                services.MANDATE_TEXT,
            )
        return Template(
            template_name="processes/mandate_compare.html",
            context={
                "process": process,
                "versions": versions,
                "old": old,
                "new": new,
                "diff": diff,
                "labels": mandate_labels(),
                "errors": errors,
            },
            status_code=422 if errors else 200,
        )

    @get("/processes/{slug:str}/mandate/{version:int}", name="process_mandate")
    async def mandate(self, request: Request, db_session: AsyncSession, slug: str, version: int) -> Template:
        process = await _process_or_404(db_session, slug)
        return await self._mandate_page(request, db_session, process, version)

    async def _mandate_page(
        self, request: Request, session: AsyncSession, process: Process, version: int, errors: FormErrors | None = None
    ) -> Template:
        mandate = await queries.mandate_version(session, process.id, version)
        if mandate is None:
            raise NotFoundException()
        versions = await queries.mandates(session, process.id)
        return Template(
            template_name="processes/mandate.html",
            context={
                "process": process,
                "mandate": mandate,
                "versions": versions,
                "fields": services.MANDATE_FIELDS,
                "owns": services.owns(_principal(request), process),
                "manages": services.manages(_principal(request), process),
                "expiry": rules.expiry(mandate.ends_on, date.today()),
                "errors": errors.errors if errors else {},
            },
            status_code=422 if errors else 200,
        )

    @post("/processes/{slug:str}/mandate/{version:int}/approve", name="process_mandate_approve")
    async def approve(self, request: Request, db_session: AsyncSession, slug: str, version: int) -> Any:
        process = await _process_or_404(db_session, slug)
        try:
            await services.approve_mandate(db_session, _principal(request), process, version)
        except FormErrors as errors:
            await db_session.rollback()
            return await self._mandate_page(
                request, db_session, await _process_or_404(db_session, slug), version, errors
            )
        return Redirect(f"/processes/{process.slug}/mandate/{version}", status_code=303)

    # ------------------------------------------------------------ the RACI matrix

    @get("/processes/{slug:str}/raci", name="process_raci")
    async def raci(self, request: Request, db_session: AsyncSession, slug: str) -> Template:
        process = await _process_or_404(db_session, slug)
        return await self._raci_page(request, db_session, process)

    async def _raci_page(
        self,
        request: Request,
        session: AsyncSession,
        process: Process,
        errors: FormErrors | None = None,
        failed: dict | None = None,
    ) -> Template:
        """`failed` is the row that was refused ({"activity": id or "new", "name", "cells"}), shown as typed."""
        return Template(
            template_name="processes/raci.html",
            context=await self._raci_context(request, session, process, errors, failed),
            status_code=422 if errors else 200,
        )

    async def _raci_context(
        self, request: Request, session: AsyncSession, process: Process, errors: FormErrors | None, failed: dict | None
    ) -> dict:
        matrix = await queries.matrix(session, process.id)
        return {
            "process": process,
            "matrix": matrix,
            "labels": [queries.column_label(c) for c in matrix.columns],
            "legend": export.legend(),
            "manages": services.manages(_principal(request), process),
            "choices": await choices(session),
            "errors": errors.errors if errors else {},
            "failed": failed or {},
        }

    async def _row_action(self, request: Request, session: AsyncSession, slug: str, activity_id: int | None) -> Any:
        process = await _process_or_404(session, slug)
        form = await request.form()
        name = form.get("name", "")
        cells = _cells(form.getall("cells") if "cells" in form else [])
        principal = _principal(request)
        try:
            if activity_id is None:
                activity = await services.add_activity(session, principal, process, name, cells)
            else:
                activity = await services.save_activity(session, principal, process, activity_id, name, cells)
        except FormErrors as errors:
            await session.rollback()
            process = await _process_or_404(session, slug)
            failed = {"activity": activity_id or "new", "name": name, "cells": cells}
            if _is_htmx_row(request) and activity_id is not None:
                context = await self._raci_context(request, session, process, errors, failed)
                activity = next(a for a in context["matrix"].activities if a.id == activity_id)
                return Template(
                    template_name="processes/_raci_row.html", context=context | {"activity": activity}, status_code=422
                )
            return await self._raci_page(request, session, process, errors, failed)
        if _is_htmx_row(request):
            context = await self._raci_context(request, session, process, None, None)
            activity = next(a for a in context["matrix"].activities if a.id == activity.id)
            return Template(
                template_name="processes/_raci_row.html", context=context | {"activity": activity, "saved": True}
            )
        return Redirect(f"/processes/{process.slug}/raci#activity-{activity.id}", status_code=303)

    @post("/processes/{slug:str}/raci/activities", name="process_raci_add")
    async def add_activity(self, request: Request, db_session: AsyncSession, slug: str) -> Any:
        return await self._row_action(request, db_session, slug, None)

    @post("/processes/{slug:str}/raci/activities/{activity_id:int}", name="process_raci_save")
    async def save_activity(self, request: Request, db_session: AsyncSession, slug: str, activity_id: int) -> Any:
        return await self._row_action(request, db_session, slug, activity_id)

    @post("/processes/{slug:str}/raci/activities/{activity_id:int}/delete", name="process_raci_delete")
    async def delete_activity(
        self, request: Request, db_session: AsyncSession, slug: str, activity_id: int
    ) -> Redirect:
        process = await _process_or_404(db_session, slug)
        await services.remove_activity(db_session, _principal(request), process, activity_id)
        return Redirect(f"/processes/{process.slug}/raci", status_code=303)

    @post("/processes/{slug:str}/raci/activities/{activity_id:int}/move", name="process_raci_move")
    async def move_activity(self, request: Request, db_session: AsyncSession, slug: str, activity_id: int) -> Redirect:
        process = await _process_or_404(db_session, slug)
        form = await request.form()
        await services.move_activity(
            db_session, _principal(request), process, activity_id, str(form.get("direction", ""))
        )
        return Redirect(f"/processes/{process.slug}/raci#activity-{activity_id}", status_code=303)

    @post("/processes/{slug:str}/raci/columns", name="process_raci_column_add")
    async def add_column(self, request: Request, db_session: AsyncSession, slug: str) -> Any:
        process = await _process_or_404(db_session, slug)
        form = await request.form()
        try:
            await services.add_column(db_session, _principal(request), process, dict(form))
        except FormErrors as errors:
            await db_session.rollback()
            return await self._raci_page(request, db_session, await _process_or_404(db_session, slug), errors)
        return Redirect(f"/processes/{process.slug}/raci", status_code=303)

    @post("/processes/{slug:str}/raci/columns/{column_id:int}/delete", name="process_raci_column_delete")
    async def delete_column(self, request: Request, db_session: AsyncSession, slug: str, column_id: int) -> Any:
        process = await _process_or_404(db_session, slug)
        try:
            await services.remove_column(db_session, _principal(request), process, column_id)
        except FormErrors as errors:
            await db_session.rollback()
            return await self._raci_page(request, db_session, await _process_or_404(db_session, slug), errors)
        return Redirect(f"/processes/{process.slug}/raci", status_code=303)

    @get("/processes/{slug:str}/raci.xlsx", name="process_raci_xlsx")
    async def raci_xlsx(self, db_session: AsyncSession, slug: str) -> Response[bytes]:
        process = await _process_or_404(db_session, slug)
        matrix = await queries.matrix(db_session, process.id)
        content = export.raci_xlsx(
            process.name,
            [queries.column_label(c) for c in matrix.columns],
            [(a.name, matrix.row(a.id)) for a in matrix.activities],
        )
        return Response(
            content,
            media_type=XLSX,
            headers={"content-disposition": f'attachment; filename="raci-{process.slug}.xlsx"'},
        )
