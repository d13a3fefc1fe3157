"""The follow-up figures, as pure functions over pandas frames (no database, no web).

Frames (columns):
- needs: id, title, state, area, channel, institution, raised_on (date), state_since (date)
- transitions: need_id, to_state, on (date)
- moves: need_id, moves (times its area or departments were changed after it was registered)
- decisions: id, need_id, department, outcome
- benefits: id, status
"""

from __future__ import annotations

from datetime import date
from itertools import combinations

import pandas as pd

OPEN_CLOSED = {"rejected", "followed_up", "withdrawn", "merged"}
DECIDED = {"approved", "rejected", "deferred"}
MILESTONES = {"recommendation": {"recommended"}, "decision": DECIDED, "done": {"done"}}


def by_state_and_area(needs: pd.DataFrame, states: list[str]) -> pd.DataFrame:
    """Count of needs: one row per state (in life-cycle order), one column per area, with totals."""
    if needs.empty:
        return pd.DataFrame(index=pd.Index([], name="state"))
    table = pd.crosstab(needs["state"], needs["area"].fillna("–"), margins=True, margins_name="total")
    order = [s for s in states if s in table.index] + ["total"]
    return table.reindex(order)


def reached(needs: pd.DataFrame, transitions: pd.DataFrame) -> pd.DataFrame:
    """For each need and milestone, the first day it got there and the days from intake."""
    rows = []
    raised = needs.set_index("id")["raised_on"]
    for milestone, targets in MILESTONES.items():
        hits = transitions[transitions["to_state"].isin(targets) & transitions["need_id"].isin(raised.index)]
        first = hits.groupby("need_id")["on"].min()
        for need_id, day in first.items():
            rows.append({"need_id": need_id, "milestone": milestone, "on": day, "days": (day - raised[need_id]).days})
    return pd.DataFrame(rows, columns=["need_id", "milestone", "on", "days"])


def lead_times(needs: pd.DataFrame, transitions: pd.DataFrame) -> pd.DataFrame:
    """Days from intake to each milestone: how many needs got there, the median and the 80th percentile."""
    hits = reached(needs, transitions)
    rows = []
    for milestone in MILESTONES:
        days = hits.loc[hits["milestone"] == milestone, "days"]
        rows.append(
            {
                "milestone": milestone,
                "needs": int(days.count()),
                "median": float(days.median()) if len(days) else None,
                "p80": float(days.quantile(0.8)) if len(days) else None,
            }
        )
    return pd.DataFrame(rows).set_index("milestone")


def lead_time_trend(needs: pd.DataFrame, transitions: pd.DataFrame) -> pd.DataFrame:
    """Median days from intake, by the month the milestone was reached (rows) and milestone (columns)."""
    hits = reached(needs, transitions)
    if hits.empty:
        return pd.DataFrame(columns=list(MILESTONES))
    hits["month"] = pd.to_datetime(hits["on"]).dt.to_period("M").astype(str)
    table = hits.pivot_table(index="month", columns="milestone", values="days", aggfunc="median")
    return table.reindex(columns=list(MILESTONES)).sort_index()


