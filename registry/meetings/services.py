"""The one write path for meetings: creating one with its agenda, changing agenda, attendees and
capacity, what the meeting says about each item (refused when someone else saved in between),
raising a need at the meeting, and closing it with its snapshot. Every change is in the change
log; agenda, attendees and capacity are recorded as changes of the meeting itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar.exceptions import PermissionDeniedException
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from registry.accounts.principal import Principal
from registry.changes import service as changes
from registry.changes.models import ChangeAction
from registry.db import models as m
from registry.db.versioning import check_version
from registry.decisions.services import recommendation_refusal
from registry.forms import Field, FormErrors, clean, free_text_problem
from registry.i18n import gettext as _
from registry.i18n import lazy_gettext as _l
from registry.meetings.models import (
    Advice,
    AgendaItem,
    DepartmentCapacity,
    Forced,
    Forum,
    Meeting,
    MeetingAttendee,
    MeetingSnapshot,
    MeetingState,
    RaisedAtMeeting,
)
from registry.needs import services as needs
from registry.needs.lifecycle import OPEN
from registry.needs.models import Channel

MEETING_FIELDS = [
    Field("area_id", _l("Support-service area"), kind="choice", required=True, choices_key="areas"),
    Field("forum", _l("Forum"), kind="option", required=True, options=tuple(Forum), choices_key="forums"),
    Field("title", _l("Title"), required=True, max_length=200),
    Field("held_on", _l("Date"), kind="date", required=True),
    Field("location", _l("Place"), max_length=200),
    Field("period_from", _l("Capacity period from"), kind="date"),
    Field("period_to", _l("Capacity period to"), kind="date"),
]
EDIT_FIELDS = [
    *(f for f in MEETING_FIELDS if f.name not in ("area_id", "forum")),
    Field(
        "reason",
        _l("Reason for the change"),
        kind="textarea",
        max_length=1000,
        help=_l("Required when the date changes (a rescheduling); it goes into the change log."),
    ),
]
CANCEL_FIELDS = [
    Field(
        "reason",
        _l("Why the meeting is cancelled"),
        kind="textarea",
        required=True,
        max_length=1000,
        help=_l("It is shown on the meeting's page and goes into the change log."),
    ),
]
AGENDA_SIZE = 30  # a new meeting's agenda: at most this many needs ready for the steering group


class EditConflict(Exception):
    """Someone saved the item after the reader opened it; the later save is refused."""

    def __init__(self, item: AgendaItem):
        super().__init__(f"agenda item {item.id} changed")
        self.item = item


def may_manage(principal: Principal | None, area_id: int) -> bool:
    """The area's development coordinators prepare and close its meetings (and admins)."""
    return principal is not None and (principal.is_admin or principal.coordinates(area_id))


def may_advise(principal: Principal | None, area_id: int) -> bool:
    """The steering group's members write what the meeting says (and admins)."""
    return principal is not None and (principal.is_admin or principal.steers(area_id))


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDeniedException(_("Your roles do not allow this for this meeting."))


def _open(meeting: Meeting) -> None:
    if meeting.is_closed:
        raise FormErrors({"meeting": _("The meeting is closed; its record can no longer change.")})
    if meeting.is_cancelled:
        raise FormErrors({"meeting": _("The meeting is cancelled; its record can no longer change.")})


def closing_problem(meeting: Meeting) -> str | None:
    """Why the meeting cannot be closed now; None if it can."""
    try:
        _open(meeting)
    except FormErrors as refused:
        return refused.errors["meeting"]
    if meeting.held_on > date.today():
        return _("The meeting is on %(day)s; it can be closed from that day.", day=meeting.held_on.isoformat())
    return None


async def _as_meeting_change(
    session: AsyncSession, meeting: Meeting, change: Callable[[], Awaitable[None]], message: str
) -> None:
    before = await changes.snapshot(session, meeting)
    await change()
    await session.flush()
    session.expire(meeting, ["items", "attendees", "capacities"])
    await changes.record(session, ChangeAction.update, meeting, before, message=message)


# ---------------------------------------------------------------- the meeting and its agenda


