"""organisation register

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "department",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=60), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("head_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("deputy_head_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("name", name=op.f("uq_department_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_department_slug")),
    )
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_department_head_id"), ["head_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_department_deputy_head_id"), ["deputy_head_id"], unique=False)

    op.create_table(
        "institution",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=60), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution")),
        sa.UniqueConstraint("name", name=op.f("uq_institution_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_institution_slug")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("department_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_person_department_id_department"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institution.id"],
            name=op.f("fk_person_institution_id_institution"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("email", name=op.f("uq_person_email")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_name"), ["name"], unique=False)

    # department and person refer to each other: the department's head is added once person exists.
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_department_head_id_person"), "person", ["head_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_department_deputy_head_id_person"), "person", ["deputy_head_id"], ["id"], ondelete="SET NULL"
        )

    op.create_table(
        "support_area",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("responsible_head_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["responsible_head_id"],
            ["person.id"],
            name=op.f("fk_support_area_responsible_head_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_area")),
        sa.UniqueConstraint("name", name=op.f("uq_support_area_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_support_area_slug")),
    )
    with op.batch_alter_table("support_area", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_area_responsible_head_id"), ["responsible_head_id"], unique=False)

    op.create_table(
        "vso_model",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_title", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("administering_department_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["administering_department_id"],
            ["department.id"],
            name=op.f("fk_vso_model_administering_department_id_department"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["person.id"], name=op.f("fk_vso_model_owner_id_person"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vso_model")),
    )
    op.create_table(
        "area_coordinator",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["support_area.id"], name=op.f("fk_area_coordinator_area_id_support_area"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_area_coordinator_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_coordinator")),
        sa.UniqueConstraint("area_id", "person_id", name=op.f("uq_area_coordinator_area_id")),
    )
    with op.batch_alter_table("area_coordinator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_coordinator_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_area_coordinator_person_id"), ["person_id"], unique=False)

    op.create_table(
        "area_membership",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("department_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["support_area.id"], name=op.f("fk_area_membership_area_id_support_area"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_area_membership_department_id_department"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_membership")),
        sa.UniqueConstraint("area_id", "department_id", name=op.f("uq_area_membership_area_id")),
    )
    with op.batch_alter_table("area_membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_membership_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_area_membership_department_id"), ["department_id"], unique=False)

    op.create_table(
        "dialogue_arena",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("meeting_cadence", sa.String(length=200), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["support_area.id"], name=op.f("fk_dialogue_arena_area_id_support_area"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_arena")),
        sa.UniqueConstraint("area_id", name=op.f("uq_dialogue_arena_area_id")),
    )
    op.create_table(
        "steering_group",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("meeting_cadence", sa.String(length=200), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["support_area.id"], name=op.f("fk_steering_group_area_id_support_area"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_steering_group")),
        sa.UniqueConstraint("area_id", name=op.f("uq_steering_group_area_id")),
    )
    op.create_table(
        "dialogue_arena_participant",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("arena_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "side", sa.Enum("support", "institution", name="arenaside", native_enum=False, length=20), nullable=False
        ),
        sa.Column("department_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["arena_id"],
            ["dialogue_arena.id"],
            name=op.f("fk_dialogue_arena_participant_arena_id_dialogue_arena"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_dialogue_arena_participant_department_id_department"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institution.id"],
            name=op.f("fk_dialogue_arena_participant_institution_id_institution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_dialogue_arena_participant_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_arena_participant")),
    )
    with op.batch_alter_table("dialogue_arena_participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialogue_arena_participant_arena_id"), ["arena_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dialogue_arena_participant_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dialogue_arena_participant_institution_id"), ["institution_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dialogue_arena_participant_person_id"), ["person_id"], unique=False)

    op.create_table(
        "steering_group_member",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("steering_group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "chair",
                "department_head",
                "coordinator",
                "secretary",
                "member",
                name="steeringrole",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_steering_group_member_person_id_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["steering_group_id"],
            ["steering_group.id"],
            name=op.f("fk_steering_group_member_steering_group_id_steering_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_steering_group_member")),
        sa.UniqueConstraint("steering_group_id", "person_id", name=op.f("uq_steering_group_member_steering_group_id")),
    )
    with op.batch_alter_table("steering_group_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_steering_group_member_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_steering_group_member_steering_group_id"), ["steering_group_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("steering_group_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_steering_group_member_steering_group_id"))
        batch_op.drop_index(batch_op.f("ix_steering_group_member_person_id"))

    op.drop_table("steering_group_member")
    with op.batch_alter_table("dialogue_arena_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogue_arena_participant_person_id"))
        batch_op.drop_index(batch_op.f("ix_dialogue_arena_participant_institution_id"))
        batch_op.drop_index(batch_op.f("ix_dialogue_arena_participant_department_id"))
        batch_op.drop_index(batch_op.f("ix_dialogue_arena_participant_arena_id"))

    op.drop_table("dialogue_arena_participant")
    op.drop_table("steering_group")
    op.drop_table("dialogue_arena")
    with op.batch_alter_table("area_membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_membership_department_id"))
        batch_op.drop_index(batch_op.f("ix_area_membership_area_id"))

    op.drop_table("area_membership")
    with op.batch_alter_table("area_coordinator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_coordinator_person_id"))
        batch_op.drop_index(batch_op.f("ix_area_coordinator_area_id"))

    op.drop_table("area_coordinator")
    op.drop_table("vso_model")
    with op.batch_alter_table("support_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_area_responsible_head_id"))

    op.drop_table("support_area")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_name"))
        batch_op.drop_index(batch_op.f("ix_person_institution_id"))
        batch_op.drop_index(batch_op.f("ix_person_department_id"))

    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_department_head_id_person"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_department_deputy_head_id_person"), type_="foreignkey")

    op.drop_table("person")
    op.drop_table("institution")
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_department_head_id"))
        batch_op.drop_index(batch_op.f("ix_department_deputy_head_id"))

    op.drop_table("department")
