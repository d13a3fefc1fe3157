"""Rules for the organisation register: every write to areas, departments and memberships goes here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from litestar.exceptions import ClientException
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from registry.changes import service as changes
from registry.changes.models import ChangeAction
from registry.db import models as m
from registry.db.versioning import Versioned, check_version
from registry.forms import Field, FormErrors, clean, slugify
from registry.i18n import gettext as _
from registry.i18n import lazy_gettext as _l
from registry.i18n import ngettext

# Fields every register entry has.
NAME = Field("name", _l("Name"), required=True, max_length=200, unique=True)
SHORT_NAME = Field("short_name", _l("Short name"), max_length=60)
SLUG = Field(
    "slug",
    _l("URL name"),
    kind="slug",
    max_length=100,
    unique=True,
    help=_l("Lower-case letters, digits and hyphens. Left empty, it is made from the name."),
)

AREA_FIELDS = [
    NAME,
    SLUG,
    Field("purpose", _l("Purpose"), kind="textarea", max_length=5000),
    Field("responsible_head_id", _l("Responsible head (VSO-ansvarig)"), kind="choice", choices_key="people"),
    Field("coordinator_ids", _l("Development coordinators"), kind="choices", choices_key="people"),
    Field("department_ids", _l("Departments in the area"), kind="choices", choices_key="departments"),
]

DEPARTMENT_FIELDS = [
    NAME,
    SHORT_NAME,
    SLUG,
    Field("description", _l("Description"), kind="textarea", max_length=5000),
    Field(
        "head_id",
        _l("Head of department"),
        kind="choice",
        choices_key="people",
        help=_l("The head takes the department's binding line decisions."),
    ),
    Field(
        "deputy_head_id",
        _l("Deputy head"),
        kind="choice",
        choices_key="people",
        help=_l("May record line decisions in the head's place."),
    ),
    Field("area_ids", _l("Support-service areas"), kind="choices", choices_key="areas"),
]

INSTITUTION_FIELDS = [
    NAME,
    SHORT_NAME,
    SLUG,
]

# Which choice field refers to which model, and which list field sets which links:
# field → (link model, column naming the edited object, column naming the linked one, linked model).
_REFERENCES = {"responsible_head_id": m.Person, "head_id": m.Person, "deputy_head_id": m.Person}
_LINKS = {
    "department_ids": (m.AreaMembership, "area_id", "department_id", m.Department),
    "area_ids": (m.AreaMembership, "department_id", "area_id", m.SupportArea),
    "coordinator_ids": (m.AreaCoordinator, "area_id", "person_id", m.Person),
}
# URL names the pages themselves use: /areas/new is the form for a new area, not an area called "new".
RESERVED_SLUGS = {"new"}


# ---------------------------------------------------------------- reading


def _area_options():
    return (
        selectinload(m.SupportArea.memberships).joinedload(m.AreaMembership.department).joinedload(m.Department.head),
        selectinload(m.SupportArea.responsible_head),
        selectinload(m.SupportArea.coordinators),
    )


async def list_areas(session: AsyncSession) -> Sequence[m.SupportArea]:
    result = await session.scalars(select(m.SupportArea).options(*_area_options()).order_by(m.SupportArea.name))
    return result.all()


async def get_area(session: AsyncSession, slug: str) -> m.SupportArea | None:
    statement = (
        select(m.SupportArea)
        .where(m.SupportArea.slug == slug)
        .options(
            *_area_options(),
            selectinload(m.SupportArea.steering_group)
            .selectinload(m.SteeringGroup.members)
            .joinedload(m.SteeringGroupMember.person),
            selectinload(m.SupportArea.dialogue_arena)
            .selectinload(m.DialogueArena.participants)
            .options(
                joinedload(m.DialogueArenaParticipant.department).joinedload(m.Department.head),
                joinedload(m.DialogueArenaParticipant.institution),
                joinedload(m.DialogueArenaParticipant.person),
            ),
        )
    )
    return await session.scalar(statement.execution_options(populate_existing=True))


def _department_options():
    return (
        selectinload(m.Department.memberships).joinedload(m.AreaMembership.area),
        selectinload(m.Department.head),
    )


async def list_departments(session: AsyncSession) -> Sequence[m.Department]:
    result = await session.scalars(
        select(m.Department).options(*_department_options()).order_by(func.lower(m.Department.name))
    )
    return result.all()


async def get_department(session: AsyncSession, slug: str) -> m.Department | None:
    return await session.scalar(
        select(m.Department)
        .where(m.Department.slug == slug)
        .options(*_department_options())
        .execution_options(populate_existing=True)
    )


async def list_institutions(session: AsyncSession) -> Sequence[m.Institution]:
    return (await session.scalars(select(m.Institution).order_by(func.lower(m.Institution.name)))).all()


async def get_institution(session: AsyncSession, slug: str) -> m.Institution | None:
    return await session.scalar(select(m.Institution).where(m.Institution.slug == slug))


async def add_steering_member(
    session: AsyncSession, area: m.SupportArea, person_id: Any, role: str
) -> m.SteeringGroupMember:
    """Appoint a person by name to the area's steering group (beyond the seats the model gives)."""
    errors: dict[str, str] = {}
    try:
        person = await session.get(m.Person, int(person_id))
    except (TypeError, ValueError):
        person = None
    if person is None:
        errors["person_id"] = _("No such entry; choose from the list.")
    if role not in m.SteeringRole.__members__:
        errors["role"] = _("Choose from the list.")
    group = await session.scalar(select(m.SteeringGroup).where(m.SteeringGroup.area_id == area.id))
    if (
        person is not None
        and group is not None
        and await session.scalar(
            select(m.SteeringGroupMember.id).where(
                m.SteeringGroupMember.steering_group_id == group.id, m.SteeringGroupMember.person_id == person.id
            )
        )
    ):
        errors["person_id"] = _("%(name)s already has this role.", name=person.name)
    if errors:
        raise FormErrors(errors)
    member = m.SteeringGroupMember(steering_group_id=group.id, person_id=person.id, role=m.SteeringRole(role))
    session.add(member)
    await session.flush()
    await changes.record(session, ChangeAction.create, member)
    return member


