"""The graph out of the registry: GraphML and node-link JSON (Gephi, yEd, scripts) and the picture
(SVG or PNG, drawn with matplotlib's Agg backend on a Figure of its own: thread-safe, no pyplot).

Positions are computed here, once, with a seeded spring layout: the same graph always gets the same
picture, and the browser (static/js/graph.js) shows them as they are instead of laying out again.
"""

from __future__ import annotations

import io
import math
from typing import Any

import matplotlib

matplotlib.use("Agg")
import networkx as nx  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from registry.graph.build import AREA, DEPARTMENT, INSTITUTION  # noqa: E402
from registry.graph.metrics import Metrics  # noqa: E402

# A palette readable for most kinds of colour blindness (Okabe–Ito), and a shape per cluster, so
# that a cluster is never told by colour alone.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]
SHAPES = ["o", "s", "^", "D", "v", "p", "h", "8"]  # matplotlib markers
CY_SHAPES = ["ellipse", "rectangle", "triangle", "diamond", "vee", "pentagon", "hexagon", "octagon"]
LABELLED = 40  # above this many departments only the most central are labelled in the picture


def layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]², deterministic (seeded spring layout on the weights).

    The largest connected part fills the picture; smaller parts and departments without ties are set
    out in a band along the bottom, so that they neither fly off to a corner nor squash the rest."""
    if graph.number_of_nodes() == 0:
        return {}
    labels = nx.get_node_attributes(graph, "label")
    parts = sorted(
        (sorted(c, key=lambda n: str(labels.get(n, n)).lower()) for c in nx.connected_components(graph)),
        key=lambda c: (-len(c), str(labels.get(c[0], c[0])).lower()),
    )
    main, rest = parts[0], parts[1:]
    positions = _fit(_spring(graph.subgraph(main)), (-1.0, 1.0), (-0.6 if rest else -1.0, 1.0))
    if rest:
        columns = min(len(rest), 12)
        rows = math.ceil(len(rest) / columns)
        height = 0.3 / rows
        width = 2.0 / columns
        for index, part in enumerate(rest):
            row, column = divmod(index, columns)
            x0 = -1.0 + column * width
            y1 = -0.75 - row * height
            positions |= _fit(
                _spring(graph.subgraph(part)), (x0 + width * 0.2, x0 + width * 0.8), (y1 - height * 0.6, y1)
            )
    return {node: (round(float(x), 4), round(float(y), 4)) for node, (x, y) in positions.items()}


def _spring(part: nx.Graph) -> dict[str, tuple[float, float]]:
    if part.number_of_nodes() == 1:
        return {next(iter(part)): (0.0, 0.0)}
    spacing = 1.6 / math.sqrt(part.number_of_nodes())
    return nx.spring_layout(part, weight="weight", seed=7, k=spacing, iterations=80)


def _fit(positions: dict, xs: tuple[float, float], ys: tuple[float, float]) -> dict[str, tuple[float, float]]:
    """Scale positions into the box xs × ys, keeping the centre (a single node sits in the middle)."""
    if not positions:
        return {}
    px = [p[0] for p in positions.values()]
    py = [p[1] for p in positions.values()]
    span_x = (max(px) - min(px)) or 1.0
    span_y = (max(py) - min(py)) or 1.0
    middle_x, middle_y = (max(px) + min(px)) / 2, (max(py) + min(py)) / 2
    centre_x, centre_y = (xs[0] + xs[1]) / 2, (ys[0] + ys[1]) / 2
    return {
        node: (
            centre_x + (x - middle_x) / span_x * (xs[1] - xs[0]),
            centre_y + (y - middle_y) / span_y * (ys[1] - ys[0]),
        )
        for node, (x, y) in positions.items()
    }


def _plain(value: Any) -> Any:
    """GraphML takes scalars only: lists become text."""
    if isinstance(value, list | tuple | set):
        return " ".join("→".join(map(str, v)) if isinstance(v, tuple | list) else str(v) for v in value)
    return value


def node_attributes(
    graph: nx.Graph, metrics: Metrics, positions: dict[str, tuple[float, float]]
) -> dict[str, dict[str, Any]]:
    """What each exported node carries, the same in GraphML and in JSON: its own data, its position,
    and for a department its figures (degree, strength, share of the load, betweenness in hops and
    weighted, cluster, articulation point, broker) with the colour and shape of its cluster."""
    brokers = {d.key for d in metrics.brokers}
    found = {}
    for key, data in graph.nodes(data=True):
        attributes = dict(data)
        attributes["x"], attributes["y"] = positions.get(key, (0.0, 0.0))
        standing = metrics.by_key.get(key)
        if standing:
            attributes |= {
                "degree": standing.degree,
                "strength": standing.strength,
                "share": standing.share,
                "betweenness": standing.betweenness,
                "weighted_betweenness": standing.weighted_betweenness,
                "cluster": standing.cluster,
                "articulation": standing.articulation,
                "broker": key in brokers,
                "colour": PALETTE[(standing.cluster - 1) % len(PALETTE)],
                "shape": CY_SHAPES[(standing.cluster - 1) % len(CY_SHAPES)],
            }
        else:
            attributes |= {"colour": "#ffffff", "shape": "round-rectangle"}
        found[key] = attributes
    return found


def graphml(graph: nx.Graph, metrics: Metrics, positions: dict[str, tuple[float, float]]) -> bytes:
    plain = nx.Graph()
    for node, attributes in node_attributes(graph, metrics, positions).items():
        plain.add_node(node, **{k: _plain(v) for k, v in attributes.items()})
    for a, b, data in graph.edges(data=True):
        plain.add_edge(a, b, **{k: _plain(v) for k, v in data.items()})
    buffer = io.BytesIO()
    nx.write_graphml(plain, buffer, encoding="utf-8")
    return buffer.getvalue()


def node_link(graph: nx.Graph, metrics: Metrics, positions: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """networkx's node-link form (`nx.node_link_graph(data, edges="links")` reads it back) with what the
    interactive picture needs: positions, cluster, shape, and the needs' titles."""
    data = nx.node_link_data(graph, edges="links")
    attributes = node_attributes(graph, metrics, positions)
    for node in data["nodes"]:
        node |= {k: v for k, v in attributes[node["id"]].items() if k != "id"}
    for link in data["links"]:
        link["dependencies"] = [list(pair) for pair in link.get("dependencies", [])]
    data["graph"] = {
        "needs": {str(k): v for k, v in graph.graph.get("needs", {}).items()},
        "areas": {str(k): v for k, v in graph.graph.get("areas", {}).items()},
        "dependencies": [list(pair) for pair in graph.graph.get("dependencies", [])],
        "cycles": metrics.cycles,
    }
    return data


