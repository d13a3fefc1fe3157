"""The words of a notification, made in the reader's language from its kind and data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry.i18n import gettext as _
from registry.i18n import lazy_gettext as _l
from registry.notifications.models import NotificationKind as K


def kind_labels() -> dict[str, Any]:
    """What each kind is about, for the preferences form."""
    return {
        K.state_changed.value: _l("A need I follow changes state"),
        K.routed.value: _l("A need I follow is routed to an area"),
        K.merged.value: _l("A need I follow is merged into another"),
        K.recommended.value: _l("The steering group recommends a need I follow"),
        K.decided.value: _l("A department decides on a need I follow"),
        K.decision_awaited.value: _l("A recommended need awaits my department's decision"),
        K.need_arrived.value: _l("A need arrives in an area I coordinate"),
        K.mandate_awaits.value: _l("A mandate of a process I own awaits my approval"),
    }


def _state(value: str) -> str:
    from registry.needs.lifecycle import state_label
    from registry.needs.models import NeedState

    return state_label(NeedState(value)) if value in NeedState.__members__ else value


def _outcome(value: str) -> str:
    from registry.decisions.services import decision_labels, recommendation_labels

    return {**recommendation_labels(), **decision_labels()}.get(value, value)


def describe(kind: K | str, data: Mapping[str, Any]) -> str:
    """One sentence saying what happened."""
    need = _("#%(id)s %(title)s", id=data.get("need_id", ""), title=data.get("title", ""))
    match K(kind):
        case K.state_changed:
            return _("%(need)s is now: %(state)s.", need=need, state=_state(data.get("to_state", "")))
        case K.routed:
            return _("%(need)s was routed to %(area)s.", need=need, area=data.get("area", ""))
        case K.merged:
            return _(
                "%(need)s was merged into #%(into)s %(into_title)s; you now follow that need.",
                need=need,
                into=data.get("into_id", ""),
                into_title=data.get("into_title", ""),
            )
        case K.recommended:
            return _(
                "The steering group's recommendation on %(need)s: %(outcome)s.",
                need=need,
                outcome=_outcome(data.get("outcome", "")),
            )
        case K.decided:
            return _(
                "%(department)s decided on %(need)s: %(outcome)s.",
                department=data.get("department", ""),
                need=need,
                outcome=_outcome(data.get("outcome", "")),
            )
        case K.decision_awaited:
            return _(
                "%(need)s is recommended and awaits the decision of %(department)s.",
                need=need,
                department=data.get("department", ""),
            )
        case K.need_arrived:
            return _("A need arrived in %(area)s: %(need)s.", need=need, area=data.get("area", ""))
        case K.mandate_awaits:
            return _(
                "Version %(version)s of the mandate of %(process)s awaits your approval.",
                version=data.get("version", ""),
                process=data.get("process", ""),
            )


def email(kind: K | str, data: Mapping[str, Any], url: str, name: str) -> tuple[str, str]:
    """Subject and body of the e-mail, in the current language (the recipient's, set by the caller)."""
    sentence = describe(kind, data)
    subject = _("VSO registry: %(what)s", what=sentence)[:300]
    lines = [
        _("Hello %(name)s,", name=name),
        "",
        sentence,
    ]
    if data.get("comment"):
        lines += ["", str(data["comment"])]
    if data.get("actor"):
        lines += ["", _("By: %(actor)s", actor=data["actor"])]
    lines += [
        "",
        _("Open it in the registry: %(url)s", url=url),
        "",
        _("You choose what you hear about under Notifications → Preferences in the registry."),
    ]
    return subject, "\n".join(lines)
