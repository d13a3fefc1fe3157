"""The cross-department graph: the pure builder and metrics on the seed's VSO table (checked against a
hand computation), on hand-made needs, process teams and dependencies, and on 200 generated
departments; then the /graph page, its filters and exports, the neighbourhoods on the register's
pages, and a need's dependency chain with a cycle."""

from __future__ import annotations

import io
import json
import random
import re
import time
import tomllib
from datetime import date
from fractions import Fraction

import networkx as nx
import pytest
from sqlalchemy import func, select

from registry.config import PROJECT_ROOT
from registry.db import models as m
from registry.graph import export
from registry.graph.build import (
    AreaFacts,
    DepartmentFacts,
    GraphFilter,
    InstitutionFacts,
    LinkFacts,
    NeedFacts,
    ProcessTeamFacts,
    RegistryFacts,
    build,
    dept,
)
from registry.graph.metrics import dependency_cycles, measure, need_chain
from tests.database import sql as _sql
from tests.htmlpage import parse

OPEN = {"submitted", "clarified", "ready", "recommended", "approved", "deferred", "in_progress", "done"}

# ---------------------------------------------------------------- the seed's VSO table, by hand
#
# seed/vso_model.toml, departments numbered in the file's order:
#   S=1 Studentservice och utbildningsadministration, F=2 Fastighets- och campusplanering,
#   I=3 IT och digital infrastruktur, K=4 Kommunikation, U=5 Stöd i utbildning och forskning,
#   B=6 Biblioteket, L=7 Ledningsstöd och ekonomi, H=8 HR.
# Areas (16 memberships): utbildningsadministration {S}; infrastruktur {S,F,I}; kommunikation {S,I,K,U};
#   utbildning {U,B,S}; forskning och forskarutbildning {U,B,L}; styrning {H,L}.
# Each pair in an area is tied once per shared area (0+3+6+3+3+1 = 16 pair-areas):
#   S-F 1, S-I 2 (infra, komm), F-I 1, S-K 1, S-U 2 (komm, utb), I-K 1, I-U 1, K-U 1, U-B 2 (utb, forsk),
#   B-S 1, U-L 1, B-L 1, H-L 1  → 13 ties, total weight 16.
# Degrees: S 5 (F I K U B), F 2, I 4, K 3, U 5 (S I K B L), B 3, L 3, H 1   (sum 26 = 2·13).
# Betweenness (unweighted shortest paths, each pair once, a pair's share split among its shortest paths):
#   pairs at distance 2: S-L via U|B, F-K via S|I, F-U via S|I, F-B via S, I-B via S|U, I-L via U,
#     K-B via S|U, K-L via U, U-H via L, B-H via L;
#   distance 3: S-H (S-U-L-H, S-B-L-H), F-L (F-S-U-L, F-S-B-L, F-I-U-L), I-H via U,L, K-H via U,L;
#   distance 4: F-H (the three F-L paths, then H).
#   S = ½+½+1+⅔+⅔+½+½ = 13/3;  I = ½+½+⅓+⅓ = 5/3;  B = ½+½+⅓+⅓ = 5/3;
#   U = ½+½+⅔+⅔+½+1+1+½+1+1 = 22/3;  L = S-H, F-H, I-H, K-H, U-H, B-H = 6;  F = K = H = 0.
#   Check: the sum, 21, is Σ(distance − 1) over the pairs = 10·1 + 4·2 + 1·3.
# Articulation points: only L (without it, H is alone); removing any other leaves the rest connected.
# Clusters (modularity on the weights): {S,F,I,K} and {U,B,L,H}.
#   m = 16; strengths S7 F2 I5 K3 U7 B4 L3 H1 (sum 32). Inside {S,F,I,K}: 1+2+1+1+1 = 6, strength 17;
#   inside {U,B,L,H}: 2+1+1+1 = 5, strength 15. Q = 6/16 − (17/32)² + 5/16 − (15/32)² = 190/1024.

