"""Synthetic needs in bulk, for benchmarks (`registry needs generate N`).

The services write one need at a time, with a change record per change; that is right for people and
far too slow for 100 000 needs. Here the rows (needs, their departments, tags and the transitions
that brought each to its state) go in with SQLAlchemy Core in batches, and the change log gets ONE
record that says what was generated, so nothing is written unlogged. Every state of the life cycle
but `merged` occurs, each reached by allowed transitions.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.changes.models import ChangeAction, ChangeRecord
from registry.changes.service import Actor, current_actor
from registry.db import models as m
from registry.needs.demo import CHANNELS, likely_state, path_to
from registry.needs.demo_catalogue import CONTEXTS, RAISERS, THEMES
from registry.needs.models import DepartmentRole, Need, NeedDepartment, NeedKind, NeedState, NeedTag, NeedTransition
from registry.priorities.models import NeedScore

BATCH = 2000
HISTORY_DAYS = 6 * 365  # generated needs were raised over the last six years
_SUPPORTING = [DepartmentRole.contributes, DepartmentRole.affected]


async def generate_needs(session: AsyncSession, count: int, *, seed: int = 0) -> tuple[int, int]:
    """Add `count` synthetic needs; returns the first and the last new id. The caller commits."""
    if count <= 0:
        raise ValueError("count must be positive")
    rng = random.Random(seed)
    areas: dict[int, list[int]] = {}
    for area_id, department_id in await session.execute(
        select(m.AreaMembership.area_id, m.AreaMembership.department_id).order_by(m.AreaMembership.id)
    ):
        areas.setdefault(area_id, []).append(department_id)
    if not areas:
        raise RuntimeError("The register is empty: load the VSO model first (registry seed).")
    all_departments = sorted({d for departments in areas.values() for d in departments})
    institutions = list((await session.scalars(select(m.Institution.id).order_by(m.Institution.id))).all()) or [None]
    actor = current_actor.get()
    now = datetime.now(UTC)
    connection = await session.connection()
    first = last = None
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        needs, details = [], []
        for _n in range(size):
            need, detail = _need(rng, now, areas, all_departments, institutions, actor)
            needs.append(need)
            details.append(detail)
        result = await connection.execute(
            insert(Need.__table__).returning(Need.__table__.c.id, sort_by_parameter_order=True), needs
        )
        ids = list(result.scalars().all())
        first = ids[0] if first is None else first
        last = ids[-1]
        departments, tags, transitions = [], [], []
        for need_id, (department_rows, tag_names, steps) in zip(ids, details, strict=True):
            departments += [{"need_id": need_id, **row} for row in department_rows]
            tags += [{"need_id": need_id, "name": name, "created_at": now, "updated_at": now} for name in tag_names]
            transitions += [{"need_id": need_id, **step} for step in steps]
        for table, rows in (
            (NeedDepartment.__table__, departments),
            (NeedTag.__table__, tags),
            (NeedTransition.__table__, transitions),
        ):
            if rows:
                await connection.execute(insert(table), rows)
    session.add(
        ChangeRecord(
            actor_id=actor.person_id,
            actor_name=actor.name,
            object_type="need",
            object_id=first,
            object_label=f"#{first}–#{last}",
            action=ChangeAction.create,
            before=None,
            after={"count": count, "seed": seed, "first_id": first, "last_id": last},
            request_id="",
            message=f"generated {count} needs for benchmarking",
        )
    )
    await session.flush()
    return first, last


def _need(
    rng: random.Random,
    now: datetime,
    areas: dict[int, list[int]],
    all_departments: list[int],
    institutions: list[int | None],
    actor: Actor,
) -> tuple[dict[str, Any], tuple[list[dict], list[str], list[dict]]]:
    theme = rng.choice(THEMES)
    kind = NeedKind.small_improvement if theme.small else NeedKind.development_project
    age = int(HISTORY_DAYS * rng.random() ** 1.5)
    raised_on = now.date() - timedelta(days=age)
    state = likely_state(rng, kind, min(age, 10**5))
    at = datetime.combine(raised_on, time(8), UTC) + timedelta(minutes=rng.randrange(600))
    at = min(at, now)
    steps = []
    previous: NeedState | None = None
    for target in [NeedState.submitted, *(path_to(kind, state) or [])]:
        steps.append(_transition(previous, target, at, actor))
        previous = target
        at = min(at + timedelta(days=rng.randint(1, 40), minutes=rng.randrange(600)), now)
    area_id = _pick_area(rng, sorted(areas))
    chosen = [rng.choice(areas[area_id])]
    chosen += rng.sample([d for d in all_departments if d not in chosen], k=rng.randint(0, 2))
    clarified = state is not NeedState.submitted
    department_rows = [
        {
            "department_id": department_id,
            "role": DepartmentRole.lead if n == 0 else rng.choice(_SUPPORTING),
            "effort_days": Decimal(rng.choice([1, 2, 5, 10, 20, 40])) if clarified else None,
            "created_at": steps[0]["created_at"],
            "updated_at": steps[0]["created_at"],
        }
        for n, department_id in enumerate(chosen)
    ]
    tag_names = rng.sample(theme.tags, k=rng.randint(1, len(theme.tags)))
    need = {
        "title": rng.choice(theme.titles),
        "description": f"{theme.description} {rng.choice(CONTEXTS)}",
        "clarified_need": theme.clarified_need if clarified else "",
        "cause": theme.cause,
        "proposed_coordination": theme.coordination if clarified else "",
        "raised_by_person_id": None,
        "raised_by_name": rng.choice(RAISERS),
        "raised_by_institution_id": rng.choice(institutions),
        "raised_by_department_id": None,
        "channel": rng.choices(list(CHANNELS), list(CHANNELS.values()))[0],
        "raised_on": raised_on,
        "owning_area_id": area_id,
        "kind": kind,
        "category": theme.category,
        "state": state,
        "merged_into_id": None,
        "submitted_by_id": actor.person_id,
        "created_at": steps[0]["created_at"],
        "updated_at": steps[-1]["created_at"],
    }
    return need, (department_rows, tag_names, steps)


BUSIEST_SHARE = 0.35  # at national scale one area (the first) carries a larger share: ~5 000 to score


def _pick_area(rng: random.Random, area_ids: list[int]) -> int:
    if len(area_ids) > 1 / BUSIEST_SHARE and rng.random() < BUSIEST_SHARE:
        return area_ids[0]
    return rng.choice(area_ids)


def _transition(source: NeedState | None, target: NeedState, at: datetime, actor: Actor) -> dict[str, Any]:
    return {
        "from_state": source,
        "to_state": target,
        "actor_id": actor.person_id,
        "actor_name": actor.name,
        "comment": "",
        "created_at": at,
        "updated_at": at,
    }


async def generate_organisation(
    session: AsyncSession, *, departments: int, areas: int, people: int, goals: int, seed: int = 0
) -> dict[str, int]:
    """Grow the register to at least `departments` departments, `areas` areas (each with a steering
    group of five named members), `people` people and `goals` strategic goals in force, with Core
    inserts; ONE change record says what was added. Returns how many of each were added."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    stamp = {"created_at": now, "updated_at": now}
    connection = await session.connection()
    added = {"departments": 0, "areas": 0, "people": 0, "goals": 0, "steering_members": 0}

    async def count(column) -> int:
        return int(await session.scalar(select(func.count(column))) or 0)

    missing = departments - await count(m.Department.id)
    if missing > 0:
        start = await count(m.Department.id)
        await connection.execute(
            insert(m.Department.__table__),
            [
                {
                    "name": f"Avdelning {n:04d} (genererad)",
                    "short_name": f"Avd {n}",
                    "slug": f"generated-{n}",
                    "description": "",
                    **stamp,
                }
                for n in range(start + 1, start + missing + 1)
            ],
        )
        added["departments"] = missing
    missing = areas - await count(m.SupportArea.id)
    if missing > 0:
        start = await count(m.SupportArea.id)
        await connection.execute(
            insert(m.SupportArea.__table__),
            [
                {"name": f"VSO {n:03d} (genererat)", "slug": f"generated-vso-{n}", "purpose": "", **stamp}
                for n in range(start + 1, start + missing + 1)
            ],
        )
        added["areas"] = missing
    department_ids = list((await session.scalars(select(m.Department.id).order_by(m.Department.id))).all())
    area_ids = list((await session.scalars(select(m.SupportArea.id).order_by(m.SupportArea.id))).all())
    members = set(await session.execute(select(m.AreaMembership.area_id, m.AreaMembership.department_id)))
    homed = {department for _area, department in members}
    memberships = []
    for department in department_ids:  # every department in one or two areas
        if department not in homed:
            for area in rng.sample(area_ids, k=min(len(area_ids), rng.randint(1, 2))):
                memberships.append({"area_id": area, "department_id": department, **stamp})
    for area in area_ids:  # and no area without departments
        if not any(a == area for a, _d in members) and not any(row["area_id"] == area for row in memberships):
            memberships.append({"area_id": area, "department_id": rng.choice(department_ids), **stamp})
    if memberships:
        await connection.execute(insert(m.AreaMembership.__table__), memberships)
    missing = people - await count(m.Person.id)
    if missing > 0:
        start = await count(m.Person.id)
        await connection.execute(
            insert(m.Person.__table__),
            [
                {
                    "name": f"Person {n:06d}",
                    "email": f"person{n}@generated.invalid",
                    "title": "",
                    "department_id": rng.choice(department_ids),
                    "institution_id": None,
                    **stamp,
                }
                for n in range(start + 1, start + missing + 1)
            ],
        )
        added["people"] = missing
    have_groups = set((await session.scalars(select(m.SteeringGroup.area_id))).all())
    new_groups = [
        {"area_id": a, "name": f"Styrgrupp {a}", "meeting_cadence": "", **stamp}
        for a in area_ids
        if a not in have_groups
    ]
    if new_groups:
        await connection.execute(insert(m.SteeringGroup.__table__), new_groups)
    person_ids = list((await session.scalars(select(m.Person.id).order_by(m.Person.id))).all())
    groups = (await session.execute(select(m.SteeringGroup.id, m.SteeringGroup.area_id))).all()
    seated = (
        await session.execute(
            select(m.SteeringGroupMember.steering_group_id, func.count()).group_by(
                m.SteeringGroupMember.steering_group_id
            )
        )
    ).all()
    seated_count = dict(seated)
    seats = []
    for group_id, _area in groups:
        need = 5 - seated_count.get(group_id, 0)
        if need > 0:
            seats += [
                {"steering_group_id": group_id, "person_id": p, "role": "member", **stamp}
                for p in rng.sample(person_ids, k=need)
            ]
    if seats:
        # A named member may already sit in the group: skip those (rare) duplicates.
        existing = set(
            await session.execute(select(m.SteeringGroupMember.steering_group_id, m.SteeringGroupMember.person_id))
        )
        seats = list(
            {
                (s["steering_group_id"], s["person_id"]): s
                for s in seats
                if (s["steering_group_id"], s["person_id"]) not in existing
            }.values()
        )
        await connection.execute(insert(m.SteeringGroupMember.__table__), seats)
        added["steering_members"] = len(seats)
    strategy_id = await session.scalar(select(m.Strategy.id).order_by(m.Strategy.valid_from.desc()).limit(1))
    if strategy_id is None:
        strategy_id = (
            await connection.execute(
                insert(m.Strategy.__table__).returning(m.Strategy.__table__.c.id),
                [
                    {
                        "name": "Genererad strategi",
                        "mission": "",
                        "description": "",
                        "valid_from": date(2020, 1, 1),
                        "valid_to": None,
                        "is_example": True,
                        **stamp,
                    }
                ],
            )
        ).scalar_one()
    missing = goals - await count(m.StrategicGoal.id)
    if missing > 0:
        start = await count(m.StrategicGoal.id)
        await connection.execute(
            insert(m.StrategicGoal.__table__),
            [
                {
                    "strategy_id": strategy_id,
                    "name": f"Mål {n} (genererat)",
                    "description": "",
                    "valid_from": None,
                    "valid_to": None,
                    "position": n,
                    **stamp,
                }
                for n in range(start + 1, start + missing + 1)
            ],
        )
        added["goals"] = missing
    session.add(_log(current_actor.get(), "department", f"generated register: {added}", added))
    await session.flush()
    return added


