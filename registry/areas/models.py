"""The organisation register of the VSO model: support-service areas, departments and their forums."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db.base import Base
from registry.db.versioning import Versioned
from registry.people.models import Person


class Department(Versioned, Base):
    """A department (avdelning) of the support organisation."""

    __tablename__ = "department"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(60), default="")
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL", use_alter=True), index=True
    )

    deputy_head_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL", use_alter=True), index=True
    )

    head: Mapped[Person | None] = relationship(foreign_keys=[head_id], lazy="raise")
    deputy_head: Mapped[Person | None] = relationship(foreign_keys=[deputy_head_id], lazy="raise")
    memberships: Mapped[list[AreaMembership]] = relationship(
        back_populates="department", cascade="all, delete-orphan", lazy="raise"
    )

    def __str__(self) -> str:
        return self.name


class Institution(Base):
    """An academic unit (institution) that raises development needs."""

    __tablename__ = "institution"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(60), default="")
    slug: Mapped[str] = mapped_column(String(100), unique=True)

    def __str__(self) -> str:
        return self.name


class SupportArea(Versioned, Base):
    """A support-service area (verksamhetsstödsområde, VSO)."""

    __tablename__ = "support_area"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    responsible_head_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)

    responsible_head: Mapped[Person | None] = relationship(lazy="raise")
    memberships: Mapped[list[AreaMembership]] = relationship(
        back_populates="area", cascade="all, delete-orphan", lazy="raise"
    )
    coordinators: Mapped[list[Person]] = relationship(
        secondary="area_coordinator", order_by="Person.name", lazy="raise", viewonly=True
    )
    steering_group: Mapped[SteeringGroup | None] = relationship(
        back_populates="area", cascade="all, delete-orphan", lazy="raise"
    )
    dialogue_arena: Mapped[DialogueArena | None] = relationship(
        back_populates="area", cascade="all, delete-orphan", lazy="raise"
    )

    def __str__(self) -> str:
        return self.name


class AreaMembership(Base):
    """A department belongs to an area. A department may belong to several areas."""

    __tablename__ = "area_membership"
    __table_args__ = (UniqueConstraint("area_id", "department_id"),)

    area_id: Mapped[int] = mapped_column(ForeignKey("support_area.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"), index=True)

    area: Mapped[SupportArea] = relationship(back_populates="memberships", lazy="raise")
    department: Mapped[Department] = relationship(back_populates="memberships", lazy="raise")


class AreaCoordinator(Base):
    """A development coordinator (verksamhetsutvecklare) working for an area."""

    __tablename__ = "area_coordinator"
    __table_args__ = (UniqueConstraint("area_id", "person_id"),)

    area_id: Mapped[int] = mapped_column(ForeignKey("support_area.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)


class SteeringRole(enum.StrEnum):
    chair = "chair"
    department_head = "department_head"
    coordinator = "coordinator"
    secretary = "secretary"
    member = "member"


class SteeringGroup(Base):
    """The area's advisory steering group (VSO-styrgrupp).

    By the model it consists of the heads of the area's departments, the area's responsible head and
    its coordinators; those seats are derived from the register. `members` holds everyone appointed
    by name beyond them.
    """

    __tablename__ = "steering_group"

    area_id: Mapped[int] = mapped_column(ForeignKey("support_area.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    meeting_cadence: Mapped[str] = mapped_column(String(200), default="")

    area: Mapped[SupportArea] = relationship(back_populates="steering_group", lazy="raise")
    members: Mapped[list[SteeringGroupMember]] = relationship(
        back_populates="steering_group", cascade="all, delete-orphan", lazy="raise"
    )


class SteeringGroupMember(Base):
    __tablename__ = "steering_group_member"
    __table_args__ = (UniqueConstraint("steering_group_id", "person_id"),)

    steering_group_id: Mapped[int] = mapped_column(ForeignKey("steering_group.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[SteeringRole] = mapped_column(
        Enum(SteeringRole, native_enum=False, length=40, validate_strings=True), default=SteeringRole.member
    )

    steering_group: Mapped[SteeringGroup] = relationship(back_populates="members", lazy="raise")
    person: Mapped[Person] = relationship(lazy="raise")

    @property
    def name(self) -> str:
        return f"{self.role.value} #{self.person_id}"


class ArenaSide(enum.StrEnum):
    support = "support"
    institution = "institution"


class DialogueArena(Base):
    """Where the support side and the institutions of an area meet (dialogarena)."""

    __tablename__ = "dialogue_arena"

    area_id: Mapped[int] = mapped_column(ForeignKey("support_area.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    meeting_cadence: Mapped[str] = mapped_column(String(200), default="")

    area: Mapped[SupportArea] = relationship(back_populates="dialogue_arena", lazy="raise")
    participants: Mapped[list[DialogueArenaParticipant]] = relationship(
        back_populates="arena", cascade="all, delete-orphan", lazy="raise"
    )


class DialogueArenaParticipant(Base):
    """A department (support side) or an institution taking part in an arena, optionally by a named person."""

    __tablename__ = "dialogue_arena_participant"

    arena_id: Mapped[int] = mapped_column(ForeignKey("dialogue_arena.id", ondelete="CASCADE"), index=True)
    side: Mapped[ArenaSide] = mapped_column(Enum(ArenaSide, native_enum=False, length=20, validate_strings=True))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    role: Mapped[str] = mapped_column(String(200), default="")

    arena: Mapped[DialogueArena] = relationship(back_populates="participants", lazy="raise")

    @property
    def name(self) -> str:
        return f"{self.side.value} #{self.institution_id or self.department_id}"

    department: Mapped[Department | None] = relationship(lazy="raise")
    institution: Mapped[Institution | None] = relationship(lazy="raise")
    person: Mapped[Person | None] = relationship(lazy="raise")


class VsoModel(Base):
    """The model itself: who owns it and which department administers it. One row."""

    __tablename__ = "vso_model"

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    administering_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="SET NULL"))

    owner: Mapped[Person | None] = relationship(lazy="raise")
    administering_department: Mapped[Department | None] = relationship(lazy="raise")


# What the change log keeps with an area or a department besides its columns: its memberships.
SupportArea.__audit_links__ = {
    "department_ids": (AreaMembership.area_id, AreaMembership.department_id),
    "coordinator_ids": (AreaCoordinator.area_id, AreaCoordinator.person_id),
}
Department.__audit_links__ = {"area_ids": (AreaMembership.department_id, AreaMembership.area_id)}
