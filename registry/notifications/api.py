"""Notifications and following needs in the JSON API: the same services as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.exceptions import NotFoundException
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.db import models as m
from registry.notifications import queries, services
from registry.notifications.messages import describe
from registry.web.api import READ, STAFF, STAFF_WRITE, WRITE, BodyId, PathId


class NotificationOut(msgspec.Struct):
    id: int
    kind: str
    text: str  # in the reader's language
    need_id: int | None
    process_id: int | None
    url: str
    data: dict[str, Any]
    read: bool
    created_at: datetime


class NotificationListOut(msgspec.Struct):
    items: list[NotificationOut]
    unread: int


class MarkReadIn(msgspec.Struct, forbid_unknown_fields=True):
    ids: list[BodyId] | None = None  # none given: all of them


class MarkedOut(msgspec.Struct):
    marked: int


class FollowOut(msgspec.Struct):
    need_id: int
    following: bool


def _out(n: m.Notification) -> NotificationOut:
    return NotificationOut(
        n.id,
        n.kind.value,
        describe(n.kind, n.data),
        n.need_id,
        n.process_id,
        n.url,
        n.data,
        n.read_at is not None,
        n.created_at,
    )


async def _need(session: AsyncSession, need_id: PathId) -> m.Need:
    need = await session.get(m.Need, need_id)
    if need is None:
        raise NotFoundException(detail=f"No need #{need_id}.")
    return need


class NotificationApi(Controller):
    path = "/api/v1"
    tags = ["Notifications"]
    guards = [logged_in]

    @get(
        "/notifications",
        operation_id="listNotifications",
        summary="My notifications, newest first (at most 100)",
        responses=READ,
        security=STAFF,
    )
    async def list_notifications(
        self, request: Request, db_session: AsyncSession, unread: bool = False
    ) -> NotificationListOut:
        person_id = request.user.person_id
        items = await queries.for_person(db_session, person_id, unread_only=unread)
        return NotificationListOut([_out(n) for n in items], await queries.unread_count(db_session, person_id))

    @post(
        "/notifications/read",
        operation_id="markNotificationsRead",
        summary="Mark my notifications read (the ids given, or all)",
        status_code=200,
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def mark_read(self, request: Request, db_session: AsyncSession, data: MarkReadIn) -> MarkedOut:
        return MarkedOut(await services.mark_read(db_session, request.user, data.ids))

    @get(
        "/needs/{need_id:int}/follow",
        operation_id="getNeedFollow",
        summary="Whether I follow the need",
        responses=READ,
        security=STAFF,
    )
    async def following(self, request: Request, db_session: AsyncSession, need_id: PathId) -> FollowOut:
        await _need(db_session, need_id)
        return FollowOut(need_id, await queries.is_following(db_session, need_id, request.user.person_id))

    @put(
        "/needs/{need_id:int}/follow",
        operation_id="followNeed",
        summary="Follow the need",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def follow(self, request: Request, db_session: AsyncSession, need_id: PathId) -> FollowOut:
        await services.follow(db_session, request.user, await _need(db_session, need_id))
        return FollowOut(need_id, True)

    @delete(
        "/needs/{need_id:int}/follow",
        operation_id="unfollowNeed",
        summary="Stop following the need",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def unfollow(self, request: Request, db_session: AsyncSession, need_id: PathId) -> None:
        await services.unfollow(db_session, request.user, await _need(db_session, need_id))
