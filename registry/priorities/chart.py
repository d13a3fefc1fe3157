"""The value-versus-effort chart of a ranked backlog, drawn by matplotlib as SVG (no pyplot: the
object-oriented API is safe in a web server's threads)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

LABELLED = 12  # the best-ranked needs get their number written next to the bubble


def value_effort_svg(table: pd.DataFrame, *, x_label: str, y_label: str, size_label: str, empty: str) -> bytes:
    """Value (0–100) against effort (person-days); the bubble's area grows with breadth
    (departments + institutions affected). Needs without an effort estimate are left out."""
    figure = Figure(figsize=(8, 5), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    plotted = table[table["effort_days"].notna()] if len(table) else table
    if plotted.empty:
        axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
    else:
        breadth = (plotted["departments"] + plotted["institutions"]).clip(lower=1)
        axes.scatter(
            plotted["effort_days"],
            plotted["value"],
            s=breadth * 60,
            alpha=0.55,
            color="#1d5a8c",
            edgecolors="#0b2e4a",
            linewidths=0.8,
        )
        for need_id, row in plotted.sort_values("rank").head(LABELLED).iterrows():
            axes.annotate(
                f"#{need_id}",
                (row["effort_days"], row["value"]),
                xytext=(6, 4),
                textcoords="offset points",
                fontsize=8,
                color="#111111",
            )
        axes.set_xlabel(x_label)
        axes.set_ylabel(y_label)
        axes.set_ylim(0, 100)
        axes.set_xlim(left=0)
        axes.grid(True, color="#dddddd", linewidth=0.6)
        for parties in sorted({1, int(breadth.median()), int(breadth.max())}):
            axes.scatter([], [], s=parties * 60, color="#1d5a8c", alpha=0.55, label=f"{parties}")
        axes.legend(title=size_label, loc="upper right", frameon=True, labelspacing=1.2, borderpad=0.8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
