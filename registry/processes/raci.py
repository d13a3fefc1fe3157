"""The rule of the RACI (HUKI) matrix, as plain functions: exactly one A per activity."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from registry.i18n import gettext as _

VALUES = ("R", "A", "C", "I")


def a_count(cells: Iterable[str | None]) -> int:
    return sum(1 for value in cells if value == "A")


def one_a_problem(activity: str, cells: Iterable[str | None]) -> str | None:
    """Why a row of the matrix cannot be saved, naming the activity; None if it can."""
    count = a_count(cells)
    if count == 1:
        return None
    if count == 0:
        return _("The activity “%(activity)s” needs exactly one A (accountable); it has none.", activity=activity)
    return _(
        "The activity “%(activity)s” needs exactly one A (accountable); it has %(count)d.",
        activity=activity,
        count=count,
    )


def problems(matrix: Mapping[str, Iterable[str | None]]) -> dict[str, str]:
    """Every activity of a whole matrix (activity → its cells) that breaks the rule, with the reason."""
    found = {}
    for activity, cells in matrix.items():
        if (problem := one_a_problem(activity, cells)) is not None:
            found[activity] = problem
    return found
