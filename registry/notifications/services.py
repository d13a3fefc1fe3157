"""Following needs, reading notifications and choosing what one hears about."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.principal import Principal
from registry.changes import service as changes
from registry.changes.models import ChangeAction
from registry.db import models as m
from registry.forms import FormErrors
from registry.i18n import LANGUAGES
from registry.i18n import gettext as _
from registry.notifications.models import NotificationKind


async def follow(session: AsyncSession, principal: Principal, need: m.Need) -> bool:
    """Follow the need. False if already following."""
    existing = await session.scalar(
        select(m.NeedFollower).where(m.NeedFollower.need_id == need.id, m.NeedFollower.person_id == principal.person_id)
    )
    if existing is not None:
        return False
    follower = m.NeedFollower(need_id=need.id, person_id=principal.person_id)
    session.add(follower)
    await session.flush()
    await changes.record(session, ChangeAction.create, follower)
    return True


async def unfollow(session: AsyncSession, principal: Principal, need: m.Need) -> bool:
    """Stop following the need. False if not following."""
    existing = await session.scalar(
        select(m.NeedFollower).where(m.NeedFollower.need_id == need.id, m.NeedFollower.person_id == principal.person_id)
    )
    if existing is None:
        return False
    before = await changes.snapshot(session, existing)
    await session.delete(existing)
    await session.flush()
    await changes.record(session, ChangeAction.delete, existing, before)
    return True


async def mark_read(session: AsyncSession, principal: Principal, ids: Iterable[int] | None = None) -> int:
    """Mark the person's notifications read: those with `ids`, or all. Someone else's are never touched.

    Not in the change log: reading is not a change to the register, like a session's last-seen time."""
    statement = (
        update(m.Notification)
        .where(m.Notification.person_id == principal.person_id, m.Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )
    if ids is not None:
        statement = statement.where(m.Notification.id.in_(list(ids)))
    result = await session.execute(statement)
    return result.rowcount or 0


async def save_preferences(session: AsyncSession, principal: Principal, raw: Mapping[str, Any]) -> None:
    """`raw` holds `in_registry` and `by_email` (each a list of kinds that are on) and `language`."""
    language = (raw.get("language") or "").strip()
    if language and language not in LANGUAGES:
        raise FormErrors({"language": _("Choose from the list.")})
    on = {channel: set(raw.get(channel) or []) for channel in ("in_registry", "by_email")}
    unknown = sorted((on["in_registry"] | on["by_email"]) - set(NotificationKind.__members__))
    if unknown:
        raise FormErrors({"in_registry": _("No such entry: %(ids)s.", ids=", ".join(unknown))})
    person = await session.get(m.Person, principal.person_id)
    before = await changes.snapshot(session, person)
    person.language = language or None
    await session.flush()
    await changes.record(session, ChangeAction.update, person, before)
    held = {
        row.kind: row
        for row in await session.scalars(
            select(m.NotificationPreference).where(m.NotificationPreference.person_id == principal.person_id)
        )
    }
    for kind in NotificationKind:
        in_registry, by_email = kind.value in on["in_registry"], kind.value in on["by_email"]
        row = held.get(kind)
        if row is None:
            if in_registry and by_email:
                continue  # the default: no row needed
            row = m.NotificationPreference(
                person_id=principal.person_id, kind=kind, in_registry=in_registry, by_email=by_email
            )
            session.add(row)
            await session.flush()
            await changes.record(session, ChangeAction.create, row)
        elif (row.in_registry, row.by_email) != (in_registry, by_email):
            before = await changes.snapshot(session, row)
            row.in_registry, row.by_email = in_registry, by_email
            await session.flush()
            await changes.record(session, ChangeAction.update, row, before)
