"""`/`: a logged-in person's start page; a visitor sees the public overview of the model."""

from __future__ import annotations

from datetime import UTC, date, datetime

from litestar import Controller, Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from registry.areas import services as areas
from registry.decisions.services import recommendation_labels
from registry.needs.lifecycle import state_label
from registry.start import queries


class StartPages(Controller):
    include_in_schema = False

    @get("/", name="start")
    async def start(self, request: Request, db_session: AsyncSession) -> Template:
        principal = request.scope.get("user")
        if principal is None:
            return Template(template_name="overview.html", context=await areas.overview(db_session))
        page = await queries.start(db_session, principal, date.today(), datetime.now(UTC))
        return Template(
            template_name="start.html",
            context={"page": page, "state_label": state_label, "recommendation_labels": recommendation_labels()},
        )