def waiting(needs: pd.DataFrame, today: date, states: list[str], oldest: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Open needs now: median days in their current state by state × area, and the longest waiting."""
    open_needs = needs[~needs["state"].isin(OPEN_CLOSED)].copy()
    if open_needs.empty:
        return pd.DataFrame(), open_needs.assign(days=[])
    open_needs["days"] = [(today - since).days for since in open_needs["state_since"]]
    open_needs["area"] = open_needs["area"].fillna("–")
    table = open_needs.pivot_table(index="state", columns="area", values="days", aggfunc="median")
    table = table.reindex([s for s in states if s in table.index])
    longest = open_needs.sort_values(["days", "id"], ascending=[False, True]).head(oldest)
    return table, longest[["id", "title", "state", "area", "days"]]


def moves(needs: pd.DataFrame, moved: pd.DataFrame) -> pd.DataFrame:
    """How many needs were moved between areas or departments 0, 1, 2 or 3+ times, and their share."""
    times = dict(zip(moved["need_id"], moved["moves"], strict=True))
    counts = pd.Series([int(times.get(need_id, 0)) for need_id in needs["id"]], dtype=int)
    bucket = counts.clip(upper=3).map(lambda n: "3+" if n == 3 else str(n))
    table = bucket.value_counts().reindex(["0", "1", "2", "3+"], fill_value=0).to_frame("needs")
    total = int(table["needs"].sum())
    table["share"] = table["needs"] / total if total else 0.0
    table.index.name = "moves"
    return table


def shares(needs: pd.DataFrame, column: str) -> pd.DataFrame:
    """Needs per value of `column` (channel, institution) with their share, largest first."""
    counts = needs[column].fillna("–").value_counts()
    table = counts.to_frame("needs")
    table["share"] = table["needs"] / table["needs"].sum() if len(table) else []
    table.index.name = column
    return table


def current_decisions(decisions: pd.DataFrame) -> pd.DataFrame:
    """Each department's latest decision on each need."""
    if decisions.empty:
        return decisions
    return decisions.sort_values("id").groupby(["need_id", "department"], as_index=False).last()


def decisions_by_department(decisions: pd.DataFrame) -> pd.DataFrame:
    """Current decisions: one row per department, one column per outcome, with totals."""
    current = current_decisions(decisions)
    if current.empty:
        return pd.DataFrame()
    return pd.crosstab(current["department"], current["outcome"], margins=True, margins_name="total")


def disagreement(decisions: pd.DataFrame) -> tuple[dict[str, float], pd.DataFrame]:
    """Needs decided by two or more departments, how many of them split (one approves while another
    rejects or defers), and which pairs of departments split most often."""
    current = current_decisions(decisions)
    shared = 0
    split = 0
    pairs: dict[tuple[str, str], int] = {}
    for _need, group in current.groupby("need_id") if not current.empty else []:
        if len(group) < 2:
            continue
        shared += 1
        outcomes = dict(zip(group["department"], group["outcome"], strict=True))
        approving = {d for d, o in outcomes.items() if o == "approve"}
        against = {d for d, o in outcomes.items() if o in ("reject", "defer")}
        if approving and against:
            split += 1
            for a, b in combinations(sorted(outcomes), 2):
                if (a in approving and b in against) or (b in approving and a in against):
                    pairs[(a, b)] = pairs.get((a, b), 0) + 1
    summary = {"shared": shared, "split": split, "share": split / shared if shared else 0.0}
    table = pd.DataFrame(
        [{"department_a": a, "department_b": b, "needs": n} for (a, b), n in pairs.items()],
        columns=["department_a", "department_b", "needs"],
    ).sort_values(["needs", "department_a", "department_b"], ascending=[False, True, True])
    return summary, table.reset_index(drop=True)


def benefit_status(benefits: pd.DataFrame, statuses: list[str]) -> pd.DataFrame:
    counts = (
        benefits["status"].value_counts().reindex(statuses, fill_value=0)
        if len(benefits)
        else pd.Series(0, index=statuses)
    )
    table = counts.to_frame("benefits")
    table.index.name = "status"
    return table


def compute(
    needs: pd.DataFrame,
    transitions: pd.DataFrame,
    moved: pd.DataFrame,
    decisions: pd.DataFrame,
    benefits: pd.DataFrame,
    *,
    today: date,
    states: list[str],
    statuses: list[str],
) -> dict[str, object]:
    """Every figure of the follow-up page, by name."""
    waiting_table, oldest = waiting(needs, today, states)
    summary, pairs = disagreement(decisions)
    return {
        "by_state": by_state_and_area(needs, states),
        "lead_times": lead_times(needs, transitions),
        "trend": lead_time_trend(needs, transitions),
        "waiting": waiting_table,
        "oldest": oldest,
        "moves": moves(needs, moved),
        "channels": shares(needs, "channel"),
        "institutions": shares(needs, "institution"),
        "decisions": decisions_by_department(decisions),
        "disagreement": summary,
        "disagreeing_pairs": pairs,
        "benefits": benefit_status(benefits, statuses),
    }
