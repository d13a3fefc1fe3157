"""Benefits (nytta / gevinster) of an approved need or of a process, and their measurements."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, Enum, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db.base import Base
from registry.db.versioning import Versioned
from registry.needs.models import Need
from registry.people.models import Person
from registry.processes.models import Process


def _enum(kind: type[enum.Enum], length: int = 20) -> Enum:
    return Enum(kind, native_enum=False, length=length, validate_strings=True)


class BenefitType(enum.StrEnum):
    quality = "quality"
    time = "time"
    cost = "cost"
    satisfaction = "satisfaction"


class Frequency(enum.StrEnum):
    weekly = "weekly"
    monthly = "monthly"
    quarterly = "quarterly"
    yearly = "yearly"


class Benefit(Versioned, Base):
    """A planned benefit with its result indicator: from a baseline (measured on `starts_on`) to a
    target by the target date; who measures it, how and how often."""

    __tablename__ = "benefit"
    __table_args__ = (
        CheckConstraint("(need_id IS NULL) <> (process_id IS NULL)", name="need_or_process"),
        Index("ix_benefit_target_date", "target_date", "id"),
    )

    need_id: Mapped[int | None] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    process_id: Mapped[int | None] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    benefit_type: Mapped[BenefitType] = mapped_column(_enum(BenefitType), index=True)
    indicator: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(40), default="")
    baseline: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    target: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    starts_on: Mapped[date] = mapped_column(Date)
    target_date: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[Frequency] = mapped_column(_enum(Frequency), default=Frequency.monthly)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)

    need: Mapped[Need | None] = relationship(lazy="raise")
    process: Mapped[Process | None] = relationship(lazy="raise")
    responsible: Mapped[Person | None] = relationship(lazy="raise")
    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="benefit",
        cascade="all, delete-orphan",
        lazy="raise",
        order_by="(Measurement.measured_on, Measurement.id)",
    )

    @property
    def name(self) -> str:
        return self.indicator


class Measurement(Base):
    """A value of the benefit's indicator, measured on a day."""

    __tablename__ = "benefit_measurement"
    __table_args__ = (Index("ix_benefit_measurement_benefit_day", "benefit_id", "measured_on"),)

    benefit_id: Mapped[int] = mapped_column(ForeignKey("benefit.id", ondelete="CASCADE"))
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_name: Mapped[str] = mapped_column(String(200), default="")

    benefit: Mapped[Benefit] = relationship(back_populates="measurements", lazy="raise")

    @property
    def name(self) -> str:
        return f"{self.measured_on.isoformat()}: {self.value}"
