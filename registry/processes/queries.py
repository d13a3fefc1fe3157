"""Reading processes: lists and pages with a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from registry.db import models as m
from registry.processes import rules
from registry.processes.models import (
    Mandate,
    Process,
    ProcessAppointment,
    ProcessNeed,
    RaciActivity,
    RaciAssignment,
    RaciColumn,
    TeamMember,
)


def _process_options():
    return (
        joinedload(Process.owner),
        joinedload(Process.owning_area),
        selectinload(Process.departments),
        selectinload(Process.appointments).joinedload(ProcessAppointment.person),
        selectinload(Process.team).options(
            joinedload(TeamMember.person), joinedload(TeamMember.department), joinedload(TeamMember.institution)
        ),
    )


async def list_processes(session: AsyncSession) -> Sequence[Process]:
    return (await session.scalars(select(Process).options(*_process_options()).order_by(Process.name))).unique().all()


async def get_process(session: AsyncSession, slug: str) -> Process | None:
    return await session.scalar(
        select(Process)
        .where(Process.slug == slug)
        .options(*_process_options())
        .execution_options(populate_existing=True)
    )


def current_responsible(process: Process) -> ProcessAppointment | None:
    return next((a for a in process.appointments if a.ended_on is None), None)


@dataclass(frozen=True)
class TeamSummary:
    time: rules.TeamTime
    missing_departments: list[m.Department]


def team_summary(process: Process, today: date) -> TeamSummary:
    time = rules.team_time(
        ((t.allocation, t.allocation_unit.value, t.starts_on, t.ends_on) for t in process.team), today
    )
    current = [t for t in process.team if rules.is_current(t.starts_on, t.ends_on, today)]
    missing = rules.unrepresented((d.id for d in process.departments), (t.department_id for t in current))
    return TeamSummary(time, [d for d in process.departments if d.id in missing])


async def mandates(session: AsyncSession, process_id: int) -> list[Mandate]:
    """Every version, newest first."""
    return list(
        (
            await session.scalars(
                select(Mandate).where(Mandate.process_id == process_id).order_by(Mandate.version.desc())
            )
        ).all()
    )


def approved_mandate(versions: Sequence[Mandate]) -> Mandate | None:
    """The mandate in force: the newest approved version."""
    return next((v for v in sorted(versions, key=lambda v: -v.version) if v.is_approved), None)


async def approved_mandates(session: AsyncSession) -> dict[int, Mandate]:
    """Per process, the newest approved mandate (one query for all processes)."""
    found: dict[int, Mandate] = {}
    rows = await session.scalars(
        select(Mandate).where(Mandate.approved_at.is_not(None)).order_by(Mandate.process_id, Mandate.version)
    )
    for mandate in rows.all():
        found[mandate.process_id] = mandate
    return found


async def mandate_version(session: AsyncSession, process_id: int, version: int) -> Mandate | None:
    return await session.scalar(select(Mandate).where(Mandate.process_id == process_id, Mandate.version == version))


@dataclass(frozen=True)
class Matrix:
    activities: list[RaciActivity]
    columns: list[RaciColumn]
    cells: dict[tuple[int, int], str]  # (activity id, column id) → R/A/C/I

    def row(self, activity_id: int) -> list[str]:
        return [self.cells.get((activity_id, column.id), "") for column in self.columns]


async def matrix(session: AsyncSession, process_id: int) -> Matrix:
    activities = (
        await session.scalars(
            select(RaciActivity).where(RaciActivity.process_id == process_id).order_by(RaciActivity.position)
        )
    ).all()
    columns = (
        await session.scalars(
            select(RaciColumn)
            .where(RaciColumn.process_id == process_id)
            .options(joinedload(RaciColumn.person), joinedload(RaciColumn.department))
            .order_by(RaciColumn.position)
        )
    ).all()
    cells = await session.execute(
        select(RaciAssignment.activity_id, RaciAssignment.column_id, RaciAssignment.value)
        .join(RaciActivity, RaciActivity.id == RaciAssignment.activity_id)
        .where(RaciActivity.process_id == process_id)
    )
    return Matrix(list(activities), list(columns), {(a, c): v.value for a, c, v in cells})


def column_label(column: RaciColumn) -> str:
    if column.person is not None:
        return column.person.name
    if column.department is not None:
        return column.department.short_name or column.department.name
    return column.role_name


async def needs_of(session: AsyncSession, process_id: int) -> list[m.Need]:
    return list(
        (
            await session.scalars(
                select(m.Need)
                .join(ProcessNeed, ProcessNeed.need_id == m.Need.id)
                .where(ProcessNeed.process_id == process_id)
                .order_by(m.Need.id)
            )
        ).all()
    )


async def processes_of_need(session: AsyncSession, need_id: int) -> list[Process]:
    return list(
        (
            await session.scalars(
                select(Process)
                .join(ProcessNeed, ProcessNeed.process_id == Process.id)
                .where(ProcessNeed.need_id == need_id)
                .order_by(Process.name)
            )
        ).all()
    )
