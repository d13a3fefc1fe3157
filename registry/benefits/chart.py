"""A benefit's indicator drawn as an SVG: the measurements against the baseline, the target, the
expected path between them and the target date. Drawn with matplotlib's object API (no pyplot: the
figure belongs to this call only, so requests in parallel threads do not share state)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO

import matplotlib

matplotlib.use("Agg")

from matplotlib.dates import AutoDateLocator, ConciseDateFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


@dataclass(frozen=True)
class Words:
    """The chart's texts, in the reader's language."""

    title: str
    unit: str
    measured: str
    baseline: str
    target: str
    expected: str
    target_date: str


def benefit_svg(
    baseline: float,
    target: float,
    starts_on: date,
    target_date: date,
    points: Sequence[tuple[date, float]],
    words: Words,
) -> bytes:
    figure = Figure(figsize=(7.5, 3.8), dpi=96)
    axes = figure.add_subplot()
    axes.plot([starts_on, target_date], [baseline, target], linestyle=":", color="#555555", label=words.expected)
    axes.axhline(baseline, linestyle="--", color="#8a6d00", linewidth=1.2, label=words.baseline)
    axes.axhline(target, linestyle="-.", color="#1d6b36", linewidth=1.2, label=words.target)
    axes.axvline(target_date, color="#555555", linewidth=1, linestyle=(0, (1, 3)))
    axes.annotate(words.target_date, (target_date, target), textcoords="offset points", xytext=(-4, 6), ha="right")
    if points:
        days, values = zip(*points, strict=True)
        axes.plot(days, values, marker="o", color="#0b4f8a", linewidth=2, label=words.measured)
    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.set_title(words.title, loc="left", fontsize=11)
    axes.set_ylabel(words.unit)
    axes.grid(True, color="#dddddd", linewidth=0.6)
    axes.legend(loc="best", fontsize=8, frameon=False)
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