#
# Weighted (distance = 1 ÷ weight: S-I, S-U and U-B are ½ long, every other tie 1). Two adjacent pairs
# have a second way as short as the tie: I-U (I-S-U = ½+½) and S-B (S-U-B), so S gets ½ and U gets ½.
# Pairs not tied: S-L via U (1½); F-K via S | I (2); F-U via S (1½); F-B via S | S,U (2);
#   I-B via S | S,U | U (1½); I-L via U | S,U (2); K-B via U; K-L via U; U-H via L; B-H via L;
#   S-H via U,L; F-L via S,U; I-H via U,L | S,U,L; K-H via U,L; F-H via S,U,L.
#   S = ½ (I-U) + ½ + 1 + 1 + ⅔ + ½ + 1 (F-L) + ½ (I-H) + 1 (F-H) = 20/3;  I = ½ (F-K);
#   U = ½ (S-B) + 1 + ½ + ⅔ + 1 + 1 + 1 + 1 (S-H) + 1 (F-L) + 1 (I-H) + 1 (K-H) + 1 (F-H) = 32/3;
#   L = U-H, B-H, S-H, I-H, K-H, F-H = 6;  F = K = B = H = 0.
# So the broker by the weighted measure is U alone; B, level with I in hops (5/3), drops to 0.
# Strength and share of the load (strength ÷ 32): S 7 (7/32), F 2, I 5, K 3, U 7, B 4, L 3, H 1.

S, F, IT, K, U, B, L, H = range(1, 9)  # I is IT
HAND_WEIGHTS = {
    (S, F): 1, (S, IT): 2, (F, IT): 1, (S, K): 1, (S, U): 2, (IT, K): 1, (IT, U): 1, (K, U): 1,
    (U, B): 2, (S, B): 1, (U, L): 1, (B, L): 1, (H, L): 1,
}  # fmt: skip
HAND_DEGREES = {S: 5, F: 2, IT: 4, K: 3, U: 5, B: 3, L: 3, H: 1}
HAND_BETWEENNESS = {
    S: Fraction(13, 3), F: 0, IT: Fraction(5, 3), K: 0, U: Fraction(22, 3), B: Fraction(5, 3), L: 6, H: 0,
}  # fmt: skip
HAND_WEIGHTED_BETWEENNESS = {S: Fraction(20, 3), F: 0, IT: Fraction(1, 2), K: 0, U: Fraction(32, 3), B: 0, L: 6, H: 0}
HAND_STRENGTH = {S: 7, F: 2, IT: 5, K: 3, U: 7, B: 4, L: 3, H: 1}


def seed_facts() -> RegistryFacts:
    seed = tomllib.loads((PROJECT_ROOT / "seed" / "vso_model.toml").read_text(encoding="utf-8"))
    ids = {d["name"]: n for n, d in enumerate(seed["department"], 1)}
    return RegistryFacts(
        departments=[
            DepartmentFacts(n, d["name"], d["short_name"], d["slug"]) for n, d in enumerate(seed["department"], 1)
        ],
        areas=[
            AreaFacts(n, a["name"], a["slug"], frozenset(ids[name] for name in a["departments"]))
            for n, a in enumerate(seed["area"], 1)
        ],
    )


