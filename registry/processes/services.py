"""Rules for processes: every write to a process, its appointments, team, mandate, RACI matrix and
need links goes through here, and is logged in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar.exceptions import NotFoundException, PermissionDeniedException
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.models import Role
from registry.accounts.principal import Principal
from registry.changes import service as changes
from registry.changes.models import ChangeAction
from registry.db import models as m
from registry.db.versioning import check_version
from registry.forms import MAX_ID, Field, FormErrors, clean, free_text_problem, slugify
from registry.i18n import gettext as _
from registry.i18n import lazy_gettext as _l
from registry.processes import raci
from registry.processes.models import (
    AllocationUnit,
    Mandate,
    Process,
    ProcessAppointment,
    ProcessDepartment,
    ProcessNeed,
    RaciActivity,
    RaciAssignment,
    RaciColumn,
    RaciColumnKind,
    RaciValue,
    TeamMember,
)

PROCESS_FIELDS = [
    Field("name", _l("Name"), required=True, max_length=200, unique=True),
    Field(
        "slug",
        _l("URL name"),
        kind="slug",
        max_length=100,
        unique=True,
        help=_l("Lower-case letters, digits and hyphens. Left empty, it is made from the name."),
    ),
    Field("description", _l("Description"), kind="textarea", max_length=20000),
    Field("owning_area_id", _l("Owning area"), kind="choice", choices_key="areas"),
    Field(
        "owner_id",
        _l("Process owner"),
        kind="choice",
        choices_key="people",
        help=_l("Only an administrator may give the process to another owner."),
    ),
    Field(
        "department_ids",
        _l("Departments in the process"),
        kind="choices",
        choices_key="departments",
        help=_l("The process team should have a member from each of them."),
    ),
]

APPOINTMENT_FIELDS = [
    Field("person_id", _l("Process responsible"), kind="choice", choices_key="people", required=True),
    Field("starts_on", _l("From"), kind="date", required=True),
]

TEAM_FIELDS = [
    Field("person_id", _l("Person"), kind="choice", choices_key="people", required=True),
    Field("role", _l("Role in the process"), required=True, max_length=200),
    Field(
        "department_id",
        _l("Represents department"),
        kind="choice",
        choices_key="departments",
        help=_l("Left empty, the person's own department."),
    ),
    Field("institution_id", _l("Represents institution"), kind="choice", choices_key="institutions"),
    Field("allocation", _l("Allocated time"), required=True, max_length=20, help=_l("A number, e.g. 16 or 20.")),
    Field(
        "allocation_unit",
        _l("Allocated time is given in"),
        kind="option",
        options=tuple(u.value for u in AllocationUnit),
        choices_key="allocation_units",
        required=True,
    ),
    Field("starts_on", _l("From"), kind="date"),
    Field("ends_on", _l("Until"), kind="date"),
]

MANDATE_FIELDS = [
    Field("purpose", _l("Purpose"), kind="textarea", required=True, max_length=20000),
    Field("scope", _l("Scope and boundaries"), kind="textarea", max_length=20000),
    Field("goals", _l("Goals"), kind="textarea", max_length=20000),
    Field("deliverables", _l("Deliverables"), kind="textarea", max_length=20000),
    Field("starts_on", _l("Period from"), kind="date", required=True),
    Field("ends_on", _l("Period until"), kind="date", required=True),
    Field("reporting", _l("Reporting"), kind="textarea", max_length=20000),
    Field("resources", _l("Resources"), kind="textarea", max_length=20000),
]
MANDATE_TEXT = [spec.name for spec in MANDATE_FIELDS]

RESERVED_SLUGS = {"new"}
MAX_ALLOCATION = {AllocationUnit.hours_per_month: Decimal(400), AllocationUnit.percent: Decimal(100)}


# ---------------------------------------------------------------- who may


def may_create(principal: Principal | None) -> bool:
    """Administrators and process owners set up processes."""
    return principal is not None and (principal.is_admin or Role.process_owner in principal.roles)


def owns(principal: Principal | None, process: Process) -> bool:
    """The process owner (or an administrator): appoints the responsible, approves the mandate."""
    if principal is None:
        return False
    return principal.is_admin or (process.owner_id is not None and process.owner_id == principal.person_id)


def manages(principal: Principal | None, process: Process) -> bool:
    """The process responsible, the owner or an administrator: the team, mandate drafts, the RACI matrix."""
    return owns(principal, process) or (principal is not None and process.id in principal.process_responsible_of)


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDeniedException(detail=message or _("Your roles do not allow this for this process."))


# ---------------------------------------------------------------- the process itself


async def save_process(
    session: AsyncSession, principal: Principal | None, raw: Mapping[str, Any], process: Process | None = None
) -> Process:
    is_new = process is None
    if is_new:
        _require(may_create(principal))
        process = Process(description="")
    else:
        _require(owns(principal, process))
        check_version(process, raw)  # made from an older version: someone else saved in between
    values = clean(PROCESS_FIELDS, raw)
    errors: dict[str, str] = {}
    if not values["slug"]:
        values["slug"] = process.slug if not is_new else slugify(values["name"])
    if not values["slug"]:
        errors["slug"] = _("This field is required.")
    elif values["slug"] in RESERVED_SLUGS:
        errors["slug"] = _("“%(value)s” is already in use.", value=values["slug"])
    for name in ("name", "slug"):
        if values.get(name):
            clash = select(Process.id).where(getattr(Process, name) == values[name])
            if not is_new:
                clash = clash.where(Process.id != process.id)
            if await session.scalar(clash) is not None:
                errors[name] = _("“%(value)s” is already in use.", value=values[name])
    if not principal.is_admin:
        # Whoever sets up a process owns it; only an administrator hands it to someone else.
        wanted_owner = values["owner_id"]
        current_owner = principal.person_id if is_new else process.owner_id
        if wanted_owner not in (None, current_owner):
            errors["owner_id"] = _("Only an administrator may give the process to another owner.")
        values["owner_id"] = current_owner
    if values.get("owning_area_id") is not None and await session.get(m.SupportArea, values["owning_area_id"]) is None:
        errors["owning_area_id"] = _("No such entry; choose from the list.")
    if values.get("owner_id") is not None and await session.get(m.Person, values["owner_id"]) is None:
        errors["owner_id"] = _("No such entry; choose from the list.")
    department_ids = values.pop("department_ids")
    if department_ids:
        found = set((await session.scalars(select(m.Department.id).where(m.Department.id.in_(department_ids)))).all())
        if missing := sorted(set(department_ids) - found):
            errors["department_ids"] = _("No such entry: %(ids)s.", ids=", ".join(map(str, missing)))
    if errors:
        raise FormErrors(errors)
    before = None if is_new else await changes.snapshot(session, process)
    for key, value in values.items():
        setattr(process, key, value)
    if is_new:
        session.add(process)
    await session.flush()
    current = (
        set()
        if is_new
        else set(
            (
                await session.scalars(
                    select(ProcessDepartment.department_id).where(ProcessDepartment.process_id == process.id)
                )
            ).all()
        )
    )
    wanted = set(department_ids)
    if gone := current - wanted:
        await session.execute(
            delete(ProcessDepartment).where(
                ProcessDepartment.process_id == process.id, ProcessDepartment.department_id.in_(gone)
            )
        )
    for department_id in sorted(wanted - current):
        session.add(ProcessDepartment(process_id=process.id, department_id=department_id))
    await session.flush()
    session.expire(process, ["departments"])
    await changes.record(session, ChangeAction.create if is_new else ChangeAction.update, process, before)
    return process


async def appoint(
    session: AsyncSession, principal: Principal | None, process: Process, raw: Mapping[str, Any]
) -> ProcessAppointment:
    """The owner appoints a process responsible from a date; the previous appointment ends the day before."""
    _require(owns(principal, process), _("Only the process owner appoints the process responsible."))
    values = clean(APPOINTMENT_FIELDS, raw)
    person = await session.get(m.Person, values["person_id"])
    current = await current_appointment(session, process.id)
    errors: dict[str, str] = {}
    if person is None:
        errors["person_id"] = _("No such entry; choose from the list.")
    elif current is not None and current.person_id == person.id:
        errors["person_id"] = _("%(name)s is already the process responsible.", name=person.name)
    if current is not None and values["starts_on"] <= current.starts_on:
        errors["starts_on"] = _(
            "Must be after the current appointment began (%(day)s).", day=current.starts_on.isoformat()
        )
    if errors:
        raise FormErrors(errors)
    before = await changes.snapshot(session, process)
    if current is not None:
        current.ended_on = values["starts_on"] - timedelta(days=1)
    appointment = ProcessAppointment(
        process_id=process.id,
        person_id=person.id,
        appointed_by_id=principal.person_id,
        appointed_by_name=principal.name,
        starts_on=values["starts_on"],
    )
    session.add(appointment)
    await session.flush()
    session.expire(process, ["appointments"])
    await changes.record(
        session,
        ChangeAction.update,
        process,
        before,
        message=_("%(name)s appointed process responsible", name=person.name),
    )
    return appointment


async def current_appointment(session: AsyncSession, process_id: int) -> ProcessAppointment | None:
    return await session.scalar(
        select(ProcessAppointment).where(
            ProcessAppointment.process_id == process_id, ProcessAppointment.ended_on.is_(None)
        )
    )


# ---------------------------------------------------------------- the process team


def _number(text: Any, field: str, low: Decimal, high: Decimal, errors: dict[str, str]) -> Decimal | None:
    try:
        value = Decimal(str(text).strip().replace(",", ".").replace(" ", ""))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[field] = _("Not a number.")
        return None
    if value < low or value > high:
        errors[field] = _("A number from %(low)s to %(high)s.", low=low, high=high)
        return None
    return value


async def save_team_member(
    session: AsyncSession,
    principal: Principal | None,
    process: Process,
    raw: Mapping[str, Any],
    member: TeamMember | None = None,
) -> TeamMember:
    _require(manages(principal, process), _("Only the process responsible or owner edits the team."))
    values = clean(TEAM_FIELDS, raw)
    errors: dict[str, str] = {}
    person = await session.get(m.Person, values["person_id"]) if values["person_id"] is not None else None
    if values["person_id"] is not None and person is None:
        errors["person_id"] = _("No such entry; choose from the list.")
    for name, model in (("department_id", m.Department), ("institution_id", m.Institution)):
        if values[name] is not None and await session.get(model, values[name]) is None:
            errors[name] = _("No such entry; choose from the list.")
    unit = AllocationUnit(values["allocation_unit"]) if values["allocation_unit"] else AllocationUnit.hours_per_month
    allocation = _number(values["allocation"], "allocation", Decimal(0), MAX_ALLOCATION[unit], errors)
    if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
        errors["ends_on"] = _("The period ends before it begins.")
    if errors:
        raise FormErrors(errors)
    if values["department_id"] is None and values["institution_id"] is None:
        values["department_id"] = person.department_id
        values["institution_id"] = person.institution_id
    is_new = member is None
    before = None if is_new else await changes.snapshot(session, member)
    member = member or TeamMember(process_id=process.id)
    member.person_id = person.id
    member.role = values["role"]
    member.department_id = values["department_id"]
    member.institution_id = values["institution_id"]
    member.allocation = allocation
    member.allocation_unit = unit
    member.starts_on = values["starts_on"]
    member.ends_on = values["ends_on"]
    if is_new:
        session.add(member)
    await session.flush()
    await changes.record(session, ChangeAction.create if is_new else ChangeAction.update, member, before)
    return member


async def remove_team_member(
    session: AsyncSession, principal: Principal | None, process: Process, member_id: int
) -> None:
    _require(manages(principal, process), _("Only the process responsible or owner edits the team."))
    member = await session.get(TeamMember, member_id)
    if member is None or member.process_id != process.id:
        raise NotFoundException()
    before = await changes.snapshot(session, member)
    await session.delete(member)
    await session.flush()
    await changes.record(session, ChangeAction.delete, member, before)


# ---------------------------------------------------------------- the mandate


async def draft_mandate(
    session: AsyncSession, principal: Principal | None, process: Process, raw: Mapping[str, Any]
) -> Mandate:
    """A new version of the team's mandate: the next number, not yet approved."""
    _require(manages(principal, process), _("Only the process responsible or owner drafts the mandate."))
    values = clean(MANDATE_FIELDS, raw)
    if values["ends_on"] < values["starts_on"]:
        raise FormErrors({"ends_on": _("The period ends before it begins.")})
    latest = await session.scalar(select(func.max(Mandate.version)).where(Mandate.process_id == process.id))
    mandate = Mandate(
        process_id=process.id,
        version=(latest or 0) + 1,
        drafted_by_id=principal.person_id,
        drafted_by_name=principal.name,
        **values,
    )
    session.add(mandate)
    await session.flush()
    await changes.record(session, ChangeAction.create, mandate)
    return mandate


