"""The frames the follow-up figures are computed from, read in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.benefits.status import status as benefit_status
from registry.db import models as m


@dataclass(frozen=True)
class Filter:
    area: int | None = None
    raised_from: date | None = None
    raised_to: date | None = None

    @classmethod
    def from_query(cls, query) -> tuple[Filter, dict[str, str]]:
        """The filter from the address's query, and an error for each value that could not be read."""
        errors: dict[str, str] = {}

        def day(name: str) -> date | None:
            text = (query.get(name) or "").strip()
            if not text:
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                errors[name] = text
                return None

        area_text = (query.get("area") or "").strip()
        area = int(area_text) if area_text.isdigit() else None
        if area_text and area is None:
            errors["area"] = area_text
        return cls(area, day("from"), day("to")), errors


@dataclass
class Frames:
    needs: pd.DataFrame
    transitions: pd.DataFrame
    moves: pd.DataFrame
    decisions: pd.DataFrame
    benefits: pd.DataFrame


async def frames(session: AsyncSession, flt: Filter, today: date) -> Frames:
    areas = dict((await session.execute(select(m.SupportArea.id, m.SupportArea.name))).all())
    departments = dict((await session.execute(select(m.Department.id, m.Department.name))).all())
    institutions = dict((await session.execute(select(m.Institution.id, m.Institution.name))).all())
    last_move = (
        select(m.NeedTransition.need_id, func.max(m.NeedTransition.created_at).label("since"))
        .group_by(m.NeedTransition.need_id)
        .subquery()
    )
    statement = select(
        m.Need.id,
        m.Need.title,
        m.Need.state,
        m.Need.owning_area_id,
        m.Need.channel,
        m.Need.raised_by_institution_id,
        m.Need.raised_on,
        last_move.c.since,
    ).outerjoin(last_move, last_move.c.need_id == m.Need.id)
    if flt.area is not None:
        statement = statement.where(m.Need.owning_area_id == flt.area)
    if flt.raised_from is not None:
        statement = statement.where(m.Need.raised_on >= flt.raised_from)
    if flt.raised_to is not None:
        statement = statement.where(m.Need.raised_on <= flt.raised_to)
    rows = (await session.execute(statement)).all()
    needs = pd.DataFrame(
        [
            {
                "id": r.id,
                "title": r.title,
                "state": r.state.value,
                "area": areas.get(r.owning_area_id),
                "channel": r.channel.value,
                "institution": institutions.get(r.raised_by_institution_id),
                "raised_on": r.raised_on,
                "state_since": max(r.since.date(), r.raised_on) if r.since else r.raised_on,
            }
            for r in rows
        ],
        columns=["id", "title", "state", "area", "channel", "institution", "raised_on", "state_since"],
    )
    ids = set(needs["id"])
    transitions = pd.DataFrame(
        [
            {"need_id": need_id, "to_state": to_state.value, "on": at.date()}
            for need_id, to_state, at in (
                await session.execute(
                    select(m.NeedTransition.need_id, m.NeedTransition.to_state, m.NeedTransition.created_at)
                )
            ).all()
            if need_id in ids
        ],
        columns=["need_id", "to_state", "on"],
    )
    moved: dict[int, int] = {}
    for need_id, after in (
        await session.execute(
            select(m.ChangeRecord.object_id, m.ChangeRecord.after).where(
                m.ChangeRecord.object_type == "need", m.ChangeRecord.action == m.ChangeAction.update
            )
        )
    ).all():
        if need_id in ids and after and ("owning_area_id" in after or "departments" in after):
            moved[need_id] = moved.get(need_id, 0) + 1
    decisions = pd.DataFrame(
        [
            {
                "id": d_id,
                "need_id": need_id,
                "department": departments.get(department_id, f"#{department_id}"),
                "outcome": outcome.value,
            }
            for d_id, need_id, department_id, outcome in (
                await session.execute(
                    select(
                        m.LineDecision.id, m.LineDecision.need_id, m.LineDecision.department_id, m.LineDecision.outcome
                    )
                )
            ).all()
            if need_id in ids
        ],
        columns=["id", "need_id", "department", "outcome"],
    )
    benefit_rows = (
        await session.execute(
            select(m.Benefit, m.Process.owning_area_id).outerjoin(m.Process, m.Process.id == m.Benefit.process_id)
        )
    ).all()
    points: dict[int, list] = {}
    for benefit_id, day, value in (
        await session.execute(select(m.Measurement.benefit_id, m.Measurement.measured_on, m.Measurement.value))
    ).all():
        points.setdefault(benefit_id, []).append((day, value))
    benefits = pd.DataFrame(
        [
            {
                "id": b.id,
                "status": benefit_status(
                    b.baseline, b.target, b.starts_on, b.target_date, points.get(b.id, []), today
                ).value,
            }
            for b, process_area in benefit_rows
            if (b.need_id in ids) or (b.process_id is not None and (flt.area is None or process_area == flt.area))
        ],
        columns=["id", "status"],
    )
    return Frames(
        needs=needs,
        transitions=transitions,
        moves=pd.DataFrame({"need_id": list(moved), "moves": list(moved.values())}, columns=["need_id", "moves"]),
        decisions=decisions,
        benefits=benefits,
    )