def test_the_vso_table_alone_matches_the_hand_computation():
    facts = seed_facts()
    assert sum(len(a.department_ids) for a in facts.areas) == 16
    graph = build(facts)
    assert graph.number_of_nodes() == 8
    weights = {tuple(sorted((graph.nodes[a]["id"], graph.nodes[b]["id"]))): w for a, b, w in graph.edges(data="weight")}
    assert weights == {tuple(sorted(pair)): w for pair, w in HAND_WEIGHTS.items()}
    assert graph.size(weight="weight") == 16

    metrics = measure(graph, OPEN)
    by_id = {graph.nodes[d.key]["id"]: d for d in metrics.departments}
    assert {i: d.degree for i, d in by_id.items()} == HAND_DEGREES
    for i, expected in HAND_BETWEENNESS.items():
        assert by_id[i].betweenness == pytest.approx(float(expected), abs=1e-4), i
    assert metrics.articulation_points == ["Ledningsstöd och ekonomi"]
    assert [d.label for d in metrics.most_central_by_betweenness] == ["Stöd i utbildning och forskning"]
    assert {d.label for d in metrics.most_central_by_degree} == {
        "Studentservice och utbildningsadministration",
        "Stöd i utbildning och forskning",
    }
    assert sorted(map(sorted, metrics.clusters)) == sorted(
        [
            sorted(["Studentservice och utbildningsadministration", "Fastighets- och campusplanering",
                    "IT och digital infrastruktur", "Kommunikation"]),
            sorted(["Stöd i utbildning och forskning", "Biblioteket", "Ledningsstöd och ekonomi", "HR"]),
        ]
    )  # fmt: skip
    communities = [{n for n in graph if graph.nodes[n]["label"] in c} for c in metrics.clusters]
    assert nx.community.modularity(graph, communities, weight="weight") == pytest.approx(190 / 1024)
    for i, expected in HAND_WEIGHTED_BETWEENNESS.items():
        assert by_id[i].weighted_betweenness == pytest.approx(float(expected), abs=1e-4), i
    assert {i: d.strength for i, d in by_id.items()} == HAND_STRENGTH
    assert {i: d.share for i, d in by_id.items()} == {i: round(w / 32, 4) for i, w in HAND_STRENGTH.items()}
    assert [d.label for d in metrics.brokers] == ["Stöd i utbildning och forskning"]
    assert [d.label for d in metrics.departments[:3]] == [
        "Stöd i utbildning och forskning",
        "Studentservice och utbildningsadministration",
        "Ledningsstöd och ekonomi",
    ]
    # The heaviest ties come first; no needs, no open pairs, no cycles.
    assert [t.weight for t in metrics.ties[:3]] == [2, 2, 2]
    assert metrics.open_need_pairs == [] and metrics.widest_needs == [] and metrics.cycles == []


# ---------------------------------------------------------------- needs, teams, dependencies, filters


def _need(i, departments, state="submitted", raised=date(2026, 3, 1), areas=(), institution=None):
    return NeedFacts(i, f"Behov {i}", state, raised, frozenset(areas), frozenset(departments), institution)


def small_facts(**extra) -> RegistryFacts:
    departments = [DepartmentFacts(i, f"Avd. {c}", c, c.lower()) for i, c in enumerate("ABCDE", 1)]
    areas = [AreaFacts(10, "VSO X", "x", frozenset({1, 2})), AreaFacts(20, "VSO Y", "y", frozenset({3, 4}))]
    return RegistryFacts(departments=departments, areas=areas, **extra)


def test_needs_teams_and_dependencies_each_count_one():
    facts = small_facts(
        needs=[
            _need(100, {1, 3}, areas={10}),
            _need(101, {1, 3, 5}, state="done", areas={20}),
            _need(102, {2}, areas={10}),
            _need(103, {4}, areas={20}),
            _need(104, {1, 3}, state="merged"),  # merged needs never count
        ],
        links=[
            LinkFacts(102, 103, "depends_on"),  # B's need depends on D's: ties B–D
            LinkFacts(103, 100, "blocks"),  # 100 depends on 103: ties A–D and C–D
            LinkFacts(100, 101, "relates_to"),  # not a dependency
        ],
        process_teams=[ProcessTeamFacts("Antagning", frozenset({1, 5})), ProcessTeamFacts("Ekonomi", frozenset({2}))],
    )
    graph = build(facts)
    edge = graph.edges[dept(1), dept(3)]
    assert edge["needs"] == [100, 101] and edge["weight"] == 2
    assert graph.edges[dept(1), dept(5)]["teams"] == ["Antagning"]
    assert graph.edges[dept(1), dept(5)]["weight"] == 2  # need 101 and the team
    assert graph.edges[dept(2), dept(4)]["dependencies"] == [(102, 103)]
    assert graph.edges[dept(1), dept(4)]["dependencies"] == [(100, 103)]
    assert graph.edges[dept(1), dept(2)]["areas"] == [10]
    assert sorted(graph.graph["dependencies"]) == [(100, 103), (102, 103)]
    metrics = measure(graph, OPEN | {"submitted"})
    assert metrics.widest_needs[0].id == 101 and len(metrics.widest_needs[0].departments) == 3
    assert metrics.open_need_pairs[0].open_needs == [100, 101]  # done counts as open (not closed yet)
    assert measure(graph, {"submitted"}).open_need_pairs[0].open_needs == [100]


