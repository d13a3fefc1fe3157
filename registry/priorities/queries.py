"""Reading what prioritising needs: the strategy's goals in force, the scoring models, and the
backlog as plain frames for `registry.priorities.scoring`. A backlog costs a fixed number of
queries (five), whatever the number of needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from registry.db import models as m
from registry.needs.models import NeedKind, NeedState
from registry.priorities import scoring
from registry.priorities.models import GoalWeighting, NeedScore, ScoringModel, StrategicGoal, Strategy

# The needs a steering group weighs: raised and not yet decided (or deferred, back in the queue).
BACKLOG_STATES = (
    NeedState.submitted,
    NeedState.clarified,
    NeedState.ready,
    NeedState.recommended,
    NeedState.deferred,
)


@dataclass(frozen=True)
class BacklogFilter:
    area: int | None = None
    department: int | None = None
    state: tuple[str, ...] = ()
    kind: str = NeedKind.development_project.value
    verdict: str = ""
    errors: dict[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def from_query(cls, query: Any, *, area: int | None = None) -> BacklogFilter:
        errors: dict[str, str] = {}

        def number(name: str) -> int | None:
            value = (query.get(name) or "").strip()
            if value and not value.isdigit():
                errors[name] = value
                return None
            return int(value) if value else None

        states = tuple(s for s in (query.getall("state", []) if hasattr(query, "getall") else []) if s)
        if bad := [s for s in states if s not in {state.value for state in BACKLOG_STATES}]:
            errors["state"] = ", ".join(bad)
            states = ()
        kind = query.get("kind", NeedKind.development_project.value)
        if kind not in ("", *NeedKind.__members__):
            errors["kind"] = kind
            kind = NeedKind.development_project.value
        verdict = query.get("verdict") or ""
        if verdict not in ("", scoring.STABLE, scoring.FAIRLY_STABLE, scoring.SENSITIVE):
            errors["verdict"] = verdict
            verdict = ""
        return cls(
            area=area if area is not None else number("area"),
            department=number("department"),
            state=states,
            kind=kind,
            verdict=verdict,
            errors=errors,
        )

    def as_query(self, *, with_area: bool = True) -> str:
        pairs: list[tuple[str, Any]] = []
        if with_area and self.area:
            pairs.append(("area", self.area))
        if self.department:
            pairs.append(("department", self.department))
        pairs += [("state", state) for state in self.state]
        pairs.append(("kind", self.kind))
        if self.verdict:
            pairs.append(("verdict", self.verdict))
        return urlencode(pairs)


@dataclass
class BacklogData:
    """The backlog as plain frames: `needs` (index need_id: title, state, kind, area_id,
    effort_days, departments, institutions, department_names), `ratings` (long form)."""

    needs: pd.DataFrame
    ratings: pd.DataFrame


async def goals_in_force(session: AsyncSession, day: date | None = None) -> list[StrategicGoal]:
    """The goals of the strategies valid on `day` (today), in the strategy's order."""
    day = day or date.today()
    strategies = (
        await session.scalars(select(Strategy).options(selectinload(Strategy.goals)).order_by(Strategy.valid_from))
    ).all()
    return [goal for strategy in strategies if strategy.valid_on(day) for goal in strategy.goals if goal.valid_on(day)]


async def strategies(session: AsyncSession) -> Sequence[Strategy]:
    statement = select(Strategy).options(selectinload(Strategy.goals)).order_by(Strategy.valid_from.desc(), Strategy.id)
    return (await session.scalars(statement)).all()


async def scoring_models(session: AsyncSession) -> dict[int | None, ScoringModel]:
    """Every scoring model by area id; the registry-wide default under None."""
    return {model.area_id: model for model in (await session.scalars(select(ScoringModel))).all()}


def model_for(models: dict[int | None, ScoringModel], area_id: int | None) -> ScoringModel:
    return models.get(area_id) or models[None]


def weights_of(model: ScoringModel, goals: Sequence[StrategicGoal]) -> scoring.Weights:
    """The scoring model as the pure functions take it; AHP goal weights are derived here."""
    goal_ids = [goal.id for goal in goals]
    comparison = None
    if model.goal_weighting is GoalWeighting.ahp:
        try:
            comparison = ahp_of(model, goals)
        except ValueError:
            comparison = None  # comparisons that cannot be used: the scoring page names the fault
    if comparison is not None:
        goal_weights = dict(comparison.weights.items())
    else:
        goal_weights = {goal: float((model.goal_weights or {}).get(str(goal), 1.0)) for goal in goal_ids}
    return scoring.Weights(
        criteria={name: float(getattr(model, f"weight_{name}")) for name in scoring.CRITERIA},
        goals=goal_weights,
        method=model.method.value,
        effort_half_days=float(model.effort_half_days),
    )


