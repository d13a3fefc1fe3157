"""SQLite as a real embedded database (registry/db/engine.py): WAL, a busy timeout, write
transactions that take the lock when they begin, and a bounded pool."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.pool import NullPool

from registry.config import Settings
from registry.db import models as m
from registry.db.engine import BUSY_TIMEOUT_MS, create_engine, write_intent


@pytest.fixture
def sqlite_url(request, tmp_path):
    from tests.conftest import fresh_database

    with fresh_database("sqlite", request, tmp_path) as url:
        yield url


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_a_bounded_pool(sqlite_url):
    engine = create_engine(Settings(database_url=sqlite_url))

    async def main():
        async with engine.connect() as connection:
            mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
            timeout = (await connection.execute(text("PRAGMA busy_timeout"))).scalar()
            keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
        await engine.dispose()
        return mode, timeout, keys

    assert asyncio.run(main()) == ("wal", BUSY_TIMEOUT_MS, 1)
    assert not isinstance(engine.pool, NullPool) and engine.pool.size() > 0


def test_writers_that_read_first_queue_for_the_lock_instead_of_failing(sqlite_url):
    """Two writers that each read and then write at the same time: with deferred transactions the
    second fails at once with "database is locked"; with immediate ones it waits its turn."""
    engine = create_engine(Settings(database_url=sqlite_url))
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def writer(name: str, delay: float) -> None:
        with write_intent(True):
            async with sessions() as session:
                await asyncio.sleep(delay)
                area = await session.scalar(select(m.Department).order_by(m.Department.id))
                await asyncio.sleep(0.3)  # the other writer reads meanwhile
                await session.execute(
                    update(m.Department).where(m.Department.id == area.id).values(description=area.description + name)
                )
                await session.commit()

    async def main():
        await asyncio.gather(writer("a", 0), writer("b", 0.1))
        async with sessions() as session:
            description = await session.scalar(select(m.Department.description).order_by(m.Department.id))
        await engine.dispose()
        return description

    assert asyncio.run(main()).endswith("ab")  # both writes are there, in turn: none lost


def test_a_reading_transaction_does_not_hold_the_write_lock(sqlite_url):
    engine = create_engine(Settings(database_url=sqlite_url))
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def main():
        async with sessions() as reader:
            await reader.scalar(select(m.SupportArea.id))  # a read transaction stays open
            with write_intent(True):
                async with sessions() as session:
                    await session.execute(update(m.Department).values(description="x"))
                    await session.commit()
        await engine.dispose()

    asyncio.run(asyncio.wait_for(main(), timeout=BUSY_TIMEOUT_MS / 1000 - 1))
