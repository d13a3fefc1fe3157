"""Writing the change log. Every service that changes data calls `record` in the same transaction,
so a change and its record are committed, or rolled back, together.
"""

from __future__ import annotations

import enum
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.changes.models import ChangeAction, ChangeRecord

# Columns that say nothing about the object's content.
_SKIPPED = {"created_at", "updated_at", "password_hash"}


@dataclass(frozen=True)
class Actor:
    person_id: int | None
    name: str


SYSTEM = Actor(person_id=None, name="system")
current_actor: ContextVar[Actor] = ContextVar("current_actor", default=SYSTEM)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def columns(obj: Any) -> dict[str, Any]:
    mapper = inspect(type(obj))
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in mapper.column_attrs if attr.key not in _SKIPPED}


async def snapshot(session: AsyncSession, obj: Any) -> dict[str, Any]:
    """An object's content as the change log keeps it: its columns and the links it owns."""
    data = columns(obj)
    links = getattr(type(obj), "__audit_links__", {})
    for name, (own_column, other_columns) in links.items():
        if isinstance(other_columns, tuple):
            rows = await session.execute(select(*other_columns).where(own_column == obj.id).order_by(*other_columns))
            data[name] = [[_plain(value) for value in row] for row in rows]
        else:
            rows = await session.scalars(select(other_columns).where(own_column == obj.id).order_by(other_columns))
            data[name] = list(rows.all())
    return data


def label(obj: Any) -> str:
    return str(getattr(obj, "name", None) or getattr(obj, "title", None) or f"#{obj.id}")[:300]


async def record(
    session: AsyncSession,
    action: ChangeAction,
    obj: Any,
    before: dict[str, Any] | None = None,
    *,
    message: str = "",
) -> ChangeRecord | None:
    """Write one change record for `obj`. Call after the change is flushed (so the id is known),
    with `before` taken by `snapshot` before the change. An update that changed nothing is not logged.
    """
    from registry.web.middleware import request_id_var

    after = None if action is ChangeAction.delete else await snapshot(session, obj)
    if action is ChangeAction.update and before == after:
        return None
    if action is ChangeAction.update and before is not None and after is not None:
        changed = {key for key in after if before.get(key) != after.get(key)}
        before = {key: before.get(key) for key in sorted(changed)}
        after = {key: after[key] for key in sorted(changed)}
    actor = current_actor.get()
    change = ChangeRecord(
        actor_id=actor.person_id,
        actor_name=actor.name,
        object_type=type(obj).__tablename__,
        object_id=obj.id,
        object_label=label(obj),
        action=action,
        before=before,
        after=after,
        request_id=request_id_var.get(),
        message=message,
    )
    session.add(change)
    await session.flush()
    return change
