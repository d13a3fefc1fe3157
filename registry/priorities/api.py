"""Priorities in the JSON API: the ranked backlogs, a need's scores, the reader's own score and the
scoring models, through the same services and rules as the pages."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.db import models as m
from registry.forms import FormErrors
from registry.priorities import queries, scoring, services
from registry.priorities.controllers import PAGE_SIZE, _area_or_404, _need_or_404, _ranked
from registry.web.api import READ, STAFF, STAFF_WRITE, WRITE, PathId, QueryId, refuse_query

Page = Annotated[int, Parameter(ge=1, le=1_000_000, description="The page, 50 rows each")]


class BacklogRowOut(msgspec.Struct):
    need_id: int
    title: str
    state: str
    area_id: int | None
    rank: int
    area_rank: int
    rank_low: int
    rank_high: int
    verdict: str
    score: float
    points: dict[str, float]
    effort_days: float | None
    department_names: str
    raters: int
    spread: float


class BacklogOut(msgspec.Struct):
    rows: list[BacklogRowOut]
    total: int
    page: int
    pages: int
    unscored_need_ids: list[int]


class ScoreOut(msgspec.Struct):
    rater_id: int
    rater_name: str
    benefit: int
    urgency: int
    risk_reduction: int
    goals: dict[str, int]
    comment: str


class ScoreIn(msgspec.Struct, forbid_unknown_fields=True):
    """The reader's own scores, each 0–3; `goals` has one per strategic goal in force (goal id → score)."""

    benefit: int
    urgency: int
    risk_reduction: int
    goals: dict[str, int] = {}
    comment: str = ""


class ScoringModelOut(msgspec.Struct):
    id: int
    area_id: int | None
    own: bool  # False: the area uses the registry-wide default
    method: str
    goal_weighting: str
    weight_alignment: float
    weight_benefit: float
    weight_urgency: float
    weight_risk_reduction: float
    weight_breadth: float
    weight_effort: float
    effort_half_days: float
    goal_weights: dict[str, float]  # as typed (direct weighting)
    goal_weights_in_force: dict[str, float]  # what the scoring uses (derived from the comparisons under AHP)


class ScoringModelIn(msgspec.Struct, forbid_unknown_fields=True):
    """Method, criterion weights (0–100), the effort at which ease is one half and the direct goal weights."""

    method: str
    goal_weighting: str
    weight_alignment: float
    weight_benefit: float
    weight_urgency: float
    weight_risk_reduction: float
    weight_breadth: float
    weight_effort: float
    effort_half_days: float
    goal_weights: dict[str, float] = {}


def _number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def backlog_out(prepared, page: int) -> BacklogOut:
    table = prepared.ranked.table
    pages = max((len(table) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages)
    rows = [
        BacklogRowOut(
            need_id=int(need_id),
            title=row["title"],
            state=str(row["state"].value if hasattr(row["state"], "value") else row["state"]),
            area_id=None if _number(row["area_id"]) is None else int(row["area_id"]),
            rank=int(row["rank"]),
            area_rank=int(row["area_rank"]),
            rank_low=int(row["rank_low"]),
            rank_high=int(row["rank_high"]),
            verdict=str(row["verdict"]),
            score=float(row["score"]),
            points={
                name: float(row[f"points_{name}"])
                for name in scoring.CRITERIA
                if f"points_{name}" in row and _number(row[f"points_{name}"]) is not None
            },
            effort_days=_number(row["effort_days"]),
            department_names=str(row["department_names"] or ""),
            raters=int(row["raters"]),
            spread=float(row["spread"]),
        )
        for need_id, row in table.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE].iterrows()
    ]
    unscored = [int(need_id) for need_id in prepared.ranked.unscored.index]
    return BacklogOut(rows=rows, total=len(table), page=page, pages=pages, unscored_need_ids=unscored)


def _filter(request: Request, area: m.SupportArea | None = None) -> queries.BacklogFilter:
    flt = queries.BacklogFilter.from_query(request.query_params, area=area.id if area else None)
    refuse_query(flt.errors)
    return flt


def score_out(score) -> ScoreOut:
    return ScoreOut(
        rater_id=score.rater_id,
        rater_name=score.rater_name,
        benefit=score.benefit,
        urgency=score.urgency,
        risk_reduction=score.risk_reduction,
        goals={str(goal): int(value) for goal, value in (score.alignment or {}).items()},
        comment=score.comment,
    )


async def model_out(session: AsyncSession, area: m.SupportArea | None) -> ScoringModelOut:
    own = await services.model_of(session, area) if area else None
    model = own or await services.ensure_default_model(session)
    goals = await queries.goals_in_force(session)
    weights = queries.weights_of(model, goals)
    return ScoringModelOut(
        id=model.id,
        area_id=model.area_id,
        own=area is None or own is not None,
        method=model.method.value,
        goal_weighting=model.goal_weighting.value,
        **{f"weight_{name}": float(getattr(model, f"weight_{name}")) for name in scoring.CRITERIA},
        effort_half_days=float(model.effort_half_days),
        goal_weights={str(k): float(v) for k, v in (model.goal_weights or {}).items()},
        goal_weights_in_force={str(k): float(v) for k, v in weights.goals.items()},
    )


