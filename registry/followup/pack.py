"""What a steering group takes into its meeting, per area and period: the ranked backlog, the group's
recommendations, the line's decisions, the departments' capacity against what they committed, and
how the benefits are doing. And the yearly follow-up report of the whole model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.benefits.status import status as benefit_status
from registry.benefits.words import status_labels
from registry.db import models as m
from registry.decisions.services import decision_labels, recommendation_labels
from registry.i18n import gettext as _
from registry.needs.lifecycle import state_label
from registry.priorities import queries as priority_queries
from registry.priorities import services as priorities


@dataclass
class Pack:
    area: m.SupportArea
    period: tuple[date, date]
    sections: dict[str, pd.DataFrame]

    @property
    def title(self) -> str:
        return _("Steering-group pack: %(area)s", area=self.area.name)

    @property
    def facts(self) -> list[str]:
        return [
            _("Period: %(start)s – %(end)s", start=self.period[0].isoformat(), end=self.period[1].isoformat()),
            _("Made on %(day)s from the VSO registry.", day=date.today().isoformat()),
        ]


async def steering_pack(session: AsyncSession, area: m.SupportArea, start: date, end: date, today: date) -> Pack:
    ranked, _goals, _models = await priorities.ranked_backlog(session, priority_queries.BacklogFilter(area=area.id))
    table = ranked.table
    backlog = pd.DataFrame(
        {
            _("Rank"): table["rank"].astype(int) if len(table) else [],
            _("Need"): [f"#{i}" for i in table.index],
            _("Title"): table["title"],
            _("State"): [state_label(m.NeedState(s)) for s in table["state"]] if len(table) else [],
            _("Score"): table["score"].round(1),
            _("Estimated person-days"): table["effort_days"],
            _("Raters"): table["raters"],
        }
    ).reset_index(drop=True)
    need_title = m.Need.title.label("title")
    recommendations = (
        await session.execute(
            select(m.Recommendation, need_title)
            .join(m.Need, m.Need.id == m.Recommendation.need_id)
            .where(m.Recommendation.area_id == area.id, m.Recommendation.recorded_on.between(start, end))
            .order_by(m.Recommendation.recorded_on, m.Recommendation.id)
        )
    ).all()
    advice = recommendation_labels()
    recommended = pd.DataFrame(
        [
            {
                _("Date"): r.recorded_on.isoformat(),
                _("Need"): f"#{r.need_id} {title}",
                _("Recommendation"): advice.get(r.outcome.value, r.outcome.value),
                _("Rationale"): r.rationale,
            }
            for r, title in recommendations
        ],
        columns=[_("Date"), _("Need"), _("Recommendation"), _("Rationale")],
    )
    decisions = (
        await session.execute(
            select(m.LineDecision, need_title, m.Department.name)
            .join(m.Need, m.Need.id == m.LineDecision.need_id)
            .join(m.Department, m.Department.id == m.LineDecision.department_id)
            .where(m.Need.owning_area_id == area.id, m.LineDecision.decided_on.between(start, end))
            .order_by(m.LineDecision.decided_on, m.LineDecision.id)
        )
    ).all()
    outcome = decision_labels()
    decided = pd.DataFrame(
        [
            {
                _("Date"): d.decided_on.isoformat(),
                _("Need"): f"#{d.need_id} {title}",
                _("Department"): department,
                _("Decision"): outcome.get(d.outcome.value, d.outcome.value),
                _("Committed person-days"): float(d.committed_days) if d.committed_days is not None else None,
                _("Decided by"): d.decided_by_name,
            }
            for d, title, department in decisions
        ],
        columns=[_("Date"), _("Need"), _("Department"), _("Decision"), _("Committed person-days"), _("Decided by")],
    )
    # Capacity: what the area's latest meeting in the period recorded, beside what was committed.
    meeting_id = await session.scalar(
        select(m.Meeting.id)
        .where(m.Meeting.area_id == area.id, m.Meeting.held_on.between(start, end))
        .order_by(m.Meeting.held_on.desc(), m.Meeting.id.desc())
        .limit(1)
    )
    available = dict(
        (
            await session.execute(
                select(m.Department.name, m.DepartmentCapacity.available_days)
                .join(m.Department, m.Department.id == m.DepartmentCapacity.department_id)
                .where(m.DepartmentCapacity.meeting_id == meeting_id)
            )
        ).all()
    )
    committed: dict[str, float] = {}
    for d, _title, department in decisions:
        if d.outcome is m.DecisionOutcome.approve and d.committed_days is not None:
            committed[department] = committed.get(department, 0.0) + float(d.committed_days)
    capacity = pd.DataFrame(
        [
            {
                _("Department"): name,
                _("Available person-days"): float(available[name]) if name in available else None,
                _("Committed person-days"): committed.get(name, 0.0),
            }
            for name in sorted(set(available) | set(committed))
        ],
        columns=[_("Department"), _("Available person-days"), _("Committed person-days")],
    )
    benefits = (
        await session.execute(
            select(m.Benefit, need_title)
            .join(m.Need, m.Need.id == m.Benefit.need_id)
            .where(m.Need.owning_area_id == area.id)
            .order_by(m.Benefit.id)
        )
    ).all()
    points: dict[int, list] = {}
    if benefits:
        for benefit_id, day, value in (
            await session.execute(
                select(m.Measurement.benefit_id, m.Measurement.measured_on, m.Measurement.value).where(
                    m.Measurement.benefit_id.in_([b.id for b, _t in benefits])
                )
            )
        ).all():
            points.setdefault(benefit_id, []).append((day, value))
    statuses = status_labels()
    benefit_table = pd.DataFrame(
        [
            {
                _("Need"): f"#{b.need_id} {title}",
                _("Result indicator"): b.indicator,
                _("Target date"): b.target_date.isoformat(),
                _("Status"): statuses[
                    benefit_status(b.baseline, b.target, b.starts_on, b.target_date, points.get(b.id, []), today).value
                ],
            }
            for b, title in benefits
        ],
        columns=[_("Need"), _("Result indicator"), _("Target date"), _("Status")],
    )
    return Pack(
        area,
        (start, end),
        {
            _("Ranked backlog"): backlog,
            _("Recommendations"): recommended,
            _("Line decisions"): decided,
            _("Capacity"): capacity,
            _("Benefits"): benefit_table,
        },
    )
