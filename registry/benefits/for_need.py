"""What the need page shows about processes and benefits: the processes the need concerns, and its
benefits with their status (a small addition to the need page's context)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.principal import Principal
from registry.benefits import queries, services, words
from registry.db import models as m
from registry.processes import queries as process_queries


async def need_context(session: AsyncSession, principal: Principal | None, need: m.Need) -> dict[str, Any]:
    return {
        "need_processes": await process_queries.processes_of_need(session, need.id),
        "need_benefits": await queries.with_status(await queries.benefits_of(session, need_id=need.id), date.today()),
        "may_plan_benefits": services.may_plan(principal, need) and need.state in services.PLANNABLE_STATES,
        "benefit_labels": words.labels(),
        "number": words.number,
    }
