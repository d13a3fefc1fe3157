"""Writing an import's new needs in batches, all or nothing, without holding the write lock for long.

An import of 100 000 needs written in one transaction would keep every other writer waiting (on
SQLite, for the whole import). Instead, after the file is checked in full (without the lock):
1. `start` records the import (`NeedImport`);
2. `write` adds a batch of needs with their departments, areas, tags and first transition in one
   short transaction, with bulk inserts (SQLAlchemy Core, executemany). The needs carry the import's
   id in `import_batch_id`, and every query leaves out the needs of an unpublished import
   (registry/needs/models.py): nobody sees them;
3. `publish`, in the caller's last short transaction, marks the import published: every need appears
   at once, with ONE change record for the whole import naming its id and the needs it created.
If anything fails, `discard` removes the batch's needs (their linked rows go with them, ON DELETE
CASCADE). If the process dies instead, the import's heartbeat stops; `discard_stale` removes it the
next time an import starts or the app starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from registry.changes.models import ChangeAction, ChangeRecord
from registry.changes.service import Actor
from registry.db.engine import write_intent
from registry.needs.models import (
    Channel,
    DepartmentRole,
    Need,
    NeedArea,
    NeedDepartment,
    NeedImport,
    NeedKind,
    NeedState,
    NeedTag,
    NeedTransition,
)

BATCH = 1000  # needs a transaction: well under a second of holding the write lock
STALE_AFTER = timedelta(minutes=10)  # an import silent this long has died

_need = Need.__table__
_import = NeedImport.__table__


@dataclass
class NewNeed:
    """A checked row that creates a need: the need's columns and the rows linked to it."""

    values: dict[str, Any]
    departments: list[Mapping[str, Any]] = field(default_factory=list)
    other_area_ids: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC)


async def start(sessions: async_sessionmaker[AsyncSession], filename: str, actor: Actor) -> int:
    with write_intent(True):
        async with sessions() as session:
            batch = NeedImport(
                filename=filename[:300], actor_id=actor.person_id, actor_name=actor.name, heartbeat_at=_now()
            )
            session.add(batch)
            await session.commit()
            return batch.id


async def write(
    sessions: async_sessionmaker[AsyncSession], batch_id: int, needs: Sequence[NewNeed], actor: Actor
) -> list[int]:
    """Add `needs` (at most a `BATCH`) as part of the unpublished import; returns their ids."""
    now = _now()
    with write_intent(True):
        async with sessions() as session:
            connection = await session.connection()
            rows = [
                {
                    **need.values,
                    "state": NeedState.submitted,
                    "merged_into_id": None,
                    "import_batch_id": batch_id,
                    "created_at": now,
                    "updated_at": now,
                }
                for need in needs
            ]
            ids = await _insert_needs(connection, batch_id, rows)
            stamp = {"created_at": now, "updated_at": now}
            departments, areas, tags, transitions = [], [], [], []
            for need_id, need in zip(ids, needs, strict=True):
                departments += [
                    {
                        "need_id": need_id,
                        "department_id": row["department_id"],
                        "role": DepartmentRole(row["role"]),
                        "effort_days": row["effort_days"],
                        **stamp,
                    }
                    for row in need.departments
                ]
                areas += [{"need_id": need_id, "area_id": area_id, **stamp} for area_id in need.other_area_ids]
                tags += [{"need_id": need_id, "name": name, **stamp} for name in need.tags]
                transitions.append(
                    {
                        "need_id": need_id,
                        "from_state": None,
                        "to_state": NeedState.submitted,
                        "actor_id": actor.person_id,
                        "actor_name": actor.name,
                        "comment": "",
                        **stamp,
                    }
                )
            for model, linked in (
                (NeedDepartment, departments),
                (NeedArea, areas),
                (NeedTag, tags),
                (NeedTransition, transitions),
            ):
                if linked:
                    await connection.execute(insert(model.__table__), linked)
            await connection.execute(update(_import).where(_import.c.id == batch_id).values(heartbeat_at=now))
            await session.commit()
    return ids


