from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db.base import Base
from registry.db.versioning import Versioned

if TYPE_CHECKING:
    from registry.areas.models import Department, Institution


class Person(Versioned, Base):
    """Someone on staff: in a department of the support organisation or at an institution."""

    __tablename__ = "person"

    name: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="SET NULL"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id", ondelete="SET NULL"), index=True)
    # The language of the e-mails the registry sends the person (sv, nb, en); None: the registry's default.
    language: Mapped[str | None] = mapped_column(String(8))

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id], lazy="raise")
    institution: Mapped[Institution | None] = relationship(lazy="raise")

    def __str__(self) -> str:
        return self.name
