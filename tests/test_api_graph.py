"""The cross-department graph in the JSON API: node-link JSON that networkx reads back, the metrics of
the seed (hand-computed in test_graph.py), the filters and the refusals; SQLite and PostgreSQL."""

from __future__ import annotations

import networkx as nx
import pytest


def test_the_graph_is_node_link_json_with_the_seed_departments(client_as):
    response = client_as("viewer").get("/api/v1/graph")
    assert response.status_code == 200, response.text
    assert response.json() == client_as("viewer").get("/graph.json").json()  # the export's very data
    graph = nx.node_link_graph(response.json(), edges="links")
    departments = [n for n, kind in graph.nodes(data="kind") if kind == "department"]
    assert len(departments) == 8 and graph.size(weight="weight") >= 16  # the 16 shared areas, and the teams
    with_areas = client_as("viewer").get("/api/v1/graph", params={"areas": "1"}).json()
    assert any(node["kind"] == "area" for node in with_areas["nodes"])


def test_the_metrics_are_those_of_the_graph(client_as):
    viewer = client_as("viewer")
    graph = nx.node_link_graph(viewer.get("/api/v1/graph").json(), edges="links")
    metrics = viewer.get("/api/v1/graph/metrics").json()
    assert {d["key"]: d["degree"] for d in metrics["departments"]} == dict(graph.degree())
    assert {d["key"]: d["strength"] for d in metrics["departments"]} == dict(graph.degree(weight="weight"))
    betweenness = nx.betweenness_centrality(graph, normalized=False)
    for standing in metrics["departments"]:
        assert standing["betweenness"] == pytest.approx(betweenness[standing["key"]], abs=1e-4)  # rounded to 4 places
    labels = dict(graph.nodes(data="label"))
    assert sorted(metrics["articulation_points"]) == sorted(labels[n] for n in nx.articulation_points(graph))
    assert [t["weight"] for t in metrics["ties"]] == sorted((w for *_e, w in graph.edges(data="weight")), reverse=True)
    assert metrics["cycles"] == []
    light = client_as("viewer").get("/api/v1/graph/metrics", params={"min_weight": 2}).json()
    assert all(t["weight"] >= 2 for t in light["ties"]) and len(light["ties"]) < len(metrics["ties"])


def test_bad_filters_are_refused_naming_them_and_visitors_are_not_let_in(client_as):
    viewer = client_as("viewer")
    nowhere = viewer.get("/api/v1/graph/metrics", params={"area": "nowhere", "state": "nonsense"})
    assert nowhere.status_code == 422
    assert {e["field"] for e in nowhere.json()["errors"]} == {"area", "state"}
    assert viewer.get("/api/v1/graph", params={"min_weight": 0}).status_code == 400
    assert viewer.get("/api/v1/graph", params={"from": "yesterday"}).status_code == 400
    assert client_as("anonymous").get("/api/v1/graph").status_code == 401
