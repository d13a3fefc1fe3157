"""`/graph`: the cross-department graph for steering groups, its tables, its picture and its exports.

Needs are for logged-in staff (like /needs), and the graph is mostly made of needs: every route here
is for staff. The register's own ties (areas) are public on the departments' and areas' pages.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

import anyio
from litestar import Controller, Request, Response, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.db.versioned import VersionedCache
from registry.forms import FormErrors
from registry.graph import export, load
from registry.graph.build import TIE_KINDS, GraphFilter, RegistryFacts, build
from registry.graph.metrics import measure
from registry.i18n import gettext as _
from registry.needs.controllers import state_labels
from registry.needs.models import NeedState

GRAPHS = VersionedCache()  # the registry's facts and the graphs built from them, kept until it changes
TIES_SHOWN = 60
NEEDS_LISTED = 10  # shared needs listed per tie on the page  # rows of the ties table; the exports have them all
MAX_MIN_WEIGHT = 10_000


def read_filter(query: Any, facts: RegistryFacts) -> tuple[GraphFilter, dict[str, Any], dict[str, str]]:
    """The filter in a query string: (the filter of the values understood, the values as typed, errors
    by field). A value not understood is named with the reason, and left out of the filter."""
    errors: dict[str, str] = {}
    typed = {
        "area": (query.get("area") or "").strip(),
        "state": [s for s in (query.getall("state", []) if hasattr(query, "getall") else []) if s],
        "from": (query.get("from") or "").strip(),
        "to": (query.get("to") or "").strip(),
        "min_weight": (query.get("min_weight") or "").strip(),
        "areas": query.get("areas") == "1",
        "institutions": query.get("institutions") == "1",
        "tie": [t for t in (query.getall("tie", []) if hasattr(query, "getall") else []) if t],
        "tie_form": query.get("tie_form") == "1",  # the page's form: no box ticked means none, not all
    }
    area = None
    if typed["area"]:
        known = {str(a.id): a.id for a in facts.areas} | {a.slug: a.id for a in facts.areas}
        area = known.get(typed["area"])
        if area is None:
            errors["area"] = _("There is no support-service area “%(value)s”.", value=typed["area"])
    states = tuple(typed["state"])
    bad = [s for s in states if s not in NeedState.__members__ or s == NeedState.merged.value]
    if bad:
        errors["state"] = _("Unknown state: %(value)s.", value=", ".join(bad))
        states = tuple(s for s in states if s not in bad)

    def day(name: str) -> date | None:
        if not typed[name]:
            return None
        try:
            return date.fromisoformat(typed[name])
        except ValueError:
            errors[name] = _("“%(value)s” is not a date; write it as YYYY-MM-DD.", value=typed[name])
            return None

    raised_from, raised_to = day("from"), day("to")
    if raised_from and raised_to and raised_from > raised_to:
        errors["to"] = _("The end of the period comes before its start.")
        raised_to = None
    ties = frozenset(TIE_KINDS)
    if typed["tie"] or typed["tie_form"]:
        unknown = [t for t in typed["tie"] if t not in TIE_KINDS]
        if unknown:
            errors["tie"] = _("Unknown kind of tie: %(value)s.", value=", ".join(unknown))
        elif not typed["tie"]:
            errors["tie"] = _("Choose at least one kind of tie; the graph shows every kind meanwhile.")
        else:
            ties = frozenset(typed["tie"])
    else:
        typed["tie"] = list(TIE_KINDS)
    min_weight = 1
    if typed["min_weight"]:
        if typed["min_weight"].isdigit() and 1 <= int(typed["min_weight"]) <= MAX_MIN_WEIGHT:
            min_weight = int(typed["min_weight"])
        else:
            errors["min_weight"] = _("The minimum weight is a whole number from 1 to %(max)d.", max=MAX_MIN_WEIGHT)
    graph_filter = GraphFilter(
        area=area,
        states=states,
        raised_from=raised_from,
        raised_to=raised_to,
        min_weight=min_weight,
        include_areas=typed["areas"],
        include_institutions=typed["institutions"],
        ties=ties,
    )
    return graph_filter, typed, errors


def as_query(graph_filter: GraphFilter) -> str:
    """The filter as a query string, for the exports' links."""
    pairs: list[tuple[str, Any]] = []
    if graph_filter.area is not None:
        pairs.append(("area", graph_filter.area))
    pairs += [("state", s) for s in graph_filter.states]
    if graph_filter.raised_from:
        pairs.append(("from", graph_filter.raised_from.isoformat()))
    if graph_filter.raised_to:
        pairs.append(("to", graph_filter.raised_to.isoformat()))
    if graph_filter.min_weight > 1:
        pairs.append(("min_weight", graph_filter.min_weight))
    if graph_filter.include_areas:
        pairs.append(("areas", 1))
    if graph_filter.include_institutions:
        pairs.append(("institutions", 1))
    if graph_filter.ties != frozenset(TIE_KINDS):
        pairs += [("tie", kind) for kind in TIE_KINDS if kind in graph_filter.ties]
    return urlencode(pairs)