def picture(
    graph: nx.Graph, metrics: Metrics, positions: dict[str, tuple[float, float]], image_format: str = "svg"
) -> bytes:
    """The graph drawn: edge width by weight, nodes coloured and shaped by cluster, the cluster number in
    the label; areas and institutions as white boxes."""
    departments = [n for n, kind in graph.nodes(data="kind") if kind == DEPARTMENT]
    size = 8 if len(departments) <= LABELLED else 16
    figure = Figure(figsize=(size * 1.4, size), dpi=100)
    axes = figure.add_subplot()
    axes.set_axis_off()
    dense = graph.number_of_edges() // 400  # above 400 ties, thinner and fainter lines
    if graph.number_of_edges():
        top = max(w for _a, _b, w in graph.edges(data="weight"))
        nx.draw_networkx_edges(
            graph,
            positions,
            ax=axes,
            width=[(0.6 + 5 * w / top) * (1 if dense < 1 else 0.5) for _a, _b, w in graph.edges(data="weight")],
            edge_color=["#888888" if kind == DEPARTMENT else "#cccccc" for _a, _b, kind in graph.edges(data="kind")],
            alpha=0.8 if dense < 1 else 0.2,
        )
    node_size = 900 if len(departments) <= LABELLED else 140
    for cluster in range(1, len(metrics.clusters) + 1):
        members = [n for n in departments if metrics.by_key[n].cluster == cluster]
        nx.draw_networkx_nodes(
            graph,
            positions,
            nodelist=members,
            ax=axes,
            node_color=PALETTE[(cluster - 1) % len(PALETTE)],
            node_shape=SHAPES[(cluster - 1) % len(SHAPES)],
            node_size=node_size,
            edgecolors="#222222",
        )
    others = [n for n, kind in graph.nodes(data="kind") if kind in (AREA, INSTITUTION)]
    if others:
        nx.draw_networkx_nodes(
            graph, positions, nodelist=others, ax=axes, node_color="#ffffff", node_shape="s", node_size=400,
            edgecolors="#222222",
        )  # fmt: skip
    shown = departments
    if len(departments) > LABELLED:
        shown = [d.key for d in metrics.departments[: LABELLED // 2]]
    labels = {n: f"{graph.nodes[n]['label']} ({metrics.by_key[n].cluster})" for n in shown}
    labels |= {n: graph.nodes[n]["label"] for n in others}
    below = 0.07 if size == 8 else 0.025  # names under the markers, on a light box, not across them
    label_positions = {n: (x, y - below) for n, (x, y) in positions.items()}
    nx.draw_networkx_labels(
        graph,
        label_positions,
        labels=labels,
        ax=axes,
        font_size=8 if size == 8 else 7,
        verticalalignment="top",
        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
    )
    axes.margins(0.12)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=image_format, metadata={"Date": None} if image_format == "svg" else None)
    return buffer.getvalue()
