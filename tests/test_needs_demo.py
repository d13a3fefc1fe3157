"""Demo needs (registry/needs/demo.py) and the bulk generator (registry/needs/generate.py), on both engines."""

from __future__ import annotations

import asyncio
import random
from collections import Counter, defaultdict
from datetime import date

import pytest
from sqlalchemy import func, select

from registry.cli import _in_session, main
from registry.config import Settings, get_settings
from registry.db import models as m
from registry.needs import lifecycle
from registry.needs.demo import load_demo_needs, path_to, plan_needs, states_of
from registry.needs.generate import generate_needs
from registry.needs.models import NeedKind, NeedState


def run(database_url: str, work):
    return asyncio.run(_in_session(Settings(database_url=database_url), work))


async def _table(session, *columns, order=None):
    return (await session.execute(select(*columns).order_by(order if order is not None else columns[0]))).all()


async def _count(session, model, *where):
    return await session.scalar(select(func.count()).select_from(model).where(*where))


def replay(needs, transitions) -> list[str]:
    """Every need's transitions, in order, checked against the life cycle: the problems found."""
    problems = []
    by_need = defaultdict(list)
    for row in transitions:
        by_need[row.need_id].append(row)
    for need in needs:
        steps = by_need[need.id]
        if not steps or steps[0].from_state is not None or steps[0].to_state is not NeedState.submitted:
            problems.append(f"#{need.id} does not start as submitted")
            continue
        state = NeedState.submitted
        for step in steps[1:]:
            allowed = lifecycle.allowed_next(need.kind, state)
            if step.to_state is NeedState.merged:
                allowed = set() if state in lifecycle.CLOSED else {NeedState.merged}
            if step.from_state is not state or step.to_state not in allowed:
                problems.append(f"#{need.id} {need.kind.value}: {step.from_state} → {step.to_state}")
            state = step.to_state
        if state is not need.state:
            problems.append(f"#{need.id} is {need.state.value} but its transitions end in {state.value}")
    return problems


# The demo is what `make run` loads into SQLite; the services it goes through are tested on both engines
# (and the PostgreSQL template holds the demo people and processes).
@pytest.mark.parametrize("engine_name", ["sqlite"])
def test_demo_needs_cover_every_state_both_kinds_and_replay_by_the_life_cycle(database_url):
    assert run(database_url, load_demo_needs) == 300

    async def read(session):
        return (
            await _table(session, m.Need.id, m.Need.kind, m.Need.state, m.Need.owning_area_id),
            await _table(
                session,
                m.NeedTransition.need_id,
                m.NeedTransition.from_state,
                m.NeedTransition.to_state,
                order=m.NeedTransition.id,
            ),
            await _table(session, m.NeedLink.kind),
            await _count(session, m.NeedComment),
            await _table(session, m.NeedDepartment.role, m.NeedDepartment.effort_days),
            await _table(session, m.ChangeRecord.object_type, m.ChangeRecord.action, m.ChangeRecord.after),
            await _count(session, m.Institution),
            await _count(session, m.SupportArea),
        )

    needs, transitions, links, comments, departments, records, institutions, areas = run(database_url, read)
    seen = {(need.kind, need.state) for need in needs}
    for kind in NeedKind:
        assert {(kind, state) for state in [*states_of(kind), NeedState.merged]} <= seen, kind
    assert {need.state for need in needs} == set(NeedState)
    assert {(NeedKind.small_improvement, s) for s in (NeedState.ready, NeedState.approved)}.isdisjoint(seen)
    assert replay(needs, transitions) == []
    assert len({need.owning_area_id for need in needs} - {None}) == areas == 6
    assert Counter(link.kind.value for link in links).keys() >= {"depends_on", "blocks", "relates_to", "duplicate_of"}
    assert sum(need.state is NeedState.merged for need in needs) >= 2
    assert comments > 0 and institutions == 8
    assert {row.role.value for row in departments} == {"lead", "contributes", "affected"}
    assert any(row.effort_days for row in departments)

    # Every need, transition, comment and link is in the change log.
    by_kind = Counter((record.object_type, record.action.value) for record in records)
    assert by_kind[("need", "create")] == 300
    assert by_kind[("institution", "create")] == 8
    assert by_kind[("need_comment", "create")] == comments
    assert by_kind[("need_link", "create")] == sum(link.kind.value != "duplicate_of" for link in links)
    state_changes = [
        r for r in records if r.object_type == "need" and r.action.value == "update" and "state" in r.after
    ]
    assert len(state_changes) == sum(row.from_state is not None for row in transitions)


