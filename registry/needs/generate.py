"""Synthetic needs in bulk, for benchmarks (`registry needs generate N`).

The services write one need at a time, with a change record per change; that is right for people and
far too slow for 100 000 needs. Here the rows (needs, their departments, tags and the transitions
that brought each to its state) go in with SQLAlchemy Core in batches, and the change log gets ONE
record that says what was generated, so nothing is written unlogged. Every state of the life cycle
but `merged` occurs, each reached by allowed transitions.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.changes.models import ChangeAction, ChangeRecord
from registry.changes.service import Actor, current_actor
from registry.db import models as m
from registry.needs.demo import CHANNELS, likely_state, path_to
from registry.needs.demo_catalogue import CONTEXTS, RAISERS, THEMES
from registry.needs.models import DepartmentRole, Need, NeedDepartment, NeedKind, NeedState, NeedTag, NeedTransition

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
    area_id = rng.choice(sorted(areas))
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
