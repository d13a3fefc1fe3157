"""The one write path for recommendations and line decisions. Each write adds its row and its change
record; a decision that completes the set (or a recommendation) moves the need through
`registry.needs.services.transition`, the one write path for states."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar.exceptions import PermissionDeniedException
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.principal import Principal
from registry.changes import service as changes
from registry.changes.models import ChangeAction
from registry.decisions import queries, rules
from registry.decisions.models import DecisionOutcome, LineDecision, Recommendation, RecommendationOutcome
from registry.forms import FormErrors, date_problem
from registry.i18n import gettext as _
from registry.needs import lifecycle
from registry.needs import services as needs
from registry.needs.models import Need, NeedState

MAX_RATIONALE = 10000
MAX_DAYS = Decimal(100000)


def recommendation_labels() -> dict[str, str]:
    return {
        RecommendationOutcome.now.value: _("Prioritise now"),
        RecommendationOutcome.later.value: _("Prioritise later"),
        RecommendationOutcome.not_.value: _("Do not prioritise"),
        RecommendationOutcome.clarify.value: _("Needs clarification"),
    }


def decision_labels() -> dict[str, str]:
    return {
        DecisionOutcome.approve.value: _("Approve"),
        DecisionOutcome.reject.value: _("Reject"),
        DecisionOutcome.defer.value: _("Defer"),
    }


# ---------------------------------------------------------------- who may


def may_recommend(principal: Principal | None, need: Need) -> bool:
    """The steering group of the need's owning area (and administrators) record its recommendation."""
    if principal is None:
        return False
    if principal.is_admin:
        return True
    return need.owning_area_id is not None and principal.steers(need.owning_area_id)


def may_decide(principal: Principal | None, department_id: int) -> bool:
    """Only the department's head or deputy. Not an administrator: the binding decision is the line's."""
    return principal is not None and principal.decides_for(department_id)


# ---------------------------------------------------------------- checking what was typed


def _rationale(value: Any, errors: dict[str, str]) -> str:
    text = (value if isinstance(value, str) else "").strip()
    if "\x00" in text:
        errors["rationale"] = _("Contains a character that is not allowed.")
    elif not text:
        errors["rationale"] = _("Write the rationale: it is part of the public record.")
    elif len(text) > MAX_RATIONALE:
        errors["rationale"] = _(
            "At most %(limit)d characters (you typed %(count)d).", limit=MAX_RATIONALE, count=len(text)
        )
    return text


def _day(value: Any, name: str, errors: dict[str, str], *, not_before: date | None = None) -> date:
    """A date as typed (empty: today); never in the future, nor before `not_before`."""
    if value in (None, ""):
        return date.today()
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        errors[name] = _("Not a date; use YYYY-MM-DD.")
        return date.today()
    if problem := date_problem(day):
        errors[name] = problem
    elif day > date.today():
        errors[name] = _("The date cannot be in the future.")
    elif not_before is not None and day < not_before:
        errors[name] = _("The date cannot be before %(date)s.", date=not_before.isoformat())
    return day


def _days(value: Any, outcome: DecisionOutcome | None, errors: dict[str, str]) -> Decimal | None:
    text = str(value if value is not None else "").strip().replace(",", ".").replace(" ", "")
    amount = None
    if text:
        try:
            amount = Decimal(text)
            if not amount.is_finite() or amount < 0 or amount > MAX_DAYS or amount != round(amount, 1):
                raise InvalidOperation
        except InvalidOperation:
            errors["committed_days"] = _("A number of person-days from 0 to 100 000, with at most one decimal.")
            return None
    if outcome is DecisionOutcome.approve and amount is None:
        errors["committed_days"] = _("An approval commits person-days: write how many (0 if none).")
    elif outcome in (DecisionOutcome.reject, DecisionOutcome.defer) and amount:
        errors["committed_days"] = _("Only an approval commits person-days; leave the field empty.")
        return None
    return amount if outcome is DecisionOutcome.approve else None


# ---------------------------------------------------------------- recommendations


def recommendation_refusal(need: Need, outcome: str | None = None) -> str | None:
    """Why the steering group cannot give the need this recommendation (by default: prioritise now,
    later or not) in its present state; None if it can. A meeting's agenda takes only needs it can
    recommend."""
    clarify = outcome == RecommendationOutcome.clarify.value
    return _recommendation_refusal(need, NeedState.clarified if clarify else NeedState.recommended)


def _recommendation_refusal(need: Need, target: NeedState) -> str | None:
    """Why the need cannot take this recommendation now; None if it can."""
    if need.owning_area_id is None:
        return _("The need is not routed to an area yet, so no steering group can recommend it.")
    if need.state is NeedState.recommended and target is NeedState.recommended:
        return None  # a repeated recommendation: the line decides again on the new advice
    if need.state is NeedState.recommended:
        return _(
            "The need is recommended already. To send it back for clarification, first move it back to "
            "“Ready for the steering group”."
        )
    if need.state is NeedState.deferred:
        return _(
            "A deferred need goes back on the agenda first: move it to “Ready for the steering group”, then "
            "record the new recommendation."
        )
    if need.state in lifecycle.DECIDED:
        return _(
            "The need is decided (%(state)s) and closed to new recommendations. The steering group can reopen "
            "it, with the reason; then it is ready for a new recommendation.",
            state=lifecycle.state_label(need.state),
        )
    if need.state is not NeedState.ready:
        return _(
            "Only a need that is ready for the steering group can be given a recommendation (this one is: %(state)s).",
            state=lifecycle.state_label(need.state),
        )
    return lifecycle.refusal(need.kind, need.state, target)


