"""Processes and what is recorded about them: appointments, team, mandate versions, RACI matrix, needs."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.areas.models import Department, Institution, SupportArea
from registry.db.base import Base
from registry.db.versioning import Versioned
from registry.people.models import Person


def _enum(kind: type[enum.Enum], length: int = 20) -> Enum:
    return Enum(kind, native_enum=False, length=length, validate_strings=True)


class AllocationUnit(enum.StrEnum):
    hours_per_month = "hours_per_month"
    percent = "percent"  # of full time


class RaciValue(enum.StrEnum):
    """HUKI: R = utførende (does the work), A = hovedansvarlig (accountable), C = konsulteres, I = informeres."""

    R = "R"
    A = "A"
    C = "C"
    I = "I"  # noqa: E741 - the letter of the matrix


class RaciColumnKind(enum.StrEnum):
    role = "role"
    person = "person"
    department = "department"


class Process(Versioned, Base):
    """A process or service (e.g. admissions), owned by a process owner (a director)."""

    __tablename__ = "process"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    owning_area_id: Mapped[int | None] = mapped_column(ForeignKey("support_area.id", ondelete="SET NULL"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)

    owning_area: Mapped[SupportArea | None] = relationship(lazy="raise")
    owner: Mapped[Person | None] = relationship(lazy="raise")
    departments: Mapped[list[Department]] = relationship(
        secondary="process_department", order_by="Department.name", lazy="raise", viewonly=True
    )
    appointments: Mapped[list[ProcessAppointment]] = relationship(
        back_populates="process", cascade="all, delete-orphan", lazy="raise", order_by="ProcessAppointment.id.desc()"
    )
    team: Mapped[list[TeamMember]] = relationship(
        back_populates="process", cascade="all, delete-orphan", lazy="raise", order_by="TeamMember.id"
    )

    def __str__(self) -> str:
        return self.name


class ProcessDepartment(Base):
    """A department with a part in the process: the team should represent each of them."""

    __tablename__ = "process_department"
    __table_args__ = (UniqueConstraint("process_id", "department_id"),)

    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="RESTRICT"), index=True)


class ProcessNeed(Base):
    """A development need that concerns the process."""

    __tablename__ = "process_need"
    __table_args__ = (UniqueConstraint("process_id", "need_id"),)

    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)


class ProcessAppointment(Base):
    """The owner appoints a process responsible (prosessansvarlig). Every appointment is kept:
    the current one has no end date."""

    __tablename__ = "process_appointment"
    __table_args__ = (Index("ix_process_appointment_person_ended", "person_id", "ended_on"),)

    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    appointed_by_name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    process: Mapped[Process] = relationship(back_populates="appointments", lazy="raise")
    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="raise")

    @property
    def name(self) -> str:
        return f"#{self.process_id} → #{self.person_id}"


class TeamMember(Base):
    """A member of the process team: a person, the department or institution they represent, their
    role in the process and the time allocated to it for a period."""

    __tablename__ = "process_team_member"

    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="SET NULL"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id", ondelete="SET NULL"), index=True)
    role: Mapped[str] = mapped_column(String(200))
    allocation: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    allocation_unit: Mapped[AllocationUnit] = mapped_column(_enum(AllocationUnit))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    process: Mapped[Process] = relationship(back_populates="team", lazy="raise")
    person: Mapped[Person] = relationship(lazy="raise")
    department: Mapped[Department | None] = relationship(lazy="raise")
    institution: Mapped[Institution | None] = relationship(lazy="raise")

    @property
    def name(self) -> str:
        return self.role


class Mandate(Base):
    """One version of the process team's mandate. Drafted by the process responsible, approved by
    the owner; an approved version is never changed, a change is a new version."""

    __tablename__ = "process_mandate"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(Text, default="")  # scope and boundaries
    goals: Mapped[str] = mapped_column(Text, default="")
    deliverables: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reporting: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    drafted_by_name: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    approved_by_name: Mapped[str] = mapped_column(String(200), default="")

    @property
    def name(self) -> str:
        return f"v{self.version}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class RaciActivity(Base):
    """A row of the process's RACI (HUKI) matrix, in order."""

    __tablename__ = "raci_activity"
    __table_args__ = (Index("ix_raci_activity_process_position", "process_id", "position"),)

    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))


class RaciColumn(Base):
    """A column of the matrix: a role (by name), a person or a department."""

    __tablename__ = "raci_column"
    __table_args__ = (Index("ix_raci_column_process_position", "process_id", "position"),)

    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[RaciColumnKind] = mapped_column(_enum(RaciColumnKind))
    role_name: Mapped[str] = mapped_column(String(200), default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="RESTRICT"), index=True)

    person: Mapped[Person | None] = relationship(lazy="raise")
    department: Mapped[Department | None] = relationship(lazy="raise")

    @property
    def name(self) -> str:
        if self.kind is RaciColumnKind.role:
            return self.role_name
        return f"{self.kind.value} #{self.person_id or self.department_id}"


class RaciAssignment(Base):
    """One filled cell of the matrix: R, A, C or I (an empty cell has no row)."""

    __tablename__ = "raci_assignment"
    __table_args__ = (UniqueConstraint("activity_id", "column_id"),)

    activity_id: Mapped[int] = mapped_column(ForeignKey("raci_activity.id", ondelete="CASCADE"), index=True)
    column_id: Mapped[int] = mapped_column(ForeignKey("raci_column.id", ondelete="CASCADE"), index=True)
    value: Mapped[RaciValue] = mapped_column(_enum(RaciValue, 1))


# What the change log keeps with each object besides its columns.
Process.__audit_links__ = {
    "department_ids": (ProcessDepartment.process_id, ProcessDepartment.department_id),
    "need_ids": (ProcessNeed.process_id, ProcessNeed.need_id),
    "appointments": (
        ProcessAppointment.process_id,
        (ProcessAppointment.starts_on, ProcessAppointment.person_id, ProcessAppointment.ended_on),
    ),
    "activities": (RaciActivity.process_id, (RaciActivity.position, RaciActivity.name)),
}
RaciActivity.__audit_links__ = {"cells": (RaciAssignment.activity_id, (RaciAssignment.column_id, RaciAssignment.value))}
RaciColumn.__audit_links__ = {"cells": (RaciAssignment.column_id, (RaciAssignment.activity_id, RaciAssignment.value))}