async def approve_mandate(
    session: AsyncSession, principal: Principal | None, process: Process, version: int
) -> Mandate:
    """The owner approves a draft. An approved version never changes again."""
    _require(owns(principal, process), _("Only the process owner approves the mandate."))
    mandate = await session.scalar(select(Mandate).where(Mandate.process_id == process.id, Mandate.version == version))
    if mandate is None:
        raise NotFoundException()
    if mandate.is_approved:
        raise FormErrors({"version": _("Version %(version)d is already approved; it cannot change.", version=version)})
    newest_approved = await session.scalar(
        select(func.max(Mandate.version)).where(Mandate.process_id == process.id, Mandate.approved_at.is_not(None))
    )
    if newest_approved is not None and newest_approved > version:
        raise FormErrors(
            {
                "version": _(
                    "Version %(newer)d is already approved; an older draft cannot replace it.", newer=newest_approved
                )
            }
        )
    before = await changes.snapshot(session, mandate)
    mandate.approved_at = datetime.now(UTC)
    mandate.approved_by_id = principal.person_id
    mandate.approved_by_name = principal.name
    await session.flush()
    await changes.record(session, ChangeAction.update, mandate, before, message=_("approved"))
    return mandate


# ---------------------------------------------------------------- the RACI matrix


async def _columns(session: AsyncSession, process_id: int) -> dict[int, RaciColumn]:
    rows = await session.scalars(select(RaciColumn).where(RaciColumn.process_id == process_id))
    return {column.id: column for column in rows.all()}


