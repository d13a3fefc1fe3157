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
    "meeting": _l("Meeting"),
    "agenda_item": _l("Agenda item"),
    "process": _l("Process"),
    "process_team_member": _l("Process team member"),
    "process_mandate": _l("Mandate"),
    "raci_activity": _l("RACI activity"),
    "raci_column": _l("RACI column"),
    "benefit": _l("Benefit"),
    "benefit_measurement": _l("Measurement"),
    "recommendation": _l("Recommendation"),
    "line_decision": _l("Line decision"),
    "need": _l("Development need"),
    "need_comment": _l("Comment"),
    "need_link": _l("Link between needs"),
    "need_department": _l("Affected department"),
    "need_transition": _l("Change of state"),
    "saved_view": _l("Saved view"),
    "dialogue_arena": _l("Dialogue arena"),
    "dialogue_arena_participant": _l("Dialogue arena participant"),
    "steering_group": _l("Steering group"),
    "steering_group_member": _l("Steering-group member"),
    "area_coordinator": _l("Coordinator"),
    "department_capacity": _l("Capacity in the period"),
    "meeting_attendee": _l("Attendee"),
    "process_appointment": _l("Process responsible"),
    "need_import": _l("Import of needs"),
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
    "agenda": _l("Agenda"),
    "attendee_ids": _l("Attendees"),
    "capacity": _l("Capacity in the period"),
    "advice": _l("Recommendation"),
    "rationale": _l("Rationale"),
    "notes": _l("Discussion notes"),
    "forced": _l("Cut-line"),
    "force_reason": _l("Reason for forcing"),
    "held_on": _l("Date"),
    "closed_at": _l("Closed"),
}

_PROCESS_EXTRA_FIELDS = {
    "need_ids": _l("Needs"),
    "appointments": _l("Process responsible (from, person, until)"),
    "activities": _l("RACI activities"),
    "cells": _l("RACI cells"),
    "version": _l("Version"),
    "approved_at": _l("Approved"),
    "approved_by_name": _l("Approved by"),
    "approved_by_id": _l("Approved by"),
    "drafted_by_name": _l("Drafted by"),
    "drafted_by_id": _l("Drafted by"),
    "position": _l("Position"),
    "kind": _l("Kind"),
    "role_name": _l("Role"),
    "process_id": _l("Process"),
    "need_id": _l("Need"),
    "benefit_id": _l("Benefit"),
    "recorded_by_name": _l("Recorded by"),
    "column": _l("RACI column"),
    "state": _l("State"),
    "meeting_id": _l("Meeting"),
    "outcome": _l("Outcome"),
    "rationale": _l("Rationale"),
    "recorded_on": _l("Date of the recommendation"),
    "recorded_by_id": _l("Recorded by"),
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
    from registry.benefits.services import BENEFIT_FIELDS, MEASUREMENT_FIELDS
    from registry.needs.services import NEED_FIELDS
    from registry.people.services import ACCOUNT_FIELDS, PERSON_FIELDS
    from registry.processes.services import MANDATE_FIELDS, PROCESS_FIELDS, TEAM_FIELDS

    labels = dict(_EXTRA_FIELDS) | _PROCESS_EXTRA_FIELDS
    for spec in AREA_FIELDS + DEPARTMENT_FIELDS + PERSON_FIELDS + ACCOUNT_FIELDS:
        labels.setdefault(spec.name, spec.label)
    for spec in PROCESS_FIELDS + TEAM_FIELDS + MANDATE_FIELDS + BENEFIT_FIELDS + MEASUREMENT_FIELDS:
        labels.setdefault(spec.name, spec.label)
    for spec in NEED_FIELDS:
        labels.setdefault(spec.name, spec.label)
    return labels


def _value_labels() -> dict[str, dict[str, str]]:
    """The words for the coded values a change record holds (`now` → "Prioritise now"), by field."""
    from registry.decisions.services import decision_labels, recommendation_labels
    from registry.needs.lifecycle import state_label
    from registry.needs.models import NeedState

    return {
        "advice": recommendation_labels(),
        "outcome": {**recommendation_labels(), **decision_labels()},
        "state": {state.value: state_label(state) for state in NeedState},
    }


def value_label(key: str, value: object) -> str | None:
    """The reader's word for a coded value, or None when the value is not a code."""
    if isinstance(value, str):
        return _value_labels().get(key, {}).get(value)
    return None


def object_type_label(name: str) -> str:
    return str(OBJECT_TYPES.get(name, name))


def field_label(name: str) -> str:
    return str(_field_labels().get(name, name))
