"""Writing the change log. Every service that changes data calls `record` in the same transaction,
so a change and its record are committed, or rolled back, together.
"""

from __future__ import annotations

import enum
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Integer, bindparam, cast, inspect, literal, literal_column, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from registry.changes.models import ChangeAction, ChangeRecord

# Columns that say nothing about the object's content.
_SKIPPED = {"created_at", "updated_at", "password_hash", "token_hash", "version"}  # secrets stay out of the log


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
    """An object's content as the change log keeps it: its columns and the links it owns.

    All the links are read in one statement, built once per kind of object (an import snapshots
    thousands of objects)."""
    data = columns(obj)
    links = _links_statement(type(obj))
    if links is None:
        return data
    statement, specs = links
    found: dict[int, list[Any]] = {index: [] for index in range(len(specs))}
    for row in await session.execute(statement, {"object_id": obj.id}):
        found[row[0]].append(row[1:])
    offset = 0
    for index, (name, width, many) in enumerate(specs):
        values = [row[offset : offset + width] for row in found[index]]
        data[name] = [[_plain(value) for value in row] for row in values] if many else [row[0] for row in values]
        offset += width
    return data


@cache
def _links_statement(model: type) -> tuple[Any, list[tuple[str, int, bool]]] | None:
    """A UNION ALL of the model's `__audit_links__`: a column per linked column, NULL (cast to the
    column's type, for PostgreSQL) in the other links' rows; and (name, width, many) per link."""
    links = list(getattr(model, "__audit_links__", {}).items())
    if not links:
        return None
    specs = [
        (name, own, others if isinstance(others, tuple) else (others,), isinstance(others, tuple))
        for name, (own, others) in links
    ]
    slots = [column for _name, _own, others, _many in specs for column in others]
    selects = []
    offset = 0
    for index, (_name, own, others, _many) in enumerate(specs):
        mine = range(offset, offset + len(others))
        selects.append(
            select(
                literal(index, Integer).label("link"),
                *(
                    (slot if position in mine else cast(null(), slot.type)).label(f"slot{position}")
                    for position, slot in enumerate(slots)
                ),
            ).where(own == bindparam("object_id"))
        )
        offset += len(others)
    statement = union_all(*selects) if len(selects) > 1 else selects[0]
    statement = statement.order_by(literal_column("link"), *(literal_column(f"slot{p}") for p in range(len(slots))))
    return statement, [(name, len(others), many) for name, _own, others, many in specs]


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