def _clean_cells(cells: Mapping[Any, Any], columns: Mapping[int, RaciColumn]) -> tuple[dict[int, RaciValue], dict]:
    wanted: dict[int, RaciValue] = {}
    errors: dict[str, str] = {}
    for key, raw in cells.items():
        try:
            column_id = int(key)
        except (TypeError, ValueError):
            continue
        value = str(raw or "").strip().upper()
        if column_id not in columns:
            errors["cells"] = _("No such column in this matrix.")
        elif value and value not in raci.VALUES:
            errors["cells"] = _("Choose R, A, C or I, or leave the cell empty.")
        elif value:
            wanted[column_id] = RaciValue(value)
    return wanted, errors


async def _set_cells(session: AsyncSession, activity: RaciActivity, wanted: Mapping[int, RaciValue]) -> None:
    await session.execute(delete(RaciAssignment).where(RaciAssignment.activity_id == activity.id))
    for column_id, value in sorted(wanted.items()):
        session.add(RaciAssignment(activity_id=activity.id, column_id=column_id, value=value))
    await session.flush()


def _activity_name(raw: Any, errors: dict[str, str]) -> str:
    name = " ".join(str(raw or "").split())
    if not name:
        errors["name"] = _("This field is required.")
    elif problem := free_text_problem(name, 200, multiline=False):
        errors["name"] = problem
    return name


