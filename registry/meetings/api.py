"""Meetings in the JSON API (`/api/v1/meetings`): the same services, rules and change log as the pages.

A save of an agenda item carries the `version` the client read; a save made in between is refused
with 409 Conflict, as in meeting mode."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.exceptions import HTTPException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.i18n import gettext as _
from registry.meetings import ranking, services
from registry.meetings.controllers import RECOMMEND, _meeting_or_404
from registry.meetings.models import AgendaItem, Meeting
from registry.web.api import READ, STAFF, STAFF_WRITE, WRITE, WRITE_CHECKED, BodyId, PathId, QueryId


class AgendaItemOut(msgspec.Struct):
    id: int
    need_id: int
    position: int
    notes: str
    advice: str | None
    rationale: str
    forced: str | None
    force_reason: str
    edited_by_name: str
    version: int


class MeetingOut(msgspec.Struct):
    id: int
    area_id: int
    forum: str
    title: str
    held_on: date
    location: str
    period_from: date | None
    period_to: date | None
    state: str
    closed_at: datetime | None
    closed_by_name: str


class AttendeeOut(msgspec.Struct):
    id: int
    person_id: int
    name: str


class CapacityOut(msgspec.Struct):
    department_id: int
    available_days: float


class MeetingDetailOut(msgspec.Struct):
    meeting: MeetingOut
    agenda: list[AgendaItemOut]
    attendees: list[AttendeeOut]
    capacities: list[CapacityOut]


class MeetingIn(msgspec.Struct, forbid_unknown_fields=True):
    area_id: BodyId
    title: str
    held_on: str
    forum: str = "steering_group"
    location: str = ""
    period_from: str = ""
    period_to: str = ""


class AgendaItemIn(msgspec.Struct, forbid_unknown_fields=True):
    need_id: BodyId


class AdviceIn(msgspec.Struct, forbid_unknown_fields=True):
    """What the meeting says about an item; `version` is the item's version as read."""

    version: int
    notes: str = ""
    advice: str = ""
    rationale: str = ""


def meeting_out(meeting: Meeting) -> MeetingOut:
    return MeetingOut(
        id=meeting.id,
        area_id=meeting.area_id,
        forum=meeting.forum.value,
        title=meeting.title,
        held_on=meeting.held_on,
        location=meeting.location,
        period_from=meeting.period_from,
        period_to=meeting.period_to,
        state=meeting.state.value,
        closed_at=meeting.closed_at,
        closed_by_name=meeting.closed_by_name,
    )


def item_out(item: AgendaItem) -> AgendaItemOut:
    return AgendaItemOut(
        id=item.id,
        need_id=item.need_id,
        position=item.position,
        notes=item.notes,
        advice=item.advice.value if item.advice else None,
        rationale=item.rationale,
        forced=item.forced.value if item.forced else None,
        force_reason=item.force_reason,
        edited_by_name=item.edited_by_name,
        version=item.version,
    )


async def _agenda(session: AsyncSession, meeting_id: int) -> list[AgendaItemOut]:
    items = await session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.position, AgendaItem.id)
        .execution_options(populate_existing=True)
    )
    return [item_out(item) for item in items]


