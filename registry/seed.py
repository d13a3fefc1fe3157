"""Loads the VSO model from `seed/vso_model.toml` into the register.

The seed only adds what is missing: loading it twice gives the same rows, and loading it into a
registry that administrators have since edited changes none of their edits.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.areas import services
from registry.config import PROJECT_ROOT
from registry.db import models as m

SEED_FILE = PROJECT_ROOT / "seed" / "vso_model.toml"

ARENA_PURPOSE = (
    "Här möts representanter från verksamhetsstödet och institutionerna för att delge information, "
    "lyfta frågeställningar samt stämma av funderingar och utvecklingsbehov kopplade till området."
)


def read_seed(path: Path = SEED_FILE) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


async def load_seed(session: AsyncSession, path: Path = SEED_FILE) -> dict[str, int]:
    seed = read_seed(path)
    departments: dict[str, m.Department] = {}
    for entry in seed["department"]:
        existing = await session.scalar(select(m.Department).where(m.Department.slug == entry["slug"]))
        if existing is None:
            fields = {"name": entry["name"], "short_name": entry["short_name"], "slug": entry["slug"]}
            existing = await services.save_department(session, fields)
        departments[entry["name"]] = existing

    for entry in seed["area"]:
        if await session.scalar(select(m.SupportArea.id).where(m.SupportArea.slug == entry["slug"])):
            continue
        fields = {
            "name": entry["name"],
            "slug": entry["slug"],
            "department_ids": [departments[name].id for name in entry["departments"]],
            "purpose": (
                f"Samordnar utvecklingsbehov inom {entry['name'].removeprefix('VSO för ')} mellan "
                "de avdelningar inom verksamhetsstödet som berörs, och prioriterar dem utifrån "
                "lärosätets strategi, verksamhetsuppdrag och mål."
            ),
        }
        area = await services.save_area(session, fields)
        arena = await session.scalar(select(m.DialogueArena).where(m.DialogueArena.area_id == area.id))
        arena.purpose = ARENA_PURPOSE

    model_entry = seed["model"]
    if await session.scalar(select(m.VsoModel.id)) is None:
        session.add(
            m.VsoModel(
                name=model_entry["name"],
                description=model_entry["description"],
                owner_title=model_entry["owner_title"],
                administering_department_id=departments[model_entry["administering_department"]].id,
            )
        )
    await session.flush()
    await load_priorities(session)
    return await services.counts(session)


STRATEGY_FILE = PROJECT_ROOT / "seed" / "strategy_example.toml"


async def load_priorities(session: AsyncSession, path: Path = STRATEGY_FILE) -> None:
    """The registry-wide default scoring model, and the example strategy while there is none."""
    from registry.priorities import services as priorities

    with path.open("rb") as handle:
        example = tomllib.load(handle)
    await priorities.example_strategy(session, {**example, "goals": example.get("goal", [])})
    await priorities.ensure_default_model(session)
