"""Reading benefits: a need's or a process's, one with its measurements, and the portfolio of all of
them with their status and the costs they are weighed against (a fixed number of queries)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from registry.benefits import status as benefit_status
from registry.benefits.models import Benefit, BenefitType
from registry.db import models as m
from registry.processes import rules


def _options():
    return (
        joinedload(Benefit.need),
        joinedload(Benefit.process),
        joinedload(Benefit.responsible),
        selectinload(Benefit.measurements),
    )


async def benefits_of(
    session: AsyncSession, *, need_id: int | None = None, process_id: int | None = None
) -> Sequence[Benefit]:
    statement = select(Benefit).options(*_options()).order_by(Benefit.target_date, Benefit.id)
    if need_id is not None:
        statement = statement.where(Benefit.need_id == need_id)
    else:
        statement = statement.where(Benefit.process_id == process_id)
    return (await session.scalars(statement)).unique().all()


async def get_benefit(session: AsyncSession, benefit_id: int) -> Benefit | None:
    return await session.scalar(
        select(Benefit).where(Benefit.id == benefit_id).options(*_options()).execution_options(populate_existing=True)
    )


def status_of(benefit: Benefit, today: date) -> benefit_status.Status:
    return benefit_status.status(
        benefit.baseline,
        benefit.target,
        benefit.starts_on,
        benefit.target_date,
        [(point.measured_on, point.value) for point in benefit.measurements],
        today,
    )


@dataclass(frozen=True)
class Row:
    benefit: Benefit
    status: benefit_status.Status

    @property
    def latest(self):
        return self.benefit.measurements[-1] if self.benefit.measurements else None


async def with_status(benefits: Iterable[Benefit], today: date) -> list[Row]:
    return [Row(benefit, status_of(benefit, today)) for benefit in benefits]


@dataclass(frozen=True)
class PortfolioFilter:
    status: str = ""
    benefit_type: str = ""
    belongs_to: str = ""  # "need" or "process"

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> PortfolioFilter:
        wanted_status = query.get("status", "")
        wanted_type = query.get("type", "")
        belongs = query.get("belongs_to", "")
        return cls(
            status=wanted_status if wanted_status in benefit_status.Status.__members__ else "",
            benefit_type=wanted_type if wanted_type in BenefitType.__members__ else "",
            belongs_to=belongs if belongs in ("need", "process") else "",
        )


@dataclass
class Cost:
    """What a need or process costs, set against its benefits."""

    kind: str  # "need" | "process"
    subject: object
    person_days: Decimal | None = None  # a need: its departments' estimated effort
    hours_per_month: Decimal | None = None  # a process: its team's allocated time
    statuses: Counter = field(default_factory=Counter)


async def portfolio(session: AsyncSession, wanted: PortfolioFilter, today: date) -> tuple[list[Row], list[Cost]]:
    statement = select(Benefit).options(*_options()).order_by(Benefit.target_date, Benefit.id)
    if wanted.benefit_type:
        statement = statement.where(Benefit.benefit_type == BenefitType(wanted.benefit_type))
    if wanted.belongs_to == "need":
        statement = statement.where(Benefit.need_id.is_not(None))
    elif wanted.belongs_to == "process":
        statement = statement.where(Benefit.process_id.is_not(None))
    rows = await with_status((await session.scalars(statement)).unique().all(), today)
    if wanted.status:
        rows = [row for row in rows if row.status.value == wanted.status]
    return rows, await costs(session, rows, today)


async def costs(session: AsyncSession, rows: Sequence[Row], today: date) -> list[Cost]:
    need_ids = {row.benefit.need_id for row in rows if row.benefit.need_id}
    process_ids = {row.benefit.process_id for row in rows if row.benefit.process_id}
    effort: dict[int, Decimal] = {}
    if need_ids:
        found = await session.execute(
            select(m.NeedDepartment.need_id, func.sum(m.NeedDepartment.effort_days))
            .where(m.NeedDepartment.need_id.in_(need_ids))
            .group_by(m.NeedDepartment.need_id)
        )
        effort = {need_id: Decimal(total) if total is not None else None for need_id, total in found}
    team: dict[int, list] = defaultdict(list)
    if process_ids:
        found = await session.execute(
            select(
                m.TeamMember.process_id,
                m.TeamMember.allocation,
                m.TeamMember.allocation_unit,
                m.TeamMember.starts_on,
                m.TeamMember.ends_on,
            ).where(m.TeamMember.process_id.in_(process_ids))
        )
        for process_id, allocation, unit, starts_on, ends_on in found:
            team[process_id].append((allocation, unit.value, starts_on, ends_on))
    by_subject: dict[tuple[str, int], Cost] = {}
    for row in rows:
        benefit = row.benefit
        if benefit.need_id:
            key = ("need", benefit.need_id)
            if key not in by_subject:
                by_subject[key] = Cost("need", benefit.need, person_days=effort.get(benefit.need_id))
        else:
            key = ("process", benefit.process_id)
            if key not in by_subject:
                time = rules.team_time(team.get(benefit.process_id, []), today)
                by_subject[key] = Cost("process", benefit.process, hours_per_month=time.hours_per_month)
        by_subject[key].statuses[row.status.value] += 1
    return sorted(by_subject.values(), key=lambda cost: (cost.kind, cost.subject.name))
