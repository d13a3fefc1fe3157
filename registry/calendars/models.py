"""A person's secret calendar link: calendar programs cannot log in, so the address is the key.
Only a hash of the token is kept; a new link replaces the old one."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.db.base import Base


class CalendarFeed(Base):
    __tablename__ = "calendar_feed"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)

    @property
    def name(self) -> str:
        return f"calendar link #{self.person_id}"
