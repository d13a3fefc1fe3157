"""Scoring, ranking, AHP and sensitivity as pure functions over pandas data: no database, no web.

The inputs are plain frames the queries build:

- `needs`: one row per need (index `need_id`) with `effort_days` (the departments' estimates
  summed; NaN when no department has estimated), `departments` and `institutions` (counts).
- `ratings`: one row per rater, need and criterion (`need_id`, `rater_id`, `criterion`, `value`),
  where a criterion is `benefit`, `urgency`, `risk_reduction` or `goal:<id>`; every value 0–3.

Every criterion is turned into a value between 0 and 1 (see `criterion_values`); a need's score
is then, by the model's method:

- weighted: 100 × Σ weightᵢ × valueᵢ ÷ Σ weightᵢ over all six criteria (effort counted as ease);
- value per effort (WSJF-style): its value (the same sum over the five value criteria, without
  effort) divided by its person-days, so a cheap need with the same value comes first.

Alignment is itself a weighted mean over the strategic goals: the group's goal weights, typed
directly or derived from pairwise comparisons (AHP).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from registry.i18n import gettext as _

SCALE_MAX = 3
RATED = ("benefit", "urgency", "risk_reduction")
VALUE_CRITERIA = ("alignment", "benefit", "urgency", "risk_reduction", "breadth")
CRITERIA = (*VALUE_CRITERIA, "effort")
WEIGHTED = "weighted"
VALUE_PER_EFFORT = "value_per_effort"

# Saaty's random consistency index by matrix size (Saaty 1980; the table every AHP text repeats).
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
CONSISTENCY_LIMIT = 0.10


def goal_key(goal_id: int) -> str:
    return f"goal:{goal_id}"


@dataclass(frozen=True)
class Weights:
    """A scoring model as plain data: a weight per criterion, a weight per goal, the method."""

    criteria: Mapping[str, float]
    goals: Mapping[int, float] = field(default_factory=dict)
    method: str = WEIGHTED
    effort_half_days: float = 20.0

    def goal_shares(self, goal_ids: Sequence[int]) -> np.ndarray:
        """The goal weights as shares summing to 1 (equal shares when none is set)."""
        raw = np.array([max(float(self.goals.get(goal, 0.0)), 0.0) for goal in goal_ids], dtype=float)
        if len(raw) == 0:
            return raw
        if raw.sum() <= 0:
            return np.full(len(raw), 1.0 / len(raw))
        return raw / raw.sum()


# ---------------------------------------------------------------- raters


def mean_ratings(ratings: pd.DataFrame, goal_ids: Sequence[int]) -> pd.DataFrame:
    """The raters' mean per need and criterion, and how many raters scored each need.

    A goal a rater left out counts as 0 (does not serve the goal)."""
    columns = [*RATED, *(goal_key(goal) for goal in goal_ids)]
    if ratings.empty:
        return pd.DataFrame(columns=[*columns, "raters"], index=pd.Index([], name="need_id"), dtype=float)
    wide = ratings.pivot_table(index=["need_id", "rater_id"], columns="criterion", values="value", aggfunc="last")
    wide = wide.reindex(columns=columns).fillna(0.0)
    means = wide.groupby(level="need_id").mean()
    means["raters"] = wide.groupby(level="need_id").size()
    return means


def disagreement(ratings: pd.DataFrame) -> pd.DataFrame:
    """Where raters disagree: for every need, the widest spread (highest minus lowest score) on any
    criterion, which criterion that is, and the standard deviation on it. Needs with one rater have
    spread 0."""
    if ratings.empty:
        return pd.DataFrame(columns=["spread", "criterion", "std"], index=pd.Index([], name="need_id")).astype(
            {"spread": float, "std": float}
        )
    grouped = ratings.groupby(["need_id", "criterion"])["value"]
    per = pd.DataFrame({"spread": grouped.max() - grouped.min(), "std": grouped.std(ddof=0)}).reset_index()
    per = per.sort_values(["need_id", "spread", "criterion"], ascending=[True, False, True])
    widest = per.groupby("need_id").head(1).set_index("need_id")
    return widest[["spread", "criterion", "std"]]


# ---------------------------------------------------------------- criteria and score


def criterion_values(
    needs: pd.DataFrame, means: pd.DataFrame, goal_ids: Sequence[int], weights: Weights
) -> pd.DataFrame:
    """Each criterion as a value in 0–1, per need (rows: the needs that have at least one rater).

    - alignment: the goal-weighted mean of the raters' goal scores ÷ 3;
    - benefit, urgency, risk reduction: the raters' mean ÷ 3;
    - breadth: 1 − 1 ÷ (departments + institutions): one party counts 0, two 0.5, four 0.75;
    - effort (as ease): h ÷ (h + person-days), h the model's half-value days: 0 days count 1,
      h days count 0.5, 3h days 0.25. NaN when no department has estimated the effort."""
    scored = means.index.intersection(needs.index)
    means = means.loc[scored]
    needs = needs.loc[scored]
    values = pd.DataFrame(index=scored)
    goal_columns = [goal_key(goal) for goal in goal_ids]
    shares = weights.goal_shares(goal_ids)
    if goal_columns:
        values["alignment"] = means[goal_columns].to_numpy(dtype=float) @ shares / SCALE_MAX
    else:
        values["alignment"] = 0.0
    for name in RATED:
        values[name] = means[name].astype(float) / SCALE_MAX
    parties = (needs["departments"] + needs["institutions"]).clip(lower=1).astype(float)
    values["breadth"] = 1.0 - 1.0 / parties
    half = float(weights.effort_half_days)
    values["effort"] = half / (half + needs["effort_days"].astype(float))
    values["effort_days"] = needs["effort_days"].astype(float)
    for goal in goal_columns:
        values[goal] = means[goal].astype(float) / SCALE_MAX
    return values


def _score_matrix(values: pd.DataFrame, criteria: np.ndarray, goals: np.ndarray, method: str) -> np.ndarray:
    """Scores for one or many weight settings at once: rows = settings, columns = needs.

    `criteria` is settings × 6 (in CRITERIA order); `goals` settings × goal count, as shares."""
    goal_columns = [column for column in values.columns if column.startswith("goal:")]
    alignment = values[goal_columns].to_numpy(dtype=float) @ goals.T if goal_columns else np.zeros((len(values), 1))
    rest = values[list(CRITERIA[1:])].to_numpy(dtype=float)  # benefit … effort
    ease = np.nan_to_num(rest[:, -1:], nan=0.0)  # an unestimated effort earns no ease
    value_weights = criteria[:, : len(VALUE_CRITERIA)]
    value = (alignment * value_weights[:, 0] + rest[:, :-1] @ value_weights[:, 1:].T) / value_weights.sum(axis=1)
    if method == VALUE_PER_EFFORT:
        days = values["effort_days"].to_numpy(dtype=float)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(days > 0, 100.0 * value / days, np.nan)
        return score.T
    total = criteria.sum(axis=1)
    weighted = (value * value_weights.sum(axis=1) + ease * criteria[:, -1]) / total
    return (100.0 * weighted).T


def _criteria_vector(weights: Weights) -> np.ndarray:
    return np.array([max(float(weights.criteria.get(name, 0.0)), 0.0) for name in CRITERIA], dtype=float)


def score(values: pd.DataFrame, weights: Weights) -> pd.DataFrame:
    """Score every need and break the score down into points per criterion (they add up to the
    score for the weighted method; for value per effort they add up to the value)."""
    goal_ids = [int(column.split(":", 1)[1]) for column in values.columns if column.startswith("goal:")]
    criteria = _criteria_vector(weights)
    if criteria[: len(VALUE_CRITERIA)].sum() <= 0:
        raise ValueError("At least one value criterion needs a weight above zero.")
    shares = weights.goal_shares(goal_ids)
    result = pd.DataFrame(index=values.index)
    result["score"] = _score_matrix(values, criteria[None, :], shares[None, :], weights.method)[0]
    denominator = criteria.sum() if weights.method == WEIGHTED else criteria[: len(VALUE_CRITERIA)].sum()
    for position, name in enumerate(CRITERIA):
        if name == "effort" and weights.method != WEIGHTED:
            continue
        column = values[name].fillna(0.0) if name == "effort" else values[name]
        result[f"points_{name}"] = 100.0 * criteria[position] * column / denominator
    point_columns = [f"points_{name}" for name in VALUE_CRITERIA]
    result["value"] = result[point_columns].sum(axis=1) * (denominator / criteria[: len(VALUE_CRITERIA)].sum())
    result["effort_days"] = values["effort_days"]
    result["effort_missing"] = values["effort_days"].isna()
    result["rank"] = rank(result["score"])
    return result


def rank(scores: pd.Series) -> pd.Series:
    """Rank 1 for the highest score; ties by need id (older first); needs without a score last."""
    order = scores.reset_index().sort_values(
        [scores.name or 0, scores.index.name or "index"], ascending=[False, True], na_position="last"
    )
    ranks = pd.Series(np.arange(1, len(order) + 1), index=order.iloc[:, 0].to_numpy(), name="rank")
    return ranks.reindex(scores.index)


# ---------------------------------------------------------------- sensitivity


STABLE = "stable"
FAIRLY_STABLE = "fairly_stable"
SENSITIVE = "sensitive"


def sensitivity(
    values: pd.DataFrame, weights: Weights, *, spread: float = 0.20, runs: int = 200, seed: int = 2026
) -> pd.DataFrame:
    """How stable each need's rank is when every weight moves by up to ±`spread` (uniformly and
    independently, `runs` times, the same random draws for the same seed).

    Per need: the rank under the model's own weights, the range its rank stays within in 90% of the
    runs (5th to 95th percentile), the share of runs in which it keeps its rank exactly, and a
    verdict: stable (the range is one place), fairly stable (moves by at most two places either
    way) or sensitive."""
    if values.empty:
        return pd.DataFrame(columns=["rank", "rank_low", "rank_high", "kept", "verdict"])
    goal_ids = [int(column.split(":", 1)[1]) for column in values.columns if column.startswith("goal:")]
    generator = np.random.default_rng(seed)
    base_criteria = _criteria_vector(weights)
    base_goals = weights.goal_shares(goal_ids)
    criteria = base_criteria * generator.uniform(1 - spread, 1 + spread, size=(runs, len(CRITERIA)))
    goals = base_goals * generator.uniform(1 - spread, 1 + spread, size=(runs, len(goal_ids)))
    if len(goal_ids):
        goals = goals / goals.sum(axis=1, keepdims=True)
    simulated = _score_matrix(values, criteria, goals, weights.method).T  # needs × runs
    # Rank within every run: highest first, ties by need id, unscorable (NaN) last.
    ids = values.index.to_numpy()
    keyed = np.where(np.isnan(simulated), -np.inf, simulated)
    order = np.lexsort((np.broadcast_to(ids[:, None], keyed.shape), -keyed), axis=0)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, len(ids) + 1)[:, None], axis=0)
    base = rank(
        pd.Series(
            _score_matrix(values, base_criteria[None, :], base_goals[None, :], weights.method)[0],
            index=values.index,
            name="score",
        )
    )
    result = pd.DataFrame(index=values.index)
    result["rank"] = base
    result["rank_low"] = np.percentile(ranks, 5, axis=1, method="lower").astype(int)
    result["rank_high"] = np.percentile(ranks, 95, axis=1, method="higher").astype(int)
    result["kept"] = (ranks == base.to_numpy()[:, None]).mean(axis=1)
    moved = np.maximum(result["rank"] - result["rank_low"], result["rank_high"] - result["rank"])
    result["verdict"] = np.select([moved == 0, moved <= 2], [STABLE, FAIRLY_STABLE], default=SENSITIVE)
    return result


# ---------------------------------------------------------------- AHP


@dataclass(frozen=True)
class Ahp:
    weights: pd.Series  # per item, summing to 1
    lambda_max: float
    consistency_index: float
    consistency_ratio: float

    @property
    def consistent(self) -> bool:
        return self.consistency_ratio <= CONSISTENCY_LIMIT


RECIPROCAL_TOLERANCE = 1e-6


def _judgement(value: object, first: object, second: object) -> float:
    """A comparison as a finite positive number, or a ValueError that names the pair and says why."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(
            _(
                "The comparison of %(first)s with %(second)s is not a number: %(value)s.",
                first=first,
                second=second,
                value=repr(value),
            )
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(
            _(
                "The comparison of %(first)s with %(second)s must be a finite number, not %(value)s.",
                first=first,
                second=second,
                value=number,
            )
        )
    if number <= 0:
        raise ValueError(
            _(
                "The comparison of %(first)s with %(second)s must be positive (Saaty's scale 1/9 to 9), not %(value)s.",
                first=first,
                second=second,
                value=f"{number:g}",
            )
        )
    return number


