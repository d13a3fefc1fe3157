"""The one write path for the strategy, the scoring models and the raters' scores. Every change is
checked here (who may, what is valid) and recorded in the change log in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import Any

import anyio
from litestar.exceptions import PermissionDeniedException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.principal import Principal
from registry.changes import service as changes
from registry.changes.models import ChangeAction
from registry.db import models as m
from registry.db.versioned import VersionedCache
from registry.db.versioning import EditConflict, seen_version
from registry.forms import Field, FormErrors, clean, free_text_problem
from registry.i18n import gettext as _
from registry.i18n import lazy_gettext as _l
from registry.priorities import backlog, queries, scoring
from registry.priorities.models import GoalWeighting, NeedScore, ScoringMethod, ScoringModel, StrategicGoal, Strategy
from registry.priorities.queries import BACKLOG_STATES

PERIOD = (
    Field("valid_from", _l("Valid from"), kind="date"),
    Field("valid_to", _l("Valid to"), kind="date", help=_l("Leave empty while the strategy is in force.")),
)
STRATEGY_FIELDS = [
    Field("name", _l("Name"), required=True, max_length=200),
    Field("mission", _l("Mission"), kind="textarea", max_length=4000),
    Field("description", _l("Description"), kind="textarea", max_length=8000),
    *PERIOD,
]
GOAL_FIELDS = [
    Field("name", _l("Goal"), required=True, max_length=200),
    Field("description", _l("Description"), kind="textarea", max_length=4000),
    *PERIOD,
]

WEIGHT_LIMIT = 100.0
# Saaty's scale as the form offers it: how much more the first goal matters than the second.
SAATY_VALUES = ("9", "8", "7", "6", "5", "4", "3", "2", "1", "1/2", "1/3", "1/4", "1/5", "1/6", "1/7", "1/8", "1/9")


def may_weigh(principal: Principal | None, area_id: int | None) -> bool:
    """The area's steering group and admins change its weights and scores; the default model is
    the admins'."""
    if principal is None:
        return False
    return principal.is_admin or (area_id is not None and principal.steers(area_id))


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDeniedException(_("Only the area's steering group and administrators may do this."))


def _check_period(values: Mapping[str, Any]) -> None:
    if values.get("valid_from") and values.get("valid_to") and values["valid_to"] < values["valid_from"]:
        raise FormErrors({"valid_to": _("The period ends before it starts.")})


async def _write(session: AsyncSession, obj: Any, values: Mapping[str, Any], message: str = "") -> None:
    before = await changes.snapshot(session, obj) if obj.id is not None else None
    for key, value in values.items():
        setattr(obj, key, value)
    if obj.id is None:
        session.add(obj)
    await session.flush()
    await changes.record(
        session, ChangeAction.create if before is None else ChangeAction.update, obj, before, message=message
    )


# ---------------------------------------------------------------- strategy


async def save_strategy(session: AsyncSession, raw: Mapping[str, Any], strategy: Strategy | None = None) -> Strategy:
    values = clean(STRATEGY_FIELDS, raw)
    _check_period(values)
    clash = select(Strategy.id).where(Strategy.name == values["name"])
    if strategy is not None:
        clash = clash.where(Strategy.id != strategy.id)
    if await session.scalar(clash) is not None:
        raise FormErrors({"name": _("“%(value)s” is already in use.", value=values["name"])})
    strategy = strategy or Strategy(is_example=False)
    if strategy.id is not None and strategy.is_example:
        values["is_example"] = False  # an admin's edit makes it the university's own
    await _write(session, strategy, values)
    return strategy


async def save_goal(
    session: AsyncSession, strategy: Strategy, raw: Mapping[str, Any], goal: StrategicGoal | None = None
) -> StrategicGoal:
    values = clean(GOAL_FIELDS, raw)
    _check_period(values)
    if goal is None:
        last = await session.scalar(
            select(StrategicGoal.position)
            .where(StrategicGoal.strategy_id == strategy.id)
            .order_by(StrategicGoal.position.desc())
        )
        goal = StrategicGoal(strategy_id=strategy.id, position=(last or 0) + 1)
    await _write(session, goal, values)
    return goal


async def delete_goal(session: AsyncSession, goal: StrategicGoal) -> None:
    before = await changes.snapshot(session, goal)
    await session.delete(goal)
    await session.flush()
    await changes.record(session, ChangeAction.delete, goal, before)


# ---------------------------------------------------------------- scoring models