def test_the_kinds_of_tie_that_count_are_chosen_and_process_teams_obey():
    seed = seed_facts()
    facts = RegistryFacts(
        departments=seed.departments,
        areas=seed.areas,
        needs=[_need(100, {F, H}), _need(101, {H, K})],
        links=[LinkFacts(100, 101, "depends_on")],
        process_teams=[ProcessTeamFacts("Antagning", frozenset({F, B}))],
    )
    everything = build(facts)
    assert everything.edges[dept(F), dept(B)]["weight"] == 1 and everything.has_edge(dept(F), dept(H))
    # Shared areas alone: exactly the VSO table, whatever needs and teams there are.
    areas_only = build(facts, GraphFilter(ties=frozenset({"areas"})))
    weights = {
        tuple(sorted((areas_only.nodes[a]["id"], areas_only.nodes[b]["id"]))): w
        for a, b, w in areas_only.edges(data="weight")
    }  # noqa: E501
    assert weights == {tuple(sorted(pair)): w for pair, w in HAND_WEIGHTS.items()}
    assert [d.label for d in measure(areas_only, OPEN).brokers] == ["Stöd i utbildning och forskning"]
    # Process teams alone: the one team's tie; with teams left out it is gone.
    teams = build(facts, GraphFilter(ties=frozenset({"teams"})))
    assert [(teams.nodes[a]["id"], teams.nodes[b]["id"]) for a, b in teams.edges()] in ([(F, B)], [(B, F)])
    no_teams = build(facts, GraphFilter(ties=frozenset({"areas", "needs", "dependencies"})))
    assert not no_teams.has_edge(dept(F), dept(B))
    # Dependencies alone: need 100 (F, H) depends on 101 (H, K): F-H, F-K and H-K.
    dependencies = build(facts, GraphFilter(ties=frozenset({"dependencies"})))
    assert {frozenset((dependencies.nodes[a]["id"], dependencies.nodes[b]["id"])) for a, b in dependencies.edges()} == {
        frozenset({F, H}),
        frozenset({F, K}),
        frozenset({H, K}),
    }
    needs_only = build(facts, GraphFilter(ties=frozenset({"needs"})))
    assert {frozenset((needs_only.nodes[a]["id"], needs_only.nodes[b]["id"])) for a, b in needs_only.edges()} == {
        frozenset({F, H}),
        frozenset({H, K}),
    }


def test_weighted_betweenness_follows_the_heavy_ties():
    """A–B–C weigh 3 each, A–C weighs 1: in hops A and C are neighbours (no one between); weighted, the
    way A–B–C (⅓ + ⅓) is shorter than the tie A–C (1), so B brokers A–C."""
    departments = [DepartmentFacts(i, f"Avd. {c}", c, c.lower()) for i, c in enumerate("ABC", 1)]
    needs = [_need(i, pair) for i, pair in enumerate([{1, 2}] * 3 + [{2, 3}] * 3 + [{1, 3}], 1)]
    metrics = measure(build(RegistryFacts(departments=departments, needs=needs)), OPEN)
    by_label = {d.label: d for d in metrics.departments}
    assert by_label["B"].betweenness == 0 and by_label["B"].weighted_betweenness == 1
    assert [d.label for d in metrics.brokers] == ["B"] and metrics.most_central_by_betweenness == []
    assert by_label["B"].strength == 6 and by_label["B"].share == 0.4286  # 6 ÷ (4 + 6 + 4)


def test_graphml_and_json_carry_the_same_node_attributes():
    graph = build(seed_facts())
    metrics = measure(graph, OPEN)
    positions = export.layout(graph)
    back = nx.read_graphml(io.BytesIO(export.graphml(graph, metrics, positions)))
    data = json.loads(json.dumps(export.node_link(graph, metrics, positions)))
    for node in data["nodes"]:
        in_graphml = back.nodes[node["id"]]
        assert set(node) - {"id"} == set(in_graphml) - {"id"}, node["id"]
        for key in ("degree", "strength", "share", "betweenness", "weighted_betweenness", "cluster", "broker", "x"):
            assert in_graphml[key] == node[key], key
    broker = next(n for n in data["nodes"] if n["broker"])
    assert broker["label"] == "Stöd i utbildning och forskning" and broker["weighted_betweenness"] == 10.6667


