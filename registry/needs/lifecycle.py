"""The life cycle of a need, as pure rules: which state may follow which, and why not.

    submitted → clarified → ready → recommended → approved / rejected / deferred
    approved → in_progress → done → followed_up
    deferred → ready (back on the agenda)

Small improvements take a short lane: once clarified they go straight into operation
(clarified → in_progress), skipping the steering group. Any open need may be withdrawn; merging is
its own operation (`services.merge`), never a plain transition.
"""

from __future__ import annotations

from registry.i18n import gettext as _
from registry.needs.models import NeedKind, NeedState

S = NeedState

FLOW: dict[NeedState, set[NeedState]] = {
    S.submitted: {S.clarified, S.withdrawn},
    S.clarified: {S.ready, S.submitted, S.withdrawn},
    S.ready: {S.recommended, S.clarified, S.withdrawn},
    S.recommended: {S.approved, S.rejected, S.deferred, S.ready},
    S.approved: {S.in_progress},
    S.deferred: {S.ready, S.withdrawn},
    S.rejected: set(),
    S.in_progress: {S.done},
    S.done: {S.followed_up},
    S.followed_up: set(),
    S.withdrawn: set(),
    S.merged: set(),
}

SHORT_LANE: dict[NeedState, set[NeedState]] = {
    S.submitted: {S.clarified, S.withdrawn},
    S.clarified: {S.in_progress, S.submitted, S.withdrawn},
    S.in_progress: {S.done, S.withdrawn},
    S.done: {S.followed_up},
}

CLOSED = {S.rejected, S.followed_up, S.withdrawn, S.merged}
OPEN = set(NeedState) - CLOSED
# Decided by the line. Closed to new decisions and recommendations; the steering group may reopen
# such a need (back to "ready", with the reason): a new recommendation then starts a new round.
DECIDED = {S.approved, S.rejected, S.deferred}
BEFORE_THE_GROUP = {S.submitted, S.clarified, S.ready}  # no round of line decisions is open


def allowed_next(kind: NeedKind, state: NeedState) -> set[NeedState]:
    lane = SHORT_LANE if kind is NeedKind.small_improvement else FLOW
    return set(lane.get(state, set()))


def refusal(kind: NeedKind, state: NeedState, target: NeedState) -> str | None:
    """Why a need of this kind in this state may not move to `target`; None if it may."""
    if target is S.merged:
        return _("A need is merged with the merge action, which names the need it is merged into.")
    if state in CLOSED:
        return _("The need is closed (%(state)s); it cannot change state.", state=state_label(state))
    if target in allowed_next(kind, state):
        return None
    if kind is NeedKind.small_improvement and target in {S.ready, S.recommended, S.approved, S.rejected, S.deferred}:
        return _("A small improvement does not go to the steering group; it goes straight into operation.")
    if kind is NeedKind.development_project and target is S.in_progress:
        return _("A development project needs the steering group's recommendation and a line decision first.")
    if target in {S.approved, S.rejected, S.deferred} and state is not S.recommended:
        return _("Only a need the steering group has recommended can be decided.")
    return _("A need cannot go from %(from)s to %(to)s.", **{"from": state_label(state), "to": state_label(target)})


def reopen_refusal(state: NeedState) -> str | None:
    """Why a need in this state cannot be reopened by the steering group; None if it can."""
    if state in DECIDED:
        return None
    return _(
        "Only a decided need (approved, rejected or deferred) can be reopened; this one is: %(state)s.",
        state=state_label(state),
    )


def state_label(state: NeedState) -> str:
    return {
        S.submitted: _("Submitted"),
        S.clarified: _("Clarified"),
        S.ready: _("Ready for the steering group"),
        S.recommended: _("Recommended"),
        S.approved: _("Decided: approved"),
        S.rejected: _("Decided: rejected"),
        S.deferred: _("Decided: deferred"),
        S.in_progress: _("In progress"),
        S.done: _("Done"),
        S.followed_up: _("Benefits followed up"),
        S.withdrawn: _("Withdrawn"),
        S.merged: _("Merged"),
    }[state]