async def remove_steering_member(session: AsyncSession, area: m.SupportArea, member_id: int) -> None:
    member = await session.get(m.SteeringGroupMember, member_id)
    group = await session.scalar(select(m.SteeringGroup).where(m.SteeringGroup.area_id == area.id))
    if member is None or group is None or member.steering_group_id != group.id:
        raise FormErrors({"member": _("No such entry; choose from the list.")})
    before = await changes.snapshot(session, member)
    await session.delete(member)
    await session.flush()
    await changes.record(session, ChangeAction.delete, member, before)


async def add_arena_participant(
    session: AsyncSession, area: m.SupportArea, institution_id: Any, person_id: Any, role: str
) -> m.DialogueArenaParticipant:
    """An institution (optionally by a named person) takes part in the area's dialogue arena."""
    errors: dict[str, str] = {}
    institution = await _optional(session, m.Institution, institution_id)
    if institution is None:
        errors["institution_id"] = _("No such entry; choose from the list.")
    person = await _optional(session, m.Person, person_id) if person_id not in (None, "") else None
    if person_id not in (None, "") and person is None:
        errors["person_id"] = _("No such entry; choose from the list.")
    role = (role or "").strip()
    if len(role) > 200:
        errors["role"] = _("At most %(limit)d characters (you typed %(count)d).", limit=200, count=len(role))
    arena = await session.scalar(select(m.DialogueArena).where(m.DialogueArena.area_id == area.id))
    if errors or arena is None:
        raise FormErrors(errors or {"institution_id": _("No such entry; choose from the list.")})
    participant = m.DialogueArenaParticipant(
        arena_id=arena.id,
        side=m.ArenaSide.institution,
        institution_id=institution.id,
        person_id=person.id if person else None,
        role=role,
    )
    session.add(participant)
    await session.flush()
    await changes.record(session, ChangeAction.create, participant)
    return participant