async def create_meeting(
    session: AsyncSession, principal: Principal | None, raw: Mapping[str, Any], ranked_need_ids: Callable
) -> Meeting:
    """A new meeting; a steering group's agenda starts with the area's needs that are ready for it,
    in the order of the area's ranked backlog (`ranked_need_ids(session, area_id)`)."""
    values = clean(MEETING_FIELDS, raw)
    if values["area_id"] is None or await session.get(m.SupportArea, values["area_id"]) is None:
        raise FormErrors({"area_id": _("No such entry; choose from the list.")})
    _require(may_manage(principal, values["area_id"]))
    if values["period_from"] and values["period_to"] and values["period_to"] < values["period_from"]:
        raise FormErrors({"period_to": _("The period ends before it starts.")})
    meeting = Meeting(
        area_id=values["area_id"],
        forum=Forum(values["forum"]),
        title=values["title"],
        held_on=values["held_on"],
        location=values["location"],
        period_from=values["period_from"],
        period_to=values["period_to"],
        state=MeetingState.planned,
    )
    session.add(meeting)
    await session.flush()
    if meeting.forum is Forum.steering_group:
        ready = await ranked_need_ids(session, meeting.area_id)
        for position, need_id in enumerate(ready[:AGENDA_SIZE], start=1):
            session.add(AgendaItem(meeting_id=meeting.id, need_id=need_id, position=position))
        await session.flush()
    await changes.record(session, ChangeAction.create, meeting, None)
    return meeting


async def update_meeting(
    session: AsyncSession, principal: Principal | None, meeting: Meeting, raw: Mapping[str, Any]
) -> Meeting:
    """Edit a planned meeting: title, place, capacity period, and its date (a rescheduling, which
    needs a reason). Area and forum stay: the agenda was drawn up for them."""
    _require(may_manage(principal, meeting.area_id))
    _open(meeting)
    check_version(meeting, raw)  # made from an older version: someone else saved in between
    values = clean(EDIT_FIELDS, raw)
    if values["period_from"] and values["period_to"] and values["period_to"] < values["period_from"]:
        raise FormErrors({"period_to": _("The period ends before it starts.")})
    reason = values.pop("reason") or ""
    moved = values["held_on"] != meeting.held_on
    if moved and not reason:
        raise FormErrors({"reason": _("Say why the meeting moves to another date; it goes into the change log.")})
    before = await changes.snapshot(session, meeting)
    old_day = meeting.held_on
    for key, value in values.items():
        setattr(meeting, key, value)
    await session.flush()
    if moved:
        message = _(
            "Rescheduled from %(old)s to %(new)s: %(reason)s",
            old=old_day.isoformat(),
            new=meeting.held_on.isoformat(),
            reason=reason,
        )
    else:
        message = _("Meeting edited: %(reason)s", reason=reason) if reason else _("Meeting edited")
    await changes.record(session, ChangeAction.update, meeting, before, message=message[:500])
    return meeting


async def cancel_meeting(
    session: AsyncSession, principal: Principal | None, meeting: Meeting, raw: Mapping[str, Any]
) -> Meeting:
    """Call off a planned meeting, with the reason. Its agenda and what was said stay on record;
    nothing is written to the needs."""
    _require(may_manage(principal, meeting.area_id))
    _open(meeting)
    reason = clean(CANCEL_FIELDS, raw)["reason"]
    before = await changes.snapshot(session, meeting)
    meeting.state = MeetingState.cancelled
    meeting.cancel_reason = reason
    await session.flush()
    await changes.record(
        session, ChangeAction.update, meeting, before, message=_("Meeting cancelled: %(reason)s", reason=reason)[:500]
    )
    return meeting


