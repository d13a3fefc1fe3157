"""imports written in batches; a version on every editable object

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

`version` on every editable object, for optimistic concurrency (registry/db/versioning.py).
`need_import` and `need.import_batch_id`: an import's needs are written in short transactions and
stay unseen until the import is published (registry/needs/models.py, NeedImport).
The columns are added with plain ALTER TABLE (no batch copy), so SQLite's search triggers on `need`
(migration 0004) stay as they are.
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every editable object: its version, raised by every save (registry/db/versioning.py).
VERSIONED = (
    "need",
    "need_score",
    "support_area",
    "department",
    "person",
    "process",
    "benefit",
    "meeting",
)
_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "need_import",
        sa.Column("id", _BIGINT, nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("actor_id", _BIGINT, nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("heartbeat_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("published_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["person.id"], name=op.f("fk_need_import_actor_id_person"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_import")),
    )
    op.add_column("need", sa.Column("import_batch_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_need_import_batch_id"), "need", ["import_batch_id"], unique=False)
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False))


def downgrade() -> None:
    for table in VERSIONED:
        _drop_column(table, "version")
    op.drop_index(op.f("ix_need_import_batch_id"), table_name="need")
    _drop_column("need", "import_batch_id")
    op.drop_table("need_import")


def _drop_column(table: str, column: str) -> None:
    # SQLite (3.35+) drops a column in place; a batch copy of the table would lose its triggers.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)