class MeetingApi(Controller):
    path = "/api/v1/meetings"
    tags = ["Meetings"]
    guards = [logged_in]

    @get(
        "/",
        operation_id="listMeetings",
        summary="Meetings, newest first (`area`: one area's id)",
        responses=READ,
        security=STAFF,
    )
    async def list_meetings(self, db_session: AsyncSession, area: QueryId = None) -> list[MeetingOut]:
        statement = select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(200)
        if area is not None:
            statement = statement.where(Meeting.area_id == area)
        return [meeting_out(meeting) for meeting in await db_session.scalars(statement)]

    @post(
        "/",
        operation_id="createMeeting",
        summary="Plan a meeting (the area's coordinators)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def create_meeting(self, request: Request, db_session: AsyncSession, data: MeetingIn) -> MeetingOut:
        raw = msgspec.structs.asdict(data)
        meeting = await services.create_meeting(db_session, request.user, raw, ranking.ranked_ready_needs)
        return meeting_out(meeting)

    @get(
        "/{meeting_id:int}",
        operation_id="getMeeting",
        summary="One meeting with agenda, attendees and capacity",
        responses=READ,
        security=STAFF,
    )
    async def get_meeting(self, db_session: AsyncSession, meeting_id: PathId) -> MeetingDetailOut:
        meeting = await _meeting_or_404(db_session, meeting_id)
        return MeetingDetailOut(
            meeting=meeting_out(meeting),
            agenda=await _agenda(db_session, meeting.id),
            attendees=[AttendeeOut(a.id, a.person_id, a.person.name) for a in meeting.attendees],
            capacities=[CapacityOut(c.department_id, float(c.available_days)) for c in meeting.capacities],
        )

    @get(
        "/{meeting_id:int}/agenda",
        operation_id="listAgendaItems",
        summary="The meeting's agenda in order",
        responses=READ,
        security=STAFF,
    )
    async def agenda(self, db_session: AsyncSession, meeting_id: PathId) -> list[AgendaItemOut]:
        meeting = await _meeting_or_404(db_session, meeting_id)
        return await _agenda(db_session, meeting.id)

    @post(
        "/{meeting_id:int}/agenda",
        operation_id="addAgendaItem",
        summary="Put a need on the agenda (last)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def add_item(
        self, request: Request, db_session: AsyncSession, meeting_id: PathId, data: AgendaItemIn
    ) -> list[AgendaItemOut]:
        meeting = await _meeting_or_404(db_session, meeting_id)
        await services.add_item(db_session, request.user, meeting, str(data.need_id))
        return await _agenda(db_session, meeting.id)

    @delete(
        "/{meeting_id:int}/agenda/{item_id:int}",
        operation_id="removeAgendaItem",
        summary="Take an item off the agenda",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def remove_item(
        self, request: Request, db_session: AsyncSession, meeting_id: PathId, item_id: PathId
    ) -> None:
        meeting = await _meeting_or_404(db_session, meeting_id)
        await services.remove_item(db_session, request.user, meeting, item_id)

    @put(
        "/{meeting_id:int}/agenda/{item_id:int}/advice",
        operation_id="adviseAgendaItem",
        summary="Notes and the steering group's recommendation on an item (409 if saved by someone else since)",
        responses=WRITE_CHECKED,
        security=STAFF_WRITE,
    )
    async def advise(
        self, request: Request, db_session: AsyncSession, meeting_id: PathId, item_id: PathId, data: AdviceIn
    ) -> AgendaItemOut:
        meeting = await _meeting_or_404(db_session, meeting_id)
        try:
            item = await services.save_advice(db_session, request.user, meeting, item_id, msgspec.structs.asdict(data))
        except services.EditConflict as conflict:
            raise HTTPException(
                status_code=409,
                detail=_(
                    "Not saved: %(name)s saved this item after you read it (version %(current)d; you sent "
                    "%(sent)d). Read it again, merge and save.",
                    name=conflict.item.edited_by_name or _("someone"),
                    current=conflict.item.version,
                    sent=data.version,
                ),
            ) from None
        return item_out(item)

    @post(
        "/{meeting_id:int}/close",
        operation_id="closeMeeting",
        summary="Close the meeting: freeze its snapshot and write the recommendations to the needs",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def close(self, request: Request, db_session: AsyncSession, meeting_id: PathId) -> MeetingOut:
        meeting = await _meeting_or_404(db_session, meeting_id)
        snapshot = await ranking.snapshot_data(db_session, meeting)
        await services.close(db_session, request.user, meeting, snapshot, write_recommendation=RECOMMEND)
        return meeting_out(meeting)
