"""Demo development needs for `make run`: a few hundred needs raised by example institutions, routed to
all six areas and their departments, in every state of the life cycle.

Everything is written through `registry.needs.services` as the demo administrator, so every need,
department estimate, transition, merge, comment and link is in the change log, and every state was
reached by an allowed transition. The same `count` and `seed` give the same needs (the dates are
counted back from today). Loading does nothing once any need exists.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.models import Account
from registry.accounts.principal import Principal, load_roles
from registry.areas.services import save_institution
from registry.changes.service import Actor, current_actor
from registry.db import models as m
from registry.needs import lifecycle, services
from registry.needs.demo_catalogue import (
    COMMENTS,
    CONTEXTS,
    INSTITUTIONS,
    RAISERS,
    THEMES,
    TRANSITION_COMMENTS,
    Theme,
)
from registry.needs.models import Channel, DepartmentRole, LinkKind, Need, NeedKind, NeedState

S = NeedState
DEMO_ADMIN = "admin"
HISTORY_DAYS = 548  # needs were raised over the last 18 months

# Which states a need of this age (in days) is likely to have reached: state → weight. Young needs wait
# for clarification and the steering group; old ones are mostly done, decided or withdrawn.
DEVELOPMENT_BY_AGE = [
    (21, {S.submitted: 6, S.clarified: 3, S.withdrawn: 0.2}),
    (90, {S.submitted: 2, S.clarified: 4, S.ready: 3, S.recommended: 1.5, S.withdrawn: 0.4}),
    (
        200,
        {
            S.clarified: 1,
            S.ready: 2,
            S.recommended: 2,
            S.approved: 2,
            S.deferred: 1,
            S.rejected: 0.7,
            S.in_progress: 2.5,
            S.withdrawn: 0.4,
        },
    ),
    (365, {S.approved: 1, S.deferred: 1, S.rejected: 0.8, S.in_progress: 4, S.done: 2, S.withdrawn: 0.5}),
    (10**6, {S.in_progress: 2, S.done: 3, S.followed_up: 3, S.rejected: 0.8, S.withdrawn: 0.8, S.deferred: 0.5}),
]
SMALL_BY_AGE = [
    (21, {S.submitted: 5, S.clarified: 3, S.in_progress: 1}),
    (90, {S.submitted: 1, S.clarified: 2, S.in_progress: 4, S.done: 2, S.withdrawn: 0.3}),
    (365, {S.in_progress: 1, S.done: 4, S.followed_up: 2, S.withdrawn: 0.5}),
    (10**6, {S.done: 2, S.followed_up: 5, S.withdrawn: 1}),
]
CHANNELS = {
    Channel.intake_form: 4,
    Channel.dialogue_arena: 3,
    Channel.email: 2,
    Channel.meeting: 1,
    Channel.other: 0.5,
}


def states_of(kind: NeedKind) -> list[NeedState]:
    """The states a need of this kind can reach by transitions (merged is reached by merging)."""
    return [state for state in NeedState if state is S.submitted or path_to(kind, state) is not None]


def path_to(kind: NeedKind, target: NeedState, start: NeedState = S.submitted) -> list[NeedState] | None:
    """The shortest list of transitions that takes a need from `start` to `target`, by the life cycle."""
    previous: dict[NeedState, NeedState | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        if state is target:
            steps = []
            while previous[state] is not None:
                steps.append(state)
                state = previous[state]
            return steps[::-1]
        for following in sorted(lifecycle.allowed_next(kind, state)):
            if following not in previous:
                previous[following] = state
                queue.append(following)
    return None


def with_detour(rng: random.Random, kind: NeedKind, steps: list[NeedState]) -> list[NeedState]:
    """The same way with one step aside and back on the way: sent back for more details, or deferred
    and brought back on the agenda."""
    here = S.submitted
    for position, step in enumerate(steps):
        detours = []
        for aside in sorted(lifecycle.allowed_next(kind, here) - {step} - lifecycle.CLOSED):
            back = path_to(kind, here, start=aside)
            if back is not None and len(back) <= 3:
                detours.append([aside, *back])
        if detours and rng.random() < 0.5:
            return steps[:position] + rng.choice(detours) + steps[position:]
        here = step
    return steps


@dataclass
class NeedPlan:
    theme: Theme
    kind: NeedKind
    state: NeedState  # where it ends (merged: where it is when merged)
    raised_on: date
    merge: bool = False
    routed: bool = True
    steps: list[NeedState] = field(default_factory=list)


def likely_state(rng: random.Random, kind: NeedKind, age: int) -> NeedState:
    table = SMALL_BY_AGE if kind is NeedKind.small_improvement else DEVELOPMENT_BY_AGE
    weights = next(weights for limit, weights in table if age < limit)
    return rng.choices(list(weights), list(weights.values()))[0]


def plan_needs(rng: random.Random, count: int, today: date) -> list[NeedPlan]:
    """What to create: at least one need of each kind in each state it can reach, the rest by age."""
    wanted = [(kind, state) for kind in NeedKind for state in states_of(kind)]
    wanted += [(kind, S.merged) for kind in NeedKind]
    plans: list[NeedPlan] = []
    for number in range(count):
        age = int(HISTORY_DAYS * rng.random() ** 1.5)  # more needs are recent
        if number < len(wanted):
            kind, state = wanted[number]
            age = max(age, 200) if state in {S.done, S.followed_up} else age
        else:
            kind = NeedKind.small_improvement if rng.random() < 0.3 else NeedKind.development_project
            state = likely_state(rng, kind, age)
        themes = [theme for theme in THEMES if theme.small == (kind is NeedKind.small_improvement)]
        plan = NeedPlan(rng.choice(themes), kind, state, today - timedelta(days=age))
        if state is S.merged or (number >= len(wanted) and state in {S.submitted, S.clarified} and rng.random() < 0.05):
            plan.merge, plan.state = True, rng.choice([S.submitted, S.clarified])
        plan.routed = plan.state is not S.submitted or rng.random() < 0.6
        plan.steps = path_to(kind, plan.state) or []
        if rng.random() < 0.15:
            plan.steps = with_detour(rng, kind, plan.steps)
        plans.append(plan)
    plans.sort(key=lambda plan: plan.raised_on)
    return plans


async def demo_admin(session: AsyncSession) -> Principal:
    """The demo administrator as a principal, with the roles the register gives them."""
    return await demo_principal(session, DEMO_ADMIN)


async def demo_principal(session: AsyncSession, username: str) -> Principal:
    """A demo account as a principal, with the roles the register gives them."""
    account = await session.scalar(select(Account).where(Account.username == username))
    if account is None:
        raise RuntimeError("The demo people are missing: load them first (registry.demo.load_demo).")
    person = await session.get(m.Person, account.person_id)
    roles = await load_roles(session, person.id)
    return Principal(
        person_id=person.id, account_id=account.id, session_id=0, name=person.name, username=account.username, **roles
    )


async def example_institutions(session: AsyncSession) -> list[m.Institution]:
    """The example institutions (invented, see demo_catalogue.INSTITUTIONS), created where missing."""
    existing = {i.name: i for i in (await session.scalars(select(m.Institution))).all()}
    found = []
    for name, short_name in INSTITUTIONS:
        institution = existing.get(name) or await save_institution(session, {"name": name, "short_name": short_name})
        found.append(institution)
    return found


async def load_demo_needs(session: AsyncSession, count: int = 300, *, seed: int = 2026) -> int:
    """Create `count` demo needs unless the registry has needs already. Returns how many were created."""
    if count <= 0 or await session.scalar(select(Need.id).limit(1)) is not None:
        return 0
    admin = await demo_admin(session)
    token = current_actor.set(Actor(admin.person_id, admin.name))
    try:
        rng = random.Random(seed)
        # Kept (not just their ids) so that the services find them in the session instead of asking again.
        loaded = {
            "areas": list((await session.scalars(select(m.SupportArea))).all()),
            "departments": list((await session.scalars(select(m.Department))).all()),
            "institutions": await example_institutions(session),
        }
        areas = {area.slug: area.id for area in loaded["areas"]}
        departments = {department.slug: department.id for department in loaded["departments"]}
        institutions = [institution.id for institution in loaded["institutions"]]
        created: list[tuple[NeedPlan, Need]] = []
        for plan in plan_needs(rng, count, date.today()):
            need = await _create(session, admin, rng, plan, areas, departments, institutions)
            created.append((plan, need))
        await _merge(session, admin, rng, created)
        await _link(session, admin, rng, [need for plan, need in created if not plan.merge])
        return len(created)
    finally:
        current_actor.reset(token)


async def _create(
    session: AsyncSession,
    admin: Principal,
    rng: random.Random,
    plan: NeedPlan,
    areas: dict[str, int],
    departments: dict[str, int],
    institutions: list[int],
) -> Need:
    theme = plan.theme
    clarified = plan.state is not S.submitted or bool(plan.steps)
    by_department = rng.random() < 0.15
    raw = {
        "title": rng.choice(theme.titles),
        "description": f"{theme.description} {rng.choice(CONTEXTS)}",
        "clarified_need": theme.clarified_need if clarified else "",
        "cause": theme.cause if clarified or rng.random() < 0.5 else "",
        "proposed_coordination": theme.coordination if clarified else "",
        "raised_by_name": rng.choice(RAISERS),
        "raised_by_institution_id": None if by_department or not institutions else rng.choice(institutions),
        "raised_by_department_id": departments.get(rng.choice((theme.lead, *theme.others))) if by_department else None,
        "channel": rng.choices(list(CHANNELS), list(CHANNELS.values()))[0].value,
        "raised_on": plan.raised_on,
        "owning_area_id": areas.get(theme.area) if plan.routed else None,
        "kind": plan.kind.value,
        "category": theme.category,
        "tags": ", ".join(rng.sample(theme.tags, k=rng.randint(1, len(theme.tags)))),
    }
    rows = _department_rows(rng, plan, departments, clarified) if plan.routed else None
    # partial: what is not given keeps the new need's defaults (there are no other areas to clear).
    need = await services.save_need(session, admin, raw, partial=True, departments=rows)
    for step in plan.steps:
        comment = rng.choice(TRANSITION_COMMENTS.get(step.value, [""]))
        await services.transition(session, admin, need, step.value, comment)
    if rng.random() < 0.35:
        for body in rng.sample(COMMENTS, k=rng.randint(1, 2)):
            await services.add_comment(session, admin, need, body)
    return need


def _department_rows(
    rng: random.Random, plan: NeedPlan, departments: dict[str, int], estimated: bool
) -> list[dict[str, str | int]]:
    small = plan.kind is NeedKind.small_improvement
    slugs = [plan.theme.lead, *plan.theme.others]
    if not small and rng.random() < 0.2:
        slugs.append(rng.choice(sorted(set(departments) - set(slugs))))  # one more, outside the area
    rows = []
    for position, slug in enumerate(dict.fromkeys(slugs)):
        if slug not in departments:
            continue
        role = DepartmentRole.lead if position == 0 else DepartmentRole.contributes
        if position >= 2 or (position == 1 and rng.random() < 0.3):
            role = DepartmentRole.affected
        days = {
            DepartmentRole.lead: [0.5, 1, 2, 3] if small else [5, 10, 15, 20, 30, 45, 60, 90],
            DepartmentRole.contributes: [0.5, 1] if small else [2, 3, 5, 8, 10, 15, 20],
            DepartmentRole.affected: [0.5, 1, 2],
        }[role]
        effort = rng.choice(days) if estimated and (role is not DepartmentRole.affected or rng.random() < 0.6) else ""
        rows.append({"department_id": departments[slug], "role": role.value, "effort_days": str(effort)})
    return rows


async def _merge(session: AsyncSession, admin: Principal, rng: random.Random, created: list[tuple[NeedPlan, Need]]):
    """Merge the planned duplicates into an open need on the same theme (or in the same area)."""
    survivors = [(plan, need) for plan, need in created if not plan.merge and need.state not in lifecycle.CLOSED]
    for plan, need in created:
        if not plan.merge or not survivors:
            continue
        same = [n for p, n in survivors if p.theme is plan.theme] or [
            n for p, n in survivors if p.theme.area == plan.theme.area
        ]
        into = rng.choice(same or [n for _p, n in survivors])
        await services.merge(session, admin, need, into.id, f"Samma behov som #{into.id}; slås ihop.")


async def _link(session: AsyncSession, admin: Principal, rng: random.Random, needs: list[Need]) -> None:
    """A few links between needs: one of each kind at least, most within one area."""
    if len(needs) < 2:
        return
    kinds = [LinkKind.depends_on, LinkKind.blocks, LinkKind.relates_to]
    wanted = max(len(kinds), len(needs) // 20)
    made: set[frozenset[int]] = set()
    for _attempt in range(wanted * 5):
        if len(made) >= wanted:
            break
        need = rng.choice(needs)
        near = [n for n in needs if n.owning_area_id == need.owning_area_id and n.id != need.id]
        other = rng.choice(near or needs)
        if other.id == need.id or frozenset((need.id, other.id)) in made:
            continue
        kind = kinds[len(made) % len(kinds)]
        made.add(frozenset((need.id, other.id)))
        await services.add_link(session, admin, need, other.id, kind.value)
