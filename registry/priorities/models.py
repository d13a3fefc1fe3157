"""The strategy (strategy → goals), the scoring models and the raters' scores."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Enum, Float, ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db.base import Base
from registry.db.versioning import Versioned


class Strategy(Base):
    """The university's strategy and mission, valid for a period. `is_example` marks the seed's
    invented example, which every page that shows it says plainly."""

    __tablename__ = "strategy"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    mission: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)

    goals: Mapped[list[StrategicGoal]] = relationship(
        back_populates="strategy", cascade="all, delete-orphan", lazy="raise", order_by="StrategicGoal.position"
    )

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class StrategicGoal(Base):
    __tablename__ = "strategic_goal"

    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategy.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)

    strategy: Mapped[Strategy] = relationship(back_populates="goals", lazy="raise")

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class ScoringMethod(enum.StrEnum):
    weighted = "weighted"  # weighted sum of every criterion, effort counted as ease
    value_per_effort = "value_per_effort"  # WSJF-style: weighted value ÷ person-days


class GoalWeighting(enum.StrEnum):
    direct = "direct"  # the group types a weight per goal
    ahp = "ahp"  # weights derived from pairwise comparisons (AHP)


class ScoringModel(Base):
    """How an area's needs are scored. The row with no area is the registry-wide default, used by
    every area that has not made its own."""

    __tablename__ = "scoring_model"

    area_id: Mapped[int | None] = mapped_column(ForeignKey("support_area.id", ondelete="CASCADE"), unique=True)
    method: Mapped[ScoringMethod] = mapped_column(
        Enum(ScoringMethod, native_enum=False, length=30, validate_strings=True), default=ScoringMethod.weighted
    )
    goal_weighting: Mapped[GoalWeighting] = mapped_column(
        Enum(GoalWeighting, native_enum=False, length=20, validate_strings=True), default=GoalWeighting.direct
    )
    weight_alignment: Mapped[float] = mapped_column(Float, default=3.0)
    weight_benefit: Mapped[float] = mapped_column(Float, default=2.0)
    weight_urgency: Mapped[float] = mapped_column(Float, default=1.0)
    weight_risk_reduction: Mapped[float] = mapped_column(Float, default=1.0)
    weight_breadth: Mapped[float] = mapped_column(Float, default=1.0)
    weight_effort: Mapped[float] = mapped_column(Float, default=2.0)
    effort_half_days: Mapped[float] = mapped_column(Float, default=20.0)  # person-days at which ease is one half
    goal_weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # goal id → direct weight
    ahp_judgements: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # "a:b" → Saaty value of a over b

    @property
    def name(self) -> str:
        return f"scoring model #{self.id}" if self.area_id else "default scoring model"


class NeedScore(Versioned, Base):
    """One rater's scores for one need: each on 0–3. Every steering-group member scores on their own."""

    __tablename__ = "need_score"
    __table_args__ = (UniqueConstraint("need_id", "rater_id"),)

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    rater_name: Mapped[str] = mapped_column(String(200))
    benefit: Mapped[int] = mapped_column(SmallInteger)
    urgency: Mapped[int] = mapped_column(SmallInteger)
    risk_reduction: Mapped[int] = mapped_column(SmallInteger)
    alignment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # goal id → 0–3
    comment: Mapped[str] = mapped_column(Text, default="")

    @property
    def name(self) -> str:
        return f"#{self.need_id} – {self.rater_name}"
