"""Pages: my notifications, my preferences, and following a need."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.db import models as m
from registry.forms import FormErrors
from registry.i18n import LANGUAGES
from registry.i18n import gettext as _
from registry.notifications import queries, services
from registry.notifications.messages import describe, kind_labels
from registry.notifications.models import NotificationKind
from registry.web.flash import confirm


async def _need_or_404(session: AsyncSession, need_id: int) -> m.Need:
    need = await session.get(m.Need, need_id)
    if need is None:
        raise NotFoundException()
    return need


class NotificationPages(Controller):
    include_in_schema = False
    guards = [logged_in]

    @get("/notifications", name="notifications")
    async def notifications(self, request: Request, db_session: AsyncSession) -> Template:
        principal = request.scope["user"]
        notifications = await queries.for_person(db_session, principal.person_id)
        return Template(
            template_name="notifications/list.html",
            context={
                "notifications": [(n, describe(n.kind, n.data)) for n in notifications],
                "unread": sum(1 for n in notifications if n.read_at is None),
            },
        )

    @post("/notifications/read", name="notifications_read")
    async def read(self, request: Request, db_session: AsyncSession) -> Redirect:
        form = await request.form()
        ids = (
            [int(value) for value in form.getall("notification_id") if str(value).isdigit()]
            if "notification_id" in form
            else None
        )
        await services.mark_read(db_session, request.scope["user"], ids)
        return Redirect("/notifications", status_code=303)

    def _preferences_page(
        self, held: dict[str, Any], language: str, errors: FormErrors | None = None, status: int = 200
    ) -> Template:
        return Template(
            template_name="notifications/preferences.html",
            context={
                "kinds": kind_labels(),
                "held": held,
                "language": language,
                "languages": LANGUAGES,
                "errors": errors.errors if errors else {},
            },
            status_code=status,
            media_type=MediaType.HTML,  # the handler may also redirect, so Litestar cannot infer it
        )

    @get("/notifications/preferences", name="notification_preferences")
    async def preferences(self, request: Request, db_session: AsyncSession) -> Template:
        principal = request.scope["user"]
        rows = await queries.preferences(db_session, principal.person_id)
        held = {
            kind.value: {
                "in_registry": rows[kind.value].in_registry if kind.value in rows else True,
                "by_email": rows[kind.value].by_email if kind.value in rows else True,
            }
            for kind in NotificationKind
        }
        person = await db_session.get(m.Person, principal.person_id)
        return self._preferences_page(held, person.language or "")

    @post("/notifications/preferences", name="notification_preferences_save")
    async def save_preferences(self, request: Request, db_session: AsyncSession) -> Any:
        form = await request.form()
        raw = {
            "in_registry": form.getall("in_registry") if "in_registry" in form else [],
            "by_email": form.getall("by_email") if "by_email" in form else [],
            "language": form.get("language") or "",
        }
        try:
            await services.save_preferences(db_session, request.scope["user"], raw)
        except FormErrors as problem:
            await db_session.rollback()
            held = {
                kind.value: {"in_registry": kind.value in raw["in_registry"], "by_email": kind.value in raw["by_email"]}
                for kind in NotificationKind
            }
            return self._preferences_page(held, raw["language"], problem, status=422)
        confirm(request, _("Your preferences are saved."))
        return Redirect("/notifications/preferences", status_code=303)

    @post("/needs/{need_id:int}/follow", name="need_follow")
    async def follow(self, request: Request, db_session: AsyncSession, need_id: int) -> Redirect:
        await services.follow(db_session, request.scope["user"], await _need_or_404(db_session, need_id))
        return Redirect(f"/needs/{need_id}", status_code=303)

    @post("/needs/{need_id:int}/unfollow", name="need_unfollow")
    async def unfollow(self, request: Request, db_session: AsyncSession, need_id: int) -> Redirect:
        await services.unfollow(db_session, request.scope["user"], await _need_or_404(db_session, need_id))
        return Redirect(f"/needs/{need_id}", status_code=303)
