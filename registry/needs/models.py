"""Development needs (utvecklingsbehov) and everything recorded about them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Date, Enum, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, event, or_, select
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship, with_loader_criteria

from registry.areas.models import Department, Institution, SupportArea
from registry.db.base import Base
from registry.db.versioning import Versioned
from registry.people.models import Person


def _enum(kind: type[enum.Enum], length: int = 40) -> Enum:
    return Enum(kind, native_enum=False, length=length, validate_strings=True)


class NeedState(enum.StrEnum):
    submitted = "submitted"
    clarified = "clarified"
    ready = "ready"  # ready for the steering group
    recommended = "recommended"
    approved = "approved"
    rejected = "rejected"
    deferred = "deferred"
    in_progress = "in_progress"
    done = "done"
    followed_up = "followed_up"  # benefits followed up
    withdrawn = "withdrawn"
    merged = "merged"


class NeedKind(enum.StrEnum):
    small_improvement = "small_improvement"  # straight into operation
    development_project = "development_project"  # needs the steering group


class Channel(enum.StrEnum):
    dialogue_arena = "dialogue_arena"
    intake_form = "intake_form"
    email = "email"
    meeting = "meeting"
    other = "other"


class DepartmentRole(enum.StrEnum):
    lead = "lead"
    contributes = "contributes"
    affected = "affected"


class LinkKind(enum.StrEnum):
    depends_on = "depends_on"
    blocks = "blocks"
    relates_to = "relates_to"
    duplicate_of = "duplicate_of"


class Need(Versioned, Base):
    __tablename__ = "need"
    __table_args__ = (
        Index("ix_need_state_id", "state", "id"),
        Index("ix_need_area_id", "owning_area_id", "id"),
        Index("ix_need_raised_on_id", "raised_on", "id"),
        Index("ix_need_updated_at_id", "updated_at", "id"),
        # The needs list: the state filter with each sort reads its 50 rows straight off an index.
        Index("ix_need_state_updated_at_id", "state", "updated_at", "id"),
        Index("ix_need_state_raised_on_id", "state", "raised_on", "id"),
        Index("ix_need_state_title_id", "state", "title", "id"),
        Index("ix_need_title_id", "title", "id"),
    )

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    clarified_need: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    proposed_coordination: Mapped[str] = mapped_column(Text, default="")
    raised_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    raised_by_name: Mapped[str] = mapped_column(String(200), default="")  # as the submitter wrote it
    raised_by_institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institution.id", ondelete="SET NULL"), index=True
    )
    raised_by_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[Channel] = mapped_column(_enum(Channel), default=Channel.other)
    raised_on: Mapped[date] = mapped_column(Date)
    owning_area_id: Mapped[int | None] = mapped_column(ForeignKey("support_area.id", ondelete="SET NULL"))
    kind: Mapped[NeedKind] = mapped_column(_enum(NeedKind), default=NeedKind.development_project, index=True)
    category: Mapped[str] = mapped_column(String(100), default="", index=True)
    state: Mapped[NeedState] = mapped_column(_enum(NeedState), default=NeedState.submitted)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("need.id", ondelete="SET NULL"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    # The import that created the need (NeedImport); nobody sees the need until that is published.
    import_batch_id: Mapped[int | None] = mapped_column(index=True)

    raised_by_person: Mapped[Person | None] = relationship(foreign_keys=[raised_by_person_id], lazy="raise")
    raised_by_institution: Mapped[Institution | None] = relationship(lazy="raise")
    raised_by_department: Mapped[Department | None] = relationship(lazy="raise")
    owning_area: Mapped[SupportArea | None] = relationship(lazy="raise")
    departments: Mapped[list[NeedDepartment]] = relationship(
        back_populates="need", cascade="all, delete-orphan", lazy="raise", order_by="NeedDepartment.id"
    )
    tags: Mapped[list[NeedTag]] = relationship(cascade="all, delete-orphan", lazy="raise", order_by="NeedTag.name")
    other_areas: Mapped[list[SupportArea]] = relationship(secondary="need_area", lazy="raise", viewonly=True)

    def __str__(self) -> str:
        return f"#{self.id} {self.title}"

    @property
    def name(self) -> str:
        return self.title


class NeedArea(Base):
    """Another area concerned by the need, besides the owning one."""

    __tablename__ = "need_area"
    __table_args__ = (UniqueConstraint("need_id", "area_id"),)

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("support_area.id", ondelete="RESTRICT"), index=True)


class NeedDepartment(Base):
    """A department the need affects: its role and its estimated effort in person-days."""

    __tablename__ = "need_department"
    __table_args__ = (
        UniqueConstraint("need_id", "department_id"),
        Index("ix_need_department_dept", "department_id", "need_id"),
    )

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="RESTRICT"))
    role: Mapped[DepartmentRole] = mapped_column(_enum(DepartmentRole, 20), default=DepartmentRole.affected)
    effort_days: Mapped[Decimal | None] = mapped_column(Numeric(8, 1))

    need: Mapped[Need] = relationship(back_populates="departments", lazy="raise")
    department: Mapped[Department] = relationship(lazy="raise")


class NeedTag(Base):
    __tablename__ = "need_tag"
    __table_args__ = (UniqueConstraint("need_id", "name"), Index("ix_need_tag_name", "name", "need_id"))

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))


class NeedLink(Base):
    __tablename__ = "need_link"
    __table_args__ = (UniqueConstraint("from_need_id", "to_need_id", "kind"),)

    from_need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    to_need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    kind: Mapped[LinkKind] = mapped_column(_enum(LinkKind, 20))

    from_need: Mapped[Need] = relationship(foreign_keys=[from_need_id], lazy="raise")
    to_need: Mapped[Need] = relationship(foreign_keys=[to_need_id], lazy="raise")

    @property
    def name(self) -> str:
        return f"#{self.from_need_id} {self.kind.value} #{self.to_need_id}"


class NeedComment(Base):
    __tablename__ = "need_comment"

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)

    @property
    def name(self) -> str:
        return f"#{self.need_id}"


class NeedTransition(Base):
    """A change of state: who, when, from what to what, and why."""

    __tablename__ = "need_transition"

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[NeedState | None] = mapped_column(_enum(NeedState))
    to_state: Mapped[NeedState] = mapped_column(_enum(NeedState))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(Text, default="")

    @property
    def name(self) -> str:
        return f"#{self.need_id} → {self.to_state.value}"


class SavedView(Base):
    """A coordinator's saved filter of the needs table."""

    __tablename__ = "saved_view"
    __table_args__ = (UniqueConstraint("person_id", "name"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(2000))


Need.__audit_links__ = {
    "other_area_ids": (NeedArea.need_id, NeedArea.area_id),
    "tags": (NeedTag.need_id, NeedTag.name),
    "departments": (
        NeedDepartment.need_id,
        (NeedDepartment.department_id, NeedDepartment.role, NeedDepartment.effort_days),
    ),
}


class NeedImport(Base):
    """One import of needs from a file. Its new needs are written in short transactions, marked with
    the import's id (`Need.import_batch_id`) and seen by nobody, until one short transaction publishes
    them all; an import that fails, or whose process died (no heartbeat for `STALE_AFTER`), is
    removed with everything it wrote."""

    __tablename__ = "need_import"

    filename: Mapped[str] = mapped_column(String(300))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(200))
    heartbeat_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)

    @property
    def name(self) -> str:
        return self.filename


# ---------------------------------------------------------------- needs of an unpublished import are unseen

_need_table = Need.__table__
_import_table = NeedImport.__table__
# Imports not yet published, and their needs (Core, so that the criteria below do not apply inside).
_PENDING_IMPORTS = select(_import_table.c.id).where(_import_table.c.published_at.is_(None))
_PENDING_NEEDS = select(_need_table.c.id).where(_need_table.c.import_batch_id.in_(_PENDING_IMPORTS))


@event.listens_for(Session, "do_orm_execute")
def _hide_pending_imports(state: ORMExecuteState) -> None:
    """Every ORM query, whoever wrote it, leaves out the needs of an import not yet published, and
    the rows that belong to them. Publishing is then one row's change, however large the import."""
    if not state.is_select:
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            Need,
            lambda cls: or_(cls.import_batch_id.is_(None), cls.import_batch_id.not_in(_PENDING_IMPORTS)),
            include_aliases=True,
        ),
        *(
            with_loader_criteria(child, child.need_id.not_in(_PENDING_NEEDS), include_aliases=True)
            for child in (NeedDepartment, NeedArea, NeedTag, NeedTransition)
        ),
    )