def test_filters_by_state_period_area_and_weight():
    facts = small_facts(
        needs=[
            _need(1, {1, 3}, state="submitted", raised=date(2025, 1, 10), areas={10}),
            _need(2, {1, 3}, state="done", raised=date(2026, 6, 1), areas={20}),
            _need(3, {3, 5}, state="submitted", raised=date(2026, 6, 2), areas={20}),
        ]
    )
    weight = lambda g, a, b: g.edges[dept(a), dept(b)]["weight"] if g.has_edge(dept(a), dept(b)) else 0  # noqa: E731
    assert weight(build(facts), 1, 3) == 2
    assert weight(build(facts, GraphFilter(states=("done",))), 1, 3) == 1
    assert weight(build(facts, GraphFilter(raised_from=date(2026, 1, 1))), 1, 3) == 1
    assert weight(build(facts, GraphFilter(raised_to=date(2025, 12, 31))), 1, 3) == 1
    assert weight(build(facts, GraphFilter(states=("rejected",))), 1, 3) == 0
    # The area: its memberships and its needs; the departments its needs draw in (E) are shown too.
    by_area = build(facts, GraphFilter(area=20))
    assert set(by_area) == {dept(1), dept(3), dept(4), dept(5)}
    assert weight(by_area, 3, 4) == 1 and weight(by_area, 1, 2) == 0 and weight(by_area, 3, 5) == 1
    # Minimum weight drops the lighter ties, not the departments.
    heavy = build(facts, GraphFilter(min_weight=2))
    assert list(heavy.edges()) == [(dept(1), dept(3))] and heavy.number_of_nodes() == 5


def test_areas_and_institutions_as_nodes_do_not_change_the_department_metrics():
    facts = small_facts(
        needs=[_need(1, {1, 3}, institution=7), _need(2, {3}, institution=7)],
        institutions=[InstitutionFacts(7, "Institutionen för fysik", "Fysik", "fysik")],
    )
    plain = measure(build(facts), OPEN)
    graph = build(facts, GraphFilter(include_areas=True, include_institutions=True))
    assert graph.nodes["a10"]["kind"] == "area" and graph.has_edge("a10", dept(1))
    assert graph.nodes["i7"]["label"] == "Fysik" and graph.edges["i7", dept(3)]["weight"] == 2
    assert [(d.label, d.degree, d.betweenness) for d in measure(graph, OPEN).departments] == [
        (d.label, d.degree, d.betweenness) for d in plain.departments
    ]


def test_dependency_cycles_and_a_needs_chain():
    dependencies = [(1, 2), (2, 3), (3, 1), (3, 4), (5, 1), (6, 6)]
    assert dependency_cycles(dependencies) == [[6, 6], [1, 2, 3, 1]]
    chain = need_chain(dependencies, 2)
    assert chain.depends_on == [(3, 1), (1, 2), (4, 2)]
    assert chain.blocks == [(1, 1), (3, 2), (5, 2)]
    assert chain.cycles == [[1, 2, 3, 1]]
    assert not need_chain(dependencies, 99)
    assert need_chain([(4, 7)], 4).cycles == []


# ---------------------------------------------------------------- 200 departments