def ahp_of(model: ScoringModel, goals: Sequence[StrategicGoal]) -> scoring.Ahp:
    """The AHP result of the model's stored comparisons, weights by goal id; a ValueError (from the
    pure function, naming the goals) when they are not a reciprocal positive matrix."""
    names = {goal.id: goal.name for goal in goals}
    if len(set(names.values())) < len(names):  # the messages name the goals; ids if names repeat
        names = {goal.id: f"#{goal.id}" for goal in goals}
    judgements = {}
    for key, value in (model.ahp_judgements or {}).items():
        a, b = (int(part) for part in key.split(":"))
        if a in names and b in names:
            judgements[(names[a], names[b])] = value
    result = scoring.ahp(scoring.ahp_matrix(list(names.values()), judgements))
    by_id = pd.Series(result.weights.to_numpy(), index=list(names), dtype=float)
    return scoring.Ahp(by_id, result.lambda_max, result.consistency_index, result.consistency_ratio)


async def backlog(session: AsyncSession, flt: BacklogFilter) -> BacklogData:
    needs = select(
        m.Need.id.label("need_id"),
        m.Need.title,
        m.Need.state,
        m.Need.kind,
        m.Need.owning_area_id.label("area_id"),
        m.Need.raised_by_institution_id,
    ).where(m.Need.state.in_(flt.state or BACKLOG_STATES))
    if flt.area is not None:
        needs = needs.where(m.Need.owning_area_id == flt.area)
    if flt.kind:
        needs = needs.where(m.Need.kind == flt.kind)
    if flt.department is not None:
        needs = needs.where(
            m.Need.id.in_(select(m.NeedDepartment.need_id).where(m.NeedDepartment.department_id == flt.department))
        )
    ids = needs.with_only_columns(m.Need.id).scalar_subquery()
    rows = (await session.execute(needs)).all()
    frame = pd.DataFrame(rows, columns=["need_id", "title", "state", "kind", "area_id", "institution_id"]).set_index(
        "need_id"
    )
    departments = (
        await session.execute(
            select(m.NeedDepartment.need_id, m.NeedDepartment.effort_days, m.Department.name)
            .join(m.Department, m.Department.id == m.NeedDepartment.department_id)
            .where(m.NeedDepartment.need_id.in_(ids))
        )
    ).all()
    merged = (
        await session.execute(
            select(m.Need.merged_into_id, m.Need.raised_by_institution_id).where(
                m.Need.merged_into_id.in_(ids), m.Need.raised_by_institution_id.is_not(None)
            )
        )
    ).all()
    scores = (
        await session.execute(
            select(
                NeedScore.need_id,
                NeedScore.rater_id,
                NeedScore.benefit,
                NeedScore.urgency,
                NeedScore.risk_reduction,
                NeedScore.alignment,
            ).where(NeedScore.need_id.in_(ids))
        )
    ).all()
    return BacklogData(needs=_with_parties(frame, departments, merged), ratings=_long_ratings(scores))


def _with_parties(frame: pd.DataFrame, departments: Sequence, merged: Sequence) -> pd.DataFrame:
    """Effort (the departments' estimates summed) and breadth (departments and institutions)."""
    parts = pd.DataFrame(departments, columns=["need_id", "effort_days", "department"])
    parts["effort_days"] = pd.to_numeric(parts["effort_days"], errors="coerce").astype(float)
    grouped = parts.groupby("need_id")
    frame["effort_days"] = grouped["effort_days"].sum(min_count=1).reindex(frame.index).astype(float)
    frame["departments"] = grouped.size().reindex(frame.index).fillna(0).astype(int)
    frame["department_names"] = grouped["department"].agg(lambda names: ", ".join(sorted(names))).reindex(frame.index)
    frame["department_names"] = frame["department_names"].fillna("")
    institutions = pd.concat(
        [
            frame["institution_id"].dropna().reset_index().set_axis(["need_id", "institution_id"], axis=1),
            pd.DataFrame(merged, columns=["need_id", "institution_id"]),
        ]
    )
    frame["institutions"] = institutions.groupby("need_id")["institution_id"].nunique().reindex(frame.index)
    frame["institutions"] = frame["institutions"].fillna(0).astype(int)
    return frame


def _long_ratings(scores: Sequence) -> pd.DataFrame:
    rows = []
    for need_id, rater_id, benefit, urgency, risk, alignment in scores:
        rows += [(need_id, rater_id, "benefit", benefit), (need_id, rater_id, "urgency", urgency)]
        rows.append((need_id, rater_id, "risk_reduction", risk))
        rows += [(need_id, rater_id, f"goal:{goal}", value) for goal, value in (alignment or {}).items()]
    frame = pd.DataFrame(rows, columns=["need_id", "rater_id", "criterion", "value"])
    frame["value"] = frame["value"].astype(float)
    return frame


async def scores_of(session: AsyncSession, need_id: int) -> Sequence[NeedScore]:
    return (await session.scalars(select(NeedScore).where(NeedScore.need_id == need_id).order_by(NeedScore.id))).all()


async def scored_count(session: AsyncSession, area_id: int) -> int:
    statement = (
        select(func.count(func.distinct(NeedScore.need_id)))
        .join(m.Need, m.Need.id == NeedScore.need_id)
        .where(m.Need.owning_area_id == area_id)
    )
    return int(await session.scalar(statement) or 0)
