"""An import's new needs are written in short transactions, unseen until the import is published,
and removed again if it fails or its process dies (registry/needs/import_batches.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from registry.changes.service import Actor
from registry.config import Settings
from registry.db import models as m
from registry.db.engine import create_engine, write_intent
from registry.needs import import_batches
from registry.needs.models import Need, NeedDepartment, NeedTag
from tests.database import scalar, sql

ACTOR = Actor(None, "test import")


def _needs(area_id: int, department_id: int, count: int) -> list[import_batches.NewNeed]:
    return [
        import_batches.NewNeed(
            values=import_batches.new_need_values(
                {"title": f"Importerat behov {n}", "owning_area_id": area_id}, None, None
            ),
            departments=[{"department_id": department_id, "role": "lead", "effort_days": None}],
            tags=["import"],
        )
        for n in range(count)
    ]


def _seen(sessions) -> tuple[int, int, int]:
    """What the app's queries see: needs, their departments and tags."""

    async def work():
        async with sessions() as session:
            return (
                await session.scalar(select(func.count()).select_from(Need)),
                await session.scalar(select(func.count(NeedDepartment.id))),
                await session.scalar(select(func.count(NeedTag.id))),
            )

    return asyncio.run(work())


def test_needs_of_an_unpublished_import_are_unseen_until_it_is_published(database_url):
    engine = create_engine(Settings(database_url=database_url))
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    area = scalar(database_url, select(m.SupportArea.id).order_by(m.SupportArea.id))
    department = scalar(database_url, select(m.Department.id).order_by(m.Department.id))
    before = _seen(sessions)

    async def write():
        batch = await import_batches.start(sessions, "behov.csv", ACTOR)
        ids = await import_batches.write(sessions, batch, _needs(area, department, 3), ACTOR)
        ids += await import_batches.write(sessions, batch, _needs(area, department, 2), ACTOR)
        return batch, ids

    batch, ids = asyncio.run(write())
    assert len(ids) == 5 and _seen(sessions) == before  # written, but nobody sees them
    assert scalar(database_url, select(func.count()).select_from(Need).where(Need.import_batch_id == batch)) == 5

    async def publish():
        with write_intent(True):
            async with sessions() as session:
                counts = {"created": 5, "updated": 0, "unchanged": 0}
                await import_batches.publish(session, batch, "behov.csv", ids, counts, ACTOR)
                await session.commit()
        await engine.dispose()

    asyncio.run(publish())
    assert _seen(sessions) == (before[0] + 5, before[1] + 5, before[2] + 5)
    record = sql(
        database_url,
        select(m.ChangeRecord.object_type, m.ChangeRecord.object_id, m.ChangeRecord.after)
        .order_by(m.ChangeRecord.id.desc())
        .limit(1),
    )[0]
    assert record.object_type == "need_import" and record.object_id == batch
    assert record.after["need_ids"] == import_batches.id_ranges(ids) and record.after["created"] == 5


def test_a_failed_import_and_one_whose_process_died_leave_nothing_behind(database_url):
    engine = create_engine(Settings(database_url=database_url))
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    area = scalar(database_url, select(m.SupportArea.id).order_by(m.SupportArea.id))
    department = scalar(database_url, select(m.Department.id).order_by(m.Department.id))
    rows_before = {
        table: scalar(database_url, select(func.count()).select_from(table))
        for table in (Need, NeedDepartment, NeedTag, m.NeedTransition)
    }

    async def main():
        failed = await import_batches.start(sessions, "a.csv", ACTOR)
        await import_batches.write(sessions, failed, _needs(area, department, 3), ACTOR)
        await import_batches.discard(sessions, failed)
        died = await import_batches.start(sessions, "b.csv", ACTOR)
        await import_batches.write(sessions, died, _needs(area, department, 4), ACTOR)
        alive = await import_batches.start(sessions, "c.csv", ACTOR)
        await import_batches.write(sessions, alive, _needs(area, department, 2), ACTOR)
        # Later: `died` fell silent long ago; `alive` wrote its last batch a moment ago.
        later = datetime.now(UTC) + import_batches.STALE_AFTER - timedelta(seconds=30)
        async with sessions() as session:
            await session.execute(
                m.NeedImport.__table__.update()
                .where(m.NeedImport.id == died)
                .values(heartbeat_at=later - import_batches.STALE_AFTER - timedelta(minutes=1))
            )
            await session.commit()
        removed = await import_batches.discard_stale(sessions, now=later)
        await import_batches.discard(sessions, alive)
        await engine.dispose()
        return failed, died, removed

    failed, died, removed = asyncio.run(main())
    assert removed == [died]
    assert {
        table: scalar(database_url, select(func.count()).select_from(table))
        for table in (Need, NeedDepartment, NeedTag, m.NeedTransition)
    } == rows_before
    assert scalar(database_url, select(func.count()).select_from(m.NeedImport)) == 0