async def remove_arena_participant(session: AsyncSession, area: m.SupportArea, participant_id: int) -> None:
    participant = await session.get(m.DialogueArenaParticipant, participant_id)
    arena = await session.scalar(select(m.DialogueArena).where(m.DialogueArena.area_id == area.id))
    if participant is None or arena is None or participant.arena_id != arena.id:
        raise FormErrors({"participant": _("No such entry; choose from the list.")})
    before = await changes.snapshot(session, participant)
    await session.delete(participant)
    await session.flush()
    await changes.record(session, ChangeAction.delete, participant, before)


async def _optional(session: AsyncSession, model: type, raw_id: Any) -> Any:
    try:
        return await session.get(model, int(raw_id))
    except (TypeError, ValueError, OverflowError):
        return None


async def list_people(session: AsyncSession) -> Sequence[m.Person]:
    return (await session.scalars(select(m.Person).order_by(m.Person.name))).all()


async def get_model(session: AsyncSession) -> m.VsoModel | None:
    return await session.scalar(
        select(m.VsoModel).options(selectinload(m.VsoModel.owner), selectinload(m.VsoModel.administering_department))
    )


async def counts(session: AsyncSession) -> dict[str, int]:
    return {
        "areas": await session.scalar(select(func.count()).select_from(m.SupportArea)) or 0,
        "departments": await session.scalar(select(func.count()).select_from(m.Department)) or 0,
        "memberships": await session.scalar(select(func.count()).select_from(m.AreaMembership)) or 0,
        "institutions": await session.scalar(select(func.count()).select_from(m.Institution)) or 0,
    }


def departments_of(area: m.SupportArea) -> list[m.Department]:
    return sorted((ms.department for ms in area.memberships), key=lambda d: d.name.lower())


def areas_of(department: m.Department) -> list[m.SupportArea]:
    return sorted((ms.area for ms in department.memberships), key=lambda a: a.name.lower())


# ---------------------------------------------------------------- writing


async def save_area(
    session: AsyncSession, raw: Mapping[str, Any], area: m.SupportArea | None = None, *, partial: bool = False
) -> m.SupportArea:
    is_new = area is None
    area = area or m.SupportArea(purpose="")
    await _save(session, area, AREA_FIELDS, raw, partial=partial)
    if is_new:
        # By the model every area has its steering group and its dialogue arena.
        session.add(m.SteeringGroup(area_id=area.id, name=f"Styrgrupp – {area.name}", meeting_cadence=""))
        session.add(m.DialogueArena(area_id=area.id, name=f"Dialogarena – {area.name}", purpose="", meeting_cadence=""))
        await session.flush()
    return area


async def save_department(
    session: AsyncSession, raw: Mapping[str, Any], department: m.Department | None = None, *, partial: bool = False
) -> m.Department:
    department = department or m.Department(short_name="", description="")
    await _save(session, department, DEPARTMENT_FIELDS, raw, partial=partial)
    return department


async def save_institution(
    session: AsyncSession, raw: Mapping[str, Any], institution: m.Institution | None = None, *, partial: bool = False
) -> m.Institution:
    institution = institution or m.Institution(short_name="")
    await _save(session, institution, INSTITUTION_FIELDS, raw, partial=partial)
    return institution


class StillReferenced(ClientException):
    """A register entry that something still refers to is never deleted: nothing may vanish with it."""

    status_code = 409
    title = _l("Still in use")


# Rows that exist only because their area does (made with it): they go with it (ON DELETE CASCADE, recorded
# in the area's own change record), but whatever refers
# to *them* (steering-group members, arena participants, meetings...) counts as referring to the area.
_PARTS = {"support_area": ("steering_group", "dialogue_arena")}

