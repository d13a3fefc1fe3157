"""Rules for people, their accounts and their explicitly assigned roles. Every write is logged."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from registry.accounts import sessions
from registry.accounts.models import Account, Role, RoleAssignment
from registry.accounts.passwords import hash_password
from registry.changes import service as changes
from registry.changes.models import ChangeAction
from registry.db import models as m
from registry.db.versioning import check_version
from registry.forms import Field, FormErrors, clean
from registry.i18n import gettext as _
from registry.i18n import lazy_gettext as _l

# Roles given by assignment; the others follow from the organisation register (who heads a
# department, who coordinates or sits in an area's steering group) and are set there.
ASSIGNABLE_ROLES = (Role.viewer, Role.process_owner, Role.admin)
MIN_PASSWORD_LENGTH = 12

PERSON_FIELDS = [
    Field("name", _l("Name"), required=True, max_length=200),
    Field("email", _l("E-mail"), kind="email", max_length=254),
    Field("title", _l("Title"), max_length=200),
    Field("department_id", _l("Department"), kind="choice", choices_key="departments"),
    Field("institution_id", _l("Institution"), kind="choice", choices_key="institutions"),
]

ACCOUNT_FIELDS = [
    Field("username", _l("User name"), required=True, max_length=254),
    Field(
        "password", _l("Password"), kind="password", required=True, max_length=200, help=_l("At least 12 characters.")
    ),
]


async def list_people(session: AsyncSession) -> Sequence[m.Person]:
    return (
        await session.scalars(
            select(m.Person)
            .options(selectinload(m.Person.department), selectinload(m.Person.institution))
            .order_by(m.Person.name)
        )
    ).all()


async def get_person(session: AsyncSession, person_id: int) -> m.Person | None:
    return await session.scalar(
        select(m.Person)
        .where(m.Person.id == person_id)
        .options(selectinload(m.Person.department), selectinload(m.Person.institution))
        .execution_options(populate_existing=True)
    )


async def account_of(session: AsyncSession, person_id: int) -> Account | None:
    return await session.scalar(select(Account).where(Account.person_id == person_id))


async def assignments_of(session: AsyncSession, person_id: int) -> Sequence[RoleAssignment]:
    return (
        await session.scalars(
            select(RoleAssignment).where(RoleAssignment.person_id == person_id).order_by(RoleAssignment.role)
        )
    ).all()


async def save_person(
    session: AsyncSession, raw: Mapping[str, Any], person: m.Person | None = None, *, partial: bool = False
) -> m.Person:
    if person is not None:
        check_version(person, raw)  # made from an older version: someone else saved in between
    values = clean(PERSON_FIELDS, raw, partial=partial)
    person = person or m.Person(title="")
    before = await changes.snapshot(session, person) if person.id is not None else None
    errors: dict[str, str] = {}
    if values.get("email"):
        values["email"] = values["email"].lower()
        clash = select(m.Person.id).where(m.Person.email == values["email"])
        if person.id is not None:
            clash = clash.where(m.Person.id != person.id)
        if await session.scalar(clash) is not None:
            errors["email"] = _("“%(value)s” is already in use.", value=values["email"])
    elif "email" in values:
        values["email"] = None
    for name, model in (("department_id", m.Department), ("institution_id", m.Institution)):
        if values.get(name) is not None and await session.get(model, values[name]) is None:
            errors[name] = _("No such entry; choose from the list.")
    if errors:
        raise FormErrors(errors)
    for key, value in values.items():
        setattr(person, key, value)
    if person.id is None:
        session.add(person)
    await session.flush()
    await changes.record(session, ChangeAction.create if before is None else ChangeAction.update, person, before)
    return person


async def create_account(
    session: AsyncSession, person: m.Person, raw: Mapping[str, Any], *, demo: bool = False
) -> Account:
    values = clean(ACCOUNT_FIELDS, raw)
    username = values["username"].lower()
    errors: dict[str, str] = {}
    if await account_of(session, person.id) is not None:
        errors["username"] = _("This person already has an account.")
    elif await session.scalar(select(Account.id).where(Account.username == username)) is not None:
        errors["username"] = _("“%(value)s” is already in use.", value=username)
    if len(values["password"]) < MIN_PASSWORD_LENGTH:
        errors["password"] = _("At least %(limit)d characters.", limit=MIN_PASSWORD_LENGTH)
    if errors:
        raise FormErrors(errors)
    account = Account(
        person_id=person.id,
        username=username,
        password_hash=hash_password(values["password"]),
        is_active=True,
        is_demo=demo,
    )
    session.add(account)
    await session.flush()
    await changes.record(session, ChangeAction.create, account)
    return account


async def set_password(session: AsyncSession, account: Account, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FormErrors({"password": _("At least %(limit)d characters.", limit=MIN_PASSWORD_LENGTH)})
    account.password_hash = hash_password(password)
    await session.flush()
    # The log says that the password changed, never what it is.
    await changes.record(session, ChangeAction.update, account, {"password": "(earlier)"}, message="password changed")
    await sessions.end_all_sessions(session, account.id)


async def set_active(session: AsyncSession, account: Account, active: bool) -> None:
    if not active and account.is_active and await _is_last_admin(session, account.person_id):
        raise FormErrors({"active": _("This is the last active administrator's account; it cannot be disabled.")})
    before = await changes.snapshot(session, account)
    account.is_active = active
    await session.flush()
    if not active:
        await sessions.end_all_sessions(session, account.id)
    await changes.record(session, ChangeAction.update, account, before)


async def assign_role(session: AsyncSession, person: m.Person, role_value: str) -> RoleAssignment:
    try:
        role = Role(role_value)
    except ValueError:
        role = None
    if role not in ASSIGNABLE_ROLES:
        raise FormErrors({"role": _("Choose from the list.")})
    existing = await session.scalar(
        select(RoleAssignment).where(RoleAssignment.person_id == person.id, RoleAssignment.role == role)
    )
    if existing is not None:
        raise FormErrors({"role": _("%(name)s already has this role.", name=person.name)})
    assignment = RoleAssignment(person_id=person.id, role=role)
    session.add(assignment)
    await session.flush()
    await changes.record(session, ChangeAction.create, assignment)
    return assignment


async def _is_last_admin(session: AsyncSession, person_id: int) -> bool:
    """Whether the person is an administrator with an active account and no one else is."""
    active_admins = set(
        (
            await session.scalars(
                select(RoleAssignment.person_id)
                .join(Account, Account.person_id == RoleAssignment.person_id)
                .where(RoleAssignment.role == Role.admin, Account.is_active.is_(True))
            )
        ).all()
    )
    return active_admins == {person_id}


async def remove_role(session: AsyncSession, assignment: RoleAssignment) -> None:
    if assignment.role == Role.admin and await _is_last_admin(session, assignment.person_id):
        raise FormErrors(
            {"role": _("This is the last administrator; appoint another before removing this role.")}
        )
    before = await changes.snapshot(session, assignment)
    await session.delete(assignment)
    await session.flush()
    await changes.record(session, ChangeAction.delete, assignment, before)
