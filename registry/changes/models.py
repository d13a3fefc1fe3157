from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.db.base import Base


class ChangeAction(enum.StrEnum):
    create = "create"
    update = "update"
    delete = "delete"


class ChangeRecord(Base):
    """One create, update or delete of one object. `created_at` is when it happened."""

    __tablename__ = "change_record"
    __table_args__ = (
        Index("ix_change_record_object", "object_type", "object_id"),
        Index("ix_change_record_created_at", "created_at"),
    )

    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(String(200))  # kept even if the person is removed
    object_type: Mapped[str] = mapped_column(String(60), index=True)
    object_id: Mapped[int] = mapped_column()
    object_label: Mapped[str] = mapped_column(String(300))
    action: Mapped[ChangeAction] = mapped_column(
        Enum(ChangeAction, native_enum=False, length=20, validate_strings=True)
    )
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str] = mapped_column(String(64), default="")
    message: Mapped[str] = mapped_column(Text, default="")
