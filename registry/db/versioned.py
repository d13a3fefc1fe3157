"""Results kept between page views (the ranked backlogs, the cross-department graph), so that a view
does not redo from scratch what the previous one did.

A result is kept under its database, its key (the page's filter), the day (goals are in force by
date) and the registry's version: one cheap statement of maxima read through indexes (the newest
change record, need, need update, score, scoring model, goal and strategy). Every change the pages
make writes a change record, so any change gives a new version, and the next view computes afresh
(once, for every reader of that worker). Each worker keeps the few most recent results.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from datetime import date
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.db import models as m

KEEP = 8  # results kept per cache and worker (the whole registry's ranking is some megabytes)


async def registry_version(session: AsyncSession) -> tuple[Any, ...]:
    """What a ranking depends on, in one statement of index-only maxima."""
    parts = [
        select(func.max(m.ChangeRecord.id)),
        select(func.max(m.Need.id)),
        select(func.max(m.Need.updated_at)),
        select(func.max(m.NeedScore.id)),
        select(func.max(m.ScoringModel.updated_at)),
        select(func.max(m.StrategicGoal.updated_at)),
        select(func.max(m.Strategy.updated_at)),
    ]
    row = (await session.execute(select(*(part.scalar_subquery() for part in parts)))).one()
    return (*row, date.today())


class VersionedCache:
    # Every cache of the process, so that all can be emptied when a database is replaced under the
    # same address (a restore, or the test suite's fresh database for each test).
    instances: ClassVar[weakref.WeakSet[VersionedCache]] = weakref.WeakSet()

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self.entries: OrderedDict[Hashable, tuple[tuple, Any]] = OrderedDict()
        self.lock = asyncio.Lock()
        VersionedCache.instances.add(self)

    @classmethod
    def forget_everything(cls) -> None:
        for cache in list(cls.instances):
            cache.entries.clear()

    async def get(self, session: AsyncSession, key: Hashable, compute: Callable[[], Awaitable[Any]]) -> Any:
        """The result under `key` for the registry as it is now: kept, or computed (once) and kept."""
        full_key = (str(session.get_bind().url), key)
        version = await registry_version(session)
        found = self.entries.get(full_key)
        if found is not None and found[0] == version:
            self.entries.move_to_end(full_key)
            return found[1]
        async with self.lock:  # many readers after a change: one computes, the others wait for it
            found = self.entries.get(full_key)
            if found is not None and found[0] == version:
                return found[1]
            value = await compute()
            self.entries[full_key] = (version, value)
            self.entries.move_to_end(full_key)
            while len(self.entries) > self.keep:
                self.entries.popitem(last=False)
            return value