def _number(raw: Mapping[str, Any], name: str, errors: dict[str, str], *, low: float, high: float) -> float | None:
    text = str(raw.get(name, "") or "").strip().replace(",", ".")
    if not text:
        errors[name] = _("This field is required.")
        return None
    try:
        value = float(text)
    except ValueError:
        errors[name] = _("Not a number; type e.g. 2 or 1.5.")
        return None
    if not low <= value <= high:
        errors[name] = _("Must be between %(low)s and %(high)s.", low=f"{low:g}", high=f"{high:g}")
        return None
    return value


async def model_of(session: AsyncSession, area: m.SupportArea | None) -> ScoringModel | None:
    return await session.scalar(
        select(ScoringModel).where(ScoringModel.area_id == (area.id if area else None))
        if area
        else select(ScoringModel).where(ScoringModel.area_id.is_(None))
    )


async def _own_model(session: AsyncSession, area: m.SupportArea | None) -> ScoringModel:
    """The model to change: the area's own, made from the default the first time an area changes it."""
    model = await model_of(session, area)
    if model is not None:
        return model
    default = await model_of(session, None)
    copied = {column: getattr(default, column) for column in _MODEL_COLUMNS} if default else {}
    return ScoringModel(area_id=area.id if area else None, **copied)


_MODEL_COLUMNS = (
    "method",
    "goal_weighting",
    *(f"weight_{name}" for name in scoring.CRITERIA),
    "effort_half_days",
    "goal_weights",
    "ahp_judgements",
)


async def save_weights(
    session: AsyncSession,
    principal: Principal | None,
    area: m.SupportArea | None,
    raw: Mapping[str, Any],
    goals: Sequence[StrategicGoal],
) -> ScoringModel:
    """Method, criterion weights (0–100), half-value effort and the direct goal weights."""
    _require(may_weigh(principal, area.id if area else None))
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    method = raw.get("method")
    if method not in ScoringMethod.__members__:
        errors["method"] = _("Choose from the list.")
    else:
        values["method"] = ScoringMethod(method)
    weighting = raw.get("goal_weighting")
    if weighting not in GoalWeighting.__members__:
        errors["goal_weighting"] = _("Choose from the list.")
    else:
        values["goal_weighting"] = GoalWeighting(weighting)
    for name in scoring.CRITERIA:
        values[f"weight_{name}"] = _number(raw, f"weight_{name}", errors, low=0, high=WEIGHT_LIMIT)
    values["effort_half_days"] = _number(raw, "effort_half_days", errors, low=0.5, high=10_000)
    goal_weights = {}
    for goal in goals:
        goal_weights[str(goal.id)] = _number(raw, f"goal_{goal.id}", errors, low=0, high=WEIGHT_LIMIT)
    if not errors and not any(values[f"weight_{name}"] for name in scoring.VALUE_CRITERIA):
        errors["weight_alignment"] = _("At least one of the value criteria needs a weight above zero.")
    if errors:
        raise FormErrors(errors)
    model = await _own_model(session, area)
    values["goal_weights"] = {**(model.goal_weights or {}), **goal_weights}
    await _write(session, model, values)
    return model


async def save_comparisons(
    session: AsyncSession,
    principal: Principal | None,
    area: m.SupportArea | None,
    raw: Mapping[str, Any],
    goals: Sequence[StrategicGoal],
) -> ScoringModel:
    """The pairwise comparisons of the goals (AHP); saving them makes the goal weights follow them."""
    _require(may_weigh(principal, area.id if area else None))
    errors: dict[str, str] = {}
    judgements: dict[str, float] = {}
    for index, first in enumerate(goals):
        for second in goals[index + 1 :]:
            name = f"ahp_{first.id}_{second.id}"
            value = str(raw.get(name, "") or "").strip()
            if value not in SAATY_VALUES:
                errors[name] = _("Choose from the scale 1/9 to 9.")
                continue
            judgements[f"{first.id}:{second.id}"] = float(Fraction(value))
    if errors:
        raise FormErrors(errors)
    try:  # the pure function has the last word on what a comparison matrix is
        scoring.ahp(
            scoring.ahp_matrix([g.id for g in goals], {tuple(map(int, k.split(":"))): v for k, v in judgements.items()})
        )
    except ValueError as refused:
        raise FormErrors({"comparisons": str(refused)}) from None
    model = await _own_model(session, area)
    kept = {key: value for key, value in (model.ahp_judgements or {}).items() if key not in judgements}
    await _write(session, model, {"ahp_judgements": {**kept, **judgements}, "goal_weighting": GoalWeighting.ahp})
    return model


async def reset_model(session: AsyncSession, principal: Principal | None, area: m.SupportArea) -> None:
    """The area goes back to the registry-wide default model."""
    _require(may_weigh(principal, area.id))
    model = await model_of(session, area)
    if model is None:
        raise FormErrors({"model": _("The area already uses the registry-wide default.")})
    before = await changes.snapshot(session, model)
    await session.delete(model)
    await session.flush()
    await changes.record(session, ChangeAction.delete, model, before)


