"""Pages of the organisation register: the model, its areas and its departments, and their admin forms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import admin
from registry.areas import services
from registry.changes import queries as change_queries
from registry.db import models as m
from registry.db.versioning import EditConflict
from registry.forms import FormErrors
from registry.graph.neighbourhood import neighbourhood
from registry.i18n import gettext as _
from registry.i18n import lazy_gettext as _l
from registry.web.forms import as_form_values, conflict_of, form_page, submitted


async def _area_or_404(session: AsyncSession, slug: str) -> m.SupportArea:
    area = await services.get_area(session, slug)
    if area is None:
        raise NotFoundException()
    return area


async def _department_or_404(session: AsyncSession, slug: str) -> m.Department:
    department = await services.get_department(session, slug)
    if department is None:
        raise NotFoundException()
    return department


async def _choices(session: AsyncSession) -> dict[str, list[tuple[int, str]]]:
    return {
        "people": [(p.id, f"{p.name} ({p.title})" if p.title else p.name) for p in await services.list_people(session)],
        "departments": [(d.id, d.name) for d in await services.list_departments(session)],
        "areas": [(a.id, a.name) for a in await services.list_areas(session)],
    }


async def _history_for(request: Request, session: AsyncSession, object_type: str, object_id: int) -> list | None:
    """The change log is for logged-in staff; the public sees the register without it."""
    if request.scope.get("user") is None:
        return None
    return await change_queries.history(session, object_type, object_id)


async def _history_context(request: Request, session: AsyncSession, object_type: str, object_id: int) -> dict:
    history = await _history_for(request, session, object_type, object_id)
    names = await change_queries.referenced_names(session, history) if history else {}
    return {"history": history, "names": names}


def _is_admin(request: Request) -> bool:
    principal = request.scope.get("user")
    return bool(principal and principal.is_admin)


class OrganisationPages(Controller):
    """Readable by everyone: the VSO model is public on the university's web too."""

    include_in_schema = False  # HTML pages; the OpenAPI schema documents the JSON API

    @get("/overview", name="overview")
    async def overview(self, db_session: AsyncSession) -> Template:
        return Template(template_name="overview.html", context=await services.overview(db_session))

    @get("/areas", name="areas")
    async def areas(self, db_session: AsyncSession) -> Template:
        return Template(
            template_name="areas/list.html",
            context={"areas": await services.list_areas(db_session), "departments_of": services.departments_of},
        )

    @get("/areas/{slug:str}", name="area")
    async def area(self, request: Request, db_session: AsyncSession, slug: str) -> Template:
        area = await _area_or_404(db_session, slug)
        return Template(
            template_name="areas/detail.html",
            context={
                "area": area,
                "departments": services.departments_of(area),
                "hood": await neighbourhood(
                    db_session,
                    {ms.department_id for ms in area.memberships},
                    with_needs=request.scope.get("user") is not None,
                ),
                "people": await services.list_people(db_session) if _is_admin(request) else [],
                "institutions": await services.list_institutions(db_session) if _is_admin(request) else [],
                **await _history_context(request, db_session, "support_area", area.id),
            },
        )

    @get("/institutions/{slug:str}", name="institution")
    async def institution(self, request: Request, db_session: AsyncSession, slug: str) -> Template:
        institution = await _institution_or_404(db_session, slug)
        return Template(
            template_name="institutions/detail.html",
            context={
                "institution": institution,
                **await _history_context(request, db_session, "institution", institution.id),
            },
        )

    @get("/institutions", name="institutions")
    async def institutions(self, db_session: AsyncSession) -> Template:
        return Template(
            template_name="institutions/list.html",
            context={"institutions": await services.list_institutions(db_session)},
        )

    @get("/departments", name="departments")
    async def departments(self, db_session: AsyncSession) -> Template:
        return Template(
            template_name="departments/list.html",
            context={"departments": await services.list_departments(db_session), "areas_of": services.areas_of},
        )

    @get("/departments/{slug:str}", name="department")
    async def department(self, request: Request, db_session: AsyncSession, slug: str) -> Template:
        department = await _department_or_404(db_session, slug)
        return Template(
            template_name="departments/detail.html",
            context={
                **await _history_context(request, db_session, "department", department.id),
                "department": department,
                "areas": services.areas_of(department),
                "hood": await neighbourhood(
                    db_session, {department.id}, with_needs=request.scope.get("user") is not None
                ),
            },
        )


