"""Pages of meetings: the list, one meeting (agenda, attendees, capacity, needs raised there),
meeting mode for the screen in the room, and the minutes of a closed meeting."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Template
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from registry.accounts.guards import logged_in
from registry.areas import services as areas
from registry.changes import queries as change_queries
from registry.db import models as m
from registry.db.versioning import EditConflict as SavedMeanwhile
from registry.decisions.services import recommendation_labels, recommendation_refusal, record_recommendation
from registry.forms import FormErrors
from registry.i18n import gettext as _
from registry.meetings import minutes, ranking, services
from registry.meetings.labels import forum_labels
from registry.meetings.models import Forced, Meeting, MeetingSnapshot
from registry.needs.controllers import state_labels
from registry.priorities import labels as priority_labels
from registry.priorities import queries as priority_queries
from registry.priorities.models import NeedScore
from registry.web.forms import as_form_values, conflict_of, form_page, submitted

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _principal(request: Request):
    return request.scope.get("user")


def line_labels() -> dict[str, str]:
    return {
        "fits": _("fits the capacity"),
        "forced_in": _("forced in"),
        "forced_out": _("forced out"),
        "no_room": _("does not fit"),
        "not_estimated": _("effort not estimated"),
        "below_line": _("below the line"),
    }


async def _meeting_or_404(session: AsyncSession, meeting_id: int) -> Meeting:
    meeting = await session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.area),
            selectinload(Meeting.attendees).selectinload(m.MeetingAttendee.person),
            selectinload(Meeting.capacities),
        )
        .execution_options(populate_existing=True)
    )
    if meeting is None:
        raise NotFoundException()
    return meeting


async def _manageable_areas(request: Request, session: AsyncSession) -> list[tuple[int, str]]:
    principal = _principal(request)
    return [(area.id, area.name) for area in await areas.list_areas(session) if services.may_manage(principal, area.id)]


class MeetingPages(Controller):
    include_in_schema = False
    guards = [logged_in]

    # ------------------------------------------------------------ list and new

    @get("/meetings", name="meetings")
    async def meetings(self, request: Request, db_session: AsyncSession) -> Template:
        area = request.query_params.get("area", "")
        statement = (
            select(Meeting).options(selectinload(Meeting.area)).order_by(Meeting.held_on.desc(), Meeting.id.desc())
        )
        if area.isdigit():
            statement = statement.where(Meeting.area_id == int(area))
        return Template(
            template_name="meetings/list.html",
            context={
                "meetings": (await db_session.scalars(statement.limit(200))).all(),
                "areas": await areas.list_areas(db_session),
                "area_filter": int(area) if area.isdigit() else None,
                "forums": forum_labels(),
                "may_create": bool(await _manageable_areas(request, db_session)),
            },
        )

    def _new_form(self, choices, values, errors=None) -> Template:
        return form_page(
            title=_("New meeting"),
            intro=_(
                "A steering group's agenda starts with the area's needs that are ready for it, best-ranked first; "
                "you can change it afterwards."
            ),
            fields=services.MEETING_FIELDS,
            values=values,
            choices={"areas": choices, "forums": list(forum_labels().items())},
            action="/meetings/new",
            cancel_url="/meetings",
            errors=errors,
        )

    @get("/meetings/new", name="meeting_new")
    async def new(self, request: Request, db_session: AsyncSession) -> Template:
        choices = await _manageable_areas(request, db_session)
        if not choices:
            raise PermissionDeniedException(_("Only an area's development coordinators prepare its meetings."))
        values = {"forum": "steering_group", "held_on": date.today().isoformat()}
        if len(choices) == 1:
            values["area_id"] = choices[0][0]
        return self._new_form(choices, values)

    @post("/meetings/new", name="meeting_create")
    async def create(self, request: Request, db_session: AsyncSession) -> Any:
        values = await submitted(request, services.MEETING_FIELDS)
        try:
            meeting = await services.create_meeting(db_session, _principal(request), values, ranking.ranked_ready_needs)
        except FormErrors as errors:
            await db_session.rollback()
            return self._new_form(await _manageable_areas(request, db_session), values, errors)
        return Redirect(f"/meetings/{meeting.id}", status_code=303)

    # ------------------------------------------------------------ one meeting

    async def _detail(self, request, session, meeting_id: int, errors: FormErrors | None = None, form=None) -> Template:
        meeting = await _meeting_or_404(session, meeting_id)
        listed = await ranking.meeting_ranking(session, meeting)
        principal = _principal(request)
        history = await change_queries.history(session, "meeting", meeting.id)
        in_area = {d.id: d.name for d in areas.departments_of(await areas.get_area(session, meeting.area.slug))}
        # Capacity can be given for every department the agenda's needs affect, inside the area or not.
        capacity_departments = [
            {"id": d, "name": name, "in_area": d in in_area}
            for d, name in sorted(
                (in_area | listed.departments).items(), key=lambda pair: (pair[0] not in in_area, pair[1])
            )
        ]
        raised = (
            await session.execute(
                select(m.Need.id, m.Need.title)
                .join(m.RaisedAtMeeting, m.RaisedAtMeeting.need_id == m.Need.id)
                .where(m.RaisedAtMeeting.meeting_id == meeting.id)
                .order_by(m.Need.id)
            )
        ).all()
        return Template(
            template_name="meetings/detail.html",
            context={
                "meeting": meeting,
                "agenda": list(listed.table.sort_values("position").reset_index().itertuples(index=False)),
                "listed": listed,
                "capacity": {c.department_id: c.available_days for c in meeting.capacities},
                "capacity_stamp": services.capacity_stamp(meeting.capacities),
                "capacity_departments": capacity_departments,
                "isnan": pd.isna,
                "people": await areas.list_people(session) if services.may_manage(principal, meeting.area_id) else [],
                "institutions": await areas.list_institutions(session),
                "raised": raised,
                "may_manage": services.may_manage(principal, meeting.area_id) and meeting.is_planned,
                "forums": forum_labels(),
                "advice": recommendation_labels(),
                "states": state_labels(),
                "errors": errors.errors if errors else {},
                "form": form or {},
                "history": history,
                "names": await change_queries.referenced_names(session, history) if history else {},
                "object_type": "meeting",
                "object_id": meeting.id,
            },
            status_code=422 if errors else 200,
            media_type=MediaType.HTML,  # the handlers answering with it are typed Any
        )

    @get("/meetings/{meeting_id:int}", name="meeting")
    async def meeting(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Template:
        return await self._detail(request, db_session, meeting_id)

    async def _manage(
        self, request: Request, session: AsyncSession, meeting_id: int, action, anchor: str, keep=None
    ) -> Any:
        """Run a change from the meeting page; a refused one shows the page again with what was
        typed (`keep` adds what a flat dict of the form cannot hold, such as repeated fields)."""
        meeting = await _meeting_or_404(session, meeting_id)
        form = await request.form()
        try:
            await action(_principal(request), meeting, form)
        except FormErrors as errors:
            await session.rollback()
            typed = {k: form.get(k) for k in form} | (keep(form) if keep else {})
            return await self._detail(request, session, meeting_id, errors, typed)
        return Redirect(f"/meetings/{meeting_id}#{anchor}", status_code=303)

    @post("/meetings/{meeting_id:int}/agenda", name="meeting_agenda_add")
    async def add_item(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Any:
        async def action(principal, meeting, form):
            await services.add_item(db_session, principal, meeting, form.get("need_id", ""))

        return await self._manage(request, db_session, meeting_id, action, "agenda")

    @post("/meetings/{meeting_id:int}/agenda/{item_id:int}/move", name="meeting_agenda_move")
    async def move_item(self, request: Request, db_session: AsyncSession, meeting_id: int, item_id: int) -> Any:
        async def action(principal, meeting, form):
            await services.move_item(db_session, principal, meeting, item_id, str(form.get("direction", "")))

        return await self._manage(request, db_session, meeting_id, action, "agenda")

    @post("/meetings/{meeting_id:int}/agenda/{item_id:int}/delete", name="meeting_agenda_remove")
    async def remove_item(self, request: Request, db_session: AsyncSession, meeting_id: int, item_id: int) -> Any:
        async def action(principal, meeting, _form):
            await services.remove_item(db_session, principal, meeting, item_id)

        return await self._manage(request, db_session, meeting_id, action, "agenda")

    @post("/meetings/{meeting_id:int}/attendees", name="meeting_attendee_add")
    async def add_attendee(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Any:
        async def action(principal, meeting, form):
            await services.add_attendee(db_session, principal, meeting, form.get("person_id"))

        return await self._manage(request, db_session, meeting_id, action, "attendees")

    @post("/meetings/{meeting_id:int}/attendees/{attendee_id:int}/delete", name="meeting_attendee_remove")
    async def remove_attendee(
        self, request: Request, db_session: AsyncSession, meeting_id: int, attendee_id: int
    ) -> Any:
        async def action(principal, meeting, _form):
            await services.remove_attendee(db_session, principal, meeting, attendee_id)

        return await self._manage(request, db_session, meeting_id, action, "attendees")

    @post("/meetings/{meeting_id:int}/capacity", name="meeting_capacity")
    async def capacity(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Any:
        async def action(principal, meeting, form):
            rows = list(zip(form.getall("department_id", []), form.getall("available_days", []), strict=False))
            seen = form.get("seen")
            await services.set_capacity(db_session, principal, meeting, rows, seen=None if seen is None else str(seen))

        def keep(form):
            pairs = zip(form.getall("department_id", []), form.getall("available_days", []), strict=False)
            return {"capacity_typed": {str(department): str(days) for department, days in pairs}}

        return await self._manage(request, db_session, meeting_id, action, "capacity", keep)

    @post("/meetings/{meeting_id:int}/needs", name="meeting_raise_need")
    async def raise_need(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Any:
        async def action(principal, meeting, form):
            raw = {key: form.get(key) for key in ("title", "description", "raised_by_name", "raised_by_institution_id")}
            await services.raise_need(db_session, principal, meeting, raw)

        return await self._manage(request, db_session, meeting_id, action, "raised")

    # ------------------------------------------------------------ edit, reschedule, cancel, close

    async def _managed(self, request: Request, session: AsyncSession, meeting_id: int) -> Meeting:
        meeting = await _meeting_or_404(session, meeting_id)
        if not services.may_manage(_principal(request), meeting.area_id):
            raise PermissionDeniedException(_("Your roles do not allow this for this meeting."))
        return meeting

    def _edit_form(self, meeting: Meeting, values, errors: FormErrors | None = None) -> Template:
        return form_page(
            title=_("Edit or reschedule – %(title)s", title=meeting.title),
            intro=_(
                "A new date is a rescheduling: say why, and the reason goes into the change log. The area and the "
                "forum stay, since the agenda was drawn up for them."
            ),
            fields=services.EDIT_FIELDS,
            values=values,
            choices={},
            action=f"/meetings/{meeting.id}/edit",
            cancel_url=f"/meetings/{meeting.id}",
            errors=errors,
        )

    @get("/meetings/{meeting_id:int}/edit", name="meeting_edit")
    async def edit(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Template:
        meeting = await self._managed(request, db_session, meeting_id)
        return self._edit_form(meeting, as_form_values(meeting, services.EDIT_FIELDS, reason=""))

    @post("/meetings/{meeting_id:int}/edit", name="meeting_update")
    async def update(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Any:
        meeting = await self._managed(request, db_session, meeting_id)
        values = await submitted(request, services.EDIT_FIELDS)
        try:
            await services.update_meeting(db_session, _principal(request), meeting, values)
        except SavedMeanwhile:
            await db_session.rollback()
            current = await _meeting_or_404(db_session, meeting_id)
            saved = as_form_values(current, services.EDIT_FIELDS, reason="")
            page = self._edit_form(current, {**values, "version": current.version})  # what was typed stays
            page.context["conflict"] = conflict_of(services.EDIT_FIELDS, saved, values)
            page.status_code = 409
            return page
        except FormErrors as errors:
            await db_session.rollback()
            return self._edit_form(await _meeting_or_404(db_session, meeting_id), values, errors)
        return Redirect(f"/meetings/{meeting_id}", status_code=303)

    def _cancel_form(self, meeting: Meeting, values, errors: FormErrors | None = None) -> Template:
        return form_page(
            title=_("Cancel the meeting – %(title)s", title=meeting.title),
            intro=_(
                "A cancelled meeting keeps its agenda and notes on record, writes nothing to the needs and can no "
                "longer change. To hold it on another day instead, edit its date."
            ),
            fields=services.CANCEL_FIELDS,
            values=values,
            choices={},
            action=f"/meetings/{meeting.id}/cancel",
            cancel_url=f"/meetings/{meeting.id}",
            errors=errors,
        )

    @get("/meetings/{meeting_id:int}/cancel", name="meeting_cancel_form")
    async def cancel_form(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Template:
        meeting = await self._managed(request, db_session, meeting_id)
        return self._cancel_form(meeting, {"reason": ""})

    @post("/meetings/{meeting_id:int}/cancel", name="meeting_cancel")
    async def cancel(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Any:
        meeting = await self._managed(request, db_session, meeting_id)
        values = await submitted(request, services.CANCEL_FIELDS)
        try:
            await services.cancel_meeting(db_session, _principal(request), meeting, values)
        except FormErrors as errors:
            await db_session.rollback()
            return self._cancel_form(await _meeting_or_404(db_session, meeting_id), values, errors)
        return Redirect(f"/meetings/{meeting_id}", status_code=303)

    @get("/meetings/{meeting_id:int}/close", name="meeting_close_confirm")
    async def confirm_close(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Template:
        """What closing will freeze and write, to confirm (a plain form: no JavaScript needed)."""
        meeting = await self._managed(request, db_session, meeting_id)
        listed = await ranking.meeting_ranking(db_session, meeting)
        agenda = list(listed.table.sort_values("position").reset_index().itertuples(index=False))
        advised = [row for row in agenda if row.advice]
        needs = {
            need.id: need
            for need in (
                await db_session.scalars(select(m.Need).where(m.Need.id.in_([row.need_id for row in advised])))
            ).all()
        }
        writes = [
            {"row": row, "refusal": recommendation_refusal(needs[row.need_id], row.advice)}
            for row in advised
            if row.need_id in needs
        ]
        scores = await db_session.scalar(
            select(func.count()).select_from(NeedScore).where(NeedScore.need_id.in_([row.need_id for row in agenda]))
        )
        return Template(
            template_name="meetings/close.html",
            context={
                "meeting": meeting,
                "listed": listed,
                "agenda": agenda,
                "writes": writes,
                "unadvised": [row for row in agenda if not row.advice],
                "scores": scores or 0,
                "advice": recommendation_labels(),
                "methods": priority_labels.methods(),
                "too_early": meeting.held_on > date.today(),
                "problem": services.closing_problem(meeting),
            },
        )

    @post("/meetings/{meeting_id:int}/close", name="meeting_close")
    async def close(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Any:
        form = await request.form()
        if form.get("confirm") != "yes":  # closing cannot be undone: only from the confirmation page
            return Redirect(f"/meetings/{meeting_id}/close", status_code=303)

        async def action(principal, meeting, _form):
            snapshot = await ranking.snapshot_data(db_session, meeting)
            await services.close(db_session, principal, meeting, snapshot, write_recommendation=RECOMMEND)

        return await self._manage(request, db_session, meeting_id, action, "minutes")

    # ------------------------------------------------------------ meeting mode

    async def _live(self, request, session, meeting_id: int, item_id: int | None, problem=None, typed=None):
        meeting = await _meeting_or_404(session, meeting_id)
        listed = await ranking.meeting_ranking(session, meeting)
        table = listed.table
        items = list(table.sort_values("position").reset_index().itertuples(index=False))
        current = next((row for row in items if row.item_id == item_id), items[0] if items else None)
        index = items.index(current) if current is not None else 0
        scores = await priority_queries.scores_of(session, current.need_id) if current is not None else []
        goal_names = {goal.id: goal.name for goal in listed.goals}
        return Template(
            template_name="meetings/live.html",
            context={
                "meeting": meeting,
                "listed": listed,
                "ranked": list(table.reset_index().itertuples(index=False)),
                "items": items,
                "current": current,
                "previous": items[index - 1] if current is not None and index > 0 else None,
                "following": items[index + 1] if current is not None and index + 1 < len(items) else None,
                "scores": scores,
                "goals": listed.goals,
                "goal_names": goal_names,
                "criteria": priority_labels.criteria(),
                "verdicts": priority_labels.verdicts(),
                "advice": recommendation_labels(),
                "lines": line_labels(),
                "states": state_labels(),
                "may_advise": services.may_advise(_principal(request), meeting.area_id) and meeting.is_planned,
                "problem": problem,
                "typed": typed or {},
                "isnan": pd.isna,
            },
            status_code=409 if problem and problem.get("conflict") else (422 if problem else 200),
            media_type=MediaType.HTML,
        )

    @get("/meetings/{meeting_id:int}/live", name="meeting_live")
    async def live(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Template:
        raw = request.query_params.get("item", "")
        return await self._live(request, db_session, meeting_id, int(raw) if raw.isdigit() else None)

    @get("/meetings/{meeting_id:int}/ranking", name="meeting_ranking")
    async def ranking_fragment(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Template:
        """The live ranked list alone: meeting mode reloads it every few seconds."""
        meeting = await _meeting_or_404(db_session, meeting_id)
        listed = await ranking.meeting_ranking(db_session, meeting)
        return Template(
            template_name="meetings/_ranking.html",
            context={
                "meeting": meeting,
                "listed": listed,
                "ranked": list(listed.table.reset_index().itertuples(index=False)),
                "advice": recommendation_labels(),
                "lines": line_labels(),
                "verdicts": priority_labels.verdicts(),
                "isnan": pd.isna,
            },
        )

    async def _item_action(self, request, session, meeting_id: int, item_id: int, save) -> Any:
        meeting = await _meeting_or_404(session, meeting_id)
        form = await request.form()
        typed = {key: form.get(key) for key in form}
        try:
            await save(session, _principal(request), meeting, item_id, typed)
        except services.EditConflict:
            await session.rollback()
            item = await session.get(m.AgendaItem, item_id, populate_existing=True)
            problem = {
                "conflict": True,
                "message": _(
                    "Not saved: %(name)s saved this item after you opened it. Their version is shown; what you "
                    "typed is kept below so that you can merge it and save again.",
                    name=item.edited_by_name or _("someone"),
                ),
            }
            return await self._live(request, session, meeting_id, item_id, problem, typed)
        except FormErrors as errors:
            await session.rollback()
            return await self._live(request, session, meeting_id, item_id, {"errors": errors.errors}, typed)
        return Redirect(f"/meetings/{meeting_id}/live?item={item_id}#item", status_code=303)

    @post("/meetings/{meeting_id:int}/items/{item_id:int}", name="meeting_item_advice")
    async def advise(self, request: Request, db_session: AsyncSession, meeting_id: int, item_id: int) -> Any:
        return await self._item_action(request, db_session, meeting_id, item_id, services.save_advice)

    @post("/meetings/{meeting_id:int}/items/{item_id:int}/force", name="meeting_item_force")
    async def force(self, request: Request, db_session: AsyncSession, meeting_id: int, item_id: int) -> Any:
        return await self._item_action(request, db_session, meeting_id, item_id, services.force)

    # ------------------------------------------------------------ minutes

    async def _snapshot(self, session: AsyncSession, meeting_id: int) -> tuple[Meeting, MeetingSnapshot]:
        meeting = await _meeting_or_404(session, meeting_id)
        snapshot = await session.scalar(select(MeetingSnapshot).where(MeetingSnapshot.meeting_id == meeting_id))
        if snapshot is None:
            raise NotFoundException(_("The meeting has not been closed; there are no minutes yet."))
        return meeting, snapshot

    @get("/meetings/{meeting_id:int}/minutes", name="meeting_minutes")
    async def minutes_page(self, db_session: AsyncSession, meeting_id: int) -> Template:
        meeting, snapshot = await self._snapshot(db_session, meeting_id)
        return Template(
            template_name="meetings/minutes.html",
            context={
                "meeting": meeting,
                "data": snapshot.data,
                "taken_at": snapshot.created_at,
                "advice": recommendation_labels(),
                "lines": line_labels(),
                "forums": forum_labels(),
                "criteria": priority_labels.criteria(),
                "methods": priority_labels.methods(),
                "verdicts": priority_labels.verdicts(),
            },
        )

    @get(
        ["/meetings/{meeting_id:int}/minutes.xlsx", "/meetings/{meeting_id:int}/minutes.pdf"],
        name="meeting_minutes_file",
    )
    async def minutes_file(self, request: Request, db_session: AsyncSession, meeting_id: int) -> Response[bytes]:
        meeting, snapshot = await self._snapshot(db_session, meeting_id)
        words = _minutes_words()
        # Translators: the start of the minutes' file name: lower-case letters a–z and hyphens only.
        stem = _("minutes")
        name = f"{stem}-{meeting.held_on.isoformat()}-{meeting.id}"
        if request.url.path.endswith(".xlsx"):
            content, media, extension = minutes.xlsx(snapshot.data, words), XLSX, "xlsx"
        else:
            data = snapshot.data
            criteria, methods = priority_labels.criteria(), priority_labels.methods()
            weights = data["weights"]
            # What the page's minutes show above the list: how it was ranked and with what capacity.
            facts = [
                _("Date: %(date)s", date=data["meeting"]["held_on"]),
                _("Attendees: %(names)s", names=", ".join(data["attendees"]) or "–"),
                _("Closed: %(when)s", when=snapshot.created_at.strftime("%Y-%m-%d %H:%M")),
                f"{_('Method')}: {methods.get(weights['method'], weights['method'])}; "
                + ", ".join(f"{criteria.get(key, key)} {weight:g}" for key, weight in weights["criteria"].items()),
                f"{_('Goal shares')}: "
                + ", ".join(f"{goal['name']} {100 * goal['share']:.0f} %" for goal in weights["goals"]),
            ]
            if data.get("capacity"):
                facts.append(
                    f"{_('Capacity in the period')}: "
                    + ", ".join(
                        f"{row['department']} {row['available']:g}"
                        + (f" ({_('left')} {row['remaining']:g})" if row.get("remaining") is not None else "")
                        for row in data["capacity"]
                    )
                )
            content = minutes.pdf(data, words, _("Minutes – %(title)s", title=data["meeting"]["title"]), facts)
            media, extension = "application/pdf", "pdf"
        return Response(
            content=content,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}.{extension}"', "Cache-Control": "no-store"},
        )


def _minutes_words() -> dict[str, str]:
    words = {
        "order": _("Order"),
        "need": _("Need"),
        "title": _("Title"),
        "rank": _("Rank"),
        "score": _("Score"),
        "effort": _("Effort (person-days)"),
        "line": _("Cut-line"),
        "above": _("above"),
        "below": _("below"),
        "forced": _("Forced"),
        "force_reason": _("Reason for forcing"),
        "advice": _("Recommendation"),
        "rationale": _("Rationale"),
        "notes": _("Discussion notes"),
        f"forced:{Forced.into.value}": _("forced in"),
        f"forced:{Forced.out.value}": _("forced out"),
    }
    words.update({f"advice:{key}": label for key, label in recommendation_labels().items()})
    return words


RECOMMEND = record_recommendation  # the recommendations go to the needs as the steering group's advice
