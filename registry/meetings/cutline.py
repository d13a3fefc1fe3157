"""The capacity cut-line of a meeting's ranked list, as a pure function over pandas data.

Walk the list in order: the needs forced in first (by rank), then the rest by rank, needs with no
rank (not scored) last in agenda order. A need is above the line when every department it
affects still has the person-days it needs; the first need that does not fit draws the line, and
everything after it is below. Needs forced in are above whatever the capacity (they still use it,
so a department may end up over its capacity); needs forced out are below whatever their rank.
Only departments whose capacity was entered for the meeting limit the line.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

FORCED_IN = "in"
FORCED_OUT = "out"

# Why a need sits where it does.
FITS = "fits"
FORCED_ABOVE = "forced_in"
FORCED_BELOW = "forced_out"
NO_ROOM = "no_room"  # the line: a department it affects has too few person-days left
BELOW_LINE = "below_line"  # after the line


def cut_line(items: pd.DataFrame, efforts: pd.DataFrame, capacity: Mapping[int, float]) -> pd.DataFrame:
    """`items`: index need_id with `rank` (NaN when unranked), `position` (agenda order) and
    `forced` ("in", "out" or None). `efforts`: rows (need_id, department_id, effort_days), effort
    NaN when the department has not estimated. `capacity`: department id → available person-days.

    Returns the items in list order with `order`, `above` (bool), `reason`, `days` (the person-days
    it uses in departments with a capacity), `short` (department ids lacking room) and
    `missing_estimate` (a limiting department has not estimated)."""
    result = items.copy()
    forced = result["forced"].where(result["forced"].notna(), None)
    result["group"] = np.select([forced == FORCED_IN, forced == FORCED_OUT], [0, 2], default=1)
    result["rank_key"] = result["rank"].fillna(np.inf)
    result = result.sort_values(["group", "rank_key", "position"], kind="stable")
    demand = {
        need: dict(zip(group["department_id"], group["effort_days"], strict=True))
        for need, group in efforts.groupby("need_id")
    }
    remaining = {int(department): float(days) for department, days in capacity.items()}
    line_drawn = False
    above, reasons, days_used, short, missing = [], [], [], [], []
    for need_id, row in result.iterrows():
        wanted = {int(d): e for d, e in demand.get(need_id, {}).items() if int(d) in remaining}
        unknown = any(pd.isna(e) for e in wanted.values())
        needed = {d: (0.0 if pd.isna(e) else float(e)) for d, e in wanted.items()}
        lacking = sorted(d for d, e in needed.items() if e > remaining[d] + 1e-9)
        if row["forced"] == FORCED_OUT:
            fits, reason = False, FORCED_BELOW
        elif row["forced"] == FORCED_IN:
            fits, reason = True, FORCED_ABOVE
        elif line_drawn:
            fits, reason = False, BELOW_LINE
        elif lacking:
            fits, reason, line_drawn = False, NO_ROOM, True
        else:
            fits, reason = True, FITS
        if fits:
            for department, days in needed.items():
                remaining[department] -= days
        above.append(fits)
        reasons.append(reason)
        days_used.append(sum(needed.values()))
        short.append(lacking if reason == NO_ROOM else [])
        missing.append(unknown)
    result["above"] = above
    result["reason"] = reasons
    result["days"] = days_used
    result["short"] = short
    result["missing_estimate"] = missing
    result["order"] = np.arange(1, len(result) + 1)
    return result.drop(columns=["group", "rank_key"])


def remaining_capacity(result: pd.DataFrame, efforts: pd.DataFrame, capacity: Mapping[int, float]) -> dict[int, float]:
    """What each department has left after the needs above the line (negative: over capacity)."""
    above = set(result.index[result["above"]])
    used = efforts[efforts["need_id"].isin(above)].groupby("department_id")["effort_days"].sum(min_count=1)
    return {
        int(d): float(days) - float(used.get(d, 0.0) if not pd.isna(used.get(d, 0.0)) else 0.0)
        for d, days in capacity.items()
    }
