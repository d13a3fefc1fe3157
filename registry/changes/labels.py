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
