"""The cross-department graph, built from plain data: no database, no web.

Departments are the nodes. Two departments are tied, and the tie weighs one for each thing they
share: each area both belong to, each need that affects both, each process team with members from
both, and each dependency between their needs (a need of one depends on, or blocks, a need of the
other). Areas and institutions may be added as nodes of their own: an area is tied to its departments,
an institution to the departments affected by the needs it raised.

Merged needs never count: they live on in the need they were merged into. A filter chooses which
kinds of tie count (e.g. shared areas alone: the structure of the VSO table itself).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

import networkx as nx

DEPARTMENT = "department"
AREA = "area"
INSTITUTION = "institution"

DEPENDENCY_KINDS = ("depends_on", "blocks")

# The kinds of tie between departments; a filter chooses which of them count.
TIE_AREAS = "areas"
TIE_NEEDS = "needs"
TIE_TEAMS = "teams"
TIE_DEPENDENCIES = "dependencies"
TIE_KINDS = (TIE_AREAS, TIE_NEEDS, TIE_TEAMS, TIE_DEPENDENCIES)


@dataclass(frozen=True)
class DepartmentFacts:
    id: int
    name: str
    short_name: str
    slug: str

    @property
    def label(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class AreaFacts:
    id: int
    name: str
    slug: str
    department_ids: frozenset[int]


@dataclass(frozen=True)
class InstitutionFacts:
    id: int
    name: str
    short_name: str
    slug: str


@dataclass(frozen=True)
class NeedFacts:
    id: int
    title: str
    state: str
    raised_on: date
    area_ids: frozenset[int]  # the owning area and the other areas concerned
    department_ids: frozenset[int]  # the departments it affects, whatever their role
    institution_id: int | None = None


@dataclass(frozen=True)
class LinkFacts:
    from_need_id: int
    to_need_id: int
    kind: str  # depends_on, blocks (others are ignored)


@dataclass(frozen=True)
class ProcessTeamFacts:
    name: str
    department_ids: frozenset[int]


@dataclass
class RegistryFacts:
    """Everything the graph is built from, read from the registry in a few queries (see load.py)."""

    departments: list[DepartmentFacts]
    areas: list[AreaFacts] = field(default_factory=list)
    needs: list[NeedFacts] = field(default_factory=list)
    links: list[LinkFacts] = field(default_factory=list)
    process_teams: list[ProcessTeamFacts] = field(default_factory=list)
    institutions: list[InstitutionFacts] = field(default_factory=list)


@dataclass(frozen=True)
class GraphFilter:
    area: int | None = None  # only this area's needs and its own memberships (plus the departments they draw in)
    states: tuple[str, ...] = ()  # empty: every state but merged
    raised_from: date | None = None
    raised_to: date | None = None
    min_weight: int = 1
    include_areas: bool = False
    include_institutions: bool = False
    ties: frozenset[str] = frozenset(TIE_KINDS)  # which kinds of tie count (shared areas, needs, teams, dependencies)

    def keeps(self, need: NeedFacts) -> bool:
        if need.state == "merged":
            return False
        if self.states and need.state not in self.states:
            return False
        if self.raised_from and need.raised_on < self.raised_from:
            return False
        if self.raised_to and need.raised_on > self.raised_to:
            return False
        return self.area is None or self.area in need.area_ids


def dependencies_of(links: Iterable[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """(from, to, kind) links as dependencies (x, y): need x depends on need y. A "blocks" link points
    the other way; links of other kinds, and a need linked to itself, are left out."""
    return sorted(
        {(a, b) if kind == "depends_on" else (b, a) for a, b, kind in links if kind in DEPENDENCY_KINDS and a != b}
    )


def dept(department_id: int) -> str:
    """A department's node key (areas and institutions have their own, so the keys never clash)."""
    return f"d{department_id}"


def area_key(area_id: int) -> str:
    return f"a{area_id}"


def institution_key(institution_id: int) -> str:
    return f"i{institution_id}"


class _Tie:
    __slots__ = ("areas", "needs", "teams", "dependencies")

    def __init__(self) -> None:
        self.areas: set[int] = set()
        self.needs: set[int] = set()
        self.teams: set[str] = set()
        self.dependencies: set[tuple[int, int]] = set()

    @property
    def weight(self) -> int:
        return len(self.areas) + len(self.needs) + len(self.teams) + len(self.dependencies)


