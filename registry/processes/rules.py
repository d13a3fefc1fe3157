"""Plain rules about process teams and mandates: time allocated, departments represented, mandates
about to expire, and what changed between two versions of a mandate."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# A full-time month: 40 hours a week, 52 weeks a year, over 12 months.
FULL_TIME_HOURS_PER_MONTH = Decimal("173.3")
EXPIRY_WARNING_DAYS = 60


def hours_per_month(allocation: Decimal, unit: str) -> Decimal:
    """Allocated time in hours a month, whether it was given in hours or as a share of full time."""
    if unit == "percent":
        return (allocation * FULL_TIME_HOURS_PER_MONTH / 100).quantize(Decimal("0.1"))
    return Decimal(allocation).quantize(Decimal("0.1"))


def is_current(starts_on: date | None, ends_on: date | None, today: date) -> bool:
    return (starts_on is None or starts_on <= today) and (ends_on is None or ends_on >= today)


@dataclass(frozen=True)
class TeamTime:
    hours_per_month: Decimal
    full_time_equivalents: Decimal
    members: int


def team_time(members: Iterable[tuple[Decimal, str, date | None, date | None]], today: date) -> TeamTime:
    """Total time allocated to the process by the members whose period covers `today`:
    members are (allocation, unit, starts_on, ends_on)."""
    hours = Decimal("0.0")
    count = 0
    for allocation, unit, starts_on, ends_on in members:
        if is_current(starts_on, ends_on, today):
            hours += hours_per_month(allocation, unit)
            count += 1
    return TeamTime(hours, (hours / FULL_TIME_HOURS_PER_MONTH).quantize(Decimal("0.01")), count)


def unrepresented(process_departments: Iterable[int], member_departments: Iterable[int | None]) -> set[int]:
    """The process's departments that have nobody in the team."""
    return set(process_departments) - {d for d in member_departments if d is not None}


def expiry(ends_on: date | None, today: date, warning_days: int = EXPIRY_WARNING_DAYS) -> str | None:
    """'ended' if the mandate's period has ended, 'ending' if it ends within `warning_days`, else None."""
    if ends_on is None:
        return None
    if ends_on < today:
        return "ended"
    if (ends_on - today).days <= warning_days:
        return "ending"
    return None


_WORDS = re.compile(r"\S+|\s+")


def text_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word by word: ("same" | "removed" | "added", text) pieces, in reading order."""
    old, new = _WORDS.findall(before or ""), _WORDS.findall(after or "")
    pieces: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(old[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("removed", "".join(old[a1:a2])))
        if b2 > b1:
            pieces.append(("added", "".join(new[b1:b2])))
    return pieces


def compare(before: Mapping[str, object], after: Mapping[str, object], fields: Iterable[str]) -> list[dict]:
    """Field by field: for each field its pieces and whether it changed."""
    result = []
    for name in fields:
        old, new = before.get(name), after.get(name)
        old_text = old.isoformat() if isinstance(old, date) else str(old or "")
        new_text = new.isoformat() if isinstance(new, date) else str(new or "")
        result.append({"field": name, "changed": old_text != new_text, "pieces": text_diff(old_text, new_text)})
    return result
