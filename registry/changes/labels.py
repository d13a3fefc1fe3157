"""Words for the change log's internal names (kinds of object, field names), in the reader's language."""

from __future__ import annotations

from functools import cache

from registry.i18n import lazy_gettext as _l

OBJECT_TYPES = {
    "support_area": _l("Support-service area"),
    "department": _l("Department"),
    "institution": _l("Institution"),
    "person": _l("Person"),
    "account": _l("Account"),
    "role_assignment": _l("Role"),
    "strategy": _l("Strategy"),
    "strategic_goal": _l("Strategic goal"),
    "scoring_model": _l("Scoring model"),
    "need_score": _l("Score"),
    "recommendation": _l("Recommendation"),
    "line_decision": _l("Line decision"),
}

_EXTRA_FIELDS = {
    "id": "id",
    "is_active": _l("Active"),
    "is_demo": _l("Demo account"),
    "person_id": _l("Person"),
    "role": _l("Role"),
    "last_login_at": _l("Last log-in"),
    "password": _l("Password"),
    "area_id": _l("Support-service area"),
    "department_id": _l("Department"),
    "method": _l("Method"),
    "goal_weighting": _l("Goal weights"),
    "weight_alignment": _l("Weight: strategic alignment"),
    "weight_benefit": _l("Weight: benefit"),
    "weight_urgency": _l("Weight: urgency"),
    "weight_risk_reduction": _l("Weight: risk reduction"),
    "weight_breadth": _l("Weight: breadth"),
    "weight_effort": _l("Weight: effort"),
    "effort_half_days": _l("Person-days at which effort counts half"),
    "goal_weights": _l("Goal weights typed directly"),
    "ahp_judgements": _l("Pairwise comparisons"),
    "benefit": _l("Benefit"),
    "urgency": _l("Urgency"),
    "risk_reduction": _l("Risk reduction"),
    "alignment": _l("Strategic alignment"),
    "rater_name": _l("Rater"),
    "need_id": _l("Need"),
    "state": _l("State"),
    "meeting_id": _l("Meeting"),
    "outcome": _l("Outcome"),
    "rationale": _l("Rationale"),
    "recorded_on": _l("Date of the recommendation"),
    "recorded_by_id": _l("Recorded by"),
    "recorded_by_name": _l("Recorded by (name)"),
    "committed_days": _l("Committed person-days"),
    "decided_on": _l("Date of the decision"),
    "decided_by_id": _l("Decided by"),
    "decided_by_name": _l("Decided by (name)"),
    "recommendation_id": _l("Recommendation answered"),
    "supersedes_id": _l("Supersedes decision"),
}


@cache
def _field_labels() -> dict:
    from registry.areas.services import AREA_FIELDS, DEPARTMENT_FIELDS
    from registry.people.services import ACCOUNT_FIELDS, PERSON_FIELDS

    labels = dict(_EXTRA_FIELDS)
    for spec in AREA_FIELDS + DEPARTMENT_FIELDS + PERSON_FIELDS + ACCOUNT_FIELDS:
        labels.setdefault(spec.name, spec.label)
    return labels


def object_type_label(name: str) -> str:
    return str(OBJECT_TYPES.get(name, name))


def field_label(name: str) -> str:
    return str(_field_labels().get(name, name))
