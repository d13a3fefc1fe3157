"""A meeting's ranked list: its agenda needs in the area's ranking, with the capacity cut-line,
and the snapshot a closed meeting keeps of it. Reads with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.db import models as m
from registry.meetings import cutline
from registry.meetings.models import AgendaItem, DepartmentCapacity, Meeting
from registry.priorities import backlog, queries, scoring
from registry.priorities.models import NeedScore


@dataclass
class MeetingRanking:
    table: pd.DataFrame  # one row per agenda item, in list order (above the line first)
    remaining: dict[int, float]  # department id → person-days left after the needs above the line
    capacity: dict[int, float]
    load: pd.DataFrame  # per department: capacity, load above the line, remaining, needs it kept out
    bottleneck: list[int]  # the department(s) whose capacity kept the most needs out
    departments: dict[int, str]
    weights: scoring.Weights
    goals: list


async def ranked_ready_needs(session: AsyncSession, area_id: int) -> list[int]:
    """The area's needs that are ready for the steering group, best-ranked first, unscored last."""
    flt = queries.BacklogFilter(area=area_id, state=("ready",), kind="")
    data = await queries.backlog(session, flt)
    goals = await queries.goals_in_force(session)
    models = await queries.scoring_models(session)
    weights = {None: queries.weights_of(queries.model_for(models, area_id), goals)}
    weights[area_id] = weights[None]
    ranked = backlog.rank_backlog(data.needs, data.ratings, [g.id for g in goals], weights, runs=20)
    return [int(n) for n in ranked.table.index] + [int(n) for n in ranked.unscored.index]


