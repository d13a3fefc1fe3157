"""The capacity cut-line, computed by hand."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_a_need_that_does_not_fit_is_skipped_and_the_next_ones_are_still_tried():
    items = _items([(10, 1, 1, None), (11, 2, 2, None), (12, 3, 3, None), (13, 4, 4, None)])
    # IT has 60 days: #10 takes 30 (30 left); #11 wants 50 from IT: 20 short, skipped;
    # #12 takes 10 IT (20 left); #13 takes 5 HR (15 left). Above first, then below.
    result = cutline.cut_line(items, EFFORTS, {IT: 60, HR: 20})
    assert list(result.index) == [10, 12, 13, 11]
    assert list(result["above"]) == [True, True, True, False]
    assert list(result["order"]) == [1, 3, 4, 2]
    assert result.loc[11, "reason"] == cutline.NO_ROOM
    assert result.loc[11, "short"] == {IT: 20.0}
    assert cutline.remaining_capacity(result, EFFORTS, {IT: 60, HR: 20}) == {IT: 20.0, HR: 15.0}


IT_, CAMPUS, STUDENT = 1, 2, 3


def test_the_issue_example_a_large_it_need_does_not_push_the_next_two_below():
    """IT = 10, Campus = 40, Studentservice = 10 days; the top need wants 15 IT days."""
    efforts = _efforts(
        [(1, IT_, 15.0), (1, CAMPUS, 5.0), (2, CAMPUS, 30.0), (3, STUDENT, 10.0), (3, CAMPUS, 5.0), (4, STUDENT, 1.0)]
    )
    items = _items([(1, 1, 1, None), (2, 2, 2, None), (3, 3, 3, None), (4, 4, 4, None)])
    capacity = {IT_: 10, CAMPUS: 40, STUDENT: 10}
    result = cutline.cut_line(items, efforts, capacity)
    assert list(result.index) == [2, 3, 1, 4]
    assert list(result["above"]) == [True, True, False, False]
    assert result.loc[1, "short"] == {IT_: 5.0}  # "IT short by 5 days"
    assert result.loc[4, "short"] == {STUDENT: 1.0}  # Studentservice used its 10 days on #3
    load = cutline.department_load(result, efforts, capacity)
    assert load.loc[CAMPUS, "load"] == 35.0 and load.loc[CAMPUS, "remaining"] == 5.0
    assert load.loc[IT_, "load"] == 0.0 and load.loc[IT_, "stopped"] == 1 and load.loc[IT_, "short_days"] == 5.0
    assert load.loc[STUDENT, "share"] == 1.0
    # IT and Studentservice each kept one need out; IT lacked more days: IT is the bottleneck.
    assert cutline.bottleneck(load) == [IT_]


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


def test_a_missing_estimate_is_never_counted_as_zero_days():
    # #10: IT (which has a capacity) has not estimated; counted as 0 it would fit in IT's 4 days.
    efforts = _efforts([(10, IT, math.nan), (11, IT, 3.0), (11, HR, math.nan), (12, IT, 2.0)])
    items = _items([(10, 1, 1, None), (11, 2, 2, None), (12, 3, 3, None), (13, 4, 4, None)])
    result = cutline.cut_line(items, efforts, {IT: 4})
    assert result.loc[10, "reason"] == cutline.NOT_ESTIMATED and not result.loc[10, "above"]
    assert bool(result.loc[10, "missing_estimate"])
    # #11: HR has no capacity, so its missing estimate does not decide; flagged all the same.
    assert result.loc[11, "reason"] == cutline.FITS and bool(result.loc[11, "missing_estimate"])
    # #12 wants 2 IT days and 1 is left: 1 day short.
    assert result.loc[12, "short"] == {IT: 1.0}
    # #13 names no department at all: its effort is not estimated either.
    assert result.loc[13, "reason"] == cutline.NOT_ESTIMATED and bool(result.loc[13, "missing_estimate"])
    assert cutline.remaining_capacity(result, efforts, {IT: 4}) == {IT: 1.0}


def test_without_any_capacity_every_need_is_above_and_there_is_no_bottleneck():
    efforts = _efforts([(10, IT, math.nan), (11, IT, 300.0)])
    items = _items([(10, 1, 1, None), (11, 2, 2, None)])
    result = cutline.cut_line(items, efforts, {})
    assert result["above"].all() and bool(result.loc[10, "missing_estimate"])
    load = cutline.department_load(result, efforts, {})
    assert load.loc[IT, "load"] == 300.0 and math.isnan(load.loc[IT, "capacity"])
    assert cutline.bottleneck(load) == []


def test_any_department_can_limit_the_line_and_the_load_lists_every_affected_department():
    # HR is not one of "the area's" departments here; its capacity limits all the same.
    items = _items([(10, 1, 1, None), (11, 2, 2, None), (13, 3, 3, None)])
    result = cutline.cut_line(items, EFFORTS, {HR: 12})
    assert list(result.index) == [10, 11, 13]
    assert list(result["reason"]) == [cutline.FITS, cutline.FITS, cutline.NO_ROOM]
    assert result.loc[13, "short"] == {HR: 3.0}
    load = cutline.department_load(result, EFFORTS, {HR: 12})
    assert list(load.index) == [IT, HR]
    assert load.loc[IT, "load"] == 80.0 and math.isnan(load.loc[IT, "remaining"])
    assert cutline.bottleneck(load) == [HR]


DEPARTMENTS = (1, 2, 3)


@st.composite
def _plans(draw):
    count = draw(st.integers(min_value=0, max_value=12))
    rows = []
    for need in range(count):
        for department in draw(st.sets(st.sampled_from(DEPARTMENTS), min_size=1, max_size=3)):
            effort = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=30)))
            rows.append((need, department, math.nan if effort is None else float(effort)))
    capacity = draw(
        st.dictionaries(st.sampled_from(DEPARTMENTS), st.integers(min_value=0, max_value=60).map(float), max_size=3)
    )
    ranks = draw(st.permutations(range(1, count + 1)))
    items = _items([(need, ranks[need], need, None) for need in range(count)])
    return items, _efforts(rows), capacity


@given(_plans())
@settings(max_examples=200, deadline=None)
def test_property_nothing_above_exceeds_a_capacity_and_nothing_below_would_fit_what_is_left(plan):
    items, efforts, capacity = plan
    result = cutline.cut_line(items, efforts, capacity)
    left = cutline.remaining_capacity(result, efforts, capacity)
    assert all(days >= -1e-9 for days in left.values())  # no need above the line exceeds any capacity
    for need_id, row in result.iterrows():
        wanted = efforts[efforts["need_id"] == need_id].set_index("department_id")["effort_days"]
        limited = wanted[wanted.index.isin(list(capacity))]
        if row["above"]:
            assert not limited.isna().any()  # never weighed as 0 days
        elif row["reason"] == cutline.NO_ROOM:
            # it would not fit in what is left after everything above the line
            assert any(limited[d] > left[d] + 1e-9 for d in limited.index)
            assert row["short"] and all(days > 0 for days in row["short"].values())
        else:
            assert row["reason"] == cutline.NOT_ESTIMATED and (wanted.empty or limited.isna().any())
