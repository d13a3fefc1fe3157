"""What a steering group reads off the graph, as plain results (the plain words are in the templates).

- the most central departments: by degree (how many departments it is tied to), by strength (the
  summed weight of its ties) and its share of the coordination load (its strength ÷ the strengths of
  all departments), and by betweenness (how often it lies on the shortest way between two other
  departments), counted in hops and weighted: a heavy tie is a short way (distance = 1 ÷ weight). The
  broker of coordination is the department(s) with the highest weighted betweenness;
- clusters: departments more tied to each other than to the rest (Louvain modularity, weighted, seeded);
- articulation points: departments whose absence would split coordination in two;
- the department pairs with the most shared open needs, and the needs that span the most departments;
- dependency cycles between needs (A depends on B … depends on A: nothing in the cycle can start).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from itertools import islice

import networkx as nx

from registry.graph.build import DEPARTMENT, departments_only

MAX_CYCLES = 50  # listed; a registry with more has a bigger problem than the list can show
TOP = 10


@dataclass(frozen=True)
class DepartmentStanding:
    key: str
    label: str
    name: str
    slug: str
    degree: int  # departments it is tied to
    strength: int  # the sum of the weights of its ties
    share: float  # its strength ÷ the sum of all departments' strengths (0–1): its share of the load
    betweenness: float  # shortest ways between other pairs through it (unnormalised, hops)
    weighted_betweenness: float  # the same with distance = 1 ÷ weight (a heavy tie is a short way)
    cluster: int  # 1-based, largest cluster first
    articulation: bool


@dataclass(frozen=True)
class Tie:
    a: str
    b: str
    a_label: str
    b_label: str
    weight: int
    areas: list[str]
    needs: list[int]
    teams: list[str]
    dependencies: list[tuple[int, int]]
    open_needs: list[int]


@dataclass(frozen=True)
class WideNeed:
    id: int
    title: str
    state: str
    departments: list[str]


@dataclass
class Metrics:
    departments: list[DepartmentStanding]  # the most central first (weighted betweenness, strength, …)
    clusters: list[list[str]]  # labels, largest cluster first
    articulation_points: list[str]  # labels
    ties: list[Tie]  # heaviest first
    open_need_pairs: list[Tie]  # the pairs with most shared open needs, most first
    widest_needs: list[WideNeed]
    cycles: list[list[int]]  # each starts at its smallest need id and ends where it began
    by_key: dict[str, DepartmentStanding] = field(default_factory=dict)

    @property
    def most_central_by_degree(self) -> list[DepartmentStanding]:
        top = max((d.degree for d in self.departments), default=0)
        return sorted((d for d in self.departments if d.degree == top and top > 0), key=lambda d: d.label)

    @property
    def most_central_by_betweenness(self) -> list[DepartmentStanding]:
        """In hops, ignoring the weights."""
        return _top(self.departments, lambda d: d.betweenness)

    @property
    def brokers(self) -> list[DepartmentStanding]:
        """The broker(s) of coordination: the highest weighted betweenness."""
        return _top(self.departments, lambda d: d.weighted_betweenness)

    @property
    def strongest(self) -> list[DepartmentStanding]:
        """The department(s) carrying the largest share of the coordination load."""
        return _top(self.departments, lambda d: d.strength)


def _top(departments: list[DepartmentStanding], value) -> list[DepartmentStanding]:
    top = max((value(d) for d in departments), default=0)
    return sorted((d for d in departments if top > 0 and abs(value(d) - top) < 1e-9), key=lambda d: d.label)


def weighted_betweenness(plain: nx.Graph) -> dict[str, float]:
    """Betweenness with distance = 1 ÷ weight, unnormalised. The distances are exact: each is the
    least common multiple of the weights divided by the tie's weight (a whole number), so that two
    ways of the same length (½ + ½ and 1) are recognised as equally short, as floats would not."""
    common = math.lcm(*(int(w) for _a, _b, w in plain.edges(data="weight"))) if plain.number_of_edges() else 1
    distances = nx.Graph()
    distances.add_nodes_from(plain)
    distances.add_weighted_edges_from((a, b, common // int(w)) for a, b, w in plain.edges(data="weight"))
    return nx.betweenness_centrality(distances, normalized=False, weight="weight")


def clusters(graph: nx.Graph) -> list[set[str]]:
    """Communities by modularity (Louvain, seeded) on the weights. Largest first, then by first label."""
    return _clusters(_topology(graph), nx.get_node_attributes(graph, "label"))


def _topology(graph: nx.Graph) -> nx.Graph:
    """The nodes and weighted edges alone, as a graph of its own: the algorithms run several times
    faster on it than on a view of a graph whose edges carry lists."""
    plain = nx.Graph()
    plain.add_nodes_from(graph)
    plain.add_weighted_edges_from(graph.edges(data="weight"))
    return plain


def _clusters(plain: nx.Graph, labels: dict[str, str]) -> list[set[str]]:
    if plain.number_of_nodes() == 0:
        return []
    if plain.number_of_edges() == 0:
        found = [{n} for n in plain]
    else:
        # Louvain with a fixed seed: the same graph always gets the same clusters (and it is several
        # times faster than greedy modularity on a dense graph of 200 departments).
        found = [set(c) for c in nx.community.louvain_communities(plain, weight="weight", seed=0)]
    return sorted(found, key=lambda c: (-len(c), min(labels[n].lower() for n in c)))


def cluster_of(graph: nx.Graph) -> dict[str, int]:
    return {node: number for number, members in enumerate(clusters(graph), 1) for node in members}


def dependency_cycles(dependencies: Iterable[tuple[int, int]], limit: int = MAX_CYCLES) -> list[list[int]]:
    """Cycles in the needs' dependencies (x → y: x depends on y), each closed: [a, b, a]."""
    graph = nx.DiGraph(list(dependencies))
    found = []
    for cycle in islice(nx.simple_cycles(graph), limit):
        start = cycle.index(min(cycle))
        cycle = cycle[start:] + cycle[:start]
        found.append([*cycle, cycle[0]])
    return sorted(found, key=lambda c: (len(c), c))


