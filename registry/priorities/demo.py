"""Demo scores for `make run`: the demo steering-group members score most of the demo needs that
wait for prioritising, each on their own, so the backlog, its spread and its chart have content.
Made through the same service as a person's own scores (and so in the change log)."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.models import Account
from registry.changes.service import Actor, current_actor
from registry.db import models as m
from registry.needs.demo import demo_principal
from registry.needs.models import NeedKind, NeedState
from registry.priorities import queries, services

SCORED_STATES = (NeedState.clarified, NeedState.ready, NeedState.recommended, NeedState.deferred)


async def load_demo_scores(session: AsyncSession, *, seed: int = 2026) -> int:
    """Score the demo needs unless someone has scored already. Returns how many scores were made."""
    if await session.scalar(select(m.NeedScore.id).limit(1)) is not None:
        return 0
    usernames = (
        await session.scalars(select(Account.username).where(Account.is_demo).order_by(Account.username))
    ).all()
    raters = [await demo_principal(session, username) for username in usernames]
    raters = [rater for rater in raters if rater.steering_member_of and not rater.is_admin]
    goals = await queries.goals_in_force(session)
    needs = (
        await session.scalars(
            select(m.Need)
            .where(m.Need.state.in_(SCORED_STATES), m.Need.kind == NeedKind.development_project)
            .order_by(m.Need.id)
        )
    ).all()
    rng = random.Random(seed)
    made = 0
    for need in needs:
        group = [rater for rater in raters if need.owning_area_id in rater.steering_member_of]
        if not group or rng.random() < 0.15:
            continue
        # A need has a true worth; each rater sees it with some noise, and now and then quite differently.
        worth = {name: rng.randint(0, 3) for name in services.score_fields(goals)}
        for rater in rng.sample(group, k=min(len(group), rng.randint(1, 3))):
            noise = 2 if rng.random() < 0.1 else 1
            raw = {
                name: str(min(3, max(0, value + rng.randint(-noise, noise) * (rng.random() < 0.4))))
                for name, value in worth.items()
            }
            token = current_actor.set(Actor(rater.person_id, rater.name))
            try:
                await services.save_score(session, rater, need, raw, goals)
            finally:
                current_actor.reset(token)
            made += 1
    return made
