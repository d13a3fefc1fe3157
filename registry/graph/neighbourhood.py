"""The ties of one department, or of an area's departments, for their pages; and a need's chain of
dependencies for its page.

The register (areas) is public; needs are for logged-in staff, so a visitor's neighbourhood is
built from the register alone. A fixed number of queries: three for the register, seven with needs
(only the needs that touch the departments concerned, and the needs they depend on or block).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from registry.graph import load
from registry.graph.build import build, dept
from registry.graph.metrics import NeedChain, Tie, open_state_values, ties_of
from registry.graph.metrics import need_chain as metrics_need_chain
from registry.needs.models import Need

SHOWN = 30  # ties listed on a page; the full picture is on /graph


@dataclass
class Neighbourhood:
    ties: list[Tie]  # the ones shown, heaviest first
    total: int  # all ties of the departments
    needs: dict[int, dict]  # id → title, state for the needs named in `ties`
    slugs: dict[str, str]  # node key → department slug
    names: dict[str, str]  # node key → department name
    area_slugs: dict[str, str]  # area name → slug
    with_needs: bool


async def neighbourhood(session: AsyncSession, department_ids: set[int], *, with_needs: bool) -> Neighbourhood:
    facts = await load.registry(session, department_ids=department_ids) if with_needs else await load.register(session)
    graph = build(facts)
    keys = {dept(i) for i in department_ids}
    incident = graph.edge_subgraph(e for e in graph.edges() if e[0] in keys or e[1] in keys)
    ties = ties_of(incident, graph.graph["needs"], graph.graph["areas"], open_state_values())
    # The department(s) of the page first in each pair.
    ties = [
        replace(t, a=t.b, b=t.a, a_label=t.b_label, b_label=t.a_label) if t.a not in keys and t.b in keys else t
        for t in ties
    ]
    shown = ties[:SHOWN]
    named = {n for t in shown for n in t.needs}
    return Neighbourhood(
        ties=shown,
        total=len(ties),
        needs={n: v for n, v in graph.graph["needs"].items() if n in named},
        slugs=dict(graph.nodes(data="slug")),
        names=dict(graph.nodes(data="name")),
        area_slugs={area.name: area.slug for area in facts.areas},
        with_needs=with_needs,
    )


@dataclass
class ChainView:
    chain: NeedChain
    needs: dict[int, Need]  # every need named in the chain


async def need_chain(session: AsyncSession, need_id: int) -> ChainView:
    """A need's dependency chain for its page: two queries (all dependency links as id pairs, then the
    needs named in the chain), whatever the length of the chain."""
    chain = metrics_need_chain(await load.dependencies(session), need_id)
    return ChainView(chain=chain, needs=await load.needs_by_id(session, chain.need_ids))