# What each referring table is called in a refusal, singular and plural.
_KINDS = {
    "area_coordinator": lambda n: ngettext("%(num)d development coordinator", "%(num)d development coordinators", n),
    "area_membership": lambda n: ngettext("%(num)d area membership", "%(num)d area memberships", n),
    "department_capacity": lambda n: ngettext("%(num)d meeting capacity figure", "%(num)d meeting capacity figures", n),
    "dialogue_arena_participant": lambda n: ngettext(
        "%(num)d dialogue-arena participant", "%(num)d dialogue-arena participants", n
    ),
    "line_decision": lambda n: ngettext("%(num)d line decision", "%(num)d line decisions", n),
    "meeting": lambda n: ngettext("%(num)d meeting", "%(num)d meetings", n),
    "need": lambda n: ngettext(
        "%(num)d need (owning area or raising department)", "%(num)d needs (owning area or raising department)", n
    ),
    "need_area": lambda n: ngettext("%(num)d need routed to it", "%(num)d needs routed to it", n),
    "need_department": lambda n: ngettext(
        "%(num)d need affecting it (with its effort estimate)",
        "%(num)d needs affecting it (with their effort estimates)",
        n,
    ),
    "person": lambda n: ngettext("%(num)d person working there", "%(num)d people working there", n),
    "process": lambda n: ngettext("%(num)d process owned by it", "%(num)d processes owned by it", n),
    "process_department": lambda n: ngettext("%(num)d process membership", "%(num)d process memberships", n),
    "process_team_member": lambda n: ngettext("%(num)d process-team member", "%(num)d process-team members", n),
    "raci_column": lambda n: ngettext("%(num)d RACI matrix column", "%(num)d RACI matrix columns", n),
    "recommendation": lambda n: ngettext("%(num)d recommendation", "%(num)d recommendations", n),
    "role_assignment": lambda n: ngettext("%(num)d role assignment", "%(num)d role assignments", n),
    "scoring_model": lambda n: ngettext("%(num)d scoring model", "%(num)d scoring models", n),
    "steering_group_member": lambda n: ngettext("%(num)d steering-group member", "%(num)d steering-group members", n),
    "vso_model": lambda n: ngettext(
        "%(num)d VSO model (as its administering department)", "%(num)d VSO models (as administering department)", n
    ),
}


async def references(session: AsyncSession, obj: m.SupportArea | m.Department) -> dict[str, int]:
    """How many rows of each table refer to the entry (found from the schema's foreign keys)."""
    found: dict[str, int] = {}
    await _count_referrers(session, type(obj).__table__, [obj.id], found)
    return found


async def _count_referrers(session: AsyncSession, table: Any, ids: list[int], found: dict[str, int]) -> None:
    for referring in table.metadata.sorted_tables:
        for key in referring.foreign_keys:
            if key.column.table is not table:
                continue
            if referring.name in _PARTS.get(table.name, ()):
                part_ids = list((await session.scalars(select(referring.c.id).where(key.parent.in_(ids)))).all())
                if part_ids:
                    await _count_referrers(session, referring, part_ids, found)
                continue
            count = await session.scalar(select(func.count()).select_from(referring).where(key.parent.in_(ids)))
            if count:
                found[referring.name] = found.get(referring.name, 0) + count


def describe_references(found: Mapping[str, int]) -> list[str]:
    return [_KINDS[name](count) if name in _KINDS else f"{count} × {name}" for name, count in sorted(found.items())]


def refusal(obj: m.SupportArea | m.Department, found: Mapping[str, int]) -> str:
    return _(
        "“%(name)s” cannot be deleted because other records refer to it: %(what)s. "
        "Move or remove those first; nothing is deleted with it.",
        name=obj.name,
        what="; ".join(describe_references(found)),
    )


async def remove(session: AsyncSession, obj: m.SupportArea | m.Department | m.Institution) -> None:
    """Delete an area or department that nothing refers to; otherwise refuse, naming what refers to it.
    (An institution may go: needs it raised keep its name as written.)"""
    if not isinstance(obj, m.Institution) and (found := await references(session, obj)):
        raise StillReferenced(detail=refusal(obj, found))
    before = await changes.snapshot(session, obj)
    await session.delete(obj)
    await session.flush()
    await changes.record(session, ChangeAction.delete, obj, before)


