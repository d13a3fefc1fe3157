"""Pages for development needs: the coordinators' workspace, one need in full, the intake form."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, MediaType, Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.plugins.htmx import HTMXTemplate
from litestar.response import Redirect, Template
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.accounts.principal import Principal
from registry.benefits.for_need import need_context as processes_context
from registry.db import models as m
from registry.db.versioning import EditConflict
from registry.forms import FormErrors
from registry.i18n import gettext as _
from registry.needs import lifecycle, queries, services
from registry.needs.labels import channel_labels
from registry.needs.models import Channel, Need, NeedKind, NeedState, SavedView
from registry.web.flash import confirm
from registry.web.forms import as_form_values, conflict_of, form_page, submitted

BULK_ACTIONS = ("state", "area", "tag")
IN_PLACE_FIELDS = {
    "title",
    "description",
    "clarified_need",
    "cause",
    "proposed_coordination",
    "category",
    "owning_area_id",
}


def kind_labels() -> dict[str, str]:
    return {"small_improvement": _("Small improvement"), "development_project": _("Development project")}


def role_labels() -> dict[str, str]:
    return {"lead": _("Lead"), "contributes": _("Contributes"), "affected": _("Affected")}


def link_labels() -> dict[str, str]:
    return {
        "depends_on": _("depends on"),
        "blocks": _("blocks"),
        "relates_to": _("relates to"),
        "duplicate_of": _("duplicate of"),
    }


def state_labels() -> dict[str, str]:
    return {state.value: lifecycle.state_label(state) for state in NeedState}


async def choices(session: AsyncSession, *, people: bool = False) -> dict[str, list[tuple[Any, str]]]:
    """The lists the needs pages choose from. Only the full need form chooses a person (who raised
    it): at national scale that is thousands of rows, so the other pages go without."""
    areas = (await session.execute(select(m.SupportArea.id, m.SupportArea.name).order_by(m.SupportArea.name))).all()
    departments = (await session.execute(select(m.Department.id, m.Department.name).order_by(m.Department.name))).all()
    institutions = (
        await session.execute(select(m.Institution.id, m.Institution.name).order_by(m.Institution.name))
    ).all()
    found = select(m.Person.id, m.Person.name).order_by(m.Person.name)
    return {
        "areas": [tuple(r) for r in areas],
        "departments": [tuple(r) for r in departments],
        "institutions": [tuple(r) for r in institutions],
        "people": [tuple(r) for r in (await session.execute(found)).all()] if people else [],
        "channels": list(channel_labels().items()),
        "kinds": list(kind_labels().items()),
        "states": list(state_labels().items()),
        "roles": list(role_labels().items()),
        "link_kinds": list(link_labels().items()),
    }


async def _need_or_404(session: AsyncSession, need_id: int) -> Need:
    need = await queries.get_need(session, need_id)
    if need is None:
        raise NotFoundException()
    return need


def _principal(request: Request) -> Principal | None:
    return request.scope.get("user")


def _labels() -> dict[str, dict[str, str]]:
    return {
        "states": state_labels(),
        "kinds": kind_labels(),
        "channels": channel_labels(),
        "roles": role_labels(),
        "links": link_labels(),
    }


async def detail_page(
    request: Request,
    session: AsyncSession,
    need: Need,
    errors: FormErrors | None = None,
    status: int = 200,
    typed: dict[str, Any] | None = None,
) -> Template:
    """One need in full; after a refused action, with the reasons and (in `typed`) what was typed."""
    from registry.decisions.controllers import need_context as decisions_context
    from registry.graph.neighbourhood import need_chain
    from registry.notifications.queries import is_following

    principal = _principal(request)
    department_ids = [d.department_id for d in need.departments]
    moves = [
        state
        for state in lifecycle.allowed_next(need.kind, need.state)
        if state not in services.RECORDED_STATES and services.may_move(principal, need, state, department_ids)
    ]
    merged_into = await session.get(Need, need.merged_into_id) if need.merged_into_id else None
    from registry.needs.routing import suggest_for

    return Template(
        template_name="needs/detail.html",
        context={
            "need": need,
            "timeline": await queries.timeline(session, need.id),
            "links": await queries.links_of(session, need.id),
            "chain": await need_chain(session, need.id),
            "origin_meeting": await session.scalar(
                select(m.Meeting)
                .join(m.RaisedAtMeeting, m.RaisedAtMeeting.meeting_id == m.Meeting.id)
                .where(m.RaisedAtMeeting.need_id == need.id)
            ),
            "similar": await queries.similar(session, need.title, exclude_id=need.id),
            "suggestions": await suggest_for(session, f"{need.title} {need.description} {need.cause}")
            if services.may_edit(principal, need) and need.owning_area_id is None
            else None,
            "moves": moves,
            "may_edit": services.may_edit(principal, need),
            "merged_into": merged_into,
            "choices": await choices(session),
            "labels": _labels(),
            "errors": errors.errors if errors else {},
            "closed": need.state in lifecycle.CLOSED,
            "typed": typed or {},
            "following": principal is not None and await is_following(session, need.id, principal.person_id),
        }
        | await decisions_context(session, need, principal)
        | await processes_context(session, principal, need),
        status_code=status,
        media_type=MediaType.HTML,
    )


def _paged(path: str, query: str, **cursors: str) -> str:
    """The list's address with its filter and the page's cursor (no bare `?`)."""
    query = "&".join(part for part in (query, urlencode({k: v for k, v in cursors.items() if v})) if part)
    return f"{path}?{query}" if query else path


def _edit_values(need: Need) -> dict[str, Any]:
    """The need in the shape of the full edit form."""
    values = as_form_values(need, services.NEED_FIELDS)
    values.update(
        other_area_ids=[a.id for a in need.other_areas],
        tags=", ".join(t.name for t in need.tags),
        channel=need.channel.value,
        kind=need.kind.value,
        raised_on=need.raised_on.isoformat(),
    )
    return values


class NeedPages(Controller):
    guards = [logged_in]

    @get("/needs", name="needs")
    async def needs(self, request: Request, db_session: AsyncSession) -> Template:
        need_filter = queries.NeedFilter.from_query(request.query_params)
        after, before = request.query_params.get("after", ""), request.query_params.get("before", "")
        result = await queries.page(db_session, need_filter, after, before=before)
        principal = _principal(request)
        views = (
            await db_session.scalars(
                select(SavedView).where(SavedView.person_id == principal.person_id).order_by(SavedView.name)
            )
        ).all()
        context = {
            "page": result,
            "filter": need_filter,
            "choices": await choices(db_session),
            "labels": _labels(),
            "views": views,
            "may_bulk": principal.is_admin or bool(principal.coordinator_of),
            "sorts": list(queries.SORTS),
        }
        # One template: the whole page, or just the table when htmx asks for it (search, filters, paging).
        return HTMXTemplate(
            template_name="needs/list.html",
            context=context | {"fragment": request.headers.get("hx-target") == "needs-table"},
            # The address follows the filters and the page, so that Back, reload and a shared link
            # show the same list.
            push_url=_paged("/needs", need_filter.as_query(), after=after, before=before)
            if request.headers.get("hx-request")
            else False,
        )

    @get("/needs/new", name="need_new")
    async def new(self, request: Request, db_session: AsyncSession) -> Template:
        principal = _principal(request)
        if not (principal.is_admin or principal.coordinator_of):
            raise PermissionDeniedException()
        return form_page(
            title=_("Log a development need"),
            fields=services.NEED_FIELDS,
            values={"other_area_ids": [], "kind": NeedKind.development_project.value, "channel": "other"},
            choices=await choices(db_session, people=True),
            action="/needs/new",
            cancel_url="/needs",
        )

    @post("/needs/new", name="need_create")
    async def create(self, request: Request, db_session: AsyncSession) -> Any:
        values = await submitted(request, services.NEED_FIELDS)
        try:
            need = await services.save_need(db_session, _principal(request), values)
        except FormErrors as errors:
            return form_page(
                title=_("Log a development need"),
                fields=services.NEED_FIELDS,
                values=values,
                choices=await choices(db_session, people=True),
                action="/needs/new",
                cancel_url="/needs",
                errors=errors,
            )
        return Redirect(f"/needs/{need.id}", status_code=303)

    @get("/needs/{need_id:int}", name="need")
    async def need(self, request: Request, db_session: AsyncSession, need_id: int) -> Template:
        return await self._detail(request, db_session, await _need_or_404(db_session, need_id))

    async def _detail(
        self, request: Request, session: AsyncSession, need: Need, errors: FormErrors | None = None, status: int = 200
    ) -> Template:
        return await detail_page(request, session, need, errors, status)

    @get("/needs/{need_id:int}/edit", name="need_edit")
    async def edit(self, request: Request, db_session: AsyncSession, need_id: int) -> Template:
        need = await _need_or_404(db_session, need_id)
        if not services.may_edit(_principal(request), need):
            raise PermissionDeniedException()
        return form_page(
            title=_("Edit need #%(id)d", id=need.id),
            fields=services.NEED_FIELDS,
            values=_edit_values(need),
            choices=await choices(db_session, people=True),
            action=f"/needs/{need.id}/edit",
            cancel_url=f"/needs/{need.id}",
        )

    @post("/needs/{need_id:int}/edit", name="need_update")
    async def update(self, request: Request, db_session: AsyncSession, need_id: int) -> Any:
        need = await _need_or_404(db_session, need_id)
        values = await submitted(request, services.NEED_FIELDS)
        try:
            await services.save_need(db_session, _principal(request), values, need)
        except EditConflict:
            await db_session.rollback()
            need = await _need_or_404(db_session, need_id)
            current = _edit_values(need)
            return form_page(
                title=_("Edit need #%(id)d", id=need.id),
                fields=services.NEED_FIELDS,
                values={**values, "version": need.version},  # theirs is the base now; what was typed stays
                choices=await choices(db_session, people=True),
                action=f"/needs/{need.id}/edit",
                cancel_url=f"/needs/{need.id}",
                conflict=conflict_of(services.NEED_FIELDS, current, values),
            )
        except FormErrors as errors:
            return form_page(
                title=_("Edit need #%(id)d", id=need.id),
                fields=services.NEED_FIELDS,
                values=values,
                choices=await choices(db_session, people=True),
                action=f"/needs/{need.id}/edit",
                cancel_url=f"/needs/{need.id}",
                errors=errors,
            )
        return Redirect(f"/needs/{need.id}", status_code=303)

    async def _act(self, request: Request, session: AsyncSession, need_id: int, action) -> Any:
        """Run one action from the need page: on success back to the page (post/redirect/get);
        refused, the page again with the reason and nothing saved."""
        need = await _need_or_404(session, need_id)
        form = await request.form()
        try:
            target = await action(_principal(request), need, form)
        except FormErrors as errors:
            await session.rollback()
            return await self._detail(request, session, await _need_or_404(session, need_id), errors, 422)
        return Redirect(target, status_code=303)

    @post("/needs/{need_id:int}/field", name="need_field")
    async def edit_field(self, request: Request, db_session: AsyncSession, need_id: int) -> Any:
        """Edit one field in place (click-to-edit on the page; a plain form post without JavaScript)."""
        need = await _need_or_404(db_session, need_id)
        form = await request.form()
        name = str(form.get("field", ""))
        if name not in IN_PLACE_FIELDS:
            raise NotFoundException()
        typed = {name: form.get(name, ""), "version": form.get("version", "")}
        try:
            await services.save_need(db_session, _principal(request), typed, need, partial=True)
        except EditConflict:
            await db_session.rollback()
            message = _(
                "Not saved: someone else changed this need after you opened the page. What is saved now "
                "is shown above; what you typed is kept in the box. Check it and save again."
            )
            current = await _need_or_404(db_session, need_id)
            return await detail_page(request, db_session, current, FormErrors({name: message}), 409, typed)
        except FormErrors as errors:
            await db_session.rollback()
            current = await _need_or_404(db_session, need_id)
            return await detail_page(request, db_session, current, errors, 422, typed)
        return Redirect(f"/needs/{need.id}#field-{name}", status_code=303)

    @post("/needs/{need_id:int}/departments", name="need_departments")
    async def departments(self, request: Request, db_session: AsyncSession, need_id: int) -> Any:
        async def action(principal, need, form):
            columns = zip(
                form.getall("department_id", []), form.getall("role", []), form.getall("effort_days", []), strict=False
            )
            rows = [{"department_id": d, "role": r, "effort_days": e} for d, r, e in columns if d not in ("", None)]
            await services.set_departments(db_session, principal, need, rows)
            return f"/needs/{need.id}#departments"

        return await self._act(request, db_session, need_id, action)

    @post("/needs/{need_id:int}/transition", name="need_transition")
    async def transition(self, request: Request, db_session: AsyncSession, need_id: int) -> Any:
        async def action(principal, need, form):
            await services.transition(
                db_session, principal, need, str(form.get("state", "")), str(form.get("comment", "")), manual=True
            )
            return f"/needs/{need.id}"

        return await self._act(request, db_session, need_id, action)

    @post("/needs/{need_id:int}/merge", name="need_merge")
    async def merge(self, request: Request, db_session: AsyncSession, need_id: int) -> Any:
        async def action(principal, need, form):
            into = str(form.get("merged_into_id", "")).lstrip("#").strip()
            survivor = await services.merge(
                db_session, principal, need, int(into) if into.isdigit() else 0, str(form.get("comment", ""))
            )
            return f"/needs/{survivor.id}"

        return await self._act(request, db_session, need_id, action)

    @post("/needs/{need_id:int}/comments", name="need_comment")
    async def comment(self, request: Request, db_session: AsyncSession, need_id: int) -> Any:
        async def action(principal, need, form):
            await services.add_comment(db_session, principal, need, str(form.get("body", "")))
            return f"/needs/{need.id}#timeline"

        return await self._act(request, db_session, need_id, action)

    @post("/needs/{need_id:int}/links", name="need_link")
    async def link(self, request: Request, db_session: AsyncSession, need_id: int) -> Any:
        async def action(principal, need, form):
            await services.add_link(
                db_session, principal, need, str(form.get("to_need_id", "")).lstrip("#"), str(form.get("kind", ""))
            )
            return f"/needs/{need.id}#links"

        return await self._act(request, db_session, need_id, action)

    @post("/needs/{need_id:int}/links/{link_id:int}/delete", name="need_link_delete")
    async def unlink(self, request: Request, db_session: AsyncSession, need_id: int, link_id: int) -> Redirect:
        need = await _need_or_404(db_session, need_id)
        await services.remove_link(db_session, _principal(request), need, link_id)
        return Redirect(f"/needs/{need.id}#links", status_code=303)

    @post("/needs/bulk", name="needs_bulk")
    async def bulk(self, request: Request, db_session: AsyncSession) -> Any:
        form = await request.form()
        ids = [int(i) for i in form.getall("need_id") if str(i).isdigit()] if "need_id" in form else []
        action = str(form.get("action", ""))
        back = "/needs?" + str(form.get("back", ""))
        principal = _principal(request)
        if not (principal.is_admin or principal.coordinator_of):
            raise PermissionDeniedException()
        if not ids or action not in BULK_ACTIONS:
            raise FormErrors({"need_id": _("Choose at least one need and an action.")})
        needs = (await db_session.scalars(select(Need).where(Need.id.in_(ids)))).all()
        errors: dict[str, str] = {}
        for need in needs:
            try:
                if action == "state":
                    await services.transition(
                        db_session,
                        principal,
                        need,
                        str(form.get("state", "")),
                        str(form.get("comment", "")),
                        manual=True,
                    )
                elif action == "area":
                    await services.save_need(
                        db_session, principal, {"owning_area_id": form.get("area_id")}, need, partial=True
                    )
                else:
                    current = ", ".join(t.name for t in await _tags(db_session, need.id))
                    await services.save_need(
                        db_session, principal, {"tags": f"{current}, {form.get('tag', '')}"}, need, partial=True
                    )
            except FormErrors as refused:
                errors[f"#{need.id}"] = "; ".join(refused.errors.values())
            except PermissionDeniedException:
                errors[f"#{need.id}"] = _("Your roles do not allow this for this need.")
        if errors:
            # All or nothing: one refused need stops the whole bulk change.
            await db_session.rollback()
            raise FormErrors(errors)
        return Redirect(back, status_code=303)

    @post("/needs/views", name="needs_view_save")
    async def save_view(self, request: Request, db_session: AsyncSession) -> Redirect:
        form = await request.form()
        name = str(form.get("name", "")).strip()[:100]
        query = str(form.get("query", ""))[:2000]
        if not name:
            raise FormErrors({"name": _("This field is required.")})
        principal = _principal(request)
        existing = await db_session.scalar(
            select(SavedView).where(SavedView.person_id == principal.person_id, SavedView.name == name)
        )
        if existing:
            existing.query = query
        else:
            db_session.add(SavedView(person_id=principal.person_id, name=name, query=query))
        return Redirect(f"/needs?{query}", status_code=303)

    @post("/needs/views/{view_id:int}/delete", name="needs_view_delete")
    async def delete_view(self, request: Request, db_session: AsyncSession, view_id: int) -> Redirect:
        await db_session.execute(
            delete(SavedView).where(SavedView.id == view_id, SavedView.person_id == _principal(request).person_id)
        )
        return Redirect("/needs", status_code=303)


async def _tags(session: AsyncSession, need_id: int) -> list[m.NeedTag]:
    return list((await session.scalars(select(m.NeedTag).where(m.NeedTag.need_id == need_id))).all())


class IntakePages(Controller):
    """The low-threshold way in, for all staff: who are you, what do you need, why."""

    guards = [logged_in]

    @get("/intake", name="intake")
    async def intake(self, request: Request, db_session: AsyncSession) -> Template:
        principal = _principal(request)
        return Template(
            template_name="needs/intake.html",
            context={
                "fields": services.INTAKE_FIELDS,
                "values": {"raised_by_name": principal.name},
                "errors": {},
                "choices": await choices(db_session),
                "similar": [],
            },
        )

    @post("/intake", name="intake_submit")
    async def submit(self, request: Request, db_session: AsyncSession) -> Any:
        values = await submitted(request, services.INTAKE_FIELDS)
        try:
            need = await services.save_need(
                db_session, _principal(request), values, fields=services.INTAKE_FIELDS, channel=Channel.intake_form
            )
        except FormErrors as errors:
            return Template(
                template_name="needs/intake.html",
                context={
                    "fields": services.INTAKE_FIELDS,
                    "values": values,
                    "errors": errors.errors,
                    "choices": await choices(db_session),
                    "similar": await queries.similar(db_session, str(values.get("title", ""))),
                },
                status_code=422,
            )
        confirm(request, _("Thank you. Your need has been registered as #%(id)d.", id=need.id))
        return Redirect(f"/my/needs?sent={need.id}", status_code=303)

    @get("/intake/similar", name="intake_similar")
    async def similar(self, db_session: AsyncSession, title: str = "") -> Template:
        return Template(
            template_name="needs/_similar.html",
            context={"similar": await queries.similar(db_session, title[:200]), "labels": _labels()},
        )

    @get("/my/needs", name="my_needs")
    async def mine(self, request: Request, db_session: AsyncSession) -> Template:
        principal = _principal(request)
        need_filter = queries.NeedFilter(submitted_by=principal.person_id, sort="newest")
        result = await queries.page(db_session, need_filter, request.query_params.get("after", ""), size=100)
        merged_into = {n.merged_into_id for n in result.needs if n.merged_into_id}
        survivors = (
            {n.id: n for n in (await db_session.scalars(select(Need).where(Need.id.in_(merged_into)))).all()}
            if merged_into
            else {}
        )
        sent = request.query_params.get("sent", "")
        return Template(
            template_name="needs/mine.html",
            context={
                "page": result,
                "labels": _labels(),
                "survivors": survivors,
                "sent": int(sent) if sent.isdigit() else None,
            },
        )
