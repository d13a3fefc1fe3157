"""Recommendations (advice from the steering group) and line decisions (binding, per department).

Both are records of what was said and decided: written once, never changed. A later recommendation
is a new row; a department that changes its mind records a new decision that supersedes the old one.
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Date, Enum, ForeignKey, Index, Numeric, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from registry.db.base import Base
from registry.needs.models import _enum


class RecommendationOutcome(enum.StrEnum):
    now = "now"  # prioritise now
    later = "later"  # prioritise later
    not_ = "not"  # do not prioritise
    clarify = "clarify"  # needs clarification first


class DecisionOutcome(enum.StrEnum):
    approve = "approve"
    reject = "reject"
    defer = "defer"


def _values_enum(kind: type[enum.Enum]) -> Enum:
    """Stored by value (`not` is a Python keyword, so that member's name differs from its value)."""
    return Enum(
        kind, native_enum=False, length=20, validate_strings=True, values_callable=lambda k: [m.value for m in k]
    )


class Recommendation(Base):
    """The steering group's advice on a need: prioritise now, later, not at all, or clarify first."""

    __tablename__ = "recommendation"
    __table_args__ = (Index("ix_recommendation_recorded_on_id", "recorded_on", "id"),)

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    # The meeting it was given at; the meetings' migration adds the foreign key.
    meeting_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    area_id: Mapped[int | None] = mapped_column(ForeignKey("support_area.id", ondelete="SET NULL"), index=True)
    outcome: Mapped[RecommendationOutcome] = mapped_column(_values_enum(RecommendationOutcome))
    rationale: Mapped[str] = mapped_column(Text)
    recorded_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    recorded_by_name: Mapped[str] = mapped_column(String(200))

    @property
    def name(self) -> str:
        return f"#{self.need_id}: {self.outcome.value}"


class LineDecision(Base):
    """One department's binding decision on a need, by its head or deputy."""

    __tablename__ = "line_decision"
    __table_args__ = (
        Index("ix_line_decision_need_department_id", "need_id", "department_id", "id"),
        Index("ix_line_decision_decided_on_id", "decided_on", "id"),
    )

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="RESTRICT"), index=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(_enum(DecisionOutcome, 20))
    rationale: Mapped[str] = mapped_column(Text)
    committed_days: Mapped[Decimal | None] = mapped_column(Numeric(8, 1))
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decided_by_name: Mapped[str] = mapped_column(String(200))
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendation.id", ondelete="SET NULL"), index=True
    )
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("line_decision.id", ondelete="SET NULL"), index=True)

    @property
    def name(self) -> str:
        return f"#{self.need_id}: {self.outcome.value}"


class RecordChanged(Exception):
    """A recommendation or a line decision was about to be changed: they are written once."""


@event.listens_for(Recommendation, "before_update")
@event.listens_for(LineDecision, "before_update")
def _written_once(_mapper, _connection, target) -> None:
    raise RecordChanged(f"{type(target).__name__} #{target.id} is a record: add a new one instead of changing it.")
