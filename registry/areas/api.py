"""The organisation register in the JSON API: `/api/v1/areas` and `/api/v1/departments`."""

from __future__ import annotations

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.exceptions import NotFoundException
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import admin
from registry.areas import services
from registry.areas.schemas import (
    AreaCreate,
    AreaRead,
    AreaUpdate,
    DepartmentCreate,
    DepartmentRead,
    DepartmentUpdate,
    PersonRef,
    Ref,
    sent,
)
from registry.db import models as m
from registry.db.versioning import etag, if_match
from registry.web.api import ANYONE, PUBLIC_READ, STAFF_WRITE, WRITE, WRITE_MATCHED, IfMatch


def _person(person: m.Person | None) -> PersonRef | None:
    return PersonRef(id=person.id, name=person.name, title=person.title) if person else None


def area_out(area: m.SupportArea) -> AreaRead:
    return AreaRead(
        id=area.id,
        slug=area.slug,
        name=area.name,
        purpose=area.purpose,
        responsible_head=_person(area.responsible_head),
        coordinators=[_person(p) for p in area.coordinators],
        departments=[Ref(id=d.id, slug=d.slug, name=d.name) for d in services.departments_of(area)],
        created_at=area.created_at,
        updated_at=area.updated_at,
    )


def department_out(department: m.Department) -> DepartmentRead:
    return DepartmentRead(
        id=department.id,
        slug=department.slug,
        name=department.name,
        short_name=department.short_name,
        description=department.description,
        head=_person(department.head),
        areas=[Ref(id=a.id, slug=a.slug, name=a.name) for a in services.areas_of(department)],
        created_at=department.created_at,
        updated_at=department.updated_at,
    )


async def _area(session: AsyncSession, slug: str) -> m.SupportArea:
    if (area := await services.get_area(session, slug)) is None:
        raise NotFoundException(detail=f"No area with the URL name {slug!r}.")
    return area


async def _department(session: AsyncSession, slug: str) -> m.Department:
    if (department := await services.get_department(session, slug)) is None:
        raise NotFoundException(detail=f"No department with the URL name {slug!r}.")
    return department


class AreaApi(Controller):
    path = "/api/v1/areas"
    tags = ["Support-service areas"]

    @get(
        "/",
        operation_id="listAreas",
        summary="Every support-service area with its departments",
        responses=PUBLIC_READ,
        security=ANYONE,
    )
    async def list_areas(self, db_session: AsyncSession) -> list[AreaRead]:
        return [area_out(area) for area in await services.list_areas(db_session)]

    @get(
        "/{slug:str}",
        operation_id="getArea",
        summary="One area (its version as the ETag)",
        responses=PUBLIC_READ,
        security=ANYONE,
    )
    async def get_area(self, db_session: AsyncSession, slug: str) -> Response[AreaRead]:
        area = await _area(db_session, slug)
        return Response(area_out(area), headers={"ETag": etag(area)})

    @post(
        "/", operation_id="createArea", guards=[admin], summary="Create an area", responses=WRITE, security=STAFF_WRITE
    )
    async def create_area(self, db_session: AsyncSession, data: AreaCreate) -> AreaRead:
        area = await services.save_area(db_session, sent(data))
        return area_out(await _area(db_session, area.slug))

    @patch(
        "/{slug:str}",
        operation_id="updateArea",
        guards=[admin],
        summary="Change an area (only the fields sent; If-Match with the ETag refuses a stale change)",
        responses=WRITE_MATCHED,
        security=STAFF_WRITE,
    )
    async def update_area(
        self, request: Request, db_session: AsyncSession, slug: str, data: AreaUpdate, if_match_tag: IfMatch = None
    ) -> Response[AreaRead]:
        area = await _area(db_session, slug)
        if_match(request, area)
        area = await _area(db_session, (await services.save_area(db_session, sent(data), area, partial=True)).slug)
        return Response(area_out(area), headers={"ETag": etag(area)})

    @delete(
        "/{slug:str}",
        operation_id="deleteArea",
        guards=[admin],
        summary="Delete an area",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def delete_area(self, db_session: AsyncSession, slug: str) -> None:
        await services.remove(db_session, await _area(db_session, slug))


class DepartmentApi(Controller):
    path = "/api/v1/departments"
    tags = ["Departments"]

    @get(
        "/",
        operation_id="listDepartments",
        summary="Every department with its areas",
        responses=PUBLIC_READ,
        security=ANYONE,
    )
    async def list_departments(self, db_session: AsyncSession) -> list[DepartmentRead]:
        return [department_out(d) for d in await services.list_departments(db_session)]

    @get(
        "/{slug:str}",
        operation_id="getDepartment",
        summary="One department (its version as the ETag)",
        responses=PUBLIC_READ,
        security=ANYONE,
    )
    async def get_department(self, db_session: AsyncSession, slug: str) -> Response[DepartmentRead]:
        department = await _department(db_session, slug)
        return Response(department_out(department), headers={"ETag": etag(department)})

    @post(
        "/",
        operation_id="createDepartment",
        guards=[admin],
        summary="Create a department",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def create_department(self, db_session: AsyncSession, data: DepartmentCreate) -> DepartmentRead:
        department = await services.save_department(db_session, sent(data))
        return department_out(await _department(db_session, department.slug))

    @patch(
        "/{slug:str}",
        operation_id="updateDepartment",
        guards=[admin],
        summary="Change a department (only the fields sent; If-Match with the ETag refuses a stale change)",
        responses=WRITE_MATCHED,
        security=STAFF_WRITE,
    )
    async def update_department(
        self,
        request: Request,
        db_session: AsyncSession,
        slug: str,
        data: DepartmentUpdate,
        if_match_tag: IfMatch = None,
    ) -> Response[DepartmentRead]:
        department = await _department(db_session, slug)
        if_match(request, department)
        saved = await services.save_department(db_session, sent(data), department, partial=True)
        department = await _department(db_session, saved.slug)
        return Response(department_out(department), headers={"ETag": etag(department)})

    @delete(
        "/{slug:str}",
        operation_id="deleteDepartment",
        guards=[admin],
        summary="Delete a department",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def delete_department(self, db_session: AsyncSession, slug: str) -> None:
        await services.remove(db_session, await _department(db_session, slug))