async def ensure_default_model(session: AsyncSession) -> ScoringModel:
    model = await model_of(session, None)
    if model is None:
        model = ScoringModel(area_id=None, goal_weights={}, ahp_judgements={})
        await _write(session, model, {}, message="default scoring model")
    return model


# ---------------------------------------------------------------- scores


def score_fields(goals: Sequence[StrategicGoal]) -> list[str]:
    return ["benefit", "urgency", "risk_reduction", *(f"goal_{goal.id}" for goal in goals)]


async def save_score(
    session: AsyncSession,
    principal: Principal | None,
    need: m.Need,
    raw: Mapping[str, Any],
    goals: Sequence[StrategicGoal],
) -> NeedScore:
    """The reader's own scores for a need (0–3 each). A rater changes only their own row."""
    _require(principal is not None and may_weigh(principal, need.owning_area_id))
    if need.state not in BACKLOG_STATES:
        raise FormErrors({"benefit": _("Only needs that are still to be prioritised can be scored.")})
    errors: dict[str, str] = {}
    values: dict[str, int] = {}
    for name in score_fields(goals):
        text = str(raw.get(name, "") or "").strip()
        if text not in ("0", "1", "2", "3"):
            errors[name] = _("Choose a score from 0 to 3.")
        else:
            values[name] = int(text)
    comment = str(raw.get("comment", "") or "").strip()
    if problem := free_text_problem(comment, 2000):
        errors["comment"] = problem
    if errors:
        raise FormErrors(errors)
    row = await session.scalar(
        select(NeedScore).where(NeedScore.need_id == need.id, NeedScore.rater_id == principal.person_id)
    )
    if "version" in raw:  # the form says which of the rater's scores it was opened at (none yet: empty)
        seen = seen_version(raw)
        if (row is None) != (seen is None) or (row is not None and seen != row.version):
            raise EditConflict(row or need, seen)
    alignment = {str(goal.id): values[f"goal_{goal.id}"] for goal in goals}
    if row is not None:
        alignment = {**(row.alignment or {}), **alignment}  # goals no longer in force keep their old score
    row = row or NeedScore(need_id=need.id, rater_id=principal.person_id)
    await _write(
        session,
        row,
        {
            "rater_name": principal.name,
            "benefit": values["benefit"],
            "urgency": values["urgency"],
            "risk_reduction": values["risk_reduction"],
            "alignment": alignment,
            "comment": comment,
        },
    )
    return row


async def example_strategy(session: AsyncSession, strategy: Mapping[str, Any]) -> Strategy | None:
    """Load the seed's example strategy once (never over an admin's own strategy)."""
    if await session.scalar(select(Strategy.id).limit(1)) is not None:
        return None
    created = Strategy(
        name=strategy["name"],
        mission=strategy.get("mission", ""),
        description=strategy.get("description", ""),
        valid_from=date.fromisoformat(strategy["valid_from"]),
        valid_to=date.fromisoformat(strategy["valid_to"]) if strategy.get("valid_to") else None,
        is_example=True,
    )
    await _write(session, created, {}, message="seed")
    for position, goal in enumerate(strategy.get("goals", []), start=1):
        await _write(
            session,
            StrategicGoal(strategy_id=created.id, position=position),
            {"name": goal["name"], "description": goal.get("description", "")},
            message="seed",
        )
    return created


RANKINGS = VersionedCache()  # the ranked backlogs, kept until the registry changes


async def ranked_backlog(session: AsyncSession, flt: queries.BacklogFilter) -> tuple[backlog.Ranked, list, dict]:
    """The backlog ranked, each area's needs by its own scoring model: (ranked, goals in force, models).

    Kept between views until something it depends on changes (registry.db.versioned); the ranking and
    its 200 simulated weightings run off the event loop. The result is shared: callers never change it
    in place (`dataclasses.replace` makes a filtered copy)."""

    async def compute() -> tuple[backlog.Ranked, list, dict]:
        goals = await queries.goals_in_force(session)
        models = await queries.scoring_models(session)
        data = await queries.backlog(session, flt)
        area_ids = {None, *(int(a) for a in data.needs["area_id"].dropna().unique())}
        weights = {area_id: queries.weights_of(queries.model_for(models, area_id), goals) for area_id in area_ids}
        ranked = await anyio.to_thread.run_sync(
            lambda: backlog.rank_backlog(data.needs, data.ratings, [goal.id for goal in goals], weights)
        )
        return ranked, goals, models

    return await RANKINGS.get(session, flt, compute)