def test_demo_needs_load_once(database_url):
    assert run(database_url, lambda session: load_demo_needs(session, 25)) == 25

    async def counts(session):
        return await _count(session, m.Need), await _count(session, m.ChangeRecord)

    before = run(database_url, counts)
    assert run(database_url, load_demo_needs) == 0
    assert run(database_url, counts) == before


def test_demo_plan_is_deterministic_and_every_way_is_allowed():
    today = date(2026, 3, 1)
    first = plan_needs(random.Random(7), 60, today)
    again = plan_needs(random.Random(7), 60, today)
    assert [(p.theme.titles, p.kind, p.state, p.raised_on, p.steps) for p in first] == [
        (p.theme.titles, p.kind, p.state, p.raised_on, p.steps) for p in again
    ]
    for plan in first:
        state = NeedState.submitted
        for step in plan.steps:
            assert step in lifecycle.allowed_next(plan.kind, state), (plan.kind, state, step)
            state = step
        assert state is plan.state
    assert path_to(NeedKind.small_improvement, NeedState.approved) is None
    assert path_to(NeedKind.development_project, NeedState.in_progress)[-2:] == [
        NeedState.approved,
        NeedState.in_progress,
    ]


def test_generator_adds_exactly_n_needs_and_one_change_record(database_url):
    async def counts(session):
        return {
            model.__name__: await _count(session, model)
            for model in (m.Need, m.ChangeRecord, m.NeedTransition, m.NeedDepartment, m.NeedTag)
        }

    before = run(database_url, counts)
    first, last = run(database_url, lambda session: generate_needs(session, 2500, seed=3))  # two batches
    after = run(database_url, counts)
    assert after["Need"] - before["Need"] == 2500 == last - first + 1
    assert after["ChangeRecord"] - before["ChangeRecord"] == 1
    assert after["NeedTransition"] - before["NeedTransition"] >= 2500
    assert after["NeedDepartment"] - before["NeedDepartment"] >= 2500
    assert after["NeedTag"] - before["NeedTag"] >= 2500

    async def read(session):
        record = await session.scalar(select(m.ChangeRecord).order_by(m.ChangeRecord.id.desc()).limit(1))
        needs = await _table(session, m.Need.id, m.Need.kind, m.Need.state)
        transitions = await _table(
            session,
            m.NeedTransition.need_id,
            m.NeedTransition.from_state,
            m.NeedTransition.to_state,
            order=m.NeedTransition.id,
        )
        return record, needs, transitions

    record, needs, transitions = run(database_url, read)
    assert (record.object_type, record.action.value, record.object_id) == ("need", "create", first)
    assert record.message == "generated 2500 needs for benchmarking"
    assert replay(needs, transitions) == []
    assert {need.state for need in needs} == set(NeedState) - {NeedState.merged}

    # The ids go on from where the generator stopped (the sequence moved on, on PostgreSQL too).
    assert run(database_url, lambda session: generate_needs(session, 3, seed=4)) == (last + 1, last + 3)


def test_generate_command(database_url, monkeypatch, capsys):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert main(["needs", "generate", "12", "--seed", "5"]) == 0
    finally:
        get_settings.cache_clear()
    assert "Generated 12 needs" in capsys.readouterr().out

    async def read(session):
        return await _count(session, m.Need), await session.scalar(
            select(m.ChangeRecord.actor_name).where(m.ChangeRecord.message.like("generated%"))
        )

    assert run(database_url, read) == (12, "registry needs generate")