def ties_of(
    graph: nx.Graph, needs: dict[int, dict], area_names: dict[int, str], open_states: Collection[str]
) -> list[Tie]:
    """The department ties of `graph`, heaviest first, each pair in alphabetical order."""
    labels = nx.get_node_attributes(graph, "label")
    ties = []
    for a, b, data in graph.edges(data=True):
        if data.get("kind") != DEPARTMENT:
            continue
        a, b = sorted((a, b), key=lambda n: labels[n].lower())
        ties.append(
            Tie(
                a=a,
                b=b,
                a_label=labels[a],
                b_label=labels[b],
                weight=data["weight"],
                areas=[area_names.get(i, str(i)) for i in data.get("areas", [])],
                needs=list(data.get("needs", [])),
                teams=list(data.get("teams", [])),
                dependencies=[tuple(d) for d in data.get("dependencies", [])],
                open_needs=[n for n in data.get("needs", []) if needs.get(n, {}).get("state") in open_states],
            )
        )
    ties.sort(key=lambda t: (-t.weight, t.a_label.lower(), t.b_label.lower()))
    return ties


def open_state_values() -> set[str]:
    from registry.needs.lifecycle import OPEN

    return {state.value for state in OPEN}


def measure(graph: nx.Graph, open_states: Collection[str] | None = None) -> Metrics:
    """All the steering-group metrics of a graph from `build` (about its department nodes)."""
    if open_states is None:
        open_states = open_state_values()
    departments = departments_only(graph)
    labels = nx.get_node_attributes(departments, "label")
    needs = graph.graph.get("needs", {})
    area_names = graph.graph.get("areas", {})
    plain = _topology(departments)
    betweenness = nx.betweenness_centrality(plain, normalized=False) if len(plain) else {}
    weighted = weighted_betweenness(plain) if len(plain) else {}
    total_strength = sum(w for _n, w in plain.degree(weight="weight"))
    cut = set(nx.articulation_points(plain))
    cluster_sets = _clusters(plain, labels)
    numbers = {node: number for number, members in enumerate(cluster_sets, 1) for node in members}

    standings = [
        DepartmentStanding(
            key=node,
            label=data["label"],
            name=data["name"],
            slug=data["slug"],
            degree=plain.degree(node),
            strength=int(plain.degree(node, weight="weight")),
            share=round(plain.degree(node, weight="weight") / total_strength, 4) if total_strength else 0.0,
            betweenness=round(betweenness.get(node, 0.0), 4),
            weighted_betweenness=round(weighted.get(node, 0.0), 4),
            cluster=numbers[node],
            articulation=node in cut,
        )
        for node, data in departments.nodes(data=True)
    ]
    standings.sort(key=lambda d: (-d.weighted_betweenness, -d.strength, -d.betweenness, -d.degree, d.label.lower()))

    ties = ties_of(departments, needs, area_names, open_states)
    open_pairs = sorted(
        (t for t in ties if t.open_needs), key=lambda t: (-len(t.open_needs), t.a_label.lower(), t.b_label.lower())
    )
    wide = sorted(
        (
            WideNeed(
                id=need_id,
                title=need["title"],
                state=need["state"],
                departments=sorted(labels[f"d{d}"] for d in need["departments"] if f"d{d}" in labels),
            )
            for need_id, need in needs.items()
            if len(need["departments"]) >= 2
        ),
        key=lambda n: (-len(n.departments), n.id),
    )
    return Metrics(
        departments=standings,
        clusters=[sorted((labels[n] for n in members), key=str.lower) for members in cluster_sets],
        articulation_points=sorted((labels[n] for n in cut), key=str.lower),
        ties=ties,
        open_need_pairs=open_pairs[:TOP],
        widest_needs=wide[:TOP],
        cycles=dependency_cycles(graph.graph.get("dependencies", [])),
        by_key={d.key: d for d in standings},
    )


