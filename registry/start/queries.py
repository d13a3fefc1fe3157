"""What awaits one person, read in a fixed number of queries whatever the size of the registry.

Each role's part is read only when the person holds the role, so a person without roles pays for
their own needs and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.principal import Principal
from registry.benefits.status import next_due
from registry.db import models as m
from registry.decisions import queries as decision_queries
from registry.needs.models import NeedState
from registry.processes.rules import expiry

SHOWN = 15  # items of each kind on the page; the count says how many there are in all
RECENT_DAYS = 14  # "since your last visit" for a person who has not been here before


@dataclass
class Listed:
    """Up to SHOWN items, and how many there are in all."""

    items: list = field(default_factory=list)
    total: int = 0


@dataclass
class MandateItem:
    process: m.Process
    mandate: m.Mandate
    ending: str | None = None  # 'ended' / 'ending' for an approved mandate


@dataclass
class BenefitDue:
    benefit_id: int
    indicator: str
    due_on: date
    last_measured: date | None


@dataclass
class Start:
    last_visit: datetime | None
    since: datetime
    to_clarify: Listed | None = None
    to_score: Listed | None = None
    meetings: list[m.Meeting] | None = None
    awaiting_decision: list | None = None
    mandates_to_approve: list[MandateItem] | None = None
    mandates_ending: list[MandateItem] | None = None
    measurements_due: list[BenefitDue] | None = None
    my_needs: Listed = field(default_factory=Listed)
    happened: list[tuple[m.NeedTransition, str]] = field(default_factory=list)  # (transition, need title)
    area_names: dict[int, str] = field(default_factory=dict)


async def _listed(session: AsyncSession, statement) -> Listed:
    """The first SHOWN rows and the total, in one query (a window count over the filtered rows)."""
    rows = (await session.execute(statement.add_columns(func.count().over()).limit(SHOWN))).all()
    return Listed([row[0] for row in rows], rows[0][-1] if rows else 0)


async def last_visit(session: AsyncSession, principal: Principal) -> datetime | None:
    """The last time the person used the registry before this log-in session: the latest activity of
    their other sessions."""
    return await session.scalar(
        select(func.max(m.UserSession.last_seen_at)).where(
            m.UserSession.account_id == principal.account_id, m.UserSession.id != principal.session_id
        )
    )


async def start(session: AsyncSession, principal: Principal, today: date, now: datetime) -> Start:
    previous = await last_visit(session, principal)
    page = Start(last_visit=previous, since=previous or now - timedelta(days=RECENT_DAYS))
    areas = principal.coordinator_of | principal.steering_member_of
    if areas:
        page.area_names = dict(
            (
                await session.execute(select(m.SupportArea.id, m.SupportArea.name).where(m.SupportArea.id.in_(areas)))
            ).all()
        )
    if principal.coordinator_of:
        page.to_clarify = await _listed(
            session,
            select(m.Need)
            .where(
                m.Need.state.in_([NeedState.submitted, NeedState.clarified]),
                # An unrouted need is every coordinator's to route.
                or_(m.Need.owning_area_id.in_(principal.coordinator_of), m.Need.owning_area_id.is_(None)),
            )
            .order_by(m.Need.raised_on, m.Need.id),
        )
    if principal.steering_member_of:
        scored = exists().where(m.NeedScore.need_id == m.Need.id, m.NeedScore.rater_id == principal.person_id)
        page.to_score = await _listed(
            session,
            select(m.Need)
            .where(m.Need.state == NeedState.ready, m.Need.owning_area_id.in_(principal.steering_member_of), ~scored)
            .order_by(m.Need.raised_on, m.Need.id),
        )
        page.meetings = list(
            (
                await session.scalars(
                    select(m.Meeting)
                    .where(
                        m.Meeting.area_id.in_(principal.steering_member_of),
                        m.Meeting.state == m.MeetingState.planned,
                        m.Meeting.held_on >= today,
                    )
                    .order_by(m.Meeting.held_on, m.Meeting.id)
                    .limit(5)
                )
            ).all()
        )
    deciding = principal.head_of | principal.deputy_of
    if deciding:
        page.awaiting_decision, _recent, _departments = await decision_queries.desk(session, deciding, recent=0)
    processes = principal.processes_owned | principal.process_responsible_of
    if processes:
        await _mandates(session, principal, processes, today, page)
    page.measurements_due = await _measurements_due(session, principal, processes, today)
    page.my_needs = await _listed(
        session, select(m.Need).where(m.Need.submitted_by_id == principal.person_id).order_by(m.Need.id.desc())
    )
    page.happened = [
        (transition, title)
        for transition, title in (
            await session.execute(
                select(m.NeedTransition, m.Need.title)
                .join(m.Need, m.Need.id == m.NeedTransition.need_id)
                .where(
                    m.Need.submitted_by_id == principal.person_id,
                    m.NeedTransition.created_at > page.since,
                    # What others did: one's own moves are no news.
                    or_(m.NeedTransition.actor_id.is_(None), m.NeedTransition.actor_id != principal.person_id),
                )
                .order_by(m.NeedTransition.id.desc())
                .limit(50)
            )
        ).all()
    ]
    return page


async def _mandates(session: AsyncSession, principal: Principal, processes: frozenset[int], today, page: Start) -> None:
    rows = (
        await session.execute(
            select(m.Mandate, m.Process)
            .join(m.Process, m.Process.id == m.Mandate.process_id)
            .where(m.Mandate.process_id.in_(processes))
            .order_by(m.Process.name, m.Mandate.version)
        )
    ).all()
    newest_approved: dict[int, MandateItem] = {}
    page.mandates_to_approve = []
    for mandate, process in rows:
        if mandate.is_approved:
            newest_approved[process.id] = MandateItem(process, mandate, expiry(mandate.ends_on, today))
        elif process.id in principal.processes_owned:
            page.mandates_to_approve.append(MandateItem(process, mandate))
    page.mandates_ending = [item for item in newest_approved.values() if item.ending]


async def _measurements_due(
    session: AsyncSession, principal: Principal, processes: frozenset[int], today: date
) -> list[BenefitDue]:
    """The benefits the person measures (as the benefit's responsible, or for their processes) whose
    next measurement is due."""
    mine = [m.Benefit.responsible_id == principal.person_id]
    if processes:
        mine.append(m.Benefit.process_id.in_(processes))
    last = (
        select(m.Measurement.benefit_id, func.max(m.Measurement.measured_on).label("last"))
        .group_by(m.Measurement.benefit_id)
        .subquery()
    )
    benefits = (
        await session.execute(
            select(
                m.Benefit.id,
                m.Benefit.indicator,
                m.Benefit.starts_on,
                m.Benefit.target_date,
                m.Benefit.frequency,
                last.c.last,
            )
            .outerjoin(last, last.c.benefit_id == m.Benefit.id)
            .where(
                or_(*mine),
                m.Benefit.starts_on <= today,
                # Measured until the target date, and once at it.
                or_(last.c.last.is_(None), last.c.last < m.Benefit.target_date),
            )
            .order_by(m.Benefit.id)
        )
    ).all()
    return sorted(
        (
            BenefitDue(benefit_id, indicator, due, last_measured)
            for benefit_id, indicator, starts_on, target_date, frequency, last_measured in benefits
            if (due := min(next_due(starts_on, frequency, last_measured), target_date)) <= today
        ),
        key=lambda item: (item.due_on, item.benefit_id),
    )