async def add_item(session: AsyncSession, principal: Principal | None, meeting: Meeting, raw: Any) -> None:
    _require(may_manage(principal, meeting.area_id))
    _open(meeting)
    try:
        need_id = int(str(raw).strip().lstrip("#"))
    except ValueError:
        raise FormErrors({"need_id": _("Type the need's number, e.g. 42.")}) from None
    need = await session.get(m.Need, need_id)
    if need is None:
        raise FormErrors({"need_id": _("There is no need #%(id)d.", id=need_id)})
    if need.state not in OPEN:
        raise FormErrors({"need_id": _("Need #%(id)d is closed.", id=need_id)})
    if meeting.forum is Forum.steering_group:
        # The steering group recommends what is on its agenda: refuse now what closing would refuse.
        if need.owning_area_id is not None and need.owning_area_id != meeting.area_id:
            raise FormErrors(
                {
                    "need_id": _(
                        "Need #%(id)d belongs to another area; its own steering group recommends it.", id=need_id
                    )
                }
            )
        if reason := recommendation_refusal(need):
            raise FormErrors(
                {"need_id": _("Need #%(id)d cannot be recommended: %(reason)s", id=need_id, reason=reason)}
            )
    taken = await session.scalar(
        select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id, AgendaItem.need_id == need_id)
    )
    if taken is not None:
        raise FormErrors({"need_id": _("Need #%(id)d is already on the agenda.", id=need_id)})
    last = await session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id))

    async def change() -> None:
        session.add(AgendaItem(meeting_id=meeting.id, need_id=need_id, position=(last or 0) + 1))

    await _as_meeting_change(session, meeting, change, _("Added #%(id)d to the agenda", id=need_id))


async def _item(session: AsyncSession, meeting: Meeting, item_id: int) -> AgendaItem:
    item = await session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise FormErrors({"item": _("No such item on this meeting's agenda.")})
    return item


async def remove_item(session: AsyncSession, principal: Principal | None, meeting: Meeting, item_id: int) -> None:
    _require(may_manage(principal, meeting.area_id))
    _open(meeting)
    item = await _item(session, meeting, item_id)

    async def change() -> None:
        await session.delete(item)

    await _as_meeting_change(session, meeting, change, _("Removed #%(id)d from the agenda", id=item.need_id))


async def move_item(
    session: AsyncSession, principal: Principal | None, meeting: Meeting, item_id: int, direction: str
) -> None:
    """Move an item one place up or down the agenda."""
    _require(may_manage(principal, meeting.area_id))
    _open(meeting)
    item = await _item(session, meeting, item_id)
    items = list(
        (
            await session.scalars(
                select(AgendaItem)
                .where(AgendaItem.meeting_id == meeting.id)
                .order_by(AgendaItem.position, AgendaItem.id)
            )
        ).all()
    )
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        raise FormErrors({"item": _("The item cannot move further that way.")})

    async def change() -> None:
        items[index], items[other] = items[other], items[index]
        for position, each in enumerate(items, start=1):
            if each.position != position:
                each.position = position

    await _as_meeting_change(session, meeting, change, _("Agenda reordered"))


async def add_attendee(session: AsyncSession, principal: Principal | None, meeting: Meeting, raw: Any) -> None:
    _require(may_manage(principal, meeting.area_id))
    _open(meeting)
    try:
        person_id = int(raw)
    except (TypeError, ValueError):
        raise FormErrors({"person_id": _("Choose from the list.")}) from None
    if await session.get(m.Person, person_id) is None:
        raise FormErrors({"person_id": _("No such entry; choose from the list.")})
    present = await session.scalar(
        select(MeetingAttendee.id).where(
            MeetingAttendee.meeting_id == meeting.id, MeetingAttendee.person_id == person_id
        )
    )
    if present is not None:
        raise FormErrors({"person_id": _("Already an attendee.")})

    async def change() -> None:
        session.add(MeetingAttendee(meeting_id=meeting.id, person_id=person_id))

    await _as_meeting_change(session, meeting, change, _("Attendee added"))


async def remove_attendee(
    session: AsyncSession, principal: Principal | None, meeting: Meeting, attendee_id: int
) -> None:
    _require(may_manage(principal, meeting.area_id))
    _open(meeting)
    attendee = await session.get(MeetingAttendee, attendee_id)
    if attendee is None or attendee.meeting_id != meeting.id:
        raise FormErrors({"person_id": _("No such attendee.")})

    async def change() -> None:
        await session.delete(attendee)

    await _as_meeting_change(session, meeting, change, _("Attendee removed"))


def capacity_stamp(capacities: Sequence[DepartmentCapacity]) -> str:
    """The capacity as a reader saw it: the form carries it back, so that a save made from a page
    opened before someone else's save is refused instead of silently overwriting it."""
    return ";".join(f"{c.department_id}:{c.available_days}" for c in sorted(capacities, key=lambda c: c.department_id))


