"""Words for a meeting's coded values (shared by the meeting pages and the calendar feeds)."""

from __future__ import annotations

from registry.i18n import gettext as _
from registry.meetings.models import Forum


def forum_labels() -> dict[str, str]:
    return {Forum.steering_group.value: _("Steering group"), Forum.dialogue_arena.value: _("Dialogue arena")}
