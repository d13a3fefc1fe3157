"""The follow-up figures for a filter: load the frames, compute the figures (pages, exports and the API)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.benefits.words import status_labels
from registry.followup import figures
from registry.followup.load import Filter, frames
from registry.needs.models import NeedState


async def compute(session: AsyncSession, flt: Filter, today: date) -> dict[str, Any]:
    loaded = await frames(session, flt, today)
    return figures.compute(
        loaded.needs,
        loaded.transitions,
        loaded.moves,
        loaded.decisions,
        loaded.benefits,
        today=today,
        states=[s.value for s in NeedState],
        statuses=list(status_labels()),
    )
