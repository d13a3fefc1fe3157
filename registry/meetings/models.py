"""Meetings, their attendees, agenda, the departments' capacity for the period, and snapshots."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Date, Enum, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db.base import Base
from registry.db.versioning import Versioned
from registry.decisions.models import RecommendationOutcome as Advice  # the group's advice on an item


def _enum(kind: type[enum.Enum], length: int = 20) -> Enum:
    # Stored by value ("in", "not"), which need not be a Python name.
    return Enum(
        kind, native_enum=False, length=length, validate_strings=True, values_callable=lambda e: [m.value for m in e]
    )


class Forum(enum.StrEnum):
    steering_group = "steering_group"
    dialogue_arena = "dialogue_arena"


class MeetingState(enum.StrEnum):
    planned = "planned"
    closed = "closed"
    cancelled = "cancelled"  # called off, with its reason; its record stays


class Forced(enum.StrEnum):
    into = "in"  # above the cut-line whatever the capacity
    out = "out"  # below it whatever the rank


class Meeting(Versioned, Base):
    __tablename__ = "meeting"

    area_id: Mapped[int] = mapped_column(ForeignKey("support_area.id", ondelete="RESTRICT"), index=True)
    forum: Mapped[Forum] = mapped_column(_enum(Forum), default=Forum.steering_group)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    period_from: Mapped[date | None] = mapped_column(Date)  # the period the capacity is for
    period_to: Mapped[date | None] = mapped_column(Date)
    state: Mapped[MeetingState] = mapped_column(_enum(MeetingState), default=MeetingState.planned)
    closed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    closed_by_name: Mapped[str] = mapped_column(String(200), default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    area = relationship("SupportArea", lazy="raise")
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", lazy="raise", order_by="AgendaItem.position"
    )
    attendees: Mapped[list[MeetingAttendee]] = relationship(cascade="all, delete-orphan", lazy="raise")
    capacities: Mapped[list[DepartmentCapacity]] = relationship(cascade="all, delete-orphan", lazy="raise")

    @property
    def name(self) -> str:
        return f"{self.title} ({self.held_on.isoformat()})"

    @property
    def is_closed(self) -> bool:
        return self.state is MeetingState.closed

    @property
    def is_cancelled(self) -> bool:
        return self.state is MeetingState.cancelled

    @property
    def is_planned(self) -> bool:
        """Still being prepared or held: its agenda, capacity and record can change."""
        return self.state is MeetingState.planned


class MeetingAttendee(Base):
    __tablename__ = "meeting_attendee"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)

    person = relationship("Person", lazy="raise")


class AgendaItem(Base):
    """One need on a meeting's agenda, with what the meeting said about it. `version` grows with every
    save, so that two people editing the same item cannot silently overwrite each other."""

    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "need_id"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    advice: Mapped[Advice | None] = mapped_column(_enum(Advice))
    rationale: Mapped[str] = mapped_column(Text, default="")
    forced: Mapped[Forced | None] = mapped_column(_enum(Forced, 3))
    force_reason: Mapped[str] = mapped_column(Text, default="")
    edited_by_name: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    meeting: Mapped[Meeting] = relationship(back_populates="items", lazy="raise")
    need = relationship("Need", lazy="raise")

    __mapper_args__ = {"version_id_col": version}

    @property
    def name(self) -> str:
        return f"#{self.need_id}"


class DepartmentCapacity(Base):
    """The person-days a department can give to development in the meeting's period."""

    __tablename__ = "department_capacity"
    __table_args__ = (UniqueConstraint("meeting_id", "department_id"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="RESTRICT"), index=True)
    available_days: Mapped[Decimal] = mapped_column(Numeric(8, 1))

    department = relationship("Department", lazy="raise")


class MeetingSnapshot(Base):
    """What a closed meeting saw and said, frozen: ranking, weights, scores, recommendations."""

    __tablename__ = "meeting_snapshot"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    @property
    def name(self) -> str:
        return f"snapshot #{self.meeting_id}"


class RaisedAtMeeting(Base):
    """A need raised at a meeting (a dialogue arena's, usually): the meeting is its origin."""

    __tablename__ = "raised_at_meeting"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), unique=True)


class SnapshotIsFrozen(Exception):
    """A snapshot was about to be changed."""


@event.listens_for(MeetingSnapshot, "before_update")
def _refuse_update(_mapper, _connection, target: MeetingSnapshot) -> None:
    raise SnapshotIsFrozen(f"The snapshot of meeting {target.meeting_id} cannot be changed.")


Meeting.__audit_links__ = {
    "agenda": (AgendaItem.meeting_id, (AgendaItem.need_id, AgendaItem.position)),
    "attendee_ids": (MeetingAttendee.meeting_id, MeetingAttendee.person_id),
    "capacity": (DepartmentCapacity.meeting_id, (DepartmentCapacity.department_id, DepartmentCapacity.available_days)),
}