# ---------------------------------------------------------------- one need's chain


@dataclass
class NeedChain:
    """What one need depends on and what it blocks, each transitively, with the steps away."""

    depends_on: list[tuple[int, int]]  # (need id, steps), nearest first
    blocks: list[tuple[int, int]]
    cycles: list[list[int]]  # the dependency cycles this need is part of

    @property
    def need_ids(self) -> set[int]:
        return {n for n, _ in self.depends_on} | {n for n, _ in self.blocks} | {n for c in self.cycles for n in c}

    def __bool__(self) -> bool:
        return bool(self.depends_on or self.blocks or self.cycles)


def need_chain(dependencies: Iterable[tuple[int, int]], need_id: int, max_steps: int = 50) -> NeedChain:
    """`dependencies` are (x, y) pairs, x depends on y (see `build`); the chain of `need_id`."""
    graph = nx.DiGraph(list(dependencies))
    if need_id not in graph:
        return NeedChain([], [], [])
    ahead = nx.single_source_shortest_path_length(graph, need_id, cutoff=max_steps)
    behind = nx.single_source_shortest_path_length(graph.reverse(copy=False), need_id, cutoff=max_steps)
    component = next(c for c in nx.strongly_connected_components(graph) if need_id in c)
    cycles = [c for c in dependency_cycles(graph.subgraph(component).edges()) if need_id in c]

    def ordered(steps: dict[int, int]) -> list[tuple[int, int]]:
        return sorted(((n, s) for n, s in steps.items() if n != need_id), key=lambda pair: (pair[1], pair[0]))

    return NeedChain(depends_on=ordered(ahead), blocks=ordered(behind), cycles=cycles)
