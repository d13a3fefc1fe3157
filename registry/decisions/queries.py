"""Reading recommendations and line decisions: for one need, for a head's desk, and the register.
Every page costs a fixed number of queries, whatever its size."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import (
    BigInteger,
    Numeric,
    Select,
    String,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload

from registry.db import models as m
from registry.decisions import rules
from registry.decisions.models import DecisionOutcome, LineDecision, Recommendation, RecommendationOutcome
from registry.needs import lifecycle
from registry.needs.models import Need, NeedDepartment, NeedState

PAGE_SIZE = 50
KINDS = ("recommendation", "decision")
OUTCOMES = tuple(o.value for o in RecommendationOutcome) + tuple(o.value for o in DecisionOutcome)


# ---------------------------------------------------------------- one need


async def affected_departments(session: AsyncSession, need_id: int) -> list[int]:
    return list(
        (
            await session.scalars(
                select(NeedDepartment.department_id)
                .where(NeedDepartment.need_id == need_id)
                .order_by(NeedDepartment.id)
            )
        ).all()
    )


async def latest_recommendation_id(session: AsyncSession, need_id: int) -> int | None:
    """The recommendation the line answers now: the newest one. None if the need has none."""
    return await session.scalar(select(func.max(Recommendation.id)).where(Recommendation.need_id == need_id))


def current_of(decisions: Iterable[LineDecision], round_id: int | None) -> dict[int, LineDecision]:
    """Each department's current decision: its latest answer to the newest recommendation. Decisions
    on an earlier recommendation (before the need came back to the steering group) no longer count."""
    current: dict[int, LineDecision] = {}
    for decision in decisions:
        if decision.recommendation_id != round_id:
            continue
        held = current.get(decision.department_id)
        if held is None or decision.id > held.id:
            current[decision.department_id] = decision
    return current


async def current_decisions(session: AsyncSession, need_id: int, round_id: int | None) -> dict[int, LineDecision]:
    in_round = (
        LineDecision.recommendation_id.is_(None) if round_id is None else LineDecision.recommendation_id == round_id
    )
    rows = await session.scalars(select(LineDecision).where(LineDecision.need_id == need_id, in_round))
    return current_of(rows.all(), round_id)


@dataclass
class DepartmentLine:
    """One affected department on the need page: who decides, the current decision and the earlier ones."""

    department: m.Department
    role: m.DepartmentRole
    effort_days: Decimal | None
    current: LineDecision | None
    earlier: list[LineDecision]
    may_decide: bool


@dataclass
class NeedDecisions:
    recommendations: list[Recommendation]  # newest first
    lines: list[DepartmentLine]
    derived: rules.Derived
    departments: dict[int, str]  # id → name, for the notice of disagreement
    superseded_ids: set[int] = field(default_factory=set)  # decisions a later one replaced

    @property
    def latest(self) -> Recommendation | None:
        return self.recommendations[0] if self.recommendations else None

    def names(self, ids: Sequence[int]) -> str:
        return ", ".join(self.departments.get(i, f"#{i}") for i in ids)


async def for_need(session: AsyncSession, need: Need, principal: Any) -> NeedDecisions:
    """Everything the need page shows about recommendations and decisions, in three queries."""
    recommendations = list(
        (
            await session.scalars(
                select(Recommendation).where(Recommendation.need_id == need.id).order_by(Recommendation.id.desc())
            )
        ).all()
    )
    decisions = list(
        (
            await session.scalars(
                select(LineDecision).where(LineDecision.need_id == need.id).order_by(LineDecision.id.desc())
            )
        ).all()
    )
    rows = list(need.departments)
    ids = [row.department_id for row in rows]
    departments = {
        d.id: d
        for d in (
            await session.scalars(
                select(m.Department)
                .where(m.Department.id.in_(ids))
                .options(joinedload(m.Department.head), joinedload(m.Department.deputy_head))
            )
        ).unique()
    }
    round_id = recommendations[0].id if recommendations else None
    # A need back before the steering group (e.g. reopened) has no open round: every decision is earlier.
    current = {} if need.state in lifecycle.BEFORE_THE_GROUP else current_of(decisions, round_id)
    lines = [
        DepartmentLine(
            department=departments[row.department_id],
            role=row.role,
            effort_days=row.effort_days,
            current=current.get(row.department_id),
            earlier=[
                d for d in decisions if d.department_id == row.department_id and d is not current.get(row.department_id)
            ],
            may_decide=principal is not None and principal.decides_for(row.department_id),
        )
        for row in rows
        if row.department_id in departments
    ]
    derived = rules.derive_state(ids, {dept: d.outcome for dept, d in current.items()})
    return NeedDecisions(
        recommendations,
        lines,
        derived,
        {i: d.name for i, d in departments.items()},
        {d.supersedes_id for d in decisions if d.supersedes_id is not None},
    )


# ---------------------------------------------------------------- a head's desk


@dataclass
class Awaiting:
    need: Need
    department: m.Department
    effort_days: Decimal | None
    recommendation: Recommendation | None
    superseded_round: bool  # the department decided on an earlier recommendation

    @property
    def waiting_since(self) -> date:
        return self.recommendation.recorded_on if self.recommendation else self.need.raised_on


async def desk(
    session: AsyncSession, department_ids: Iterable[int], recent: int = 20
) -> tuple[list[Awaiting], list[tuple[LineDecision, str]], list[m.Department]]:
    """For the departments someone heads: the recommended needs that wait for their decision (oldest
    first), and their recent decisions (newest first, with the need's title). Five queries."""
    ids = sorted(set(department_ids))
    if not ids:
        return [], [], []
    departments = {d.id: d for d in (await session.scalars(select(m.Department).where(m.Department.id.in_(ids)))).all()}
    rows = (
        await session.execute(
            select(Need, NeedDepartment.department_id, NeedDepartment.effort_days)
            .join(NeedDepartment, NeedDepartment.need_id == Need.id)
            .where(Need.state == NeedState.recommended, NeedDepartment.department_id.in_(ids))
            .order_by(Need.id)
        )
    ).all()
    need_ids = sorted({need.id for need, _d, _e in rows})
    newest = (
        select(func.max(Recommendation.id)).where(Recommendation.need_id.in_(need_ids)).group_by(Recommendation.need_id)
    )
    latest = {
        r.need_id: r for r in (await session.scalars(select(Recommendation).where(Recommendation.id.in_(newest))))
    }
    decided = list(
        (
            await session.scalars(
                select(LineDecision).where(LineDecision.need_id.in_(need_ids), LineDecision.department_id.in_(ids))
            )
        ).all()
    )
    by_need: dict[int, list[LineDecision]] = {}
    for decision in decided:
        by_need.setdefault(decision.need_id, []).append(decision)
    waiting = []
    for need, department_id, effort in rows:
        recommendation = latest.get(need.id)
        mine = [d for d in by_need.get(need.id, []) if d.department_id == department_id]
        if department_id in current_of(mine, recommendation.id if recommendation else None):
            continue
        waiting.append(Awaiting(need, departments[department_id], effort, recommendation, bool(mine)))
    waiting.sort(key=lambda item: (item.waiting_since, item.need.id))
    recent_rows = (
        await session.execute(
            select(LineDecision, Need.title)
            .join(Need, Need.id == LineDecision.need_id)
            .where(LineDecision.department_id.in_(ids))
            .order_by(LineDecision.id.desc())
            .limit(recent)
        )
    ).all()
    names = sorted(departments.values(), key=lambda d: d.name)
    return waiting, [(d, title) for d, title in recent_rows], names


# ---------------------------------------------------------------- the register


@dataclass(frozen=True)
class RegisterFilter:
    area: int | None = None
    department: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    outcome: str = ""
    kind: str = ""
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def from_query(cls, query: Any) -> RegisterFilter:
        """The filter from the query string; a value that makes no sense is named in `errors` and ignored."""
        errors: dict[str, str] = {}

        def text(name: str) -> str:
            return (query.get(name) or "").strip()

        def number(name: str) -> int | None:
            value = text(name)
            if not value:
                return None
            if value.isdigit() and len(value) < 19:
                return int(value)
            errors[name] = value
            return None

        def day(name: str) -> date | None:
            value = text(name)
            if not value:
                return None
            try:
                return date.fromisoformat(value)
            except ValueError:
                errors[name] = value
                return None

        outcome, kind = text("outcome"), text("kind")
        if outcome and outcome not in OUTCOMES:
            errors["outcome"], outcome = outcome, ""
        if kind and kind not in KINDS:
            errors["kind"], kind = kind, ""
        page = number("page") or 1
        found = cls(number("area"), number("department"), day("from"), day("to"), outcome, kind, max(page, 1))
        if found.date_from and found.date_to and found.date_from > found.date_to:
            errors["to"] = text("to")
            found = replace(found, date_to=None)
        return replace(found, errors=errors)

    def as_query(self, **changes: Any) -> str:
        values = {
            "area": self.area,
            "department": self.department,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "outcome": self.outcome,
            "kind": self.kind,
            "page": self.page if self.page > 1 else None,
        } | changes
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


@dataclass
class RegisterRow:
    kind: str
    id: int
    need_id: int
    need_title: str
    area_id: int | None
    department_id: int | None
    outcome: str
    rationale: str
    committed_days: Decimal | None
    day: date
    by_name: str
    meeting_id: int | None
    superseded: bool
    supersedes_id: int | None


def _statement(register_filter: RegisterFilter) -> Select:
    """Recommendations and line decisions as one table: a UNION ALL of the two, each filtered on its own
    indexed columns."""
    f = register_filter
    later = aliased(LineDecision)
    answered = aliased(Recommendation)
    decision_area = func.coalesce(answered.area_id, Need.owning_area_id)
    recommendations = select(
        literal("recommendation", String).label("kind"),
        Recommendation.id.label("id"),
        Recommendation.need_id.label("need_id"),
        Need.title.label("need_title"),
        Recommendation.area_id.label("area_id"),
        cast(null(), BigInteger).label("department_id"),
        type_coerce(Recommendation.outcome, String).label("outcome"),
        Recommendation.rationale.label("rationale"),
        cast(null(), Numeric(8, 1)).label("committed_days"),
        Recommendation.recorded_on.label("day"),
        Recommendation.recorded_by_name.label("by_name"),
        Recommendation.meeting_id.label("meeting_id"),
        literal(0).label("superseded"),
        cast(null(), BigInteger).label("supersedes_id"),
    ).join(Need, Need.id == Recommendation.need_id)
    decisions = (
        select(
            literal("decision", String).label("kind"),
            LineDecision.id.label("id"),
            LineDecision.need_id.label("need_id"),
            Need.title.label("need_title"),
            decision_area.label("area_id"),
            LineDecision.department_id.label("department_id"),
            type_coerce(LineDecision.outcome, String).label("outcome"),
            LineDecision.rationale.label("rationale"),
            LineDecision.committed_days.label("committed_days"),
            LineDecision.decided_on.label("day"),
            LineDecision.decided_by_name.label("by_name"),
            answered.meeting_id.label("meeting_id"),
            case((exists().where(later.supersedes_id == LineDecision.id), 1), else_=0).label("superseded"),
            LineDecision.supersedes_id.label("supersedes_id"),
        )
        .join(Need, Need.id == LineDecision.need_id)
        .outerjoin(answered, answered.id == LineDecision.recommendation_id)
    )
    if f.area is not None:
        recommendations = recommendations.where(Recommendation.area_id == f.area)
        decisions = decisions.where(decision_area == f.area)
    if f.department is not None:
        recommendations = recommendations.where(
            exists().where(
                NeedDepartment.need_id == Recommendation.need_id, NeedDepartment.department_id == f.department
            )
        )
        decisions = decisions.where(LineDecision.department_id == f.department)
    if f.date_from:
        recommendations = recommendations.where(Recommendation.recorded_on >= f.date_from)
        decisions = decisions.where(LineDecision.decided_on >= f.date_from)
    if f.date_to:
        recommendations = recommendations.where(Recommendation.recorded_on <= f.date_to)
        decisions = decisions.where(LineDecision.decided_on <= f.date_to)
    parts = []
    if f.kind in ("", "recommendation") and f.outcome in ("", *(o.value for o in RecommendationOutcome)):
        parts.append(recommendations.where(Recommendation.outcome == f.outcome) if f.outcome else recommendations)
    if f.kind in ("", "decision") and f.outcome in ("", *(o.value for o in DecisionOutcome)):
        parts.append(decisions.where(LineDecision.outcome == f.outcome) if f.outcome else decisions)
    if not parts:
        return recommendations.where(literal(False))
    return union_all(*parts) if len(parts) > 1 else parts[0]


def _rows(result) -> list[RegisterRow]:
    return [
        RegisterRow(
            kind=r.kind,
            id=r.id,
            need_id=r.need_id,
            need_title=r.need_title,
            area_id=r.area_id,
            department_id=r.department_id,
            outcome=r.outcome,
            rationale=r.rationale,
            committed_days=Decimal(str(r.committed_days)) if r.committed_days is not None else None,
            day=r.day if isinstance(r.day, date) else date.fromisoformat(str(r.day)),
            by_name=r.by_name,
            meeting_id=r.meeting_id,
            superseded=bool(r.superseded),
            supersedes_id=r.supersedes_id,
        )
        for r in result
    ]


@dataclass
class RegisterPage:
    rows: list[RegisterRow]
    total: int
    page: int
    pages: int


async def register_page(session: AsyncSession, register_filter: RegisterFilter, size: int = PAGE_SIZE) -> RegisterPage:
    """One page of the register, newest first (two queries: the count and the page)."""
    union = _statement(register_filter).subquery()
    total = await session.scalar(select(func.count()).select_from(union)) or 0
    pages = max(1, -(-total // size))
    page = min(register_filter.page, pages)
    result = await session.execute(
        select(union)
        .order_by(union.c.day.desc(), union.c.kind, union.c.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    )
    return RegisterPage(_rows(result), total, page, pages)


async def register_all(session: AsyncSession, register_filter: RegisterFilter) -> list[RegisterRow]:
    """Every row of the register the filter selects, for an export."""
    union = _statement(register_filter).subquery()
    result = await session.execute(select(union).order_by(union.c.day.desc(), union.c.kind, union.c.id.desc()))
    return _rows(result)
