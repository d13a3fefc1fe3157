"""Notifications in the registry, who follows which need, what each person wants to hear about, and
the e-mail outbox (written in the same transaction as the change, sent after it commits)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db.base import Base


class NotificationKind(enum.StrEnum):
    state_changed = "state_changed"  # a followed need changed state
    routed = "routed"  # a followed need was routed to an area
    merged = "merged"  # a followed need was merged into another
    recommended = "recommended"  # the steering group recommended a followed need
    decided = "decided"  # a department decided on a followed need
    decision_awaited = "decision_awaited"  # a recommended need waits for my department's decision
    need_arrived = "need_arrived"  # a need arrived in an area I coordinate
    mandate_awaits = "mandate_awaits"  # a mandate of a process I own waits for my approval


def _enum() -> Enum:
    return Enum(NotificationKind, native_enum=False, length=40, validate_strings=True)


class Notification(Base):
    """One thing one person is told. The words are made when it is read, in the reader's language,
    from the kind and `data`."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_person_read", "person_id", "read_at", "id"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(_enum())
    need_id: Mapped[int | None] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    process_id: Mapped[int | None] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(300))
    read_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    @property
    def name(self) -> str:
        return f"{self.kind.value} #{self.id}"


class NeedFollower(Base):
    """A person who follows a need (its submitter does from the start, until they unfollow)."""

    __tablename__ = "need_follower"
    __table_args__ = (UniqueConstraint("need_id", "person_id"),)

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)

    @property
    def name(self) -> str:
        return f"#{self.need_id} ← {self.person_id}"


class NotificationPreference(Base):
    """What a person wants to hear about one kind of event, and how. Without a row: everything, both ways."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("person_id", "kind"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NotificationKind] = mapped_column(_enum())
    in_registry: Mapped[bool] = mapped_column(Boolean, default=True)
    by_email: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def name(self) -> str:
        return self.kind.value


class OutboxEmail(Base):
    """An e-mail to send, written in the transaction that caused it. The sender claims a row, sends
    it, and marks it sent; a failure is retried later (`next_attempt_at`)."""

    __tablename__ = "outbox_email"
    __table_args__ = (Index("ix_outbox_email_pending", "sent_at", "next_attempt_at", "id"),)

    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id", ondelete="SET NULL"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    claimed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    notification: Mapped[Notification | None] = relationship(lazy="raise")
