"""Reading the registry into the plain facts the graph is built from: a fixed number of queries,
whatever the number of needs (never one per need or per department)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date

from sqlalchemy import Select, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from registry.db import models as m
from registry.graph.build import (
    DEPENDENCY_KINDS,
    AreaFacts,
    DepartmentFacts,
    InstitutionFacts,
    LinkFacts,
    NeedFacts,
    ProcessTeamFacts,
    RegistryFacts,
    dependencies_of,
)
from registry.needs.models import LinkKind, Need, NeedArea, NeedDepartment, NeedLink, NeedState

_DEPENDENCY_KINDS = [LinkKind(kind) for kind in DEPENDENCY_KINDS]


async def register(session: AsyncSession) -> RegistryFacts:
    """The public part: departments and areas with their memberships (three queries)."""
    departments = [
        DepartmentFacts(id=i, name=name, short_name=short or "", slug=slug)
        for i, name, short, slug in await session.execute(
            select(m.Department.id, m.Department.name, m.Department.short_name, m.Department.slug)
        )
    ]
    members: dict[int, set[int]] = defaultdict(set)
    for area_id, department_id in await session.execute(
        select(m.AreaMembership.area_id, m.AreaMembership.department_id)
    ):
        members[area_id].add(department_id)
    areas = [
        AreaFacts(id=i, name=name, slug=slug, department_ids=frozenset(members[i]))
        for i, name, slug in await session.execute(
            select(m.SupportArea.id, m.SupportArea.name, m.SupportArea.slug).order_by(m.SupportArea.name)
        )
    ]
    # A process team ties the departments its current members come from.
    teams: dict[tuple[int, str], set[int]] = {}
    today = date.today()
    for process_id, name, department_id in await session.execute(
        select(m.Process.id, m.Process.name, m.TeamMember.department_id)
        .join(m.TeamMember, m.TeamMember.process_id == m.Process.id)
        .where(
            m.TeamMember.department_id.is_not(None),
            or_(m.TeamMember.ends_on.is_(None), m.TeamMember.ends_on >= today),
        )
    ):
        teams.setdefault((process_id, name), set()).add(department_id)
    process_teams = [
        ProcessTeamFacts(name=name, department_ids=frozenset(ids)) for (_id, name), ids in sorted(teams.items())
    ]
    return RegistryFacts(departments=departments, areas=areas, process_teams=process_teams)


async def registry(
    session: AsyncSession,
    *,
    institutions: bool = False,
    department_ids: Collection[int] | None = None,
    area_id: int | None = None,
) -> RegistryFacts:
    """The register, the needs (but merged ones), their departments and areas and their dependencies.

    With `department_ids` (or `area_id`) only the needs that touch those departments (that area) are read,
    with the needs they depend on or block: enough for their ties, and cheap on a large registry.
    Seven queries, eight with institutions.
    """
    facts = await register(session)
    scope = _scope(department_ids, area_id)
    rows = await session.execute(
        scope_filter(
            select(
                Need.id, Need.title, Need.state, Need.raised_on, Need.owning_area_id, Need.raised_by_institution_id
            ).where(Need.state != NeedState.merged),
            scope,
        )
    )
    need_rows = rows.all()
    areas_of: dict[int, set[int]] = defaultdict(set)
    for need_id, owning in ((r[0], r[4]) for r in need_rows):
        if owning is not None:
            areas_of[need_id].add(owning)
    for need_id, other in await session.execute(
        scope_filter(select(NeedArea.need_id, NeedArea.area_id), scope, NeedArea.need_id)
    ):
        areas_of[need_id].add(other)
    departments_of: dict[int, set[int]] = defaultdict(set)
    for need_id, department in await session.execute(
        scope_filter(select(NeedDepartment.need_id, NeedDepartment.department_id), scope, NeedDepartment.need_id)
    ):
        departments_of[need_id].add(department)
    facts.needs = [
        NeedFacts(
            id=need_id,
            title=title,
            state=state.value,
            raised_on=raised_on,
            area_ids=frozenset(areas_of[need_id]),
            department_ids=frozenset(departments_of[need_id]),
            institution_id=institution_id,
        )
        for need_id, title, state, raised_on, _owning, institution_id in need_rows
    ]
    link_query = select(NeedLink.from_need_id, NeedLink.to_need_id, NeedLink.kind).where(
        NeedLink.kind.in_(_DEPENDENCY_KINDS)
    )
    if scope is not None:
        link_query = link_query.where(NeedLink.from_need_id.in_(scope), NeedLink.to_need_id.in_(scope))
    facts.links = [LinkFacts(a, b, kind.value) for a, b, kind in await session.execute(link_query)]
    if institutions:
        facts.institutions = [
            InstitutionFacts(id=i, name=name, short_name=short or "", slug=slug)
            for i, name, short, slug in await session.execute(
                select(m.Institution.id, m.Institution.name, m.Institution.short_name, m.Institution.slug)
            )
        ]
    return facts


def _scope(department_ids: Collection[int] | None, area_id: int | None) -> Select | None:
    """The ids of the needs that touch some departments (or an area), and of the needs linked to them by a
    dependency, as a subquery; None for every need."""
    if department_ids is not None:
        touching = select(NeedDepartment.need_id).where(NeedDepartment.department_id.in_(sorted(department_ids)))
    elif area_id is not None:
        touching = union(
            select(Need.id).where(Need.owning_area_id == area_id),
            select(NeedArea.need_id).where(NeedArea.area_id == area_id),
        )
    else:
        return None
    ids = touching.subquery()
    touching_ids = select(ids.c[0])
    dependency = NeedLink.kind.in_(_DEPENDENCY_KINDS)
    return union(
        touching_ids,
        select(NeedLink.to_need_id).where(dependency, NeedLink.from_need_id.in_(touching_ids)),
        select(NeedLink.from_need_id).where(dependency, NeedLink.to_need_id.in_(touching_ids)),
    )


def scope_filter(statement: Select, scope: Select | None, column=Need.id) -> Select:
    return statement if scope is None else statement.where(column.in_(scope))


async def dependencies(session: AsyncSession) -> list[tuple[int, int]]:
    """Every dependency between needs, (x, y): x depends on y. One query of id pairs."""
    rows = await session.execute(
        select(NeedLink.from_need_id, NeedLink.to_need_id, NeedLink.kind).where(NeedLink.kind.in_(_DEPENDENCY_KINDS))
    )
    return dependencies_of((a, b, kind.value) for a, b, kind in rows)


async def needs_by_id(session: AsyncSession, ids: set[int]) -> dict[int, Need]:
    if not ids:
        return {}
    return {need.id: need for need in (await session.scalars(select(Need).where(Need.id.in_(sorted(ids))))).all()}