def _as_form(values: Mapping[str, Any], nested: str, prefix: str) -> dict[str, str]:
    """The body as the page's form would send it: every value as text, `nested` {id: v} as `<prefix><id>`."""
    raw = {key: "" if value is None else str(value) for key, value in values.items() if key != nested}
    raw.update({f"{prefix}{key}": str(value) for key, value in values.get(nested, {}).items()})
    return raw


async def _renamed(save, nested: str, prefix: str):
    """Run a save; a refused `<prefix><id>` field is named as the body names it (`<nested>.<id>`)."""
    try:
        return await save()
    except FormErrors as refused:
        raise FormErrors(
            {
                (f"{nested}.{key[len(prefix) :]}" if key.startswith(prefix) else key): message
                for key, message in refused.errors.items()
            }
        ) from None


class PriorityApi(Controller):
    path = "/api/v1"
    tags = ["Priorities"]
    guards = [logged_in]

    @get(
        "/priorities",
        operation_id="listRegistryBacklog",
        summary="The ranked backlog of every area, 50 a page (filters as on /priorities)",
        responses=READ,
        security=STAFF,
    )
    async def registry_backlog(
        self,
        request: Request,
        db_session: AsyncSession,
        page: Page = 1,
        area: QueryId = None,
        department: QueryId = None,
        states: list[str] | None = Parameter(query="state", default=None),
        kind: str = "development_project",
        verdict: str = "",
    ) -> BacklogOut:
        # The typed parameters document and bound the filters; BacklogFilter reads them as the page does.
        return backlog_out(await _ranked(db_session, _filter(request)), page)

    @get(
        "/areas/{slug:str}/priorities",
        operation_id="listAreaBacklog",
        summary="One area's ranked backlog, 50 a page",
        responses=READ,
        security=STAFF,
    )
    async def area_backlog(
        self,
        request: Request,
        db_session: AsyncSession,
        slug: str,
        page: Page = 1,
        department: QueryId = None,
        states: list[str] | None = Parameter(query="state", default=None),
        kind: str = "development_project",
        verdict: str = "",
    ) -> BacklogOut:
        area = await _area_or_404(db_session, slug)
        return backlog_out(await _ranked(db_session, _filter(request, area)), page)

    @get(
        "/needs/{need_id:int}/scores",
        operation_id="listNeedScores",
        summary="Every rater's scores of a need",
        responses=READ,
        security=STAFF,
    )
    async def need_scores(self, db_session: AsyncSession, need_id: PathId) -> list[ScoreOut]:
        need = await _need_or_404(db_session, need_id)
        return [score_out(score) for score in await queries.scores_of(db_session, need.id)]

    @put(
        "/needs/{need_id:int}/scores/mine",
        operation_id="putMyNeedScore",
        summary="Give or change the reader's own scores (the area's steering group)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def put_my_score(
        self, request: Request, db_session: AsyncSession, need_id: PathId, data: ScoreIn
    ) -> ScoreOut:
        need = await _need_or_404(db_session, need_id)
        raw = _as_form(msgspec.structs.asdict(data), "goals", "goal_")
        goals = await queries.goals_in_force(db_session)
        score = await _renamed(
            lambda: services.save_score(db_session, request.user, need, raw, goals), "goals", "goal_"
        )
        return score_out(score)

    @get(
        "/priorities/scoring",
        operation_id="getDefaultScoringModel",
        summary="The registry-wide scoring model",
        responses=READ,
        security=STAFF,
    )
    async def default_model(self, db_session: AsyncSession) -> ScoringModelOut:
        return await model_out(db_session, None)

    @put(
        "/priorities/scoring",
        operation_id="putDefaultScoringModel",
        summary="Change the registry-wide scoring model (administrators)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def put_default_model(
        self, request: Request, db_session: AsyncSession, data: ScoringModelIn
    ) -> ScoringModelOut:
        await self._save_model(request, db_session, None, data)
        return await model_out(db_session, None)

    @get(
        "/areas/{slug:str}/scoring",
        operation_id="getAreaScoringModel",
        summary="The area's scoring model (the default, if it has none of its own)",
        responses=READ,
        security=STAFF,
    )
    async def area_model(self, db_session: AsyncSession, slug: str) -> ScoringModelOut:
        return await model_out(db_session, await _area_or_404(db_session, slug))

    @put(
        "/areas/{slug:str}/scoring",
        operation_id="putAreaScoringModel",
        summary="Change the area's scoring model (its steering group and administrators)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def put_area_model(
        self, request: Request, db_session: AsyncSession, slug: str, data: ScoringModelIn
    ) -> ScoringModelOut:
        area = await _area_or_404(db_session, slug)
        await self._save_model(request, db_session, area, data)
        return await model_out(db_session, area)

    async def _save_model(self, request: Request, session: AsyncSession, area, data: ScoringModelIn) -> None:
        raw = _as_form(msgspec.structs.asdict(data), "goal_weights", "goal_")
        goals = await queries.goals_in_force(session)
        await _renamed(lambda: services.save_weights(session, request.user, area, raw, goals), "goal_weights", "goal_")