def generated_facts(departments: int = 200, needs: int = 2000, seed: int = 1) -> RegistryFacts:
    rng = random.Random(seed)
    depts = [DepartmentFacts(i, f"Avdelning {i:03d}", f"Avd {i:03d}", f"avd-{i}") for i in range(1, departments + 1)]
    areas = [
        AreaFacts(1000 + a, f"VSO {a}", f"vso-{a}", frozenset(rng.sample(range(1, departments + 1), 6)))
        for a in range(departments // 6)
    ]
    need_list = [
        _need(
            n,
            set(rng.sample(range(1, departments + 1), rng.choice([1, 2, 2, 3, 4]))),
            state=rng.choice(sorted(OPEN | {"rejected", "withdrawn"})),
            raised=date(2020 + n % 7, 1 + n % 12, 1),
            areas={rng.choice(areas).id},
        )
        for n in range(1, needs + 1)
    ]
    links = [
        LinkFacts(rng.randint(1, needs), rng.randint(1, needs), rng.choice(["depends_on", "blocks"]))
        for _ in range(300)
    ]
    teams = [ProcessTeamFacts(f"Process {t}", frozenset(rng.sample(range(1, departments + 1), 5))) for t in range(20)]
    return RegistryFacts(departments=depts, areas=areas, needs=need_list, links=links, process_teams=teams)


def test_two_hundred_departments_build_measure_and_draw():
    facts = generated_facts()
    started = time.perf_counter()
    graph = build(facts)
    metrics = measure(graph, OPEN)
    elapsed = time.perf_counter() - started
    assert graph.number_of_nodes() == 200 and graph.number_of_edges() > 1000
    assert elapsed < 20, elapsed  # about a second on a laptop; generous for a shared test machine
    assert sum(len(c) for c in metrics.clusters) == 200
    assert len(metrics.departments) == 200 and metrics.departments[0].betweenness >= metrics.departments[-1].betweenness
    assert len(metrics.widest_needs) == 10 and len(metrics.widest_needs[0].departments) == 4

    positions = export.layout(graph)
    assert len(set(positions.values())) == 200, "every department gets a place of its own"
    assert export.layout(graph) == positions, "the same graph gets the same picture"
    svg = export.picture(graph, metrics, positions, "svg")
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    png = export.picture(graph, metrics, positions, "png")
    assert png.startswith(b"\x89PNG")
    back = nx.read_graphml(io.BytesIO(export.graphml(graph, metrics, positions)))
    assert back.number_of_edges() == graph.number_of_edges()
    data = json.loads(json.dumps(export.node_link(graph, metrics, positions)))
    assert nx.node_link_graph(data, edges="links").number_of_nodes() == 200


# ---------------------------------------------------------------- pages


@pytest.fixture
def english(client_as):
    """Clients that read the pages in English (the texts asserted below)."""

    def make(role: str):
        opened = client_as(role)
        opened.headers["accept-language"] = "en"
        return opened

    return make


def _new_need(client, url, title, departments, state_area="infrastruktur", raised="2026-10-01"):
    area = _sql(url, select(m.SupportArea.id).where(m.SupportArea.slug == state_area))[0][0]
    response = client.post(
        "/needs/new",
        data={"title": title, "owning_area_id": str(area), "kind": "development_project", "channel": "email",
              "raised_on": raised},
    )  # fmt: skip
    assert response.status_code == 303, response.text[:1000]
    need_id = int(response.headers["location"].rsplit("/", 1)[1])
    ids = [_sql(url, select(m.Department.id).where(m.Department.slug == slug))[0][0] for slug in departments]
    form = {"department_id": [str(i) for i in ids], "role": ["affected"] * len(ids), "effort_days": [""] * len(ids)}
    response = client.post(f"/needs/{need_id}/departments", data=form)
    assert response.status_code == 303, response.text[:1000]
    return need_id


def _row(page, heading_id: str, label: str) -> list[str]:
    section = parse(page).find("section", aria_labelledby=heading_id)
    for row in section.find_all("tr"):
        cells = [c.text for c in row.children if not isinstance(c, str)]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r}")


def test_graph_page_shows_the_seed_metrics_in_tables(english):
    client = english("admin")
    page = client.get("/graph?tie_form=1&tie=areas")  # the VSO table alone, as computed by hand above
    assert page.status_code == 200
    row = _row(page.text, "departments-heading", "Stöd i utbildning och forskning")
    assert row[1:7] == ["5", "7", "21.9 %", "7.33", "10.67", "1"]
    assert _row(page.text, "departments-heading", "Ledningsstöd och ekonomi")[7] == "Yes"
    assert _row(page.text, "departments-heading", "HR")[1:6] == ["1", "1", "3.1 %", "0.00", "0.00"]
    reading = parse(page.text).find("section", aria_labelledby="reading-heading").text
    assert "The broker of coordination: Stöd i utbildning och forskning." in reading
    assert "The largest share of the coordination load: Studentservice" in reading
    assert "Without these, coordination would split in two: Ledningsstöd och ekonomi" in reading
    assert 'data-source="/graph.json?tie=areas"' in page.text and "/static/js/graph.js" in page.text
    assert '<noscript><img src="/graph.svg?' in page.text


