"""Rules for development needs: every write to a need goes through here, and is logged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar.exceptions import NotFoundException, PermissionDeniedException
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.principal import Principal
from registry.changes import service as changes
from registry.changes.models import ChangeAction
from registry.db import models as m
from registry.db.versioning import check_version
from registry.forms import Field, FormErrors, clean, free_text_problem
from registry.i18n import gettext as _
from registry.i18n import lazy_gettext as _l
from registry.needs import lifecycle
from registry.needs.models import (
    Channel,
    DepartmentRole,
    LinkKind,
    Need,
    NeedArea,
    NeedComment,
    NeedDepartment,
    NeedKind,
    NeedLink,
    NeedState,
    NeedTag,
    NeedTransition,
)

NEED_FIELDS = [
    Field("title", _l("Title"), required=True, max_length=200),
    Field("description", _l("Description"), kind="textarea", max_length=20000),
    Field("clarified_need", _l("The clarified need: what is actually needed"), kind="textarea", max_length=20000),
    Field("cause", _l("Cause: why the need arose"), kind="textarea", max_length=20000),
    Field("proposed_coordination", _l("Proposed coordination"), kind="textarea", max_length=20000),
    Field("raised_by_name", _l("Raised by (name)"), max_length=200),
    Field("raised_by_person_id", _l("Raised by (person)"), kind="choice", choices_key="people"),
    Field("raised_by_institution_id", _l("Raised by (institution)"), kind="choice", choices_key="institutions"),
    Field("raised_by_department_id", _l("Raised by (department)"), kind="choice", choices_key="departments"),
    Field("channel", _l("Channel"), kind="option", options=tuple(c.value for c in Channel), choices_key="channels"),
    Field("raised_on", _l("Raised on"), kind="date"),
    Field("owning_area_id", _l("Owning area"), kind="choice", choices_key="areas"),
    Field("other_area_ids", _l("Other areas concerned"), kind="choices", choices_key="areas"),
    Field(
        "kind",
        _l("Kind"),
        kind="option",
        options=tuple(k.value for k in NeedKind),
        choices_key="kinds",
        help=_l("A small improvement goes straight into operation; a development project goes to the steering group."),
    ),
    Field("category", _l("Category"), max_length=100),
    Field("tags", _l("Tags"), max_length=500, help=_l("Separated by commas.")),
]

INTAKE_FIELDS = [
    Field(
        "raised_by_name",
        _l("Who are you?"),
        required=True,
        max_length=200,
        # The institution and department have fields of their own just below: asked once.
        help=_l("Your name. Your institution or department is chosen below."),
    ),
    Field("raised_by_institution_id", _l("Your institution (if any)"), kind="choice", choices_key="institutions"),
    Field("raised_by_department_id", _l("Your department (if any)"), kind="choice", choices_key="departments"),
    Field("title", _l("What do you need? (a short title)"), required=True, max_length=200),
    Field("description", _l("Describe the need"), kind="textarea", required=True, max_length=20000),
    Field("cause", _l("Why is it needed? What happens today?"), kind="textarea", max_length=20000),
]

_REFERENCES = {
    "raised_by_person_id": m.Person,
    "raised_by_institution_id": m.Institution,
    "raised_by_department_id": m.Department,
    "owning_area_id": m.SupportArea,
}
MAX_TAGS = 20


# ---------------------------------------------------------------- who may


def may_edit(principal: Principal | None, need: Need) -> bool:
    """Coordinators log and edit needs in their areas (an unrouted need is any coordinator's)."""
    if principal is None:
        return False
    if principal.is_admin:
        return True
    if need.owning_area_id is None:
        return bool(principal.coordinator_of)
    return principal.coordinates(need.owning_area_id)


def may_move(principal: Principal | None, need: Need, target: NeedState, department_ids: Sequence[int]) -> bool:
    if principal is None:
        return False
    if principal.is_admin:
        return True
    if target is NeedState.recommended:
        return need.owning_area_id is not None and principal.steers(need.owning_area_id)
    if (
        target is NeedState.clarified
        and need.state is NeedState.ready
        and need.owning_area_id is not None
        and principal.steers(need.owning_area_id)
    ):
        return True  # the steering group may send a need on its agenda back for clarification
    if (
        target is NeedState.ready
        and need.state in lifecycle.DECIDED
        and need.owning_area_id is not None
        and principal.steers(need.owning_area_id)
    ):
        return True  # the steering group may reopen a decided need (see `transition(reopen=True)`)
    if target in {NeedState.approved, NeedState.rejected, NeedState.deferred}:
        return any(principal.decides_for(d) for d in department_ids)
    return may_edit(principal, need)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDeniedException(detail=_("Your roles do not allow this for this need."))


# ---------------------------------------------------------------- writing


def _tags(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in (text or "").split(","):
        tag = " ".join(part.split()).lower()[:60]
        if tag:
            seen.setdefault(tag, None)
    return list(seen)


async def save_need(
    session: AsyncSession,
    principal: Principal | None,
    raw: Mapping[str, Any],
    need: Need | None = None,
    *,
    partial: bool = False,
    fields: list[Field] = NEED_FIELDS,
    channel: Channel | None = None,
    departments: Sequence[Mapping[str, Any]] | None = None,
) -> Need:
    """Create or change a need. The intake form passes its own short field list and channel.

    With `departments` (rows as for `set_departments`), the need's departments are set too, in the
    same change record (an import writes a need and its departments as one change)."""
    is_new = need is None
    if is_new:
        need = Need(state=NeedState.submitted, raised_on=date.today(), kind=NeedKind.development_project)
        if principal is not None:
            need.submitted_by_id = principal.person_id
            need.raised_by_person_id = principal.person_id
        if fields is NEED_FIELDS:
            _require(principal is not None and (principal.is_admin or bool(principal.coordinator_of)))
    else:
        _require(may_edit(principal, need))
        check_version(need, raw)  # made from an older version: someone else saved in between
    values = clean(fields, raw, partial=partial)
    errors: dict[str, str] = {}
    for name, model in _REFERENCES.items():
        if values.get(name) is not None and await session.get(model, values[name]) is None:
            errors[name] = _("No such entry; choose from the list.")
    other_area_ids = values.pop("other_area_ids", None)
    if other_area_ids:
        found = await _existing(session, m.SupportArea, other_area_ids)
        if missing := sorted(set(other_area_ids) - found):
            errors["other_area_ids"] = _("No such entry: %(ids)s.", ids=", ".join(map(str, missing)))
    tags = _tags(values.pop("tags")) if "tags" in values else None
    if tags is not None and len(tags) > MAX_TAGS:
        errors["tags"] = _("At most %(limit)d tags.", limit=MAX_TAGS)
    department_rows = None
    if departments is not None:
        try:
            department_rows = await _clean_departments(session, departments)
        except FormErrors as problem:
            errors.update(problem.errors)
    if errors:
        raise FormErrors(errors)
    before = None if is_new else await changes.snapshot(session, need)
    for key, value in values.items():
        if key in ("channel", "kind") and value is None:
            continue
        if key == "raised_on" and value is None:
            value = need.raised_on or date.today()
        setattr(need, key, Channel(value) if key == "channel" else NeedKind(value) if key == "kind" else value)
    if channel is not None:
        need.channel = channel
    if is_new:
        session.add(need)
    await session.flush()
    if other_area_ids is not None:
        await _replace(
            session, NeedArea, need.id, [{"area_id": a} for a in other_area_ids if a != need.owning_area_id], is_new
        )
    if tags is not None:
        await _replace(session, NeedTag, need.id, [{"name": t} for t in tags], is_new)
    if department_rows is not None:
        await _replace(session, NeedDepartment, need.id, department_rows, is_new)
    if is_new:
        session.add(
            NeedTransition(
                need_id=need.id,
                from_state=None,
                to_state=NeedState.submitted,
                actor_id=_actor_id(principal),
                actor_name=_actor_name(principal, need),
            )
        )
    await session.flush()
    await changes.record(session, ChangeAction.create if is_new else ChangeAction.update, need, before)
    return need


async def set_departments(
    session: AsyncSession, principal: Principal | None, need: Need, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Make the need's affected departments exactly `rows` (department_id, role, effort_days)."""
    _require(may_edit(principal, need))
    cleaned = await _clean_departments(session, rows)
    before = await changes.snapshot(session, need)
    await _replace(session, NeedDepartment, need.id, cleaned)
    await session.flush()
    await changes.record(session, ChangeAction.update, need, before)


async def _clean_departments(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Department rows checked: errors are named `departments.<row number>.<field>`."""
    errors: dict[str, str] = {}
    cleaned: list[tuple[int, dict[str, Any]]] = []
    seen: set[int] = set()
    for number, row in enumerate(rows, start=1):
        try:
            department_id = int(row.get("department_id"))
        except (TypeError, ValueError):
            errors[f"departments.{number}.department_id"] = _("Choose from the list.")
            continue
        if department_id in seen:
            errors[f"departments.{number}.department_id"] = _("The department is listed twice.")
        seen.add(department_id)
        role = row.get("role") or DepartmentRole.affected.value
        if role not in DepartmentRole.__members__:
            errors[f"departments.{number}.role"] = _("Choose from the list.")
            continue
        effort = row.get("effort_days")
        effort_value = None
        if effort not in (None, ""):
            try:
                effort_value = Decimal(str(effort).replace(",", "."))
                if effort_value < 0 or effort_value > 100000:
                    raise InvalidOperation
            except InvalidOperation:
                errors[f"departments.{number}.effort_days"] = _("A number of person-days from 0 to 100 000.")
        cleaned.append(
            (number, {"department_id": department_id, "role": DepartmentRole(role), "effort_days": effort_value})
        )
    if seen:
        found = await _existing(session, m.Department, seen)
        for number, row in cleaned:
            if row["department_id"] not in found:
                errors[f"departments.{number}.department_id"] = _("No such entry; choose from the list.")
    if errors:
        raise FormErrors(errors)
    return [row for _number, row in cleaned]


# States written by a recommendation or a line decision (registry.decisions), never by a plain move.
RECORDED_STATES = frozenset({NeedState.recommended, NeedState.approved, NeedState.rejected, NeedState.deferred})


async def transition(
    session: AsyncSession,
    principal: Principal | None,
    need: Need,
    target: str,
    comment: str = "",
    *,
    manual: bool = False,
    reopen: bool = False,
) -> Need:
    """Move the need to `target`. A `manual` move (a form, the API) cannot reach the states that only a
    recommendation or the line's decisions set: those go through `registry.decisions.services`.
    `reopen`: a decided need goes back to the steering group (`registry.decisions.services.reopen`)."""
    try:
        target_state = NeedState(target)
    except ValueError:
        raise FormErrors({"state": _("Choose from the list.")}) from None
    department_ids = list(
        (await session.scalars(select(NeedDepartment.department_id).where(NeedDepartment.need_id == need.id))).all()
    )
    _require(may_move(principal, need, target_state, department_ids))
    if reopen:
        reason = lifecycle.reopen_refusal(need.state) if target_state is NeedState.ready else _("Choose from the list.")
    else:
        reason = lifecycle.refusal(need.kind, need.state, target_state)
    if reason:
        raise FormErrors({"state": reason})
    if manual and target_state in RECORDED_STATES:
        if target_state is NeedState.recommended:
            raise FormErrors({"state": _("Record the steering group's recommendation, with its rationale.")})
        raise FormErrors(
            {"state": _("The line decides: each affected department's head records their decision on the need.")}
        )
    if problem := free_text_problem(comment, 5000):
        raise FormErrors({"comment": problem})
    before = await changes.snapshot(session, need)
    session.add(
        NeedTransition(
            need_id=need.id,
            from_state=need.state,
            to_state=target_state,
            actor_id=_actor_id(principal),
            actor_name=_actor_name(principal, need),
            comment=comment.strip(),
        )
    )
    need.state = target_state
    await session.flush()
    await changes.record(session, ChangeAction.update, need, before, message=comment.strip()[:500])
    return need


async def merge(
    session: AsyncSession, principal: Principal | None, need: Need, into_id: int, comment: str = ""
) -> Need:
    """Merge `need` into another: it closes as merged, and its submitter follows the surviving need."""
    _require(may_edit(principal, need))
    survivor = await session.get(Need, into_id) if into_id else None
    if survivor is None:
        raise FormErrors({"merged_into_id": _("No such need.")})
    if survivor.id == need.id:
        raise FormErrors({"merged_into_id": _("A need cannot be merged into itself.")})
    if survivor.state in lifecycle.CLOSED:
        raise FormErrors({"merged_into_id": _("The need to merge into is closed.")})
    if need.state in lifecycle.CLOSED:
        raise FormErrors(
            {
                "state": _(
                    "The need is closed (%(state)s); it cannot change state.", state=lifecycle.state_label(need.state)
                )
            }
        )
    before = await changes.snapshot(session, need)
    session.add(
        NeedTransition(
            need_id=need.id,
            from_state=need.state,
            to_state=NeedState.merged,
            actor_id=_actor_id(principal),
            actor_name=_actor_name(principal, need),
            comment=comment.strip() or _("Merged into #%(id)d", id=survivor.id),
        )
    )
    need.state = NeedState.merged
    need.merged_into_id = survivor.id
    session.add(NeedLink(from_need_id=need.id, to_need_id=survivor.id, kind=LinkKind.duplicate_of))
    await session.flush()
    await changes.record(session, ChangeAction.update, need, before, message=f"merged into #{survivor.id}")
    return survivor


async def add_comment(session: AsyncSession, principal: Principal | None, need: Need, body: str) -> NeedComment:
    _require(principal is not None)
    text = (body or "").strip()
    if not text:
        raise FormErrors({"body": _("This field is required.")})
    if problem := free_text_problem(text, 10000):
        raise FormErrors({"body": problem})
    comment = NeedComment(need_id=need.id, author_id=principal.person_id, author_name=principal.name, body=text)
    session.add(comment)
    await session.flush()
    await changes.record(session, ChangeAction.create, comment)
    return comment


async def add_link(
    session: AsyncSession, principal: Principal | None, need: Need, other_id: Any, kind: str
) -> NeedLink:
    _require(may_edit(principal, need))
    errors: dict[str, str] = {}
    try:
        link_kind = LinkKind(kind)
    except ValueError:
        link_kind = None
        errors["kind"] = _("Choose from the list.")
    try:
        other = await session.get(Need, int(other_id))
    except (TypeError, ValueError):
        other = None
    if other is None:
        errors["to_need_id"] = _("No such need.")
    elif other.id == need.id:
        errors["to_need_id"] = _("A need cannot be linked to itself.")
    elif link_kind and await session.scalar(
        select(NeedLink.id).where(
            NeedLink.from_need_id == need.id, NeedLink.to_need_id == other.id, NeedLink.kind == link_kind
        )
    ):
        errors["to_need_id"] = _("This link already exists.")
    if errors:
        raise FormErrors(errors)
    link = NeedLink(from_need_id=need.id, to_need_id=other.id, kind=link_kind)
    session.add(link)
    await session.flush()
    await changes.record(session, ChangeAction.create, link)
    return link


async def remove_link(session: AsyncSession, principal: Principal | None, need: Need, link_id: int) -> None:
    _require(may_edit(principal, need))
    link = await session.get(NeedLink, link_id)
    if link is None or need.id not in (link.from_need_id, link.to_need_id):
        raise NotFoundException()
    before = await changes.snapshot(session, link)
    await session.delete(link)
    await session.flush()
    await changes.record(session, ChangeAction.delete, link, before)


async def _existing(session: AsyncSession, model: type, ids: Iterable[int]) -> set[int]:
    """Which of `ids` are rows of `model`. Those the session holds already cost no query (an import
    keeps the register's departments and areas at hand for thousands of needs)."""
    wanted = set(ids)
    held = {i for i in wanted if session.identity_map.get(session.identity_key(model, i)) is not None}
    if missing := wanted - held:
        held |= set((await session.scalars(select(model.id).where(model.id.in_(missing)))).all())
    return held


async def _replace(
    session: AsyncSession, model: type, need_id: int, rows: list[dict[str, Any]], fresh: bool = False
) -> None:
    """Make the need's rows of `model` exactly `rows` (flushed by the caller). A `fresh` need has none yet."""
    if not fresh:
        await session.execute(delete(model).where(model.need_id == need_id))
    for row in rows:
        session.add(model(need_id=need_id, **row))
    # One look-up, not a scan of the identity map: an import writes thousands of needs in one session.
    loaded = session.identity_map.get(session.identity_key(Need, need_id))
    if loaded is not None:
        session.expire(loaded, ["departments", "tags", "other_areas"])


def _actor_id(principal: Principal | None) -> int | None:
    return principal.person_id if principal else None


def _actor_name(principal: Principal | None, need: Need) -> str:
    return principal.name if principal else (need.raised_by_name or "anonymous")