async def set_capacity(
    session: AsyncSession,
    principal: Principal | None,
    meeting: Meeting,
    rows: Sequence[tuple[str, str]],
    seen: str | None = None,
) -> None:
    """The departments' available person-days in the period: (department id, days) pairs; an empty
    figure removes the department's capacity (it then does not limit the cut-line). With `seen`
    (the `capacity_stamp` the form was made from), a save over someone else's newer save is refused."""
    _require(may_manage(principal, meeting.area_id))
    _open(meeting)
    wanted: dict[int, Decimal] = {}
    errors: dict[str, str] = {}
    ids = {int(raw) for raw, _days in rows if str(raw).isdigit()}
    named = await session.execute(select(m.Department.id, m.Department.name).where(m.Department.id.in_(ids)))
    names = {department_id: name for department_id, name in named.all()}
    for department_raw, days_raw in rows:
        try:
            department_id = int(department_raw)
        except (TypeError, ValueError):
            errors["capacity"] = _("Choose from the list.")
            continue
        text = str(days_raw or "").strip().replace(",", ".")
        if not text:
            continue
        # Each message names its department: the summary at the top of the page lists them apart.
        department = names.get(department_id, str(department_id))
        try:
            days = Decimal(text)
            if not days.is_finite():  # nan and infinity are "numbers" to Decimal, but no one's capacity
                raise InvalidOperation
        except InvalidOperation:
            errors[f"capacity_{department_id}"] = _(
                "%(department)s: not a number; type e.g. 2 or 1.5.", department=department
            )
            continue
        if not Decimal(0) <= days <= Decimal(100_000):
            errors[f"capacity_{department_id}"] = _(
                "%(department)s: must be between %(low)s and %(high)s.", department=department, low="0", high="100000"
            )
            continue
        wanted[department_id] = days.quantize(Decimal("0.1"))
    known = set((await session.scalars(select(m.Department.id).where(m.Department.id.in_(wanted)))).all())
    for department_id in set(wanted) - known:
        errors[f"capacity_{department_id}"] = _("No such entry; choose from the list.")
    if errors:
        raise FormErrors(errors)
    current = {
        row.department_id: row
        for row in (
            await session.scalars(select(DepartmentCapacity).where(DepartmentCapacity.meeting_id == meeting.id))
        ).all()
    }
    if seen is not None and seen != capacity_stamp(list(current.values())):
        raise FormErrors(
            {
                "capacity": _(
                    "Not saved: someone changed the capacity after you opened the page. The figures now saved "
                    "are shown; enter yours again if they should replace them."
                )
            }
        )

    async def change() -> None:
        for department_id, row in current.items():
            if department_id not in wanted:
                await session.delete(row)
            elif row.available_days != wanted[department_id]:
                row.available_days = wanted[department_id]
        for department_id, days in wanted.items():
            if department_id not in current:
                session.add(DepartmentCapacity(meeting_id=meeting.id, department_id=department_id, available_days=days))

    await _as_meeting_change(session, meeting, change, _("Capacity for the period"))


async def raise_need(
    session: AsyncSession, principal: Principal | None, meeting: Meeting, raw: Mapping[str, Any]
) -> m.Need:
    """Log a need raised at the meeting, with the meeting as its origin."""
    _require(may_manage(principal, meeting.area_id))
    _open(meeting)
    values = {**raw, "owning_area_id": str(meeting.area_id), "raised_on": meeting.held_on.isoformat()}
    values.setdefault("kind", "development_project")
    channel = Channel.dialogue_arena if meeting.forum is Forum.dialogue_arena else Channel.meeting
    need = await needs.save_need(session, principal, values, channel=channel)
    session.add(RaisedAtMeeting(meeting_id=meeting.id, need_id=need.id))
    await session.flush()
    return need


# ---------------------------------------------------------------- in the meeting


@dataclass(frozen=True)
class ItemChange:
    values: dict[str, Any]
    message: str