async def add_activity(
    session: AsyncSession, principal: Principal | None, process: Process, name: Any, cells: Mapping[Any, Any]
) -> RaciActivity:
    """A new row of the matrix, with its cells: it must have exactly one A from the start."""
    _require(manages(principal, process), _("Only the process responsible or owner edits the RACI matrix."))
    columns = await _columns(session, process.id)
    errors: dict[str, str] = {}
    name = _activity_name(name, errors)
    if not columns:
        errors["cells"] = _("Add a column (a role, a person or a department) first.")
    wanted, cell_errors = _clean_cells(cells, columns)
    errors.update(cell_errors)
    if columns and not cell_errors and (problem := raci.one_a_problem(name, wanted.values())):
        errors["cells"] = problem
    if errors:
        raise FormErrors(errors)
    last = await session.scalar(select(func.max(RaciActivity.position)).where(RaciActivity.process_id == process.id))
    activity = RaciActivity(process_id=process.id, position=(last or 0) + 1, name=name)
    session.add(activity)
    await session.flush()
    await _set_cells(session, activity, wanted)
    await changes.record(session, ChangeAction.create, activity)
    return activity


async def _activity(session: AsyncSession, process: Process, activity_id: int) -> RaciActivity:
    activity = await session.get(RaciActivity, activity_id)
    if activity is None or activity.process_id != process.id:
        raise NotFoundException()
    return activity


