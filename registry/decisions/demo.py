"""Demo recommendations and line decisions for `make run`: the demo steering members recommend a
few of the demo needs that are ready for the steering group, and the demo department heads decide on
some of them – all agreeing, disagreeing, one still to decide, one head changing their mind – so the
need pages, the decision register and the heads' desks have content. Written through the services
(and so in the change log), as the people who would have done it. Loading does nothing once any
recommendation exists."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from registry.accounts.models import Account
from registry.accounts.principal import Principal
from registry.changes.service import Actor, current_actor
from registry.db import models as m
from registry.decisions import services
from registry.needs.demo import demo_principal
from registry.needs.models import Need, NeedKind, NeedState

# What the group advises, need by need (in id order), and what the line then does:
# "agree" all approve, "split" approve and reject, "partial" one decides, "defer" all defer,
# "changed" one defers and then approves, "" nobody has decided yet.
PLAN = [
    ("now", "agree"),
    ("now", "split"),
    ("now", "partial"),
    ("later", "defer"),
    ("now", "changed"),
    ("now", ""),
    ("later", ""),
    ("not", "reject"),
    ("clarify", ""),
    ("now", ""),
]
RATIONALES = {
    "now": "Stor nytta för många institutioner och tydlig koppling till strategin; rimlig insats.",
    "later": "Angeläget men beroende av pågående arbete; tas upp igen nästa verksamhetsår.",
    "not": "Nyttan står inte i proportion till insatsen; befintliga lösningar räcker.",
    "clarify": "Behovet behöver beskrivas tydligare: vilka användare berörs och vad händer i dag?",
}
DECISIONS = {
    "approve": "Avdelningen avsätter tid enligt uppskattningen under kommande period.",
    "reject": "Avdelningen har inte resurser för detta och prioriterar andra åtaganden.",
    "defer": "Skjuts upp till nästa planeringsperiod i väntan på resurser.",
}


async def load_demo_decisions(session: AsyncSession) -> int:
    """Recommend and decide on some demo needs unless recommendations exist. Returns how many records were made."""
    if await session.scalar(select(m.Recommendation.id).limit(1)) is not None:
        return 0
    usernames = (
        await session.scalars(select(Account.username).where(Account.is_demo).order_by(Account.username))
    ).all()
    people = [await demo_principal(session, username) for username in usernames]
    steering = [p for p in people if p.steering_member_of and not p.is_admin]
    heads = {d: p for p in people if not p.is_admin for d in p.head_of}
    needs = (
        await session.scalars(
            select(Need)
            .where(
                Need.state == NeedState.ready,
                Need.kind == NeedKind.development_project,
                Need.owning_area_id.is_not(None),
            )
            .options(selectinload(Need.departments))
            .order_by(Need.id)
        )
    ).all()
    made = 0
    plan = iter(PLAN)
    for need in needs:
        departments = [row.department_id for row in need.departments]
        group = [p for p in steering if p.steers(need.owning_area_id)]
        if not departments or not group or not all(d in heads for d in departments):
            continue
        step = next(plan, None)
        if step is None:
            break
        advice, line = step
        if len(departments) < 2 and line in ("split", "changed", "partial"):
            line = "agree"  # these need two departments or more
        recorder = group[need.id % len(group)]
        day = max(need.raised_on, date.today() - timedelta(days=14 + need.id % 20))
        await _as(
            recorder,
            services.record_recommendation(session, recorder, need, advice, RATIONALES[advice], recorded_on=day),
        )
        made += 1
        outcomes = {
            "agree": ["approve"] * len(departments),
            "split": ["approve", "reject"] + ["approve"] * (len(departments) - 2),
            "partial": ["approve"],
            "defer": ["defer"] * len(departments),
            "reject": ["reject"] * len(departments),
            "changed": ["defer"] + ["approve"] * (len(departments) - 1) + ["approve"],
            "": [],
        }[line]
        order = departments + ([departments[0]] if line == "changed" else [])
        for department, outcome in zip(order, outcomes, strict=False):
            head = heads[department]
            effort = next((row.effort_days for row in need.departments if row.department_id == department), None)
            raw = {
                "outcome": outcome,
                "rationale": DECISIONS[outcome],
                "committed_days": str(effort if effort is not None else 0) if outcome == "approve" else "",
                "decided_on": min(date.today(), day + timedelta(days=7)).isoformat(),
            }
            await _as(head, services.record_decision(session, head, need, department, raw))
            made += 1
    return made


async def _as(person: Principal, work):
    token = current_actor.set(Actor(person.person_id, person.name))
    try:
        return await work
    finally:
        current_actor.reset(token)
