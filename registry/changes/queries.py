"""Reading the change log: filtered, newest first, a page at a time by keyset (no OFFSET scans)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.changes.labels import value_label
from registry.changes.models import ChangeRecord

PAGE_SIZE = 50


@dataclass(frozen=True)
class ChangeFilter:
    actor_id: int | None = None
    object_type: str = ""
    object_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_query(cls, query: dict[str, str]) -> tuple[ChangeFilter, dict[str, str]]:
        """Parse the query string; returns the filter and, per field, why a value was ignored."""
        errors: dict[str, str] = {}

        def number(name: str) -> int | None:
            value = query.get(name, "").strip()
            if not value:
                return None
            if value.isdigit():
                return int(value)
            errors[name] = value
            return None

        def day(name: str) -> date | None:
            value = query.get(name, "").strip()
            if not value:
                return None
            try:
                return date.fromisoformat(value)
            except ValueError:
                errors[name] = value
                return None

        return (
            cls(
                actor_id=number("actor"),
                object_type=query.get("type", "").strip()[:60],
                object_id=number("object"),
                date_from=day("from"),
                date_to=day("to"),
            ),
            errors,
        )

    def apply(self, statement: Select) -> Select:
        if self.actor_id is not None:
            statement = statement.where(ChangeRecord.actor_id == self.actor_id)
        if self.object_type:
            statement = statement.where(ChangeRecord.object_type == self.object_type)
        if self.object_id is not None:
            statement = statement.where(ChangeRecord.object_id == self.object_id)
        if self.date_from:
            statement = statement.where(ChangeRecord.created_at >= datetime.combine(self.date_from, time.min, UTC))
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), time.min, UTC)
            statement = statement.where(ChangeRecord.created_at < end)
        return statement


async def page(
    session: AsyncSession, change_filter: ChangeFilter, before_id: int | None = None, size: int = PAGE_SIZE
) -> tuple[list[ChangeRecord], int | None]:
    """One page of records, newest first, and the id to continue from (None on the last page)."""
    statement = change_filter.apply(select(ChangeRecord)).order_by(ChangeRecord.id.desc()).limit(size + 1)
    if before_id is not None:
        statement = statement.where(ChangeRecord.id < before_id)
    rows = list((await session.scalars(statement)).all())
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more and rows else None)


async def history(session: AsyncSession, object_type: str, object_id: int, limit: int = 50) -> list[ChangeRecord]:
    return list(
        (
            await session.scalars(
                select(ChangeRecord)
                .where(ChangeRecord.object_type == object_type, ChangeRecord.object_id == object_id)
                .order_by(ChangeRecord.id.desc())
                .limit(limit)
            )
        ).all()
    )


async def object_types(session: AsyncSession) -> list[str]:
    return list(
        (await session.scalars(select(ChangeRecord.object_type).distinct().order_by(ChangeRecord.object_type))).all()
    )


def to_csv(records: list[ChangeRecord]) -> str:
    frame = pd.DataFrame(
        [
            {
                "id": r.id,
                "when": r.created_at.isoformat(),
                "who": r.actor_name,
                "who_id": r.actor_id,
                "action": r.action.value,
                "object_type": r.object_type,
                "object_id": r.object_id,
                "object": r.object_label,
                "before": _json(r.before),
                "after": _json(r.after),
                "message": r.message,
                "request_id": r.request_id,
            }
            for r in records
        ],
        columns=[
            "id",
            "when",
            "who",
            "who_id",
            "action",
            "object_type",
            "object_id",
            "object",
            "before",
            "after",
            "message",
            "request_id",
        ],
    )
    return frame.to_csv(index=False)


def _json(value: Any) -> str:
    import json

    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


# Which recorded fields name a person, a department or an area, so the history can show names.
_REFERENCES = {
    "head_id": "person",
    "deputy_head_id": "person",
    "responsible_head_id": "person",
    "person_id": "person",
    "actor_id": "person",
    "coordinator_ids": "person",
    "department_id": "department",
    "department_ids": "department",
    "area_id": "area",
    "area_ids": "area",
    "owner_id": "person",
    "responsible_id": "person",
    "owning_area_id": "area",
}


async def referenced_names(session: AsyncSession, records: list[ChangeRecord]) -> dict[tuple[str, int], str]:
    """The names behind the ids in the records' before/after values, in one query per kind."""
    from registry.db import models as m

    wanted: dict[str, set[int]] = {"person": set(), "department": set(), "area": set()}
    for change in records:
        for values in (change.before or {}, change.after or {}):
            for key, value in values.items():
                kind = _REFERENCES.get(key)
                if kind is None or value is None:
                    continue
                ids = value if isinstance(value, list) else [value]
                wanted[kind].update(i for i in ids if isinstance(i, int))
    names: dict[tuple[str, int], str] = {}
    for kind, model in (("person", m.Person), ("department", m.Department), ("area", m.SupportArea)):
        if wanted[kind]:
            rows = await session.execute(select(model.id, model.name).where(model.id.in_(wanted[kind])))
            names.update({(kind, row_id): name for row_id, name in rows})
    return names


def readable(key: str, value: Any, names: dict[tuple[str, int], str]) -> str:
    """A recorded value as a reader wants to see it: names for ids, a dash for nothing."""
    if value is None or value == "" or value == []:
        return "–"
    kind = _REFERENCES.get(key)
    if kind:
        ids = value if isinstance(value, list) else [value]
        return ", ".join(names.get((kind, i), f"#{i}") for i in ids)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if (word := value_label(key, value)) is not None:
        return word
    if isinstance(value, list):  # rows of a linked table: one per line, their fields side by side
        return "; ".join(
            " ".join("–" if part is None else str(part) for part in row) if isinstance(row, list) else str(row)
            for row in value
        )
    return str(value)