async def save_activity(
    session: AsyncSession,
    principal: Principal | None,
    process: Process,
    activity_id: int,
    name: Any,
    cells: Mapping[Any, Any],
) -> RaciActivity:
    """Save one row of the matrix (its name and every cell); refused unless it has exactly one A."""
    _require(manages(principal, process), _("Only the process responsible or owner edits the RACI matrix."))
    activity = await _activity(session, process, activity_id)
    columns = await _columns(session, process.id)
    errors: dict[str, str] = {}
    name = _activity_name(name, errors)
    wanted, cell_errors = _clean_cells(cells, columns)
    errors.update(cell_errors)
    if not cell_errors and (problem := raci.one_a_problem(name or activity.name, wanted.values())):
        errors["cells"] = problem
    if errors:
        raise FormErrors(errors)
    before = await changes.snapshot(session, activity)
    activity.name = name
    await _set_cells(session, activity, wanted)
    await changes.record(session, ChangeAction.update, activity, before)
    return activity


async def remove_activity(
    session: AsyncSession, principal: Principal | None, process: Process, activity_id: int
) -> None:
    _require(manages(principal, process), _("Only the process responsible or owner edits the RACI matrix."))
    activity = await _activity(session, process, activity_id)
    before = await changes.snapshot(session, activity)
    await session.delete(activity)
    await session.flush()
    await changes.record(session, ChangeAction.delete, activity, before)


async def move_activity(
    session: AsyncSession, principal: Principal | None, process: Process, activity_id: int, direction: str
) -> None:
    """Move a row one place up or down (the order is part of the process's record)."""
    _require(manages(principal, process), _("Only the process responsible or owner edits the RACI matrix."))
    if direction not in ("up", "down"):
        raise FormErrors({"direction": _("Choose from the list.")})
    activity = await _activity(session, process, activity_id)
    position = RaciActivity.position
    neighbour = await session.scalar(
        select(RaciActivity)
        .where(
            RaciActivity.process_id == process.id,
            position < activity.position if direction == "up" else position > activity.position,
        )
        .order_by(position.desc() if direction == "up" else position)
        .limit(1)
    )
    if neighbour is None:
        return
    before = await changes.snapshot(session, process)
    activity.position, neighbour.position = neighbour.position, activity.position
    await session.flush()
    await changes.record(session, ChangeAction.update, process, before, message=_("RACI activities reordered"))


