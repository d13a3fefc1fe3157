"""Recommendations and line decisions in the JSON API: a need's record, recording either one, and the
decision register; the same services, rules and change log as the pages."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.decisions import queries, services
from registry.decisions.models import LineDecision, Recommendation
from registry.i18n import gettext as _
from registry.needs import queries as need_queries
from registry.needs.models import Need
from registry.web.api import READ, STAFF, STAFF_WRITE, WRITE, BodyId, PathId, QueryId, refuse_query


class RecommendationOut(msgspec.Struct):
    id: int
    need_id: int
    meeting_id: int | None
    area_id: int | None
    outcome: str
    rationale: str
    recorded_on: date
    recorded_by_name: str


class DecisionOut(msgspec.Struct):
    id: int
    need_id: int
    department_id: int
    outcome: str
    rationale: str
    committed_days: float | None
    decided_on: date
    decided_by_name: str
    recommendation_id: int | None
    supersedes_id: int | None


class DepartmentLineOut(msgspec.Struct):
    department_id: int
    department: str
    role: str
    effort_days: float | None
    current: DecisionOut | None
    earlier: list[DecisionOut]
    may_decide: bool  # the reader is this department's head or deputy


class NeedDecisionsOut(msgspec.Struct):
    need_id: int
    state: str
    recommendations: list[RecommendationOut]  # newest first
    lines: list[DepartmentLineOut]
    pending_department_ids: list[int]
    disagreement: bool


class RecommendationIn(msgspec.Struct, forbid_unknown_fields=True):
    """`outcome`: now, later, not or clarify; `recorded_on` (YYYY-MM-DD) defaults to today."""

    outcome: str
    rationale: str
    recorded_on: str = ""


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    """`outcome`: approve, reject or defer; an approval commits person-days; `decided_on` defaults to today."""

    department_id: BodyId
    outcome: str
    rationale: str
    committed_days: float | None = None
    decided_on: str = ""


class RegisterRowOut(msgspec.Struct):
    kind: str  # recommendation or decision
    id: int
    need_id: int
    need_title: str
    area_id: int | None
    department_id: int | None
    outcome: str
    rationale: str
    committed_days: float | None
    day: date
    by_name: str
    meeting_id: int | None
    superseded: bool
    supersedes_id: int | None


class RegisterPageOut(msgspec.Struct):
    rows: list[RegisterRowOut]
    total: int
    page: int
    pages: int


def recommendation_out(r: Recommendation) -> RecommendationOut:
    return RecommendationOut(
        r.id, r.need_id, r.meeting_id, r.area_id, r.outcome.value, r.rationale, r.recorded_on, r.recorded_by_name
    )


def decision_out(d: LineDecision) -> DecisionOut:
    return DecisionOut(
        id=d.id,
        need_id=d.need_id,
        department_id=d.department_id,
        outcome=d.outcome.value,
        rationale=d.rationale,
        committed_days=float(d.committed_days) if d.committed_days is not None else None,
        decided_on=d.decided_on,
        decided_by_name=d.decided_by_name,
        recommendation_id=d.recommendation_id,
        supersedes_id=d.supersedes_id,
    )


async def _need(session: AsyncSession, need_id: int) -> Need:
    need = await need_queries.get_need(session, need_id)
    if need is None:
        raise NotFoundException(detail=_("There is no need #%(id)d.", id=need_id))
    return need


async def need_decisions_out(session: AsyncSession, need: Need, principal) -> NeedDecisionsOut:
    found = await queries.for_need(session, need, principal)
    return NeedDecisionsOut(
        need_id=need.id,
        state=need.state.value,
        recommendations=[recommendation_out(r) for r in found.recommendations],
        lines=[
            DepartmentLineOut(
                department_id=line.department.id,
                department=line.department.name,
                role=line.role.value,
                effort_days=float(line.effort_days) if line.effort_days is not None else None,
                current=decision_out(line.current) if line.current else None,
                earlier=[decision_out(d) for d in line.earlier],
                may_decide=line.may_decide,
            )
            for line in found.lines
        ],
        pending_department_ids=list(found.derived.pending),
        disagreement=found.derived.disagreement,
    )


Page = Annotated[int, Parameter(ge=1, le=1_000_000, description="The page, newest first")]


class DecisionApi(Controller):
    path = "/api/v1"
    tags = ["Recommendations and line decisions"]
    guards = [logged_in]

    @get(
        "/needs/{need_id:int}/decisions",
        operation_id="getNeedDecisions",
        summary="A need's recommendations and each affected department's line decision",
        responses=READ,
        security=STAFF,
    )
    async def need_decisions(self, request: Request, db_session: AsyncSession, need_id: PathId) -> NeedDecisionsOut:
        return await need_decisions_out(db_session, await _need(db_session, need_id), request.user)

    @post(
        "/needs/{need_id:int}/recommendations",
        operation_id="recommendNeed",
        summary="Record the steering group's recommendation (the area's steering group)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def recommend(
        self, request: Request, db_session: AsyncSession, need_id: PathId, data: RecommendationIn
    ) -> RecommendationOut:
        need = await _need(db_session, need_id)
        recommendation = await services.record_recommendation(
            db_session, request.user, need, data.outcome, data.rationale, recorded_on=data.recorded_on
        )
        return recommendation_out(recommendation)

    @post(
        "/needs/{need_id:int}/decisions",
        operation_id="decideNeed",
        summary="Record a department's line decision (its head or deputy head); it supersedes the earlier one",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def decide(
        self, request: Request, db_session: AsyncSession, need_id: PathId, data: DecisionIn
    ) -> DecisionOut:
        need = await _need(db_session, need_id)
        raw = msgspec.structs.asdict(data)
        raw["committed_days"] = "" if data.committed_days is None else repr(data.committed_days)
        decision = await services.record_decision(db_session, request.user, need, data.department_id, raw)
        return decision_out(decision)

    @get(
        "/decisions",
        operation_id="listDecisionRegister",
        summary="The decision register: recommendations and line decisions, newest first, 50 a page",
        responses=READ,
        security=STAFF,
    )
    async def register(
        self,
        request: Request,
        db_session: AsyncSession,
        area: QueryId = None,
        department: QueryId = None,
        date_from: date | None = Parameter(query="from", default=None),
        date_to: date | None = Parameter(query="to", default=None),
        outcome: str = "",
        kind: str = "",
        page: Page = 1,
    ) -> RegisterPageOut:
        # The typed parameters document and bound the filters; RegisterFilter reads them as the page does.
        register_filter = queries.RegisterFilter.from_query(request.query_params)
        refuse_query(register_filter.errors)
        found = await queries.register_page(db_session, register_filter)
        return RegisterPageOut(
            rows=[
                RegisterRowOut(
                    **asdict(row)
                    | {"committed_days": float(row.committed_days) if row.committed_days is not None else None}
                )
                for row in found.rows
            ],
            total=found.total,
            page=found.page,
            pages=found.pages,
        )
