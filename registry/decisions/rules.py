"""What the line's decisions mean for the need, as a pure rule.

Each affected department decides for itself. The need's state follows from the current decisions
of all of them:

- while any affected department has not decided, the need stays recommended;
- all approve → approved; all reject → rejected;
- all defer, or some defer and the rest reject (nobody approves) → deferred;
- some approve and others reject or defer → the departments disagree: the need stays recommended
  until a head changes their decision (a new decision supersedes the old one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from registry.decisions.models import DecisionOutcome
from registry.needs.models import NeedState

D = DecisionOutcome


@dataclass(frozen=True)
class Derived:
    state: NeedState | None  # the state the need takes; None: it stays recommended
    pending: list[int] = field(default_factory=list)  # affected departments without a current decision
    disagreement: bool = False  # some approve, others reject or defer
    approving: list[int] = field(default_factory=list)
    rejecting: list[int] = field(default_factory=list)
    deferring: list[int] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        """The reason, in plain words (translated when asked for)."""
        from registry.i18n import gettext as _

        if self.state is NeedState.approved:
            return _("Every affected department approved.")
        if self.state is NeedState.rejected:
            return _("Every affected department rejected.")
        if self.state is NeedState.deferred:
            return _("No department approved, and at least one deferred.")
        if self.disagreement:
            return _(
                "The departments disagree: some approved, others rejected or deferred. The need stays recommended "
                "until a head changes their decision."
            )
        if self.pending:
            return _("Waiting for %(count)d of the affected departments to decide.", count=len(self.pending))
        return _("No departments are listed as affected, so nobody can decide yet.")


def derive_state(
    affected_department_ids: Iterable[int], current_decisions: Mapping[int, DecisionOutcome | str]
) -> Derived:
    """The need's state from the current decision of each affected department (department id → outcome).

    Decisions of departments that are not (or no longer) affected do not count."""
    affected = list(dict.fromkeys(affected_department_ids))
    outcomes = {d: D(current_decisions[d]) for d in affected if d in current_decisions}
    pending = [d for d in affected if d not in outcomes]
    approving = [d for d in affected if outcomes.get(d) is D.approve]
    rejecting = [d for d in affected if outcomes.get(d) is D.reject]
    deferring = [d for d in affected if outcomes.get(d) is D.defer]
    disagreement = bool(approving) and bool(rejecting or deferring)
    state = None
    if affected and not pending and not disagreement:
        if approving:
            state = NeedState.approved
        elif rejecting and not deferring:
            state = NeedState.rejected
        else:
            state = NeedState.deferred
    return Derived(state, pending, disagreement, approving, rejecting, deferring)
