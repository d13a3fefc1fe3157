"""Calendar feeds (text/calendar): one per area, and one per person behind a secret link, since
calendar programs cannot log in. A logged-in browser may fetch an area's feed directly; a calendar
program adds `?token=` (the person's secret) to it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from litestar import Controller, Request, get, post
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.response import Response, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.calendars import feed, services
from registry.db import models as m
from registry.i18n import gettext as _
from registry.meetings.labels import forum_labels


def _entries(rows) -> list[feed.Entry]:
    forums = forum_labels()
    return [
        feed.Entry(
            meeting_id=meeting.id,
            title=meeting.title,
            forum=forums[meeting.forum.value],
            area=area_name,
            held_on=meeting.held_on,
            location=meeting.location,
            cancelled=False,
            changed_at=meeting.updated_at or datetime.now(UTC),
        )
        for meeting, area_name in rows
    ]


def _ics(content: bytes, stem: str) -> Response[bytes]:
    return Response(
        content=content,
        media_type="text/calendar",  # Litestar adds the charset
        headers={"Content-Disposition": f'inline; filename="{stem}.ics"', "Cache-Control": "private, max-age=300"},
    )


class CalendarPages(Controller):
    include_in_schema = False

    @get("/calendar", name="calendar", guards=[logged_in])
    async def page(self, request: Request, db_session: AsyncSession) -> Template:
        principal = request.scope["user"]
        areas = (
            await db_session.execute(select(m.SupportArea.slug, m.SupportArea.name).order_by(m.SupportArea.name))
        ).all()
        return Template(
            template_name="calendars/page.html",
            context={
                "areas": areas,
                "has_link": await services.has_link(db_session, principal.person_id),
                "token": None,
            },
        )

    @post("/calendar/link", name="calendar_link", guards=[logged_in])
    async def link(self, request: Request, db_session: AsyncSession) -> Template:
        """Make (or replace) the person's secret link and show it, this once."""
        principal = request.scope["user"]
        token = await services.new_link(db_session, principal.person_id)
        areas = (
            await db_session.execute(select(m.SupportArea.slug, m.SupportArea.name).order_by(m.SupportArea.name))
        ).all()
        return Template(
            template_name="calendars/page.html",
            context={"areas": areas, "has_link": True, "token": token},
            headers={"Cache-Control": "no-store"},
        )

    @get("/calendar/areas/{slug:str}/meetings.ics", name="area_calendar")
    async def area(self, request: Request, db_session: AsyncSession, slug: str, token: str = "") -> Response[bytes]:
        if request.scope.get("user") is None and await services.person_for(db_session, token) is None:
            raise NotAuthorizedException()
        area = await db_session.scalar(select(m.SupportArea).where(m.SupportArea.slug == slug))
        if area is None:
            raise NotFoundException()
        rows = await services.area_meetings(db_session, area.id, date.today())
        name = _("Meetings: %(area)s", area=area.name)
        return _ics(feed.ical(name, _entries(rows), str(request.base_url).rstrip("/")), slug)

    @get("/calendar/feed/{token:str}/meetings.ics", name="person_calendar")
    async def person(self, request: Request, db_session: AsyncSession, token: str) -> Response[bytes]:
        person = await services.person_for(db_session, token)
        if person is None:
            raise NotFoundException()  # an unknown or replaced link reveals nothing
        rows = await services.person_meetings(db_session, person.id, date.today())
        name = _("My meetings in the VSO registry")
        return _ics(feed.ical(name, _entries(rows), str(request.base_url).rstrip("/")), "meetings")
