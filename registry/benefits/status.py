"""How a benefit is doing, derived from its measurements: a plain function over plain data.

The expected path is the straight line from the baseline (at the benefit's start) to the target (at the
target date). The latest measurement is on track if it has come at least as far along that line as
expected by its date (less a tolerance), at risk if it lags, achieved once it reaches the target, and
missed if the target date has passed without reaching it. A target below the baseline (shorter lead
times, lower costs) works the same way: progress is counted towards the target, whichever way it lies.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

TOLERANCE = 0.1  # of the whole way from baseline to target


class Status(enum.StrEnum):
    not_measured = "not_measured"
    on_track = "on_track"
    at_risk = "at_risk"
    missed = "missed"
    achieved = "achieved"


def progress(value: float, baseline: float, target: float) -> float:
    """How far from baseline (0) to target (1) a value has come; beyond the target is above 1."""
    if target == baseline:
        return 1.0 if value == target else 0.0
    return (value - baseline) / (target - baseline)


def expected_progress(day: date, starts_on: date, target_date: date) -> float:
    """Where the straight line from baseline to target stands on `day`: 0 at the start, 1 at the target date."""
    if target_date <= starts_on:
        return 1.0
    share = (day - starts_on).days / (target_date - starts_on).days
    return min(1.0, max(0.0, share))


def expected_value(day: date, baseline: float, target: float, starts_on: date, target_date: date) -> float:
    return baseline + (target - baseline) * expected_progress(day, starts_on, target_date)


def status(
    baseline: float | Decimal,
    target: float | Decimal,
    starts_on: date,
    target_date: date,
    measurements: Iterable[tuple[date, float | Decimal]],
    today: date,
    tolerance: float = TOLERANCE,
) -> Status:
    points = sorted(measurements, key=lambda point: point[0])
    if not points:
        return Status.missed if today > target_date else Status.not_measured
    day, value = points[-1]
    reached = progress(float(value), float(baseline), float(target))
    if reached >= 1.0:
        return Status.achieved
    if today > target_date:
        return Status.missed
    if reached >= expected_progress(day, starts_on, target_date) - tolerance:
        return Status.on_track
    return Status.at_risk


def next_due(starts_on: date, frequency: str, last_measured: date | None) -> date:
    """When the indicator should next be measured: one period after the latest measurement, or one
    period after the start (where the baseline was measured) if it has not been measured yet."""
    from dateutil.relativedelta import relativedelta

    step = {
        "weekly": relativedelta(weeks=1),
        "monthly": relativedelta(months=1),
        "quarterly": relativedelta(months=3),
        "yearly": relativedelta(years=1),
    }[str(frequency)]
    return (last_measured or starts_on) + step
