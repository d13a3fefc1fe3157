"""Scoring, ranking, AHP and sensitivity: pure functions over pandas data, checked against
examples computed by hand and against published AHP examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from registry.i18n import reset_language, set_language
from registry.priorities import backlog, scoring

WEIGHTS = {"alignment": 3, "benefit": 2, "urgency": 1, "risk_reduction": 1, "breadth": 1, "effort": 2}


def _needs(rows):
    return pd.DataFrame(rows, columns=["need_id", "effort_days", "departments", "institutions"]).set_index("need_id")


def _ratings(rows):
    """rows: (need, rater, benefit, urgency, risk, {goal: value})"""
    long = []
    for need, rater, benefit, urgency, risk, goals in rows:
        long += [
            (need, rater, "benefit", benefit),
            (need, rater, "urgency", urgency),
            (need, rater, "risk_reduction", risk),
        ]
        long += [(need, rater, scoring.goal_key(goal), value) for goal, value in goals.items()]
    return pd.DataFrame(long, columns=["need_id", "rater_id", "criterion", "value"]).astype({"value": float})


NEEDS = _needs([(1, 10.0, 1, 0), (2, 40.0, 3, 1), (3, math.nan, 2, 0)])
RATINGS = _ratings(
    [
        (1, 10, 3, 2, 1, {7: 3, 8: 0}),
        (1, 11, 1, 2, 1, {7: 2, 8: 1}),
        (2, 10, 2, 3, 3, {7: 1, 8: 3}),
        (3, 10, 3, 3, 3, {7: 3, 8: 3}),
    ]
)


def _values(weights):
    means = scoring.mean_ratings(RATINGS, [7, 8])
    return scoring.criterion_values(NEEDS, means, [7, 8], weights)


def test_raters_means_and_where_they_disagree():
    means = scoring.mean_ratings(RATINGS, [7, 8])
    assert means.loc[1, "benefit"] == 2.0  # (3 + 1) / 2
    assert means.loc[1, "goal:7"] == 2.5
    assert means.loc[1, "raters"] == 2 and means.loc[2, "raters"] == 1
    spread = scoring.disagreement(RATINGS)
    assert spread.loc[1, "spread"] == 2 and spread.loc[1, "criterion"] == "benefit"
    assert spread.loc[1, "std"] == 1.0
    assert spread.loc[2, "spread"] == 0


def test_a_goal_a_rater_left_out_counts_as_zero():
    ratings = _ratings([(1, 10, 3, 3, 3, {7: 3}), (1, 11, 3, 3, 3, {7: 3, 8: 3})])
    means = scoring.mean_ratings(ratings, [7, 8])
    assert means.loc[1, "goal:8"] == 1.5


def test_weighted_score_by_hand():
    weights = scoring.Weights(WEIGHTS, {7: 1, 8: 1})
    scored = scoring.score(_values(weights), weights)
    # Need 1: alignment (2.5·½ + 0.5·½)/3 = 0.5; benefit 2/3; urgency 2/3; risk 1/3; breadth 1 − 1/1 = 0;
    # ease 20/(20+10) = 2/3. Score = 100·(3·0.5 + 2·2/3 + 2/3 + 1/3 + 0 + 2·2/3)/10 = 51.667.
    assert scored.loc[1, "score"] == pytest.approx(51.6667, abs=1e-3)
    # Need 2: alignment (1·½ + 3·½)/3 = 2/3; benefit 2/3; urgency 1; risk 1; breadth 1 − 1/4 = 0.75;
    # ease 20/60 = 1/3. Score = 100·(2 + 4/3 + 1 + 1 + 0.75 + 2/3)/10 = 67.5.
    assert scored.loc[2, "score"] == pytest.approx(67.5, abs=1e-3)
    # Need 3 has no effort estimate: no ease. 100·(3 + 2 + 1 + 1 + 0.5 + 0)/10 = 75.
    assert scored.loc[3, "score"] == pytest.approx(75.0, abs=1e-3)
    assert bool(scored.loc[3, "effort_missing"])
    points = [c for c in scored.columns if c.startswith("points_")]
    assert scored[points].sum(axis=1).to_numpy() == pytest.approx(scored["score"].to_numpy())
    assert list(scored.sort_values("rank").index) == [3, 2, 1]


def test_goal_weights_change_alignment():
    weights = scoring.Weights(WEIGHTS, {7: 3, 8: 1})
    values = _values(weights)
    assert values.loc[1, "alignment"] == pytest.approx((2.5 * 0.75 + 0.5 * 0.25) / 3)


def test_value_per_effort_divides_value_by_person_days():
    weights = scoring.Weights(WEIGHTS, {7: 1, 8: 1}, method=scoring.VALUE_PER_EFFORT)
    scored = scoring.score(_values(weights), weights)
    # Need 1: value = 100·(3·0.5 + 2·2/3 + 2/3 + 1/3 + 0)/8 = 47.917; per 10 days = 4.792.
    assert scored.loc[1, "value"] == pytest.approx(47.9167, abs=1e-3)
    assert scored.loc[1, "score"] == pytest.approx(4.7917, abs=1e-3)
    # Need 2: value = 100·(2 + 4/3 + 1 + 1 + 0.75)/8 = 76.04; per 40 days = 1.901.
    assert scored.loc[2, "score"] == pytest.approx(1.9010, abs=1e-3)
    assert math.isnan(scored.loc[3, "score"])  # no estimate: cannot be ranked by value per day
    assert list(scored.sort_values("rank").index) == [1, 2, 3]


def test_breadth_and_ease_scales():
    weights = scoring.Weights(WEIGHTS, {}, effort_half_days=20)
    needs = _needs([(1, 0.0, 1, 0), (2, 20.0, 1, 1), (3, 60.0, 3, 1)])
    means = scoring.mean_ratings(_ratings([(n, 1, 1, 1, 1, {}) for n in (1, 2, 3)]), [])
    values = scoring.criterion_values(needs, means, [], weights)
    assert list(values["breadth"]) == pytest.approx([0.0, 0.5, 0.75])
    assert list(values["effort"]) == pytest.approx([1.0, 0.5, 0.25])


def test_rank_breaks_ties_by_need_id_and_puts_missing_scores_last():
    scores = pd.Series([50.0, math.nan, 50.0, 80.0], index=pd.Index([9, 3, 4, 7], name="need_id"), name="score")
    assert scoring.rank(scores).to_dict() == {9: 3, 3: 4, 4: 2, 7: 1}


def test_a_model_without_any_value_weight_is_refused():
    weights = scoring.Weights({"effort": 1})
    with pytest.raises(ValueError):
        scoring.score(_values(weights), weights)


# ---------------------------------------------------------------- AHP


def test_ahp_published_example_leader_choice():
    """The criteria of the 'choosing a leader' example (Wikipedia, Analytic hierarchy process –
    leader example): experience, education, charisma, age, with published priorities
    0.547, 0.127, 0.270, 0.056 and consistency ratio 0.044."""
    items = ["experience", "education", "charisma", "age"]
    judgements = {
        ("experience", "education"): 4,
        ("experience", "charisma"): 3,
        ("experience", "age"): 7,
        ("education", "charisma"): 1 / 3,
        ("education", "age"): 3,
        ("charisma", "age"): 5,
    }
    result = scoring.ahp(scoring.ahp_matrix(items, judgements))
    assert list(result.weights) == pytest.approx([0.547, 0.127, 0.270, 0.056], abs=0.002)
    assert result.consistency_ratio == pytest.approx(0.044, abs=0.001)
    assert result.consistent


def test_ahp_textbook_three_by_three():
    """Saaty's scale on A > B (3), A > C (5), B > C (3): the textbook result is priorities
    0.637, 0.258, 0.105 with λmax 3.039, CI 0.019 and CR 0.033 (RI 0.58)."""
    result = scoring.ahp(scoring.ahp_matrix("ABC", {("A", "B"): 3, ("A", "C"): 5, ("B", "C"): 3}))
    assert list(result.weights) == pytest.approx([0.637, 0.258, 0.105], abs=0.001)
    assert result.lambda_max == pytest.approx(3.039, abs=0.001)
    assert result.consistency_index == pytest.approx(0.019, abs=0.001)
    assert result.consistency_ratio == pytest.approx(0.033, abs=0.001)


def test_ahp_consistent_judgements_give_exact_ratios_and_zero_cr():
    result = scoring.ahp(scoring.ahp_matrix("ABC", {("A", "B"): 2, ("A", "C"): 4, ("B", "C"): 2}))
    assert list(result.weights) == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)


def test_ahp_contradictory_judgements_are_flagged_above_ten_percent():
    result = scoring.ahp(scoring.ahp_matrix("ABC", {("A", "B"): 5, ("B", "C"): 5, ("C", "A"): 5}))
    assert result.consistency_ratio > scoring.CONSISTENCY_LIMIT
    assert not result.consistent


def test_ahp_refuses_a_non_positive_judgement():
    with pytest.raises(ValueError):
        scoring.ahp_matrix("AB", {("A", "B"): 0})


@pytest.fixture
def english():
    token = set_language("en")
    yield
    reset_language(token)


def _square(rows):
    items = list("ABC")[: len(rows)]
    return pd.DataFrame(rows, index=items, columns=items)


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (_square([[1, 2], [2, 1]]), "The matrix is not reciprocal: A over B is 2, so B over A must be 0.5, not 2."),
        (_square([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 2, 1]]), "B over C is 3, so C over B must be 0.3333, not 0.5."),
        (_square([[2, 2], [0.5, 1]]), "A compared with itself must be 1, not 2."),
        (_square([[1, -2], [-0.5, 1]]), "The comparison of A with B must be positive (Saaty's scale 1/9 to 9), not -2"),
        (_square([[1, 0], [1, 1]]), "The comparison of A with B must be positive"),
        (_square([[1, "3"], [1 / 3, 1]]), "The comparison of A with B is not a number: '3'."),
        (_square([[1, "much"], [1, 1]]), "The comparison of A with B is not a number: 'much'."),
        (_square([[1, math.nan], [1, 1]]), "The comparison of A with B must be a finite number, not nan."),
        (_square([[1, 1], [math.inf, 1]]), "The comparison of B with A must be a finite number, not inf."),
        (_square([[1, None], [1, 1]]), "The comparison of A with B must be a finite number, not nan."),  # None: NaN
        (pd.DataFrame([[1, 2, 3], [0.5, 1, 1]], index=list("AB"), columns=list("ABC")), "has 2 rows and 3 columns"),
        (pd.DataFrame([[1, 2], [0.5, 1]], index=list("AB"), columns=list("BA")), "the same items, in the same order"),
    ],
    ids=["not reciprocal", "not reciprocal 3x3", "diagonal", "negative", "zero", "text number", "text",
         "nan", "infinity", "missing", "not square", "rows and columns differ"],
)  # fmt: skip
def test_ahp_refuses_what_is_not_a_reciprocal_positive_matrix_with_a_clear_message(english, matrix, message):
    with pytest.raises(ValueError) as refused:
        scoring.ahp(matrix)
    assert message in str(refused.value)
    assert not isinstance(refused.value, TypeError | np.linalg.LinAlgError)


@pytest.mark.parametrize("value", ["3", math.nan, math.inf, -1, True])
def test_ahp_matrix_refuses_a_judgement_that_is_not_a_finite_positive_number(english, value):
    with pytest.raises(ValueError, match="The comparison of A with B"):
        scoring.ahp_matrix("AB", {("A", "B"): value})


def test_the_refusal_is_in_the_readers_language():
    token = set_language("sv")
    try:
        with pytest.raises(ValueError, match="Matrisen är inte reciprok"):
            scoring.ahp(_square([[1, 2], [2, 1]]))
    finally:
        reset_language(token)


# ---------------------------------------------------------------- sensitivity


def test_a_clear_order_is_stable_under_weight_changes():
    weights = scoring.Weights(WEIGHTS, {7: 1, 8: 1})
    needs = _needs([(1, 5.0, 4, 1), (2, 40.0, 2, 0), (3, 200.0, 1, 0)])
    ratings = _ratings([(1, 1, 3, 3, 3, {7: 3, 8: 3}), (2, 1, 2, 1, 1, {7: 1, 8: 2}), (3, 1, 0, 0, 0, {7: 0, 8: 0})])
    values = scoring.criterion_values(needs, scoring.mean_ratings(ratings, [7, 8]), [7, 8], weights)
    result = scoring.sensitivity(values, weights)
    assert list(result["rank"]) == [1, 2, 3]
    assert set(result["verdict"]) == {scoring.STABLE}
    assert list(result["kept"]) == [1.0, 1.0, 1.0]


def test_close_scores_swap_places_when_weights_move():
    """Two needs with nearly the same score, one strong on urgency and one on benefit: moving the
    weights ±20% swaps them, so neither keeps its rank in every run."""
    weights = scoring.Weights(
        {"alignment": 0, "benefit": 1, "urgency": 1, "risk_reduction": 0, "breadth": 0, "effort": 0}
    )
    needs = _needs([(1, 10.0, 1, 0), (2, 10.0, 1, 0)])
    ratings = _ratings([(1, 1, 3, 2, 0, {}), (2, 1, 2, 3, 0, {})])
    values = scoring.criterion_values(needs, scoring.mean_ratings(ratings, []), [], weights)
    result = scoring.sensitivity(values, weights, runs=400)
    assert 0.2 < result.loc[1, "kept"] < 0.8
    assert result.loc[1, "rank_low"] == 1 and result.loc[1, "rank_high"] == 2
    assert result.loc[1, "verdict"] == scoring.FAIRLY_STABLE
    # The same seed gives the same answer.
    again = scoring.sensitivity(values, weights, runs=400)
    assert again.equals(result)


def test_sensitivity_with_no_spread_keeps_every_rank():
    weights = scoring.Weights(WEIGHTS, {7: 1, 8: 1})
    result = scoring.sensitivity(_values(weights), weights, spread=0.0)
    assert (result["kept"] == 1.0).all()
    assert (result["rank_low"] == result["rank"]).all() and (result["rank_high"] == result["rank"]).all()


def test_sensitivity_verdict_sensitive_for_a_crowded_middle():
    rng = np.random.default_rng(1)
    count = 40
    needs = _needs([(n, float(rng.integers(5, 50)), int(rng.integers(1, 4)), 0) for n in range(1, count + 1)])
    ratings = _ratings(
        [
            (n, 1, int(rng.integers(0, 4)), int(rng.integers(0, 4)), int(rng.integers(0, 4)), {})
            for n in range(1, count + 1)
        ]
    )
    weights = scoring.Weights(WEIGHTS, {})
    values = scoring.criterion_values(needs, scoring.mean_ratings(ratings, []), [], weights)
    result = scoring.sensitivity(values, weights)
    assert scoring.SENSITIVE in set(result["verdict"])
    assert (result["rank_low"] <= result["rank"]).all() and (result["rank"] <= result["rank_high"]).all()


# ---------------------------------------------------------------- the backlog


def test_backlog_ranks_each_area_with_its_own_model_and_lists_unscored_needs():
    needs = _needs([(1, 10.0, 1, 0), (2, 40.0, 3, 1), (3, 10.0, 2, 0), (4, 5.0, 1, 0)])
    needs["area_id"] = [100, 100, 200, 200]
    needs["title"] = ["a", "b", "c", "d"]
    needs["state"] = "ready"
    needs["department_names"] = ""
    ratings = _ratings([(1, 1, 3, 3, 3, {}), (2, 1, 1, 1, 1, {}), (2, 2, 3, 1, 1, {}), (3, 1, 2, 2, 2, {})])
    weighted = scoring.Weights(WEIGHTS, {})
    per_day = scoring.Weights(WEIGHTS, {}, method=scoring.VALUE_PER_EFFORT)
    ranked = backlog.rank_backlog(needs, ratings, [], {None: weighted, 100: weighted, 200: per_day}, runs=50)
    assert set(ranked.table.index) == {1, 2, 3}
    assert list(ranked.unscored.index) == [4]
    assert ranked.table.loc[1, "area_rank"] == 1 and ranked.table.loc[2, "area_rank"] == 2
    assert ranked.table.loc[3, "method"] == scoring.VALUE_PER_EFFORT
    assert ranked.table.loc[2, "raters"] == 2 and ranked.table.loc[2, "spread"] == 2
    assert list(ranked.disputed().index) == [2]
    assert list(ranked.table["rank"]) == [1, 2, 3]


def test_the_ranking_across_areas_compares_percentiles_within_each_area_not_raw_scores():
    """Area 100 scores 0–100 (weighted), area 200 value per person-day (a few points): by raw score
    area 200's best need would fall below every need of area 100."""
    needs = _needs([(1, 10.0, 1, 0), (2, 40.0, 3, 1), (5, 10.0, 1, 0), (3, 10.0, 2, 0), (6, 2.0, 1, 0)])
    needs["area_id"] = [100, 100, 100, 200, 200]
    needs["title"] = needs["state"] = needs["department_names"] = ""
    ratings = _ratings(
        [(1, 1, 3, 3, 3, {}), (2, 1, 2, 2, 2, {}), (5, 1, 1, 1, 1, {}), (3, 1, 3, 3, 3, {}), (6, 1, 1, 0, 0, {})]
    )
    weighted = scoring.Weights(WEIGHTS, {})
    per_day = scoring.Weights(WEIGHTS, {}, method=scoring.VALUE_PER_EFFORT)
    ranked = backlog.rank_backlog(needs, ratings, [], {None: weighted, 100: weighted, 200: per_day}, runs=10)
    table = ranked.table
    assert table.loc[3, "score"] < table.loc[5, "score"]  # raw scores would put #3 below #5
    # Percentile: the share of the area's scored needs scoring at or below the need.
    assert table.loc[1, "percentile"] == 100 and table.loc[3, "percentile"] == 100
    assert table.loc[2, "percentile"] == pytest.approx(200 / 3) and table.loc[6, "percentile"] == 50
    assert table.loc[5, "percentile"] == pytest.approx(100 / 3)
    # Ranked by percentile, ties to the older need: #1, #3 (100), #2 (66.7), #6 (50), #5 (33.3).
    assert list(table.index) == [1, 3, 2, 6, 5] and list(table["rank"]) == [1, 2, 3, 4, 5]
    labels = {name: name for name in ("rank", "area_rank", "rank_range", "verdict", "need", "title", "area")}
    labels |= {name: name for name in ("state", "score", "method", "percentile", "effort_days")}
    labels |= {name: name for name in ("departments", "raters", "spread")}
    labels |= {f"points_{name}": name for name in scoring.CRITERIA}
    labels["method:value_per_effort"] = "per day"
    exported = backlog.export_frame(ranked, labels, {})
    assert list(exported["percentile"].round(1)) == [100.0, 100.0, 66.7, 50.0, 33.3]
    assert exported.loc[1, "method"] == "per day" and exported.loc[0, "method"] == scoring.WEIGHTED