async def add_column(
    session: AsyncSession, principal: Principal | None, process: Process, raw: Mapping[str, Any]
) -> RaciColumn:
    """A column of the matrix: a role by name, a person or a department."""
    _require(manages(principal, process), _("Only the process responsible or owner edits the RACI matrix."))
    kind = str(raw.get("kind") or "")
    errors: dict[str, str] = {}
    column = RaciColumn(process_id=process.id, role_name="")
    if kind == RaciColumnKind.role:
        column.role_name = " ".join(str(raw.get("role_name") or "").split())
        if not column.role_name:
            errors["role_name"] = _("This field is required.")
        elif len(column.role_name) > 200:
            errors["role_name"] = _(
                "At most %(limit)d characters (you typed %(count)d).", limit=200, count=len(column.role_name)
            )
    elif kind in (RaciColumnKind.person, RaciColumnKind.department):
        field, model = ("person_id", m.Person) if kind == RaciColumnKind.person else ("department_id", m.Department)
        target = await _get(session, model, raw.get(field))
        if target is None:
            errors[field] = _("No such entry; choose from the list.")
        else:
            setattr(column, field, target.id)
    else:
        errors["kind"] = _("Choose from the list.")
    if errors:
        raise FormErrors(errors)
    column.kind = RaciColumnKind(kind)
    for existing in (await _columns(session, process.id)).values():
        if (existing.kind, existing.role_name.lower(), existing.person_id, existing.department_id) == (
            column.kind,
            column.role_name.lower(),
            column.person_id,
            column.department_id,
        ):
            raise FormErrors({"kind": _("The matrix already has this column.")})
    last = await session.scalar(select(func.max(RaciColumn.position)).where(RaciColumn.process_id == process.id))
    column.position = (last or 0) + 1
    session.add(column)
    await session.flush()
    await changes.record(session, ChangeAction.create, column)
    return column


async def remove_column(session: AsyncSession, principal: Principal | None, process: Process, column_id: int) -> None:
    """Remove a column and its cells; refused while it holds the A of an activity."""
    _require(manages(principal, process), _("Only the process responsible or owner edits the RACI matrix."))
    column = await session.get(RaciColumn, column_id)
    if column is None or column.process_id != process.id:
        raise NotFoundException()
    accountable = (
        await session.scalars(
            select(RaciActivity.name)
            .join(RaciAssignment, RaciAssignment.activity_id == RaciActivity.id)
            .where(RaciAssignment.column_id == column.id, RaciAssignment.value == RaciValue.A)
            .order_by(RaciActivity.position)
        )
    ).all()
    if accountable:
        raise FormErrors(
            {
                "column": _(
                    "The column holds the A of: %(activities)s. Give the A to another column first.",
                    activities=", ".join(f"“{name}”" for name in accountable),
                )
            }
        )
    before = await changes.snapshot(session, column)
    await session.delete(column)
    await session.flush()
    await changes.record(session, ChangeAction.delete, column, before)


# ---------------------------------------------------------------- needs that concern the process


async def link_need(session: AsyncSession, principal: Principal | None, process: Process, need_id: Any) -> None:
    _require(manages(principal, process))
    need = await _get(session, m.Need, str(need_id or "").lstrip("#").strip())
    if need is None:
        raise FormErrors({"need_id": _("No such need.")})
    if await session.scalar(
        select(ProcessNeed.id).where(ProcessNeed.process_id == process.id, ProcessNeed.need_id == need.id)
    ):
        raise FormErrors({"need_id": _("This link already exists.")})
    before = await changes.snapshot(session, process)
    session.add(ProcessNeed(process_id=process.id, need_id=need.id))
    await session.flush()
    await changes.record(session, ChangeAction.update, process, before, message=f"+ #{need.id}")


async def unlink_need(session: AsyncSession, principal: Principal | None, process: Process, need_id: int) -> None:
    _require(manages(principal, process))
    link = await session.scalar(
        select(ProcessNeed).where(ProcessNeed.process_id == process.id, ProcessNeed.need_id == need_id)
    )
    if link is None:
        raise NotFoundException()
    before = await changes.snapshot(session, process)
    await session.delete(link)
    await session.flush()
    await changes.record(session, ChangeAction.update, process, before, message=f"− #{need_id}")


async def _get(session: AsyncSession, model: type, raw_id: Any) -> Any:
    try:
        number = int(str(raw_id).strip())
    except (TypeError, ValueError):
        return None
    if not 0 < number <= MAX_ID:
        return None
    return await session.get(model, number)