async def record_recommendation(
    session: AsyncSession,
    principal: Principal | None,
    need: Need,
    outcome: str,
    rationale: str,
    *,
    meeting_id: int | None = None,
    recorded_on: date | str | None = None,
) -> Recommendation:
    """Record the steering group's advice on a need; then the need waits for the line (recommended),
    or goes back for clarification (clarified)."""
    if not may_recommend(principal, need):
        raise PermissionDeniedException(detail=_("Only the area's steering group records its recommendations."))
    errors: dict[str, str] = {}
    try:
        chosen = RecommendationOutcome(outcome)
    except ValueError:
        chosen = None
        errors["outcome"] = _("Choose from the list.")
    text = _rationale(rationale, errors)
    day = _day(recorded_on, "recorded_on", errors, not_before=need.raised_on)
    if chosen is not None:
        target = NeedState.clarified if chosen is RecommendationOutcome.clarify else NeedState.recommended
        if reason := _recommendation_refusal(need, target):
            errors["state"] = reason
    if errors:
        raise FormErrors(errors)
    recommendation = Recommendation(
        need_id=need.id,
        meeting_id=meeting_id,
        area_id=need.owning_area_id,
        outcome=chosen,
        rationale=text,
        recorded_on=day,
        recorded_by_id=principal.person_id,
        recorded_by_name=principal.name,
    )
    session.add(recommendation)
    await session.flush()
    await changes.record(session, ChangeAction.create, recommendation, message=text[:500])
    if need.state is not target:
        label = recommendation_labels()[chosen.value]
        await needs.transition(session, principal, need, target.value, _("Recommendation: %(outcome)s", outcome=label))
    return recommendation


MAX_REOPEN_REASON = 2000


async def reopen(session: AsyncSession, principal: Principal | None, need: Need, reason: Any) -> Need:
    """The steering group takes a decided need back (e.g. the need has changed): it goes back to
    "ready for the steering group" with the reason. Nothing is overwritten: the earlier
    recommendations and decisions stay in the history, and the next recommendation opens a new
    round in which every affected department decides again."""
    if not may_recommend(principal, need):
        raise PermissionDeniedException(detail=_("Only the area's steering group reopens a decided need."))
    errors: dict[str, str] = {}
    text = (reason if isinstance(reason, str) else "").strip()
    if "\x00" in text:
        errors["reopen_reason"] = _("Contains a character that is not allowed.")
    elif not text:
        errors["reopen_reason"] = _("Say why the need is reopened: it goes into the need's history.")
    elif len(text) > MAX_REOPEN_REASON:
        errors["reopen_reason"] = _(
            "At most %(limit)d characters (you typed %(count)d).", limit=MAX_REOPEN_REASON, count=len(text)
        )
    if refusal := lifecycle.reopen_refusal(need.state):
        errors["state"] = refusal
    if errors:
        raise FormErrors(errors)
    return await needs.transition(
        session,
        principal,
        need,
        NeedState.ready.value,
        _("Reopened by the steering group: %(reason)s", reason=text),
        reopen=True,
    )


# ---------------------------------------------------------------- line decisions


def _department_id(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise FormErrors({"department_id": _("Choose from the list.")}) from None
    if not 0 < number < 2**63:
        raise FormErrors({"department_id": _("Choose from the list.")})
    return number


async def record_decision(
    session: AsyncSession, principal: Principal | None, need: Need, department_id: Any, raw: Mapping[str, Any]
) -> LineDecision:
    """Record one department's binding decision on a recommended need (superseding its earlier one),
    then move the need when all the affected departments' decisions settle its state."""
    department = _department_id(department_id)
    if not may_decide(principal, department):
        raise PermissionDeniedException(
            detail=_("Only the department's head or deputy head records its line decision.")
        )
    affected = await queries.affected_departments(session, need.id)
    if department not in affected:
        raise FormErrors({"department_id": _("The need does not list this department as affected.")})
    errors: dict[str, str] = {}
    if need.state in lifecycle.DECIDED:
        errors["state"] = _(
            "The need is decided (%(state)s): its line decisions are closed. To change a decision, the steering "
            "group reopens the need and recommends it again; then every affected department decides anew.",
            state=lifecycle.state_label(need.state),
        )
    elif need.state is not NeedState.recommended:
        errors["state"] = _(
            "Only a need the steering group has recommended can be decided (this one is: %(state)s).",
            state=lifecycle.state_label(need.state),
        )
    try:
        outcome = DecisionOutcome(raw.get("outcome"))
    except ValueError:
        outcome = None
        errors["outcome"] = _("Choose approve, reject or defer.")
    text = _rationale(raw.get("rationale"), errors)
    days = _days(raw.get("committed_days"), outcome, errors)
    round_id = await queries.latest_recommendation_id(session, need.id)
    current = await queries.current_decisions(session, need.id, round_id)
    earlier = current.get(department)
    not_before = earlier.decided_on if earlier else need.raised_on
    day = _day(raw.get("decided_on"), "decided_on", errors, not_before=not_before)
    if errors:
        raise FormErrors(errors)
    decision = LineDecision(
        need_id=need.id,
        department_id=department,
        outcome=outcome,
        rationale=text,
        committed_days=days,
        decided_on=day,
        decided_by_id=principal.person_id,
        decided_by_name=principal.name,
        recommendation_id=round_id,
        supersedes_id=earlier.id if earlier else None,
    )
    session.add(decision)
    await session.flush()
    await changes.record(
        session,
        ChangeAction.create,
        decision,
        message=(_("Supersedes decision #%(id)d", id=earlier.id) if earlier else "")[:500],
    )
    outcomes = {dept: row.outcome for dept, row in current.items()} | {department: outcome}
    derived = rules.derive_state(affected, outcomes)
    if derived.state is not None:
        await needs.transition(session, principal, need, derived.state.value, derived.explanation)
    return decision