def test_filters_change_the_ties_and_exports_honour_them(english, database_url):
    client = english("admin")
    old = _new_need(client, database_url, "Gemensam skyltning", ["hr", "biblioteket"], raised="2024-02-01")
    new = _new_need(client, database_url, "Gemensam kalender", ["hr", "biblioteket"], raised="2026-09-01")
    assert client.post(f"/needs/{new}/transition", data={"state": "clarified"}).status_code == 303

    def tie(query: str) -> list[str]:
        page = client.get(f"/graph?{query}")
        assert page.status_code == 200, page.text[:500]
        try:
            return _row(page.text, "ties-heading", "Biblioteket – HR")
        except AssertionError:
            return []

    assert tie("")[1] == "2" and "2 needs" in tie("")[3]
    assert tie("state=clarified")[1] == "1"
    assert tie("from=2025-01-01")[1] == "1" and tie("to=2025-01-01")[1] == "1"
    assert tie("min_weight=3") == []
    area = _sql(database_url, select(m.SupportArea.id).where(m.SupportArea.slug == "infrastruktur"))[0][0]
    assert tie(f"area={area}")[1] == "2"  # the area's needs draw both departments in
    assert tie("state=rejected") == []
    # Which kinds of tie count: HR and the library share no area, only the two needs.
    assert tie("tie_form=1&tie=areas") == [] and tie("tie_form=1&tie=needs&tie=teams")[1] == "2"
    areas_only = client.get("/graph.json?tie=areas").json()
    hr_id = _sql(database_url, select(m.Department.id).where(m.Department.slug == "hr"))[0][0]
    assert all(
        f"d{hr_id}" not in (link["source"], link["target"]) or link["needs"] == [] for link in areas_only["links"]
    )
    assert 'href="/graph.graphml?tie=areas"' in client.get("/graph?tie_form=1&tie=areas").text

    query = "state=clarified&areas=1"
    graph = nx.read_graphml(io.BytesIO(client.get(f"/graph.graphml?{query}").content))
    hr = next(n for n, label in graph.nodes(data="label") if label == "HR")
    library = next(n for n, label in graph.nodes(data="label") if label == "Biblioteket")
    assert graph.edges[hr, library]["needs"] == str(new)
    assert any(kind == "area" for _n, kind in graph.nodes(data="kind"))
    data = client.get(f"/graph.json?{query}").json()
    linked = nx.node_link_graph(data, edges="links")
    assert linked.edges[f"d{graph.nodes[hr]['id']}", f"d{graph.nodes[library]['id']}"]["needs"] == [new]
    assert data["graph"]["needs"][str(new)]["title"] == "Gemensam kalender" and str(old) not in data["graph"]["needs"]
    svg = client.get(f"/graph.svg?{query}")
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
    assert client.get(f"/graph.png?{query}").content.startswith(b"\x89PNG")


def test_bad_filters_are_named_and_what_was_typed_is_kept(english):
    client = english("admin")
    page = client.get("/graph?min_weight=many&from=2026-13-01&to=2026-01-01&state=nonsense&area=nowhere")
    assert page.status_code == 422
    summary = parse(page.text).find("div", class_="error-summary").text
    assert "Minimum weight of a tie: The minimum weight is a whole number from 1 to 10000." in summary
    assert "Raised from: “2026-13-01” is not a date; write it as YYYY-MM-DD." in summary
    assert "State: Unknown state: nonsense." in summary and "There is no support-service area “nowhere”." in summary
    assert 'value="many"' in page.text and 'value="2026-13-01"' in page.text
    no_ties = client.get("/graph?tie_form=1")
    assert no_ties.status_code == 422 and "Choose at least one kind of tie" in no_ties.text
    assert "Unknown kind of tie: friendship." in client.get("/graph?tie=friendship").text
    period = client.get("/graph?from=2026-05-01&to=2026-01-01")
    assert period.status_code == 422 and "The end of the period comes before its start." in period.text
    refused = client.get("/graph.json?min_weight=0", headers={"accept": "application/json"})
    assert refused.status_code == 422
    message = "The minimum weight is a whole number from 1 to 10000."
    assert {"field": "min_weight", "message": message} in refused.json()["errors"]
    assert client.get("/graph.svg?from=yesterday").status_code == 422


