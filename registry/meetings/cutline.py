"""The capacity cut-line of a meeting's ranked list, as pure functions over pandas data.

The rule (the meeting pages state it in the same words):
- The needs are taken in turn: those forced in first (by rank), then the rest by rank, needs with
  no rank (not scored) after them in agenda order; needs forced out come last and stay below.
- A need goes above the line when every department it affects still has the person-days it needs;
  its days are then taken from those departments. A need that does not fit is skipped and said to
  be short (e.g. "IT short by 5 days"), and the next need is tried: a large need does not push
  smaller ones that still fit below the line.
- A need whose effort is not estimated by a department with a capacity (or that names no department
  at all) cannot be weighed against the capacity: it stays below the line as "effort not
  estimated"; a missing estimate is never counted as 0 days.
- Only departments with a capacity entered for the meeting limit the line. Needs forced in are above
  whatever the capacity (they still use it, so a department may end up over its capacity).
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
NO_ROOM = "no_room"  # a department it affects has too few person-days left (`short` says which, by how much)
NOT_ESTIMATED = "not_estimated"  # a department with a capacity has not estimated its effort
BELOW_LINE = "below_line"  # the earlier rule's "after the line"; kept so that older minutes still read

_EPSILON = 1e-9


def cut_line(items: pd.DataFrame, efforts: pd.DataFrame, capacity: Mapping[int, float]) -> pd.DataFrame:
    """`items`: index need_id with `rank` (NaN when unranked), `position` (agenda order) and
    `forced` ("in", "out" or None). `efforts`: rows (need_id, department_id, effort_days), effort
    NaN when the department has not estimated. `capacity`: department id → available person-days.

    Returns the items, those above the line first, each part in the order the needs were taken,
    with `order` (that order, 1…), `above` (bool), `reason`, `days` (the person-days it uses in
    departments with a capacity), `short` (department id → person-days lacking, for needs that did
    not fit) and `missing_estimate` (some department it affects, or every one, has not estimated)."""
    result = items.copy()
    forced = result["forced"].where(result["forced"].notna(), None)
    result["group"] = np.select([forced == FORCED_IN, forced == FORCED_OUT], [0, 2], default=1)
    result["rank_key"] = result["rank"].fillna(np.inf)
    result = result.sort_values(["group", "rank_key", "position"], kind="stable")
    demand = {
        need: dict(zip(group["department_id"].astype(int), group["effort_days"].astype(float), strict=True))
        for need, group in efforts.groupby("need_id")
    }
    remaining = {int(department): float(days) for department, days in capacity.items()}
    above, reasons, days_used, short, missing = [], [], [], [], []
    for need_id, row in result.iterrows():
        wanted = demand.get(need_id, {})
        limited = {d: e for d, e in wanted.items() if d in remaining}
        unknown = not wanted or any(pd.isna(e) for e in wanted.values())
        cannot_weigh = bool(remaining) and (not wanted or any(pd.isna(e) for e in limited.values()))
        needed = {d: float(e) for d, e in limited.items() if not pd.isna(e)}
        lacking = {d: e - remaining[d] for d, e in needed.items() if e > remaining[d] + _EPSILON}
        if row["forced"] == FORCED_OUT:
            fits, reason = False, FORCED_BELOW
        elif row["forced"] == FORCED_IN:
            fits, reason = True, FORCED_ABOVE
        elif cannot_weigh:
            fits, reason = False, NOT_ESTIMATED
        elif lacking:
            fits, reason = False, NO_ROOM
        else:
            fits, reason = True, FITS
        if fits:
            for department, days in needed.items():
                remaining[department] -= days
        above.append(fits)
        reasons.append(reason)
        days_used.append(sum(needed.values()))
        short.append(dict(sorted(lacking.items())) if reason == NO_ROOM else {})
        missing.append(unknown)
    result["above"] = above
    result["reason"] = reasons
    result["days"] = days_used
    result["short"] = short
    result["missing_estimate"] = missing
    result["order"] = np.arange(1, len(result) + 1)
    result = result.sort_values("above", ascending=False, kind="stable")
    return result.drop(columns=["group", "rank_key"])


def department_load(result: pd.DataFrame, efforts: pd.DataFrame, capacity: Mapping[int, float]) -> pd.DataFrame:
    """One row per department with a capacity or affected by a need on the list (index department
    id): `capacity` (NaN when none entered), `load` (the estimated person-days of the needs above
    the line), `remaining` (capacity − load; negative: over capacity; NaN without a capacity),
    `share` (load ÷ capacity), `stopped` (needs that did not fit for lack of its days) and
    `short_days` (the person-days those needs lacked in it)."""
    departments = sorted({int(d) for d in capacity} | {int(d) for d in efforts["department_id"]})
    above = set(result.index[result["above"]])
    used = efforts[efforts["need_id"].isin(above)].groupby("department_id")["effort_days"].sum()  # NaN skipped
    table = pd.DataFrame(index=pd.Index(departments, name="department_id"))
    table["capacity"] = pd.Series({int(d): float(days) for d, days in capacity.items()}, dtype=float)
    table["load"] = used.reindex(table.index).fillna(0.0).astype(float)
    table["remaining"] = table["capacity"] - table["load"]
    table["share"] = (table["load"] / table["capacity"]).where(table["capacity"] > 0)
    stopped = pd.Series(0, index=table.index, dtype=int)
    short_days = pd.Series(0.0, index=table.index)
    for lacking in result["short"]:
        for department, days in lacking.items():
            stopped[department] += 1
            short_days[department] += days
    table["stopped"] = stopped
    table["short_days"] = short_days
    return table


def bottleneck(load: pd.DataFrame) -> list[int]:
    """The department(s) whose capacity kept the most needs below the line (ties: the most
    person-days lacking); none when no need was kept out for lack of capacity."""
    stopped = load[load["stopped"] > 0]
    if stopped.empty:
        return []
    most = stopped[stopped["stopped"] == stopped["stopped"].max()]
    most = most[np.isclose(most["short_days"], most["short_days"].max())]
    return [int(d) for d in most.index]


def remaining_capacity(result: pd.DataFrame, efforts: pd.DataFrame, capacity: Mapping[int, float]) -> dict[int, float]:
    """What each department with a capacity has left after the needs above the line (negative:
    over capacity)."""
    load = department_load(result, efforts, capacity)
    return {int(d): float(load.loc[int(d), "remaining"]) for d in capacity}