def tie_labels() -> dict[str, str]:
    return {
        "areas": _("Shared areas"),
        "needs": _("Shared needs"),
        "teams": _("Process teams"),
        "dependencies": _("Dependencies between needs"),
    }


async def _graph(request: Request, session: AsyncSession, *, strict: bool):
    """The filtered graph and its metrics. `strict`: a filter value not understood is refused (422)
    rather than left out, for exports, which have no page to say so on."""
    institutions = request.query_params.get("institutions") == "1"
    facts = await GRAPHS.get(
        session, ("facts", institutions), lambda: load.registry(session, institutions=institutions)
    )
    graph_filter, typed, errors = read_filter(request.query_params, facts)
    if strict and errors:
        raise FormErrors(errors)

    async def built() -> tuple:
        def work() -> tuple:
            graph = build(facts, graph_filter)
            return graph, measure(graph)

        return await anyio.to_thread.run_sync(work)

    graph, metrics = await GRAPHS.get(session, ("graph", graph_filter), built)
    return graph, metrics, graph_filter, typed, errors, facts


def _attachment(name: str, extension: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}-{date.today().isoformat()}.{extension}"'}


class GraphPages(Controller):
    guards = [logged_in]
    include_in_schema = False

    @get("/graph", name="graph")
    async def page(self, request: Request, db_session: AsyncSession) -> Template:
        graph, metrics, graph_filter, typed, errors, facts = await _graph(request, db_session, strict=False)
        return Template(
            template_name="graph/page.html",
            context={
                "metrics": metrics,
                "graph": graph,
                "needs": graph.graph["needs"],
                "filter": graph_filter,
                "typed": typed,
                "errors": errors,
                "query": as_query(graph_filter),
                "areas": sorted(facts.areas, key=lambda a: a.name.lower()),
                "states": [(value, label) for value, label in state_labels().items() if value != "merged"],
                "ties_shown": TIES_SHOWN,
                "tie_kinds": tie_labels(),
                "tie_counted": [label for kind, label in tie_labels().items() if kind in graph_filter.ties],
                "needs_listed": NEEDS_LISTED,
                "departments_count": sum(1 for _n, kind in graph.nodes(data="kind") if kind == "department"),
            },
            status_code=422 if errors else 200,
        )

    @get("/graph.json", name="graph_json")
    async def node_link(self, request: Request, db_session: AsyncSession) -> Response:
        graph, metrics, *_rest = await _graph(request, db_session, strict=True)
        return Response(
            export.node_link(graph, metrics, export.layout(graph)),
            media_type="application/json",
            headers={"Cache-Control": "no-store"},
        )

    @get("/graph.graphml", name="graph_graphml")
    async def graphml(self, request: Request, db_session: AsyncSession) -> Response:
        graph, metrics, *_rest = await _graph(request, db_session, strict=True)
        return Response(
            export.graphml(graph, metrics, export.layout(graph)),
            media_type="application/graphml+xml",
            headers=_attachment(_("department-graph"), "graphml"),
        )

    @get("/graph.svg", name="graph_svg")
    async def svg(self, request: Request, db_session: AsyncSession) -> Response:
        graph, metrics, *_rest = await _graph(request, db_session, strict=True)
        return Response(export.picture(graph, metrics, export.layout(graph), "svg"), media_type="image/svg+xml")

    @get("/graph.png", name="graph_png")
    async def png(self, request: Request, db_session: AsyncSession) -> Response:
        graph, metrics, *_rest = await _graph(request, db_session, strict=True)
        return Response(
            export.picture(graph, metrics, export.layout(graph), "png"),
            media_type="image/png",
            headers=_attachment(_("department-graph"), "png"),
        )
