"""The ranked backlog: every area's needs scored with that area's own model, ranked, checked for
sensitivity and for disagreement between raters. Pure: plain frames in, a frame out.

Areas may score with different methods (a weighted score 0–100, or value per person-day), whose
figures cannot be compared. The ranking across areas therefore never compares raw scores: each need
gets its percentile within its own area (the share of the area's scored needs that score at or
below it, 0–100), and the overall rank orders needs by that percentile (ties by need id)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from registry.priorities import scoring

EMPTY_COLUMNS = [
    "score",
    "value",
    "effort_days",
    "effort_missing",
    "area_rank",
    "percentile",
    "rank_low",
    "rank_high",
    "kept",
    "verdict",
    "method",
    *(f"points_{name}" for name in scoring.CRITERIA),
]
DISPUTED_SPREAD = 2  # raters two or more steps apart on a criterion: worth the meeting's time


@dataclass
class Ranked:
    table: pd.DataFrame  # the scored needs, best first
    unscored: pd.DataFrame  # needs no one has scored yet

    def disputed(self, limit: int = 5) -> pd.DataFrame:
        """The needs where raters disagree most, widest spread first."""
        several = self.table[(self.table["raters"] >= 2) & (self.table["spread"] >= DISPUTED_SPREAD)]
        return several.sort_values(["spread", "std", "rank"], ascending=[False, False, True]).head(limit)


def rank_backlog(
    needs: pd.DataFrame,
    ratings: pd.DataFrame,
    goal_ids: Sequence[int],
    weights_by_area: Mapping[int | None, scoring.Weights],
    *,
    runs: int = 200,
) -> Ranked:
    """Score each area's needs with its weights (`weights_by_area[None]` for needs of no area), rank
    them within the area (`area_rank`, with its sensitivity range) and overall (`rank`, by the
    `percentile` within the area, which is comparable whatever each area's method)."""
    means = scoring.mean_ratings(ratings, goal_ids)
    spread = scoring.disagreement(ratings)
    parts = []
    for area_id, area_needs in needs.groupby("area_id", dropna=False, sort=True):
        key = None if pd.isna(area_id) else int(area_id)
        weights = weights_by_area.get(key) or weights_by_area[None]
        values = scoring.criterion_values(area_needs, means, goal_ids, weights)
        if values.empty:
            continue
        scored = scoring.score(values, weights)
        stable = scoring.sensitivity(values, weights, runs=runs)
        scored = scored.rename(columns={"rank": "area_rank"}).join(stable.drop(columns="rank"))
        scored["method"] = weights.method
        scored["percentile"] = area_percentile(scored["score"])
        parts.append(scored)
    table = pd.concat(parts) if parts else pd.DataFrame(columns=EMPTY_COLUMNS, index=pd.Index([], name="need_id"))
    table = table.join(needs.drop(columns=["effort_days"], errors="ignore"), how="left")
    table["raters"] = means["raters"].reindex(table.index).fillna(0).astype(int)
    table["spread"] = spread["spread"].reindex(table.index).fillna(0.0)
    table["std"] = spread["std"].reindex(table.index).fillna(0.0)
    table["disputed"] = spread["criterion"].reindex(table.index).fillna("")
    table["rank"] = scoring.rank(table["percentile"].rename("percentile")) if len(table) else pd.Series(dtype=int)
    table = table.sort_values(["rank"]) if len(table) else table
    unscored = needs.loc[needs.index.difference(table.index)].sort_index()
    return Ranked(table=table, unscored=unscored)


def area_percentile(scores: pd.Series) -> pd.Series:
    """The share (in %) of the area's scored needs that score at or below each need: 100 for the
    area's best; NaN where there is no score (e.g. value per person-day without an effort)."""
    return scores.rank(pct=True, method="max") * 100


def export_frame(ranked: Ranked, labels: Mapping[str, str], area_names: Mapping[int, str]) -> pd.DataFrame:
    """The backlog as a table for CSV and Excel: one column per figure, headed in the reader's language."""
    table = ranked.table
    frame = pd.DataFrame(
        {
            labels["rank"]: table["rank"],
            labels["area_rank"]: table["area_rank"],
            labels["rank_range"]: table["rank_low"].astype(str) + "–" + table["rank_high"].astype(str),
            labels["verdict"]: table["verdict"].map(labels),
            labels["need"]: table.index,
            labels["title"]: table["title"],
            labels["area"]: table["area_id"].map(lambda area: area_names.get(area, "")),
            labels["state"]: table["state"].map(lambda state: labels.get(f"state:{state}", state)),
            labels["score"]: table["score"].round(2),
            labels["method"]: table["method"].map(lambda method: labels.get(f"method:{method}", method)),
            labels["percentile"]: table["percentile"].round(1),
            **{
                labels[f"points_{name}"]: table[f"points_{name}"].round(2)
                for name in scoring.CRITERIA
                if f"points_{name}" in table
            },
            labels["effort_days"]: table["effort_days"],
            labels["departments"]: table["department_names"],
            labels["raters"]: table["raters"],
            labels["spread"]: table["spread"],
        }
    )
    return frame.reset_index(drop=True)
