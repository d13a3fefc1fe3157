"""The words of benefits realisation in the reader's language, and numbers as a reader types them."""

from __future__ import annotations

from typing import Any

from registry.benefits.status import Status
from registry.i18n import gettext as _


def type_labels() -> dict[str, str]:
    return {"quality": _("Quality"), "time": _("Time"), "cost": _("Cost"), "satisfaction": _("Satisfaction")}


def frequency_labels() -> dict[str, str]:
    return {"weekly": _("Weekly"), "monthly": _("Monthly"), "quarterly": _("Quarterly"), "yearly": _("Yearly")}


def status_labels() -> dict[str, str]:
    return {
        Status.not_measured.value: _("Not measured yet"),
        Status.on_track.value: _("On track"),
        Status.at_risk.value: _("At risk"),
        Status.missed.value: _("Missed"),
        Status.achieved.value: _("Achieved"),
    }


def labels() -> dict[str, dict[str, str]]:
    return {"types": type_labels(), "frequencies": frequency_labels(), "statuses": status_labels()}


def number(value: Any) -> str:
    """A stored number as a reader types it: 12.50 → 12.5, 30.00 → 30."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