def test_a_needs_page_shows_its_chain_with_the_cycle_flagged(english, database_url):
    client = english("admin")
    a = _new_need(client, database_url, "Ny antagningsprocess", ["hr"])
    b = _new_need(client, database_url, "Nytt ärendesystem", ["it-och-digital-infrastruktur"])
    c = _new_need(client, database_url, "Ny e-tjänst", ["kommunikation"])
    for source, target, kind in ((a, b, "depends_on"), (c, b, "blocks"), (c, a, "depends_on")):
        assert client.post(f"/needs/{source}/links", data={"to_need_id": str(target), "kind": kind}).status_code == 303
    # a → b → c → a: a depends on b, b depends on c (c blocks b), c depends on a.
    page = parse(client.get(f"/needs/{a}").text).find("section", id="chain")
    assert f"cycle: #{a} → #{b} → #{c} → #{a}" in page.text
    depends = page.find_all("table")[0].text
    assert f"#{b} Nytt ärendesystem" in depends and f"#{c} Ny e-tjänst" in depends
    graph_page = client.get("/graph").text
    assert f'cycle: <a href="/needs/{a}">#{a}</a> → <a href="/needs/{b}">#{b}</a>' in graph_page

    lone = _new_need(client, database_url, "Ensamt behov", ["hr"])
    assert "It neither depends on nor blocks another need." in client.get(f"/needs/{lone}").text


def test_neighbourhoods_on_the_register_pages(english, database_url):
    client, anonymous_client = english("admin"), english("anonymous")
    _new_need(client, database_url, "Gemensam skyltning", ["hr", "biblioteket"])
    public = anonymous_client.get("/departments/hr").text
    row = _row(public, "shared-heading", "Avd. för ledningsstöd och ekonomi")
    assert row[1:3] == ["VSO för styrning", "1"]
    assert "Avd. för biblioteket" not in parse(public).find("section", aria_labelledby="shared-heading").text
    assert "Gemensam skyltning" not in public
    staff = client.get("/departments/hr").text
    assert _row(staff, "shared-heading", "Avd. för biblioteket")[2:4] == ["1", "1 need#1 Gemensam skyltning"]
    assert "Gemensam skyltning" in staff
    area = anonymous_client.get("/areas/infrastruktur").text
    ties = parse(area).find("section", aria_labelledby="ties-heading").text
    assert "Avd. för kommunikation" in ties and "VSO för kommunikation" in ties  # a tie outside the area


def test_graph_costs_a_fixed_number_of_queries(english, database_url):
    client = english("admin")
    from tests.test_queries import statements_for

    before = statements_for(client, database_url, "/graph")
    for n in range(6):
        _new_need(client, database_url, f"Behov {n}", ["hr", "biblioteket", "kommunikation"])
    assert statements_for(client, database_url, "/graph") == before
    assert _sql(database_url, select(func.count()).select_from(m.Need))[0][0] == 6


def test_anonymous_visitors_do_not_see_the_graph(anonymous_client):
    response = anonymous_client.get("/graph.json")
    assert response.status_code in (303, 401)
    assert re.match(r"/login\?next=", anonymous_client.get("/graph").headers["location"])


def test_the_registrys_process_teams_tie_their_members_departments(database_url):
    """The demo processes' teams (registry/processes/demo.py) come from several departments; the
    loader turns each current team into one tie between every pair of them."""
    import asyncio

    from sqlalchemy.ext.asyncio import async_sessionmaker

    from registry.config import Settings
    from registry.db.engine import create_engine as app_engine
    from registry.graph import load

    async def facts():
        engine = app_engine(Settings(database_url=database_url))
        async with async_sessionmaker(engine)() as session:
            found = await load.register(session)
        await engine.dispose()
        return found

    teams = asyncio.run(facts()).process_teams
    assert {team.name for team in teams} >= {"Antagning"}
    assert all(len(team.department_ids) >= 1 for team in teams)
    assert any(len(team.department_ids) >= 2 for team in teams)
