"""Reading notifications, follows and preferences."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.db import models as m

PAGE_SIZE = 100


async def for_person(session: AsyncSession, person_id: int, *, unread_only: bool = False) -> list[m.Notification]:
    """The person's newest notifications first (at most PAGE_SIZE)."""
    statement = select(m.Notification).where(m.Notification.person_id == person_id)
    if unread_only:
        statement = statement.where(m.Notification.read_at.is_(None))
    return list((await session.scalars(statement.order_by(m.Notification.id.desc()).limit(PAGE_SIZE))).all())


async def unread_count(session: AsyncSession, person_id: int) -> int:
    return (
        await session.scalar(
            select(func.count(m.Notification.id)).where(
                m.Notification.person_id == person_id, m.Notification.read_at.is_(None)
            )
        )
        or 0
    )


async def is_following(session: AsyncSession, need_id: int, person_id: int) -> bool:
    return (
        await session.scalar(
            select(m.NeedFollower.id).where(m.NeedFollower.need_id == need_id, m.NeedFollower.person_id == person_id)
        )
    ) is not None


async def preferences(session: AsyncSession, person_id: int) -> dict[str, m.NotificationPreference]:
    rows = await session.scalars(
        select(m.NotificationPreference).where(m.NotificationPreference.person_id == person_id)
    )
    return {row.kind.value: row for row in rows}
