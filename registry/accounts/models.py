from __future__ import annotations

import enum
from datetime import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db.base import Base
from registry.people.models import Person


class Role(enum.StrEnum):
    viewer = "viewer"
    coordinator = "coordinator"  # of an area
    steering_member = "steering_member"  # of an area's steering group
    department_head = "department_head"  # of a department
    deputy_head = "deputy_head"  # named deputy of a department head
    process_owner = "process_owner"  # of processes
    admin = "admin"


AREA_ROLES = {Role.coordinator, Role.steering_member}
DEPARTMENT_ROLES = {Role.department_head, Role.deputy_head}


class Account(Base):
    """A local log-in for a person."""

    __tablename__ = "account"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    username: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    person: Mapped[Person] = relationship(lazy="raise")

    def __str__(self) -> str:
        return self.username

    @property
    def name(self) -> str:
        return self.username


class RoleAssignment(Base):
    """A role a person holds, scoped to an area or a department where the role calls for it."""

    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("person_id", "role", "area_id", "department_id"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=40, validate_strings=True), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("support_area.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"), index=True)

    person: Mapped[Person] = relationship(lazy="raise")

    @property
    def name(self) -> str:
        return f"{self.role.value} #{self.person_id}"


class UserSession(Base):
    """A logged-in browser. Only a hash of the cookie's token is stored; revoking a row logs it out."""

    __tablename__ = "user_session"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    last_seen_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class LoginAttempt(Base):
    """Failed log-ins, counted to slow down password guessing (shared by every app worker)."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_created", "username", "created_at"),
        Index("ix_login_attempt_ip_created", "ip_address", "created_at"),
    )

    username: Mapped[str] = mapped_column(String(254))
    ip_address: Mapped[str] = mapped_column(String(64))
