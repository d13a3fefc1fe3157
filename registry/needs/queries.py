"""Reading needs: the coordinators' table (filters, search, sort, keyset pages), one need in full,
and similar needs for the intake form. A page costs a fixed number of queries, whatever its size."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, and_, case, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from registry.db import models as m
from registry.forms import MAX_ID
from registry.needs import search
from registry.needs.models import Need, NeedArea, NeedDepartment, NeedKind, NeedLink, NeedState, NeedTag

PAGE_SIZE = 50
COUNT_LIMIT = 10_000  # counting stops here: "10 000+" is as useful as an exact figure, and stays fast

SORTS = {
    "newest": (Need.id, True),
    "oldest": (Need.id, False),
    "raised": (Need.raised_on, True),
    "updated": (Need.updated_at, True),
    "title": (Need.title, False),
    "state": (Need.state, False),
}


@dataclass(frozen=True)
class NeedFilter:
    q: str = ""
    area: int | None = None
    department: int | None = None
    state: tuple[str, ...] = ()
    kind: str = ""
    institution: int | None = None
    tag: str = ""
    raised_from: date | None = None
    raised_to: date | None = None
    submitted_by: int | None = None
    sort: str = "newest"
    errors: dict[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def from_query(cls, query: Any) -> NeedFilter:
        errors: dict[str, str] = {}

        def number(name: str) -> int | None:
            value = (query.get(name) or "").strip()
            if not value:
                return None
            if value.isdigit():
                return int(value)
            errors[name] = value
            return None

        def day(name: str) -> date | None:
            value = (query.get(name) or "").strip()
            if not value:
                return None
            try:
                return date.fromisoformat(value)
            except ValueError:
                errors[name] = value
                return None

        if hasattr(query, "getall"):
            states = tuple(s for s in query.getall("state", []) if s)
        else:
            states = tuple(s for s in [query.get("state")] if s)
        bad_states = [s for s in states if s not in NeedState.__members__]
        if bad_states:
            errors["state"] = ", ".join(bad_states)
        kind = (query.get("kind") or "").strip()
        if kind and kind not in NeedKind.__members__:
            errors["kind"] = kind
            kind = ""
        sort = query.get("sort") or "newest"
        if sort not in SORTS:
            errors["sort"] = sort
            sort = "newest"
        return cls(
            q=(query.get("q") or "").strip()[:200],
            area=number("area"),
            department=number("department"),
            state=tuple(s for s in states if s in NeedState.__members__),
            kind=kind,
            institution=number("institution"),
            tag=(query.get("tag") or "").strip().lower()[:60],
            raised_from=day("from"),
            raised_to=day("to"),
            submitted_by=number("submitted_by"),
            sort=sort,
            errors=errors,
        )

    def as_query(self, **changes: Any) -> str:
        """This filter as a query string (for links, exports and saved views)."""
        current = replace(self, **changes) if changes else self
        pairs: list[tuple[str, Any]] = []
        for key, name in (
            ("q", "q"),
            ("area", "area"),
            ("department", "department"),
            ("kind", "kind"),
            ("institution", "institution"),
            ("tag", "tag"),
            ("raised_from", "from"),
            ("raised_to", "to"),
            ("submitted_by", "submitted_by"),
        ):
            value = getattr(current, key)
            if value not in (None, ""):
                pairs.append((name, value))
        pairs.extend(("state", s) for s in current.state)
        if current.sort != "newest":
            pairs.append(("sort", current.sort))
        return urlencode(pairs)

    def apply(self, statement: Select, dialect: str = "sqlite") -> Select:
        if self.q:
            statement = statement.where(search.condition(self.q, dialect))
        if self.area is not None:
            # Owning area or another area concerned: one id list from two indexes (an OR would scan).
            in_area = union(
                select(Need.id).where(Need.owning_area_id == self.area),
                select(NeedArea.need_id).where(NeedArea.area_id == self.area),
            )
            statement = statement.where(Need.id.in_(in_area))
        if self.department is not None:
            statement = statement.where(
                Need.id.in_(select(NeedDepartment.need_id).where(NeedDepartment.department_id == self.department))
            )
        if self.state:
            statement = statement.where(Need.state.in_([NeedState(s) for s in self.state]))
        if self.kind:
            statement = statement.where(Need.kind == NeedKind(self.kind))
        if self.institution is not None:
            statement = statement.where(Need.raised_by_institution_id == self.institution)
        if self.tag:
            statement = statement.where(Need.id.in_(select(NeedTag.need_id).where(NeedTag.name == self.tag)))
        if self.raised_from:
            statement = statement.where(Need.raised_on >= self.raised_from)
        if self.raised_to:
            statement = statement.where(Need.raised_on <= self.raised_to)
        if self.submitted_by is not None:
            statement = statement.where(Need.submitted_by_id == self.submitted_by)
        return statement


def _encode(value: Any, need_id: int) -> str:
    if isinstance(value, date | datetime):
        value = value.isoformat()
    elif hasattr(value, "value"):
        value = value.value
    return base64.urlsafe_b64encode(json.dumps([value, need_id]).encode()).decode().rstrip("=")


def _decode(cursor: str, column: Any) -> tuple[Any, int] | None:
    try:
        value, need_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        python_type = column.type.python_type
        if python_type is date:
            value = date.fromisoformat(value)
        elif python_type is datetime:
            value = datetime.fromisoformat(value)
        elif column is Need.state:
            value = NeedState(value)
        if not 0 < int(need_id) <= MAX_ID:
            return None  # no need has such an id; the database would refuse the number
        return value, int(need_id)
    except Exception:  # noqa: BLE001 - a damaged cursor just starts from the first page
        return None


def list_options():
    return (
        selectinload(Need.departments).joinedload(NeedDepartment.department),
        selectinload(Need.tags),
        joinedload(Need.owning_area),
        joinedload(Need.raised_by_institution),
    )


@dataclass
class NeedPage:
    needs: list[Need]
    next_cursor: str | None
    total: int
    total_capped: bool
    previous_cursor: str | None = None


def _beyond(statement: Select, column: Any, descending: bool, position: tuple[Any, int]) -> Select:
    """The rows after `position` in the order (descending or not) of `column`, then the id."""
    value, last_id = position
    if column is Need.id:
        return statement.where(Need.id < last_id if descending else Need.id > last_id)
    if descending:
        return statement.where(or_(column < value, and_(column == value, Need.id < last_id)))
    return statement.where(or_(column > value, and_(column == value, Need.id > last_id)))


async def page(
    session: AsyncSession,
    need_filter: NeedFilter,
    cursor: str = "",
    size: int = PAGE_SIZE,
    *,
    options: Sequence[Any] | None = None,
    count: bool = True,
    before: str = "",
) -> NeedPage:
    """One keyset page of the filtered table: the one after `cursor`, or (with `before`) the one
    before that cursor, read backwards. An export reads page after page with its own loader
    `options` and without the count."""
    column, descending = SORTS[need_filter.sort]
    dialect = session.get_bind().dialect.name
    statement = need_filter.apply(select(Need), dialect).options(*(list_options() if options is None else options))
    backwards = bool(before and (position := _decode(before, column)))
    forwards = not backwards and bool(cursor and (position := _decode(cursor, column)))
    if backwards or forwards:
        statement = _beyond(statement, column, descending != backwards, position)
    reading_descending = descending != backwards
    order = (column.desc(), Need.id.desc()) if reading_descending else (column.asc(), Need.id.asc())
    if column is Need.id:
        order = order[:1]
    rows = list((await session.scalars(statement.order_by(*order).limit(size + 1))).unique().all())
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()

    def at(need: Need) -> str:
        return _encode(getattr(need, column.key), need.id)

    if backwards:
        next_cursor = at(rows[-1]) if rows else None
        previous_cursor = at(rows[0]) if more and rows else None
    else:
        next_cursor = at(rows[-1]) if more and rows else None
        previous_cursor = at(rows[0]) if forwards and rows else None
    if not count:
        return NeedPage(rows, next_cursor, len(rows), False, previous_cursor)
    counted = await session.scalar(
        select(func.count()).select_from(need_filter.apply(select(Need.id), dialect).limit(COUNT_LIMIT + 1).subquery())
    )
    return NeedPage(rows, next_cursor, min(counted or 0, COUNT_LIMIT), (counted or 0) > COUNT_LIMIT, previous_cursor)


async def get_need(session: AsyncSession, need_id: int) -> Need | None:
    return await session.scalar(
        select(Need)
        .where(Need.id == need_id)
        .options(
            *list_options(),
            selectinload(Need.other_areas),
            joinedload(Need.raised_by_person),
            joinedload(Need.raised_by_department),
        )
        .execution_options(populate_existing=True)
    )


async def timeline(session: AsyncSession, need_id: int) -> list[tuple[datetime, str, Any]]:
    """Transitions, comments and changes of one need, newest first."""
    transitions = (await session.scalars(select(m.NeedTransition).where(m.NeedTransition.need_id == need_id))).all()
    comments = (await session.scalars(select(m.NeedComment).where(m.NeedComment.need_id == need_id))).all()
    records = (
        await session.scalars(
            select(m.ChangeRecord).where(
                m.ChangeRecord.object_type == "need",
                m.ChangeRecord.object_id == need_id,
                m.ChangeRecord.action != m.ChangeAction.create,
            )
        )
    ).all()
    items = [(t.created_at, "transition", t) for t in transitions]
    items += [(c.created_at, "comment", c) for c in comments]
    items += [(r.created_at, "change", r) for r in records if set(r.after or {}) - {"state", "merged_into_id"}]
    return sorted(items, key=lambda item: (item[0], item[1]), reverse=True)


async def links_of(session: AsyncSession, need_id: int) -> list[NeedLink]:
    return list(
        (
            await session.scalars(
                select(NeedLink)
                .where(or_(NeedLink.from_need_id == need_id, NeedLink.to_need_id == need_id))
                .options(joinedload(NeedLink.from_need), joinedload(NeedLink.to_need))
                .order_by(NeedLink.id)
            )
        ).all()
    )


SIMILAR_CANDIDATES = 200  # the newest needs per word that are weighed for similarity


async def similar(session: AsyncSession, text: str, exclude_id: int | None = None, limit: int = 5) -> list[Need]:
    """Needs whose titles share the longer words of `text`: the duplicates to catch at intake.
    The candidates come from the search index (the newest few hundred per word), so the cost does
    not grow with the registry; they are ranked by how many of the words their title holds."""
    words = sorted(
        {w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split() if len(w) >= 4},
        key=len,
        reverse=True,
    )[:6]
    if not words:
        return []
    dialect = session.get_bind().dialect.name
    candidates = search.title_candidates(words, dialect, SIMILAR_CANDIDATES)
    hits = sum(case((func.lower(Need.title).like(f"%{word}%"), 1), else_=0) for word in words)
    statement = (
        select(Need)
        .where(Need.id.in_(candidates))
        .where(or_(*(func.lower(Need.title).like(f"%{word}%") for word in words)))
        .where(Need.state != NeedState.merged)
        .options(joinedload(Need.owning_area))
        .order_by(hits.desc(), Need.id.desc())
        .limit(limit)
    )
    if exclude_id is not None:
        statement = statement.where(Need.id != exclude_id)
    return list((await session.scalars(statement)).unique().all())
