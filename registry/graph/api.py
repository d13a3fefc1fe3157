"""The cross-department graph in the JSON API: the filtered graph in networkx's node-link form and its
metrics, computed by the same code as /graph and /graph.json, with the same filters."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.graph import export
from registry.graph.controllers import MAX_MIN_WEIGHT, _graph
from registry.web.api import STAFF, problems

# A filter value the graph does not understand is named in a 422, as for the /graph.json export.
GRAPH_READ = problems(400, 401, 422)


class NodeLinkOut(msgspec.Struct):
    """networkx's node-link form (`nx.node_link_graph(data, edges="links")` reads it back): each node with
    its kind, label, position, degree, betweenness and cluster; each link with its weight and what makes it."""

    directed: bool
    multigraph: bool
    graph: dict[str, Any]
    nodes: list[dict[str, Any]]
    links: list[dict[str, Any]]


class StandingOut(msgspec.Struct):
    key: str
    label: str
    name: str
    slug: str
    degree: int
    strength: int
    betweenness: float
    cluster: int
    articulation: bool  # coordination would split without it


class TieOut(msgspec.Struct):
    a: str
    b: str
    a_label: str
    b_label: str
    weight: int
    areas: list[str]
    needs: list[int]
    teams: list[str]
    dependencies: list[list[int]]
    open_needs: list[int]


class WideNeedOut(msgspec.Struct):
    id: int
    title: str
    state: str
    departments: list[str]


class MetricsOut(msgspec.Struct):
    departments: list[StandingOut]  # the most central first
    clusters: list[list[str]]
    articulation_points: list[str]
    ties: list[TieOut]  # heaviest first
    open_need_pairs: list[TieOut]
    widest_needs: list[WideNeedOut]
    cycles: list[list[int]]  # dependency cycles between needs


def _tie(tie) -> TieOut:
    return TieOut(
        tie.a,
        tie.b,
        tie.a_label,
        tie.b_label,
        tie.weight,
        list(tie.areas),
        list(tie.needs),
        list(tie.teams),
        [list(pair) for pair in tie.dependencies],
        list(tie.open_needs),
    )


class GraphApi(Controller):
    """The filters: `area` (id or URL name), `state` (repeatable), `from`/`to` (the period raised),
    `min_weight`, `areas=1` and `institutions=1` (as nodes). A filter value not understood is a 422 naming it."""

    path = "/api/v1/graph"
    tags = ["Cross-department graph"]
    guards = [logged_in]

    @get(
        "/",
        operation_id="getGraph",
        summary="The department graph as node-link JSON",
        responses=GRAPH_READ,
        security=STAFF,
    )
    async def node_link(
        self,
        request: Request,
        db_session: AsyncSession,
        area: str = "",
        states: list[str] | None = Parameter(query="state", default=None),
        raised_from: date | None = Parameter(query="from", default=None),
        raised_to: date | None = Parameter(query="to", default=None),
        min_weight: int = Parameter(default=1, ge=1, le=MAX_MIN_WEIGHT),
        areas: str = "",
        institutions: str = "",
    ) -> NodeLinkOut:
        # The typed parameters document and bound the filters; the graph reads them as /graph does.
        graph, metrics, *_rest = await _graph(request, db_session, strict=True)
        return msgspec.convert(export.node_link(graph, metrics, export.layout(graph)), NodeLinkOut)

    @get(
        "/metrics",
        operation_id="getGraphMetrics",
        summary="Centrality, clusters, articulation points, ties, widest needs and dependency cycles",
        responses=GRAPH_READ,
        security=STAFF,
    )
    async def metrics(
        self,
        request: Request,
        db_session: AsyncSession,
        area: str = "",
        states: list[str] | None = Parameter(query="state", default=None),
        raised_from: date | None = Parameter(query="from", default=None),
        raised_to: date | None = Parameter(query="to", default=None),
        min_weight: int = Parameter(default=1, ge=1, le=MAX_MIN_WEIGHT),
        areas: str = "",
        institutions: str = "",
    ) -> MetricsOut:
        _graph_found, found, *_rest = await _graph(request, db_session, strict=True)
        return MetricsOut(
            departments=[msgspec.convert(d, StandingOut, from_attributes=True) for d in found.departments],
            clusters=[list(cluster) for cluster in found.clusters],
            articulation_points=list(found.articulation_points),
            ties=[_tie(tie) for tie in found.ties],
            open_need_pairs=[_tie(tie) for tie in found.open_need_pairs],
            widest_needs=[msgspec.convert(n, WideNeedOut, from_attributes=True) for n in found.widest_needs],
            cycles=[list(cycle) for cycle in found.cycles],
        )
