"""Rules for benefits: every write to a benefit or a measurement goes through here, and is logged."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar.exceptions import NotFoundException, PermissionDeniedException
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.principal import Principal
from registry.benefits.models import Benefit, BenefitType, Frequency, Measurement
from registry.changes import service as changes
from registry.changes.models import ChangeAction
from registry.db import models as m
from registry.db.versioning import check_version
from registry.forms import Field, FormErrors, clean
from registry.i18n import gettext as _
from registry.i18n import lazy_gettext as _l
from registry.needs.models import NeedState
from registry.processes import services as processes

BENEFIT_FIELDS = [
    Field(
        "benefit_type",
        _l("Type of benefit"),
        kind="option",
        options=tuple(t.value for t in BenefitType),
        choices_key="types",
        required=True,
    ),
    Field(
        "indicator",
        _l("Result indicator"),
        required=True,
        max_length=200,
        help=_l("What is measured, e.g. “lead time from application to decision”."),
    ),
    Field("description", _l("The benefit in words"), kind="textarea", max_length=5000),
    Field("unit", _l("Unit"), max_length=40, help=_l("e.g. days, percent, SEK, points out of 5.")),
    Field("baseline", _l("Baseline"), required=True, max_length=30, help=_l("The value before the change.")),
    Field("starts_on", _l("Baseline measured on"), kind="date", required=True),
    Field(
        "target",
        _l("Target"),
        required=True,
        max_length=30,
        help=_l("May be below the baseline when less is better (lead time, cost)."),
    ),
    Field("target_date", _l("Target date"), kind="date", required=True),
    Field("method", _l("How it is measured"), kind="textarea", max_length=5000),
    Field(
        "frequency",
        _l("How often it is measured"),
        kind="option",
        options=tuple(f.value for f in Frequency),
        choices_key="frequencies",
        required=True,
    ),
    Field("responsible_id", _l("Responsible for measuring and following up"), kind="choice", choices_key="people"),
]

MEASUREMENT_FIELDS = [
    Field("measured_on", _l("Measured on"), kind="date", required=True),
    Field("value", _l("Value"), required=True, max_length=30),
    Field("note", _l("Note"), max_length=500),
]

# A need gets benefits planned once a line decision approved it.
PLANNABLE_STATES = {NeedState.approved, NeedState.in_progress, NeedState.done, NeedState.followed_up}
LIMIT = Decimal("1e12")


# ---------------------------------------------------------------- who may


def may_plan(principal: Principal | None, need: m.Need | None = None, process: m.Process | None = None) -> bool:
    """A need's benefits: its area's coordinators and steering group; a process's: its responsible and owner."""
    if principal is None:
        return False
    if principal.is_admin:
        return True
    if process is not None:
        return processes.manages(principal, process)
    if need is not None and need.owning_area_id is not None:
        return principal.coordinates(need.owning_area_id) or principal.steers(need.owning_area_id)
    return False


def may_measure(principal: Principal | None, benefit: Benefit) -> bool:
    """Those who plan the benefit, and the person responsible for measuring it."""
    if principal is None:
        return False
    return benefit.responsible_id == principal.person_id or may_plan(principal, benefit.need, benefit.process)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDeniedException(detail=_("Your roles do not allow this for this benefit."))


# ---------------------------------------------------------------- writing


def _number(text: Any, field: str, errors: dict[str, str]) -> Decimal | None:
    try:
        value = Decimal(str(text).strip().replace(",", ".").replace(" ", "").replace("\u00a0", ""))
        if not value.is_finite() or abs(value) >= LIMIT:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[field] = _("Not a number (e.g. 12 or 12.5).")
        return None
    return value.quantize(Decimal("0.01"))


async def save_benefit(
    session: AsyncSession,
    principal: Principal | None,
    raw: Mapping[str, Any],
    *,
    need: m.Need | None = None,
    process: m.Process | None = None,
    benefit: Benefit | None = None,
) -> Benefit:
    """Plan a benefit for a need or a process, or change one (`benefit`, loaded with its need or process)."""
    if benefit is not None:
        need, process = benefit.need, benefit.process
    if (need is None) == (process is None):
        raise NotFoundException()
    _require(may_plan(principal, need, process))
    if benefit is not None:
        check_version(benefit, raw)  # made from an older version: someone else saved in between
    values = clean(BENEFIT_FIELDS, raw)
    errors: dict[str, str] = {}
    if need is not None and need.state not in PLANNABLE_STATES:
        errors["need"] = _("Benefits are planned for a need once it is approved; this need is not.")
    for name in ("baseline", "target"):
        if values[name]:
            values[name] = _number(values[name], name, errors)
    if values["starts_on"] and values["target_date"] and values["target_date"] <= values["starts_on"]:
        errors["target_date"] = _("The target date must come after the baseline date.")
    if values["responsible_id"] is not None and await session.get(m.Person, values["responsible_id"]) is None:
        errors["responsible_id"] = _("No such entry; choose from the list.")
    if errors:
        raise FormErrors(errors)
    is_new = benefit is None
    before = None if is_new else await changes.snapshot(session, benefit)
    benefit = benefit or Benefit(need_id=need.id if need else None, process_id=process.id if process else None)
    for key, value in values.items():
        if key == "benefit_type":
            value = BenefitType(value)
        elif key == "frequency":
            value = Frequency(value)
        setattr(benefit, key, value)
    if is_new:
        session.add(benefit)
    await session.flush()
    await changes.record(session, ChangeAction.create if is_new else ChangeAction.update, benefit, before)
    return benefit


async def add_measurement(
    session: AsyncSession, principal: Principal | None, benefit: Benefit, raw: Mapping[str, Any]
) -> Measurement:
    _require(may_measure(principal, benefit))
    values = clean(MEASUREMENT_FIELDS, raw)
    errors: dict[str, str] = {}
    value = _number(values["value"], "value", errors)
    if values["measured_on"] and values["measured_on"] > date.today():
        errors["measured_on"] = _("A measurement cannot be in the future.")
    elif values["measured_on"] and values["measured_on"] < benefit.starts_on:
        errors["measured_on"] = _("Before the baseline was measured (%(day)s).", day=benefit.starts_on.isoformat())
    if errors:
        raise FormErrors(errors)
    measurement = Measurement(
        benefit_id=benefit.id,
        measured_on=values["measured_on"],
        value=value,
        note=values["note"],
        recorded_by_name=principal.name,
    )
    session.add(measurement)
    await session.flush()
    session.expire(benefit, ["measurements"])
    await changes.record(session, ChangeAction.create, measurement)
    return measurement


async def remove_measurement(
    session: AsyncSession, principal: Principal | None, benefit: Benefit, measurement_id: int
) -> None:
    _require(may_measure(principal, benefit))
    measurement = await session.get(Measurement, measurement_id)
    if measurement is None or measurement.benefit_id != benefit.id:
        raise NotFoundException()
    before = await changes.snapshot(session, measurement)
    await session.delete(measurement)
    await session.flush()
    session.expire(benefit, ["measurements"])
    await changes.record(session, ChangeAction.delete, measurement, before)
