"""The capacity cut-line, computed by hand."""

from __future__ import annotations

import math

import pandas as pd

from registry.meetings import cutline

IT, HR = 1, 2


def _items(rows):
    """rows: (need_id, rank, position, forced)"""
    return pd.DataFrame(rows, columns=["need_id", "rank", "position", "forced"]).set_index("need_id")


def _efforts(rows):
    return pd.DataFrame(rows, columns=["need_id", "department_id", "effort_days"])


EFFORTS = _efforts(
    [
        (10, IT, 30.0),
        (11, IT, 50.0),
        (11, HR, 10.0),
        (12, IT, 10.0),
        (13, HR, 5.0),
    ]
)


def test_the_first_need_that_does_not_fit_draws_the_line():
    items = _items([(10, 1, 1, None), (11, 2, 2, None), (12, 3, 3, None), (13, 4, 4, None)])
    # IT has 60 days: #10 takes 30 (30 left); #11 wants 50 from IT: no room → the line.
    result = cutline.cut_line(items, EFFORTS, {IT: 60, HR: 20})
    assert list(result.index) == [10, 11, 12, 13]
    assert list(result["above"]) == [True, False, False, False]
    assert list(result["reason"]) == [cutline.FITS, cutline.NO_ROOM, cutline.BELOW_LINE, cutline.BELOW_LINE]
    assert result.loc[11, "short"] == [IT]
    assert cutline.remaining_capacity(result, EFFORTS, {IT: 60, HR: 20}) == {IT: 30.0, HR: 20.0}


def test_enough_capacity_takes_everything_in_rank_order():
    items = _items([(10, 2, 1, None), (11, 1, 2, None), (12, 3, 3, None), (13, math.nan, 4, None)])
    result = cutline.cut_line(items, EFFORTS, {IT: 90, HR: 15})
    # 50 + 30 + 10 = 90 days of IT exactly; HR 10 + 5 = 15 exactly. The unranked need comes last.
    assert list(result.index) == [11, 10, 12, 13]
    assert result["above"].all()
    assert cutline.remaining_capacity(result, EFFORTS, {IT: 90, HR: 15}) == {IT: 0.0, HR: 0.0}


def test_forcing_in_and_out_moves_needs_across_the_line_with_their_reason():
    items = _items([(10, 1, 1, "out"), (11, 2, 2, None), (12, 3, 3, "in"), (13, 4, 4, None)])
    # #12 forced in first: IT 60 − 10 = 50. #11: IT 50 − 50 = 0, HR 20 − 10 = 10. #13: HR 10 − 5 = 5.
    # #10 forced out despite rank 1.
    result = cutline.cut_line(items, EFFORTS, {IT: 60, HR: 20})
    assert list(result.index) == [12, 11, 13, 10]
    assert list(result["above"]) == [True, True, True, False]
    assert result.loc[12, "reason"] == cutline.FORCED_ABOVE and result.loc[10, "reason"] == cutline.FORCED_BELOW
    assert cutline.remaining_capacity(result, EFFORTS, {IT: 60, HR: 20}) == {IT: 0.0, HR: 5.0}


def test_a_forced_need_may_take_a_department_over_its_capacity():
    items = _items([(11, 1, 1, "in"), (10, 2, 2, None)])
    result = cutline.cut_line(items, EFFORTS, {IT: 40})
    assert list(result["above"]) == [True, False]
    assert cutline.remaining_capacity(result, EFFORTS, {IT: 40}) == {IT: -10.0}


def test_departments_without_an_entered_capacity_do_not_limit_and_unestimated_effort_is_flagged():
    efforts = _efforts([(10, IT, math.nan), (10, HR, 500.0), (11, IT, 5.0)])
    items = _items([(10, 1, 1, None), (11, 2, 2, None)])
    result = cutline.cut_line(items, efforts, {IT: 4})
    assert bool(result.loc[10, "above"]) and bool(result.loc[10, "missing_estimate"])  # HR not limiting
    assert not result.loc[11, "above"] and result.loc[11, "short"] == [IT]