@dataclass(frozen=True)
class Register:
    """What the admin forms need to know about one kind of register entry."""

    path: str
    fields: list
    new_title: Any
    load: Callable[[AsyncSession, str], Awaitable[Any]]
    save: Callable[..., Awaitable[Any]]
    memberships: Callable[[Any], dict[str, list[int]]]
    consequences: Callable[[Any], list[str]]

    async def new_form(
        self, session: AsyncSession, values: dict[str, Any] | None = None, errors: FormErrors | None = None
    ) -> Template:
        return form_page(
            title=str(self.new_title),
            fields=self.fields,
            values=values if values is not None else self.memberships(None),
            choices=await _choices(session),
            action=f"{self.path}/new",
            cancel_url=self.path,
            errors=errors,
        )

    async def create(self, request: Request, session: AsyncSession) -> Any:
        values = await submitted(request, self.fields)
        try:
            obj = await self.save(session, values)
        except FormErrors as errors:
            return await self.new_form(session, values, errors)
        return Redirect(f"{self.path}/{obj.slug}", status_code=303)

    async def edit_form(
        self, session: AsyncSession, slug: str, values: dict[str, Any] | None = None, errors: FormErrors | None = None
    ) -> Template:
        obj = await self.load(session, slug)
        return form_page(
            title=_("Edit %(name)s", name=obj.name),
            fields=self.fields,
            values=values if values is not None else as_form_values(obj, self.fields, **self.memberships(obj)),
            choices=await _choices(session),
            action=f"{self.path}/{slug}/edit",
            cancel_url=f"{self.path}/{slug}",
            errors=errors,
        )

    async def update(self, request: Request, session: AsyncSession, slug: str) -> Any:
        obj = await self.load(session, slug)
        values = await submitted(request, self.fields)
        try:
            obj = await self.save(session, values, obj)
        except EditConflict:
            await session.rollback()
            current = await self.load(session, slug)
            saved = as_form_values(current, self.fields, **self.memberships(current))
            page = await self.edit_form(session, slug, {**values, "version": current.version})
            page.context["conflict"] = conflict_of(self.fields, saved, values)
            page.status_code = 409
            return page
        except FormErrors as errors:
            await session.rollback()
            return await self.edit_form(session, slug, values, errors)
        return Redirect(f"{self.path}/{obj.slug}", status_code=303)

    async def confirm_delete(self, session: AsyncSession, slug: str) -> Template:
        obj = await self.load(session, slug)
        found = {} if isinstance(obj, m.Institution) else await services.references(session, obj)
        return Template(
            template_name="confirm_delete.html",
            context={
                "name": obj.name,
                "blockers": services.describe_references(found),
                "consequences": self.consequences(obj),
                "action": f"{self.path}/{slug}/delete",
                "cancel_url": f"{self.path}/{slug}",
            },
        )

    async def delete(self, session: AsyncSession, slug: str) -> Redirect:
        await services.remove(session, await self.load(session, slug))
        return Redirect(self.path, status_code=303)


AREAS = Register(
    path="/areas",
    fields=services.AREA_FIELDS,
    new_title=_l("New support-service area"),
    load=_area_or_404,
    save=services.save_area,
    memberships=lambda area: {"department_ids": [d.id for d in services.departments_of(area)] if area else []},
    # Only an area nothing refers to can be deleted (services.remove); these are what goes with it.
    consequences=lambda _area: [_("Its steering group and dialogue arena are removed.")],
)

DEPARTMENTS = Register(
    path="/departments",
    fields=services.DEPARTMENT_FIELDS,
    new_title=_l("New department"),
    load=_department_or_404,
    save=services.save_department,
    memberships=lambda department: {"area_ids": [a.id for a in services.areas_of(department)] if department else []},
    consequences=lambda _department: [],
)


async def _institution_or_404(session: AsyncSession, slug: str) -> m.Institution:
    institution = await services.get_institution(session, slug)
    if institution is None:
        raise NotFoundException()
    return institution


INSTITUTIONS = Register(
    path="/institutions",
    fields=services.INSTITUTION_FIELDS,
    new_title=_l("New institution"),
    load=_institution_or_404,
    save=services.save_institution,
    memberships=lambda _institution: {},
    consequences=lambda _institution: [_("Needs it raised keep the name as written but lose the link.")],
)


