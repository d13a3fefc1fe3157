"""Words for a need's coded values, in the reader's language (shared by pages, exports and follow-up)."""

from __future__ import annotations

from registry.i18n import gettext as _


def channel_labels() -> dict[str, str]:
    return {
        "dialogue_arena": _("Dialogue arena meeting"),
        "intake_form": _("Intake form"),
        "email": _("E-mail"),
        "meeting": _("Meeting"),
        "other": _("Other"),
    }