async def _save(session: AsyncSession, obj: Any, fields: list[Field], raw: Mapping[str, Any], *, partial: bool) -> None:
    if obj.id is not None and isinstance(obj, Versioned):
        check_version(obj, raw)  # made from an older version: someone else saved in between
    values = clean(fields, raw, partial=partial)
    before = await changes.snapshot(session, obj) if obj.id is not None else None
    if "slug" in values and not values["slug"]:
        # An emptied URL name keeps the current one (links to the page keep working);
        # a new entry gets one made from its name.
        values["slug"] = obj.slug if obj.id is not None else slugify(values.get("name") or "")
    errors: dict[str, str] = {}
    if "slug" in values and not values["slug"]:
        errors["slug"] = _("This field is required.")  # a name of only punctuation gives no URL name
    elif values.get("slug") in RESERVED_SLUGS:
        errors["slug"] = _("“%(value)s” is already in use.", value=values["slug"])
    model = type(obj)
    for spec in fields:
        if spec.unique and spec.name in values and values[spec.name]:
            column = getattr(model, spec.name)
            clash = select(model.id).where(column == values[spec.name])
            if obj.id is not None:
                clash = clash.where(model.id != obj.id)
            if await session.scalar(clash) is not None:
                errors[spec.name] = _("“%(value)s” is already in use.", value=values[spec.name])
    for name, target in _REFERENCES.items():
        if values.get(name) is not None and await session.get(target, values[name]) is None:
            errors[name] = _("No such entry; choose from the list.")
    for name, (_link, _own, _other, target) in _LINKS.items():
        wanted = values.get(name)
        if wanted:
            found = set((await session.scalars(select(target.id).where(target.id.in_(wanted)))).all())
            if missing := sorted(set(wanted) - found):
                errors[name] = _("No such entry: %(ids)s.", ids=", ".join(map(str, missing)))
    if errors:
        raise FormErrors(errors)
    for key, value in values.items():
        if key not in _LINKS:
            setattr(obj, key, value)
    if obj.id is None:
        session.add(obj)
    await session.flush()
    for name in _LINKS:
        if name in values:
            await _set_links(session, obj, name, values[name])
    await changes.record(session, ChangeAction.create if before is None else ChangeAction.update, obj, before)


async def _set_links(session: AsyncSession, obj: Any, field_name: str, wanted_ids: Sequence[int]) -> None:
    """Make the links of one object named by `field_name` (memberships, coordinators) exactly the given ones."""
    link_model, own_name, other_name, _target = _LINKS[field_name]
    owner = getattr(link_model, own_name) == obj.id
    other = getattr(link_model, other_name)
    wanted = set(wanted_ids)
    current = set((await session.scalars(select(other).where(owner))).all())
    if gone := current - wanted:
        await session.execute(delete(link_model).where(owner, other.in_(gone)))
    for new_id in sorted(wanted - current):
        session.add(link_model(**{own_name: obj.id, other_name: new_id}))
    await session.flush()
    # Loaded link lists on either side are stale now; the rest of the session stays valid.
    for loaded in list(session.identity_map.values()):
        if isinstance(loaded, m.SupportArea):
            session.expire(loaded, ["memberships", "coordinators"])
        elif isinstance(loaded, m.Department):
            session.expire(loaded, ["memberships"])


async def overview(session: AsyncSession) -> dict:
    """What the public overview of the model shows: the model, its areas and departments, and which
    department takes part in which area."""
    areas = await list_areas(session)
    return {
        "model": await get_model(session),
        "areas": areas,
        "departments": await list_departments(session),
        "member_pairs": {(ms.area_id, ms.department_id) for area in areas for ms in area.memberships},
        "areas_of": areas_of,
    }