class OrganisationAdmin(Controller):
    """Forms to create, edit and delete areas and departments and to change their memberships."""

    guards = [admin]

    include_in_schema = False

    @get("/areas/new", name="area_new")
    async def new_area(self, db_session: AsyncSession) -> Template:
        return await AREAS.new_form(db_session)

    @post("/areas/new", name="area_create")
    async def create_area(self, request: Request, db_session: AsyncSession) -> Any:
        return await AREAS.create(request, db_session)

    @get("/areas/{slug:str}/edit", name="area_edit")
    async def edit_area(self, db_session: AsyncSession, slug: str) -> Template:
        return await AREAS.edit_form(db_session, slug)

    @post("/areas/{slug:str}/edit", name="area_update")
    async def update_area(self, request: Request, db_session: AsyncSession, slug: str) -> Any:
        return await AREAS.update(request, db_session, slug)

    @get("/areas/{slug:str}/delete", name="area_delete_confirm")
    async def confirm_delete_area(self, db_session: AsyncSession, slug: str) -> Template:
        return await AREAS.confirm_delete(db_session, slug)

    @post("/areas/{slug:str}/delete", name="area_delete")
    async def delete_area(self, db_session: AsyncSession, slug: str) -> Redirect:
        return await AREAS.delete(db_session, slug)

    @get("/departments/new", name="department_new")
    async def new_department(self, db_session: AsyncSession) -> Template:
        return await DEPARTMENTS.new_form(db_session)

    @post("/departments/new", name="department_create")
    async def create_department(self, request: Request, db_session: AsyncSession) -> Any:
        return await DEPARTMENTS.create(request, db_session)

    @get("/departments/{slug:str}/edit", name="department_edit")
    async def edit_department(self, db_session: AsyncSession, slug: str) -> Template:
        return await DEPARTMENTS.edit_form(db_session, slug)

    @post("/departments/{slug:str}/edit", name="department_update")
    async def update_department(self, request: Request, db_session: AsyncSession, slug: str) -> Any:
        return await DEPARTMENTS.update(request, db_session, slug)

    @get("/institutions/new", name="institution_new")
    async def new_institution(self, db_session: AsyncSession) -> Template:
        return await INSTITUTIONS.new_form(db_session)

    @post("/institutions/new", name="institution_create")
    async def create_institution(self, request: Request, db_session: AsyncSession) -> Any:
        return await INSTITUTIONS.create(request, db_session)

    @get("/institutions/{slug:str}/edit", name="institution_edit")
    async def edit_institution(self, db_session: AsyncSession, slug: str) -> Template:
        return await INSTITUTIONS.edit_form(db_session, slug)

    @post("/institutions/{slug:str}/edit", name="institution_update")
    async def update_institution(self, request: Request, db_session: AsyncSession, slug: str) -> Any:
        return await INSTITUTIONS.update(request, db_session, slug)

    @get("/institutions/{slug:str}/delete", name="institution_delete_confirm")
    async def confirm_delete_institution(self, db_session: AsyncSession, slug: str) -> Template:
        return await INSTITUTIONS.confirm_delete(db_session, slug)

    @post("/institutions/{slug:str}/delete", name="institution_delete")
    async def delete_institution(self, db_session: AsyncSession, slug: str) -> Redirect:
        return await INSTITUTIONS.delete(db_session, slug)

    @post("/areas/{slug:str}/steering-members", name="steering_member_add")
    async def add_steering_member(self, request: Request, db_session: AsyncSession, slug: str) -> Redirect:
        form = await request.form()
        area = await _area_or_404(db_session, slug)
        await services.add_steering_member(db_session, area, form.get("person_id"), str(form.get("role", "")))
        return Redirect(f"/areas/{slug}#steering-heading", status_code=303)

    @post("/areas/{slug:str}/steering-members/{member_id:int}/delete", name="steering_member_remove")
    async def remove_steering_member(self, db_session: AsyncSession, slug: str, member_id: int) -> Redirect:
        await services.remove_steering_member(db_session, await _area_or_404(db_session, slug), member_id)
        return Redirect(f"/areas/{slug}#steering-heading", status_code=303)

    @post("/areas/{slug:str}/arena-participants", name="arena_participant_add")
    async def add_arena_participant(self, request: Request, db_session: AsyncSession, slug: str) -> Redirect:
        form = await request.form()
        area = await _area_or_404(db_session, slug)
        await services.add_arena_participant(
            db_session, area, form.get("institution_id"), form.get("person_id"), str(form.get("role", ""))
        )
        return Redirect(f"/areas/{slug}#arena-heading", status_code=303)

    @post("/areas/{slug:str}/arena-participants/{participant_id:int}/delete", name="arena_participant_remove")
    async def remove_arena_participant(self, db_session: AsyncSession, slug: str, participant_id: int) -> Redirect:
        await services.remove_arena_participant(db_session, await _area_or_404(db_session, slug), participant_id)
        return Redirect(f"/areas/{slug}#arena-heading", status_code=303)

    @get("/departments/{slug:str}/delete", name="department_delete_confirm")
    async def confirm_delete_department(self, db_session: AsyncSession, slug: str) -> Template:
        return await DEPARTMENTS.confirm_delete(db_session, slug)

    @post("/departments/{slug:str}/delete", name="department_delete")
    async def delete_department(self, db_session: AsyncSession, slug: str) -> Redirect:
        return await DEPARTMENTS.delete(db_session, slug)