def ahp_matrix(items: Sequence, judgements: Mapping[tuple, float]) -> pd.DataFrame:
    """The reciprocal comparison matrix from judgements (a, b) → how much more a matters than b
    (Saaty's 1–9 scale, or its reciprocal). Pairs not judged count as equal (1). A judgement that is
    not a finite positive number is refused with a ValueError naming the pair."""
    matrix = pd.DataFrame(1.0, index=list(items), columns=list(items))
    for (a, b), value in judgements.items():
        if a in matrix.index and b in matrix.index and a != b:
            number = _judgement(value, a, b)
            matrix.loc[a, b] = number
            matrix.loc[b, a] = 1.0 / number
    return matrix


def check_reciprocal(matrix: pd.DataFrame) -> np.ndarray:
    """The matrix as floats if it is a reciprocal positive comparison matrix: square, the same items
    in its rows and columns, every cell a finite positive number, 1 on the diagonal and aᵢⱼ × aⱼᵢ = 1.
    Otherwise a ValueError that says what is wrong and where."""
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(
            _(
                "A comparison matrix is square: this one has %(rows)d rows and %(columns)d columns.",
                rows=matrix.shape[0],
                columns=matrix.shape[1],
            )
        )
    if list(matrix.index) != list(matrix.columns):
        raise ValueError(_("A comparison matrix lists the same items, in the same order, in its rows and columns."))
    items = list(matrix.index)
    values = np.empty(matrix.shape)
    for i, first in enumerate(items):
        for j, second in enumerate(items):
            values[i, j] = _judgement(matrix.iat[i, j], first, second)
    for i, item in enumerate(items):
        if abs(values[i, i] - 1.0) > RECIPROCAL_TOLERANCE:
            raise ValueError(
                _("%(item)s compared with itself must be 1, not %(value)s.", item=item, value=f"{values[i, i]:g}")
            )
    for i, first in enumerate(items):
        for j in range(i + 1, len(items)):
            if abs(values[i, j] * values[j, i] - 1.0) > RECIPROCAL_TOLERANCE:
                raise ValueError(
                    _(
                        "The matrix is not reciprocal: %(first)s over %(second)s is %(there)s, so %(second)s over "
                        "%(first)s must be %(expected)s, not %(back)s.",
                        first=first,
                        second=items[j],
                        there=f"{values[i, j]:g}",
                        expected=f"{1 / values[i, j]:.4g}",
                        back=f"{values[j, i]:g}",
                    )
                )
    return values


def ahp(matrix: pd.DataFrame) -> Ahp:
    """Weights from a pairwise comparison matrix by its principal eigenvector (Saaty), with
    λmax, the consistency index CI = (λmax − n) ÷ (n − 1) and ratio CR = CI ÷ RI(n). A matrix that
    is not reciprocal and positive (or holds text, NaN or infinity) is refused: see `check_reciprocal`."""
    size = len(matrix)
    if size == 0:
        return Ahp(pd.Series(dtype=float), 0.0, 0.0, 0.0)
    eigenvalues, eigenvectors = np.linalg.eig(check_reciprocal(matrix))
    principal = int(np.argmax(eigenvalues.real))
    vector = np.abs(eigenvectors[:, principal].real)
    lambda_max = float(eigenvalues[principal].real)
    index = (lambda_max - size) / (size - 1) if size > 2 else 0.0
    random_index = RANDOM_INDEX.get(size, 1.49)
    ratio = index / random_index if random_index else 0.0
    return Ahp(pd.Series(vector / vector.sum(), index=matrix.index), lambda_max, max(index, 0.0), max(ratio, 0.0))