async def _insert_needs(connection: AsyncConnection, batch_id: int, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the needs in one executemany; their ids, in the order of `rows`."""
    if connection.dialect.name != "sqlite":
        result = await connection.execute(insert(_need).returning(_need.c.id, sort_by_parameter_order=True), rows)
        return list(result.scalars().all())
    # SQLite cannot return ids in order from a bulk insert (SQLAlchemy would send a row at a time).
    # This transaction holds the write lock (BEGIN IMMEDIATE), so the new rows get the next ids in order.
    before = await connection.scalar(select(func.coalesce(func.max(_need.c.id), 0)))
    await connection.execute(insert(_need), rows)
    ids = list(
        (
            await connection.scalars(
                select(_need.c.id).where(_need.c.import_batch_id == batch_id, _need.c.id > before).order_by(_need.c.id)
            )
        ).all()
    )
    if len(ids) != len(rows):
        raise RuntimeError("another writer added needs during a batch insert")
    return ids


async def publish(
    session: AsyncSession,
    batch_id: int,
    filename: str,
    created_ids: Sequence[int],
    counts: Mapping[str, int],
    actor: Actor,
) -> None:
    """Make the import's needs seen (one row changes: the import's), in the caller's transaction,
    with one change record."""
    from registry.web.middleware import request_id_var

    now = _now()
    await session.execute(
        update(_import)
        .where(_import.c.id == batch_id)
        .values(published_at=now, heartbeat_at=now, created=counts["created"], updated=counts["updated"])
    )
    if not created_ids:
        return  # the changes to existing needs are recorded one by one by the services
    session.add(
        ChangeRecord(
            actor_id=actor.person_id,
            actor_name=actor.name,
            object_type=NeedImport.__tablename__,
            object_id=batch_id,
            object_label=filename[:300],
            action=ChangeAction.create,
            before=None,
            after={
                "import_batch_id": batch_id,
                "filename": filename,
                **counts,
                "need_ids": id_ranges(created_ids),
            },
            request_id=request_id_var.get(),
            message=f"import batch {batch_id}: {len(created_ids)} needs created from {filename}",
        )
    )
    await session.flush()


def id_ranges(ids: Iterable[int]) -> list[list[int]]:
    """Ids as [first, last] runs: [1, 2, 3, 7] → [[1, 3], [7, 7]]."""
    runs: list[list[int]] = []
    for need_id in sorted(ids):
        if runs and need_id == runs[-1][1] + 1:
            runs[-1][1] = need_id
        else:
            runs.append([need_id, need_id])
    return runs


async def discard(sessions: async_sessionmaker[AsyncSession], batch_id: int) -> None:
    """Remove an unpublished import and everything it wrote, a batch of needs at a time."""
    async with sessions() as session:
        published = await session.scalar(select(_import.c.published_at).where(_import.c.id == batch_id))
    if published is not None:
        return  # too late: it is in the register (and its changes are undone like any other)
    with write_intent(True):
        while True:
            async with sessions() as session:
                chosen = select(_need.c.id).where(_need.c.import_batch_id == batch_id).limit(BATCH)
                result = await session.execute(delete(_need).where(_need.c.id.in_(chosen)))
                await session.commit()
            if (result.rowcount or 0) < BATCH:
                break
        async with sessions() as session:
            await session.execute(delete(_import).where(_import.c.id == batch_id, _import.c.published_at.is_(None)))
            await session.commit()


async def discard_stale(sessions: async_sessionmaker[AsyncSession], now: datetime | None = None) -> list[int]:
    """Remove the imports whose process died before publishing them; their ids."""
    moment = now or _now()
    async with sessions() as session:
        stale = list(
            (
                await session.scalars(
                    select(_import.c.id).where(
                        _import.c.published_at.is_(None), _import.c.heartbeat_at < moment - STALE_AFTER
                    )
                )
            ).all()
        )
    for batch_id in stale:
        await discard(sessions, batch_id)
    return stale


def new_need_values(values: Mapping[str, Any], raised_by_person_id: int | None, submitted_by_id: int | None) -> dict:
    """The columns of a new need from an import row's checked values (as `services.save_need` sets them)."""
    return {
        "title": values["title"],
        "description": values.get("description") or "",
        "clarified_need": values.get("clarified_need") or "",
        "cause": values.get("cause") or "",
        "proposed_coordination": values.get("proposed_coordination") or "",
        "raised_by_person_id": raised_by_person_id,
        "raised_by_name": values.get("raised_by_name") or "",
        "raised_by_institution_id": values.get("raised_by_institution_id"),
        "raised_by_department_id": values.get("raised_by_department_id"),
        "channel": Channel(values["channel"]) if values.get("channel") else Channel.other,
        "raised_on": values.get("raised_on") or date.today(),
        "owning_area_id": values.get("owning_area_id"),
        "kind": NeedKind(values["kind"]) if values.get("kind") else NeedKind.development_project,
        "category": values.get("category") or "",
        "submitted_by_id": submitted_by_id,
    }
