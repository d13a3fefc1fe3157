"""People, their accounts and roles. Every logged-in person can read; only admins change."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import admin, logged_in
from registry.accounts.models import RoleAssignment
from registry.accounts.principal import load_roles
from registry.changes import queries as change_queries
from registry.db import models as m
from registry.db.versioning import EditConflict
from registry.forms import FormErrors
from registry.i18n import gettext as _
from registry.people import services
from registry.web.forms import as_form_values, conflict_of, form_page, submitted


async def _person_or_404(session: AsyncSession, person_id: int) -> m.Person:
    person = await services.get_person(session, person_id)
    if person is None:
        raise NotFoundException()
    return person


async def _choices(session: AsyncSession) -> dict[str, list[tuple[int, str]]]:
    departments = (await session.execute(select(m.Department.id, m.Department.name).order_by(m.Department.name))).all()
    institutions = (
        await session.execute(select(m.Institution.id, m.Institution.name).order_by(m.Institution.name))
    ).all()
    return {"departments": [tuple(row) for row in departments], "institutions": [tuple(row) for row in institutions]}


async def describe_roles(session: AsyncSession, person_id: int) -> list[tuple[str, str]]:
    """Each role of a person in words, with what it covers."""
    roles = await load_roles(session, person_id)
    areas = dict((await session.execute(select(m.SupportArea.id, m.SupportArea.name))).all())
    departments = dict((await session.execute(select(m.Department.id, m.Department.name))).all())
    described: list[tuple[str, str]] = []
    for role in sorted(roles["roles"]):
        if role.value in ("viewer", "process_owner", "admin"):
            described.append((ROLE_LABELS()[role.value], ""))
    for area_id in sorted(roles["responsible_for"]):
        described.append((_("Responsible head (VSO-ansvarig)"), areas.get(area_id, "")))
    for area_id in sorted(roles["coordinator_of"]):
        described.append((_("Development coordinator"), areas.get(area_id, "")))
    for area_id in sorted(roles["steering_member_of"]):
        described.append((_("Steering-group member"), areas.get(area_id, "")))
    for department_id in sorted(roles["head_of"]):
        described.append((_("Head of department"), departments.get(department_id, "")))
    for department_id in sorted(roles["deputy_of"]):
        described.append((_("Deputy head"), departments.get(department_id, "")))
    return described


def ROLE_LABELS() -> dict[str, str]:  # noqa: N802 - a table, translated when read
    return {"viewer": _("Viewer"), "process_owner": _("Process owner"), "admin": _("Administrator")}


class PeoplePages(Controller):
    path = "/people"

    @get("/", name="people", guards=[logged_in])
    async def people(self, db_session: AsyncSession) -> Template:
        return Template(template_name="people/list.html", context={"people": await services.list_people(db_session)})

    @get("/{person_id:int}", name="person", guards=[logged_in])
    async def person(self, db_session: AsyncSession, person_id: int) -> Template:
        person = await _person_or_404(db_session, person_id)
        account = await services.account_of(db_session, person_id)
        history = await change_queries.history(db_session, "person", person_id)
        if account:
            history = sorted(
                history + await change_queries.history(db_session, "account", account.id),
                key=lambda r: r.id,
                reverse=True,
            )
        return Template(
            template_name="people/detail.html",
            context={
                "person": person,
                "account": account,
                "roles": await describe_roles(db_session, person_id),
                "assignments": await services.assignments_of(db_session, person_id),
                "assignable": [(role.value, ROLE_LABELS()[role.value]) for role in services.ASSIGNABLE_ROLES],
                "role_labels": ROLE_LABELS(),
                "history": history,
                "names": await change_queries.referenced_names(db_session, history),
            },
        )

    @get("/new", name="person_new", guards=[admin])
    async def new(self, db_session: AsyncSession) -> Template:
        return form_page(
            title=_("New person"),
            fields=services.PERSON_FIELDS,
            values={},
            choices=await _choices(db_session),
            action="/people/new",
            cancel_url="/people",
        )

    @post("/new", name="person_create", guards=[admin])
    async def create(self, request: Request, db_session: AsyncSession) -> Any:
        values = await submitted(request, services.PERSON_FIELDS)
        try:
            person = await services.save_person(db_session, values)
        except FormErrors as errors:
            return form_page(
                title=_("New person"),
                fields=services.PERSON_FIELDS,
                values=values,
                choices=await _choices(db_session),
                action="/people/new",
                cancel_url="/people",
                errors=errors,
            )
        return Redirect(f"/people/{person.id}", status_code=303)

    @get("/{person_id:int}/edit", name="person_edit", guards=[admin])
    async def edit(self, db_session: AsyncSession, person_id: int) -> Template:
        person = await _person_or_404(db_session, person_id)
        return form_page(
            title=_("Edit %(name)s", name=person.name),
            fields=services.PERSON_FIELDS,
            values=as_form_values(person, services.PERSON_FIELDS),
            choices=await _choices(db_session),
            action=f"/people/{person_id}/edit",
            cancel_url=f"/people/{person_id}",
        )

    @post("/{person_id:int}/edit", name="person_update", guards=[admin])
    async def update(self, request: Request, db_session: AsyncSession, person_id: int) -> Any:
        person = await _person_or_404(db_session, person_id)
        values = await submitted(request, services.PERSON_FIELDS)
        try:
            await services.save_person(db_session, values, person)
        except EditConflict:
            await db_session.rollback()
            current = await _person_or_404(db_session, person_id)
            return form_page(
                title=_("Edit %(name)s", name=current.name),
                fields=services.PERSON_FIELDS,
                values={**values, "version": current.version},
                choices=await _choices(db_session),
                action=f"/people/{person_id}/edit",
                cancel_url=f"/people/{person_id}",
                conflict=conflict_of(services.PERSON_FIELDS, as_form_values(current, services.PERSON_FIELDS), values),
            )
        except FormErrors as errors:
            return form_page(
                title=_("Edit %(name)s", name=person.name),
                fields=services.PERSON_FIELDS,
                values=values,
                choices=await _choices(db_session),
                action=f"/people/{person_id}/edit",
                cancel_url=f"/people/{person_id}",
                errors=errors,
            )
        return Redirect(f"/people/{person_id}", status_code=303)

    @post("/{person_id:int}/roles", name="person_role_add", guards=[admin])
    async def add_role(self, request: Request, db_session: AsyncSession, person_id: int) -> Any:
        person = await _person_or_404(db_session, person_id)
        form = await request.form()
        await services.assign_role(db_session, person, str(form.get("role", "")))
        return Redirect(f"/people/{person_id}", status_code=303)

    @post("/{person_id:int}/roles/{assignment_id:int}/delete", name="person_role_remove", guards=[admin])
    async def remove_role(self, db_session: AsyncSession, person_id: int, assignment_id: int) -> Redirect:
        assignment = await db_session.get(RoleAssignment, assignment_id)
        if assignment is None or assignment.person_id != person_id:
            raise NotFoundException()
        await services.remove_role(db_session, assignment)
        return Redirect(f"/people/{person_id}", status_code=303)

    @get("/{person_id:int}/account", name="person_account_form", guards=[admin])
    async def account_form(self, db_session: AsyncSession, person_id: int) -> Template:
        person = await _person_or_404(db_session, person_id)
        return form_page(
            title=_("Account for %(name)s", name=person.name),
            fields=services.ACCOUNT_FIELDS,
            values={"username": person.email or ""},
            choices={},
            action=f"/people/{person_id}/account",
            cancel_url=f"/people/{person_id}",
        )

    @post("/{person_id:int}/account", name="person_account_create", guards=[admin])
    async def create_account(self, request: Request, db_session: AsyncSession, person_id: int) -> Any:
        person = await _person_or_404(db_session, person_id)
        values = await submitted(request, services.ACCOUNT_FIELDS)
        try:
            await services.create_account(db_session, person, values)
        except FormErrors as errors:
            values.pop("password", None)  # never sent back to the browser
            return form_page(
                title=_("Account for %(name)s", name=person.name),
                fields=services.ACCOUNT_FIELDS,
                values=values,
                choices={},
                action=f"/people/{person_id}/account",
                cancel_url=f"/people/{person_id}",
                errors=errors,
            )
        return Redirect(f"/people/{person_id}", status_code=303)

    @post("/{person_id:int}/account/active", name="person_account_active", guards=[admin])
    async def set_active(self, request: Request, db_session: AsyncSession, person_id: int) -> Redirect:
        account = await services.account_of(db_session, person_id)
        if account is None:
            raise NotFoundException()
        form = await request.form()
        await services.set_active(db_session, account, form.get("active") == "1")
        return Redirect(f"/people/{person_id}", status_code=303)