def _advice_change(raw: Mapping[str, Any]) -> ItemChange:
    notes = str(raw.get("notes", "") or "").strip()
    advice = str(raw.get("advice", "") or "")
    rationale = str(raw.get("rationale", "") or "").strip()
    errors: dict[str, str] = {}
    if advice and advice not in {a.value for a in Advice}:
        errors["advice"] = _("Choose from the list.")
    if advice and not rationale:
        errors["rationale"] = _("Give the reason for the recommendation; it goes into the minutes.")
    for name, text in (("notes", notes), ("rationale", rationale)):
        if problem := free_text_problem(text, 10_000):
            errors[name] = problem
    if errors:
        raise FormErrors(errors)
    return ItemChange({"notes": notes, "advice": Advice(advice) if advice else None, "rationale": rationale}, "")


def _force_change(raw: Mapping[str, Any]) -> ItemChange:
    forced = str(raw.get("forced", "") or "")
    reason = str(raw.get("force_reason", "") or "").strip()
    errors: dict[str, str] = {}
    if forced and forced not in {f.value for f in Forced}:
        errors["forced"] = _("Choose from the list.")
    if forced and not reason:
        errors["force_reason"] = _("Say why the need is forced in or out; it goes into the minutes.")
    elif problem := free_text_problem(reason, 10_000):
        errors["force_reason"] = problem
    if errors:
        raise FormErrors(errors)
    return ItemChange({"forced": Forced(forced) if forced else None, "force_reason": reason if forced else ""}, "")


async def _save_item(
    session: AsyncSession,
    principal: Principal | None,
    meeting: Meeting,
    item_id: int,
    raw: Mapping[str, Any],
    read: Callable[[Mapping[str, Any]], ItemChange],
) -> AgendaItem:
    _require(may_advise(principal, meeting.area_id))
    _open(meeting)
    item = await _item(session, meeting, item_id)
    change = read(raw)
    try:
        seen = int(raw.get("version", ""))
    except (TypeError, ValueError):
        seen = -1
    if seen != item.version:
        raise EditConflict(item)
    before = await changes.snapshot(session, item)
    for key, value in change.values.items():
        setattr(item, key, value)
    item.edited_by_name = principal.name if principal else ""
    try:
        await session.flush()  # UPDATE … WHERE version = seen: a save that raced ours changes no row
    except StaleDataError:
        raise EditConflict(item) from None
    await changes.record(session, ChangeAction.update, item, before)
    return item


async def save_advice(session, principal, meeting, item_id, raw) -> AgendaItem:
    """Discussion notes and the group's recommendation (now / later / not / clarify) with rationale."""
    return await _save_item(session, principal, meeting, item_id, raw, _advice_change)


async def force(session, principal, meeting, item_id, raw) -> AgendaItem:
    """Force a need above or below the cut-line, with the reason."""
    return await _save_item(session, principal, meeting, item_id, raw, _force_change)


# ---------------------------------------------------------------- closing


async def close(
    session: AsyncSession,
    principal: Principal | None,
    meeting: Meeting,
    snapshot: dict[str, Any],
    write_recommendation: Callable[..., Awaitable[Any]] | None = None,
) -> None:
    """Close the meeting: freeze `snapshot` (ranking, weights, scores, recommendations), then write
    each recommendation to its need."""
    _require(may_manage(principal, meeting.area_id))
    if problem := closing_problem(meeting):
        raise FormErrors({"meeting": problem})
    before = await changes.snapshot(session, meeting)
    meeting.state = MeetingState.closed
    meeting.closed_at = datetime.now(UTC)
    meeting.closed_by_name = principal.name if principal else ""
    session.add(MeetingSnapshot(meeting_id=meeting.id, data=snapshot))
    await session.flush()
    await changes.record(session, ChangeAction.update, meeting, before, message=_("Meeting closed; snapshot taken"))
    if write_recommendation is None:
        return
    items = (
        await session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.advice.is_not(None))
            .order_by(AgendaItem.position)
        )
    ).all()
    for item in items:
        need = await session.get(m.Need, item.need_id)
        try:
            await write_recommendation(
                session,
                principal,
                need,
                item.advice.value,
                item.rationale,
                meeting_id=meeting.id,
                recorded_on=meeting.held_on,
            )
        except FormErrors as refused:
            # Nothing of the close is kept: the coordinator changes the item and closes again.
            reason = "; ".join(refused.errors.values())
            raise FormErrors(
                {"meeting": _("#%(id)d cannot take the recommendation: %(reason)s", id=item.need_id, reason=reason)}
            ) from None
