"""Words for the criteria, the 0–3 scales and the verdicts, in the reader's language."""

from __future__ import annotations

from registry.i18n import gettext as _


def criteria() -> dict[str, str]:
    return {
        "alignment": _("Strategic alignment"),
        "benefit": _("Benefit"),
        "urgency": _("Urgency"),
        "risk_reduction": _("Risk reduction"),
        "breadth": _("Breadth"),
        "effort": _("Effort"),
    }


def scales() -> dict[str, list[str]]:
    """What each step 0–3 means, shown next to every score field and on the scoring page."""
    return {
        "goal": [
            _("Does not serve the goal"),
            _("Serves the goal indirectly"),
            _("Serves the goal clearly"),
            _("Essential for reaching the goal"),
        ],
        "benefit": [
            _("No noticeable benefit"),
            _("Some benefit for a few"),
            _("Clear benefit for many, or a large one for some"),
            _("Large benefit across the university"),
        ],
        "urgency": [
            _("Can wait"),
            _("Should be done within two years"),
            _("Should be done within a year"),
            _("Must be done now (a deadline, a law, something broken)"),
        ],
        "risk_reduction": [
            _("Reduces no risk"),
            _("Reduces a minor risk"),
            _("Reduces a significant risk"),
            _("Removes a serious risk (legal, security, operations)"),
        ],
    }


def verdicts() -> dict[str, str]:
    return {
        "stable": _("stable"),
        "fairly_stable": _("fairly stable"),
        "sensitive": _("sensitive"),
    }


def methods() -> dict[str, str]:
    return {
        "weighted": _("Weighted scoring"),
        "value_per_effort": _("Value ÷ effort (WSJF-style)"),
    }


def goal_weightings() -> dict[str, str]:
    return {
        "direct": _("Goal weights typed directly"),
        "ahp": _("Goal weights from pairwise comparison (AHP)"),
    }


def criterion_name(key: str, goal_names: dict[int, str]) -> str:
    if key.startswith("goal:"):
        return goal_names.get(int(key.split(":", 1)[1]), key)
    return criteria().get(key, key)
