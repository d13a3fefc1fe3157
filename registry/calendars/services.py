"""Which meetings go into which feed, and the secret links that open a person's feed."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.principal import load_roles
from registry.calendars.models import CalendarFeed
from registry.changes import service as changes
from registry.changes.models import ChangeAction
from registry.db import models as m

HISTORY = timedelta(days=365)  # past meetings kept in a feed


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def new_link(session: AsyncSession, person_id: int) -> str:
    """A new secret token for the person's feed (the old one stops working). Returns the token."""
    token = secrets.token_urlsafe(32)
    feed = await session.scalar(select(CalendarFeed).where(CalendarFeed.person_id == person_id))
    if feed is None:
        feed = CalendarFeed(person_id=person_id, token_hash=_hash(token))
        session.add(feed)
        await session.flush()
        await changes.record(session, ChangeAction.create, feed, message="calendar link made")
    else:
        feed.token_hash = _hash(token)
        await session.flush()
        # The token itself is never logged; that a new one replaced the old is.
        await changes.record(session, ChangeAction.update, feed, {}, message="calendar link replaced")
    return token


async def has_link(session: AsyncSession, person_id: int) -> bool:
    return (await session.scalar(select(CalendarFeed.id).where(CalendarFeed.person_id == person_id))) is not None


async def person_for(session: AsyncSession, token: str) -> m.Person | None:
    if not token or len(token) > 100:
        return None
    return await session.scalar(
        select(m.Person)
        .join(CalendarFeed, CalendarFeed.person_id == m.Person.id)
        .where(CalendarFeed.token_hash == _hash(token))
    )


def _since(today: date) -> date:
    return today - HISTORY


async def area_meetings(session: AsyncSession, area_id: int, today: date) -> list:
    return list(
        (
            await session.execute(
                select(m.Meeting, m.SupportArea.name)
                .join(m.SupportArea, m.SupportArea.id == m.Meeting.area_id)
                .where(m.Meeting.area_id == area_id, m.Meeting.held_on >= _since(today))
                .order_by(m.Meeting.held_on, m.Meeting.id)
            )
        ).all()
    )


async def person_meetings(session: AsyncSession, person_id: int, today: date) -> list:
    """The meetings a person takes part in: their steering groups' meetings, both forums of the
    areas they coordinate, their dialogue arenas' meetings, and any meeting they attended."""
    roles = await load_roles(session, person_id)
    arenas = (
        select(m.DialogueArena.area_id)
        .join(m.DialogueArenaParticipant, m.DialogueArenaParticipant.arena_id == m.DialogueArena.id)
        .where(m.DialogueArenaParticipant.person_id == person_id)
    )
    attended = select(m.MeetingAttendee.meeting_id).where(m.MeetingAttendee.person_id == person_id)
    return list(
        (
            await session.execute(
                select(m.Meeting, m.SupportArea.name)
                .join(m.SupportArea, m.SupportArea.id == m.Meeting.area_id)
                .where(
                    m.Meeting.held_on >= _since(today),
                    or_(
                        (m.Meeting.forum == m.Forum.steering_group)
                        & m.Meeting.area_id.in_(roles["steering_member_of"]),
                        m.Meeting.area_id.in_(roles["coordinator_of"]),
                        (m.Meeting.forum == m.Forum.dialogue_arena) & m.Meeting.area_id.in_(arenas),
                        m.Meeting.id.in_(attended),
                    ),
                )
                .order_by(m.Meeting.held_on, m.Meeting.id)
            )
        ).all()
    )