def build(facts: RegistryFacts, graph_filter: GraphFilter | None = None) -> nx.Graph:
    """The graph of `facts` under `graph_filter`.

    Nodes carry kind, label, name and slug; department edges carry weight and what makes it up:
    areas (ids), needs (ids), teams (names) and dependencies (pairs of need ids, dependent first).
    The graph itself carries the needs that count (`graph.graph["needs"]`: id → title, state,
    department ids) and the dependencies between them (`graph.graph["dependencies"]`).
    """
    graph_filter = graph_filter or GraphFilter()
    needs = {need.id: need for need in facts.needs if graph_filter.keeps(need)}
    areas = [a for a in facts.areas if graph_filter.area is None or a.id == graph_filter.area]
    dependencies = [
        (x, y)
        for x, y in dependencies_of((link.from_need_id, link.to_need_id, link.kind) for link in facts.links)
        if x in needs and y in needs
    ]

    counted = graph_filter.ties
    ties: dict[tuple[int, int], _Tie] = defaultdict(_Tie)
    for area in areas if TIE_AREAS in counted else ():
        for a, b in combinations(sorted(area.department_ids), 2):
            ties[a, b].areas.add(area.id)
    for need in needs.values() if TIE_NEEDS in counted else ():
        for a, b in combinations(sorted(need.department_ids), 2):
            ties[a, b].needs.add(need.id)
    for team in facts.process_teams if TIE_TEAMS in counted else ():
        for a, b in combinations(sorted(team.department_ids), 2):
            ties[a, b].teams.add(team.name)
    for dependent, prerequisite in dependencies if TIE_DEPENDENCIES in counted else ():
        for a in needs[dependent].department_ids:
            for b in needs[prerequisite].department_ids:
                if a != b:
                    ties[min(a, b), max(a, b)].dependencies.add((dependent, prerequisite))

    known = {d.id: d for d in facts.departments}
    if graph_filter.area is None:
        shown = set(known)
    else:
        # The area's own departments, and every department its needs tie to them.
        shown = {d for area in areas for d in area.department_ids}
        shown |= {d for need in needs.values() for d in need.department_ids}
        shown &= set(known)

    graph = nx.Graph()
    for department in sorted((known[i] for i in shown), key=lambda d: d.label.lower()):
        graph.add_node(
            dept(department.id),
            kind=DEPARTMENT,
            id=department.id,
            label=department.label,
            name=department.name,
            slug=department.slug,
        )
    for (a, b), tie in sorted(ties.items()):
        if a in shown and b in shown and tie.weight >= max(graph_filter.min_weight, 1):
            graph.add_edge(
                dept(a),
                dept(b),
                kind=DEPARTMENT,
                weight=tie.weight,
                areas=sorted(tie.areas),
                needs=sorted(tie.needs),
                teams=sorted(tie.teams),
                dependencies=sorted(tie.dependencies),
            )
    if graph_filter.include_areas:
        for area in areas:
            graph.add_node(area_key(area.id), kind=AREA, id=area.id, label=area.name, name=area.name, slug=area.slug)
            for department_id in sorted(area.department_ids & shown):
                graph.add_edge(area_key(area.id), dept(department_id), kind=AREA, weight=1)
    if graph_filter.include_institutions:
        _add_institutions(graph, facts.institutions, needs.values(), shown)

    graph.graph["needs"] = {
        need.id: {"title": need.title, "state": need.state, "departments": sorted(need.department_ids & shown)}
        for need in sorted(needs.values(), key=lambda n: n.id)
    }
    graph.graph["dependencies"] = dependencies
    graph.graph["areas"] = {area.id: area.name for area in facts.areas}
    return graph


def _add_institutions(
    graph: nx.Graph, institutions: Iterable[InstitutionFacts], needs: Iterable[NeedFacts], shown: set[int]
) -> None:
    raised: dict[tuple[int, int], set[int]] = defaultdict(set)
    for need in needs:
        if need.institution_id is not None:
            for department_id in need.department_ids & shown:
                raised[need.institution_id, department_id].add(need.id)
    by_id: Mapping[int, InstitutionFacts] = {i.id: i for i in institutions}
    for (institution_id, department_id), need_ids in sorted(raised.items()):
        institution = by_id.get(institution_id)
        if institution is None:
            continue
        key = institution_key(institution.id)
        if key not in graph:
            graph.add_node(
                key,
                kind=INSTITUTION,
                id=institution.id,
                label=institution.short_name or institution.name,
                name=institution.name,
                slug=institution.slug,
            )
        graph.add_edge(key, dept(department_id), kind=INSTITUTION, weight=len(need_ids), needs=sorted(need_ids))


def departments_only(graph: nx.Graph) -> nx.Graph:
    """The department nodes and the ties between them (the graph the metrics are about)."""
    return graph.subgraph(n for n, kind in graph.nodes(data="kind") if kind == DEPARTMENT)
