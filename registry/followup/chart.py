"""The follow-up charts, drawn by matplotlib as SVG (object-oriented API, no pyplot)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

COLOURS = ["#1d5a8c", "#c0504d", "#9bbb59", "#8064a2", "#4bacc6", "#f79646"]


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def bars(values: pd.Series | pd.DataFrame, *, title: str, y_label: str, empty: str) -> bytes:
    """Bars (one series) or stacked bars (one column per series), labels on the x axis."""
    figure = Figure(figsize=(7, 4), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title)
    if values.empty or not values.to_numpy().sum():
        axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return _svg(figure)
    frame = values.to_frame() if isinstance(values, pd.Series) else values
    bottom = None
    labels = [str(label) for label in frame.index]
    positions = list(range(len(labels)))
    for n, column in enumerate(frame.columns):
        axes.bar(positions, frame[column], bottom=bottom, color=COLOURS[n % len(COLOURS)], label=str(column))
        bottom = frame[column] if bottom is None else bottom + frame[column]
    axes.set_xticks(positions, labels, rotation=35, ha="right")
    if len(frame.columns) > 1:
        axes.legend(loc="upper right")
    axes.set_ylabel(y_label)
    axes.grid(True, axis="y", color="#dddddd", linewidth=0.6)
    return _svg(figure)


def lines(table: pd.DataFrame, *, title: str, y_label: str, empty: str) -> bytes:
    """One line per column over the index (months)."""
    figure = Figure(figsize=(7, 4), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title)
    if table.empty or table.isna().all().all():
        axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return _svg(figure)
    for n, column in enumerate(table.columns):
        axes.plot(list(table.index), table[column], marker="o", color=COLOURS[n % len(COLOURS)], label=str(column))
    axes.legend(loc="upper left")
    axes.set_ylabel(y_label)
    axes.tick_params(axis="x", labelrotation=30)
    axes.grid(True, color="#dddddd", linewidth=0.6)
    return _svg(figure)