async def generate_scores(session: AsyncSession, needs: int, *, raters: int = 5, seed: int = 0) -> int:
    """Scores from `raters` members of each area's steering group on `needs` needs of the backlog
    (development projects waiting for a decision), the busiest area's first, so that one area has
    thousands of scored needs. Core inserts in batches; ONE change record. Returns the rows added."""
    from registry.priorities.queries import BACKLOG_STATES

    rng = random.Random(seed)
    now = datetime.now(UTC)
    goal_ids = [str(g) for g in (await session.scalars(select(m.StrategicGoal.id).order_by(m.StrategicGoal.id)))]
    members: dict[int, list[tuple[int, str]]] = {}
    for area_id, person_id, name in await session.execute(
        select(m.SteeringGroup.area_id, m.Person.id, m.Person.name)
        .join(m.SteeringGroupMember, m.SteeringGroupMember.steering_group_id == m.SteeringGroup.id)
        .join(m.Person, m.Person.id == m.SteeringGroupMember.person_id)
        .order_by(m.SteeringGroupMember.id)
    ):
        members.setdefault(area_id, []).append((person_id, name))
    busiest = await session.scalar(
        select(Need.owning_area_id).group_by(Need.owning_area_id).order_by(func.count().desc()).limit(1)
    )
    already = select(NeedScore.need_id)
    candidates = (
        select(Need.id, Need.owning_area_id)
        .where(Need.state.in_(BACKLOG_STATES), Need.kind == NeedKind.development_project, Need.id.not_in(already))
        .order_by((Need.owning_area_id == busiest).desc(), Need.id)
        .limit(needs)
    )
    connection = await session.connection()
    rows, added = [], 0
    for need_id, area_id in (await session.execute(candidates)).all():
        for rater_id, rater_name in members.get(area_id, [])[:raters]:
            rows.append(
                {
                    "need_id": need_id,
                    "rater_id": rater_id,
                    "rater_name": rater_name,
                    "benefit": rng.randint(0, 3),
                    "urgency": rng.randint(0, 3),
                    "risk_reduction": rng.randint(0, 3),
                    "alignment": {goal: rng.randint(0, 3) for goal in goal_ids},
                    "comment": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        if len(rows) >= BATCH:
            await connection.execute(insert(NeedScore.__table__), rows)
            added += len(rows)
            rows = []
    if rows:
        await connection.execute(insert(NeedScore.__table__), rows)
        added += len(rows)
    session.add(
        _log(
            current_actor.get(),
            "need_score",
            f"generated {added} scores for benchmarking",
            {"rows": added, "needs": needs, "raters": raters, "seed": seed},
        )
    )
    await session.flush()
    return added


def _log(actor: Actor, object_type: str, message: str, after: dict) -> ChangeRecord:
    """The one change record of a bulk generation (object id 0: it concerns many rows)."""
    return ChangeRecord(
        actor_id=actor.person_id,
        actor_name=actor.name,
        object_type=object_type,
        object_id=0,
        object_label="generated",
        action=ChangeAction.create,
        before=None,
        after=after,
        request_id="",
        message=message,
    )