async def meeting_ranking(session: AsyncSession, meeting: Meeting) -> MeetingRanking:
    items = (
        await session.execute(
            select(AgendaItem, m.Need.title, m.Need.state)
            .join(m.Need, m.Need.id == AgendaItem.need_id)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    ).all()
    goals = await queries.goals_in_force(session)
    models = await queries.scoring_models(session)
    weights = queries.weights_of(queries.model_for(models, meeting.area_id), goals)
    data = await queries.backlog(session, queries.BacklogFilter(area=meeting.area_id, kind="", state=_ALL_OPEN))
    ranked = backlog.rank_backlog(data.needs, data.ratings, [g.id for g in goals], {None: weights})
    agenda_ids = [item.need_id for item, _title, _state in items]
    table = pd.DataFrame(
        [
            {
                "need_id": item.need_id,
                "item_id": item.id,
                "title": title,
                "state": state.value,
                "position": item.position,
                "forced": item.forced.value if item.forced else None,
                "force_reason": item.force_reason,
                "advice": item.advice.value if item.advice else None,
                "rationale": item.rationale,
                "notes": item.notes,
                "version": item.version,
                "edited_by_name": item.edited_by_name,
            }
            for item, title, state in items
        ],
        columns=[
            "need_id",
            "item_id",
            "title",
            "state",
            "position",
            "forced",
            "force_reason",
            "advice",
            "rationale",
            "notes",
            "version",
            "edited_by_name",
        ],
    ).set_index("need_id")
    scored = ranked.table.reindex(agenda_ids)
    # Rank within the agenda: the area's ranking restricted to the needs on it.
    table["area_rank"] = scored["area_rank"]
    table["rank"] = scoring.rank(scored["score"].rename("score")).where(scored["score"].notna())
    for column in ("score", "rank_low", "rank_high", "verdict", "raters", "spread", "disputed", "value"):
        table[column] = scored.get(column)
    for name in scoring.CRITERIA:
        table[f"points_{name}"] = scored.get(f"points_{name}")
    capacity_rows = (
        await session.execute(
            select(DepartmentCapacity.department_id, DepartmentCapacity.available_days, m.Department.name)
            .join(m.Department, m.Department.id == DepartmentCapacity.department_id)
            .where(DepartmentCapacity.meeting_id == meeting.id)
        )
    ).all()
    capacity = {int(d): float(days) for d, days, _name in capacity_rows}
    effort_rows = (
        await session.execute(
            select(
                m.NeedDepartment.need_id,
                m.NeedDepartment.department_id,
                m.NeedDepartment.effort_days,
                m.Department.name,
            )
            .join(m.Department, m.Department.id == m.NeedDepartment.department_id)
            .where(m.NeedDepartment.need_id.in_(agenda_ids))
        )
    ).all()
    efforts = pd.DataFrame(
        [(n, d, float(e) if e is not None else float("nan")) for n, d, e, _name in effort_rows],
        columns=["need_id", "department_id", "effort_days"],
    )
    departments = {int(d): name for d, _days, name in capacity_rows} | {int(d): name for _n, d, _e, name in effort_rows}
    table["effort_days"] = efforts.groupby("need_id")["effort_days"].sum(min_count=1).reindex(table.index)
    line = cutline.cut_line(table, efforts, capacity)
    for column in _TEXT:  # pandas turns missing text into NaN, which templates would take for a value
        line[column] = line[column].astype(object).where(line[column].notna(), None)
    load = cutline.department_load(line, efforts, capacity)
    return MeetingRanking(
        table=line,
        remaining=cutline.remaining_capacity(line, efforts, capacity),
        capacity=capacity,
        load=load,
        bottleneck=cutline.bottleneck(load),
        departments=departments,
        weights=weights,
        goals=goals,
    )


_TEXT = ("forced", "force_reason", "advice", "rationale", "notes", "edited_by_name", "verdict", "disputed")
_ALL_OPEN = tuple(state.value for state in queries.BACKLOG_STATES)


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


async def snapshot_data(session: AsyncSession, meeting: Meeting) -> dict[str, Any]:
    """Everything the minutes show, as plain JSON: later changes to scores, weights or needs cannot
    alter it."""
    ranking = await meeting_ranking(session, meeting)
    people = (
        (
            await session.execute(
                select(m.Person.name)
                .join(m.MeetingAttendee, m.MeetingAttendee.person_id == m.Person.id)
                .where(m.MeetingAttendee.meeting_id == meeting.id)
                .order_by(m.Person.name)
            )
        )
        .scalars()
        .all()
    )
    agenda_ids = [int(n) for n in ranking.table.index]
    scores = (
        await session.scalars(
            select(NeedScore).where(NeedScore.need_id.in_(agenda_ids)).order_by(NeedScore.need_id, NeedScore.id)
        )
    ).all()
    columns = [
        "order",
        "title",
        "state",
        "position",
        "rank",
        "area_rank",
        "score",
        "value",
        "rank_low",
        "rank_high",
        "verdict",
        "raters",
        "spread",
        "effort_days",
        "forced",
        "force_reason",
        "advice",
        "rationale",
        "notes",
        "above",
        "reason",
        *(f"points_{name}" for name in scoring.CRITERIA),
    ]
    rows = []
    for need_id, row in ranking.table.iterrows():
        entry = {"need_id": int(need_id)} | {column: _plain(row.get(column)) for column in columns}
        entry["short"] = {ranking.departments.get(d, str(d)): days for d, days in row["short"].items()}
        entry["missing_estimate"] = bool(row["missing_estimate"])
        rows.append(entry)
    return {
        "meeting": {
            "title": meeting.title,
            "forum": meeting.forum.value,
            "held_on": meeting.held_on.isoformat(),
            "location": meeting.location,
            "period_from": meeting.period_from.isoformat() if meeting.period_from else None,
            "period_to": meeting.period_to.isoformat() if meeting.period_to else None,
        },
        "attendees": list(people),
        "weights": {
            "method": ranking.weights.method,
            "criteria": dict(ranking.weights.criteria),
            "effort_half_days": ranking.weights.effort_half_days,
            "goals": [
                {"id": g.id, "name": g.name, "share": float(s)}
                for g, s in zip(ranking.goals, ranking.weights.goal_shares([g.id for g in ranking.goals]), strict=True)
            ],
        },
        "capacity": [
            {
                "department": ranking.departments.get(d, str(d)),
                "available": _plain(row["capacity"]),
                "load": float(row["load"]),
                "remaining": _plain(row["remaining"]),
            }
            for d, row in sorted(ranking.load.iterrows(), key=lambda pair: ranking.departments.get(pair[0], ""))
        ],
        "bottleneck": [ranking.departments.get(d, str(d)) for d in ranking.bottleneck],
        "items": rows,
        "scores": [
            {
                "need_id": s.need_id,
                "rater": s.rater_name,
                "benefit": s.benefit,
                "urgency": s.urgency,
                "risk_reduction": s.risk_reduction,
                "alignment": {str(k): v for k, v in (s.alignment or {}).items()},
                "comment": s.comment,
            }
            for s in scores
        ],
    }
