"""a meeting can be cancelled, with its reason

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = sa.Enum("planned", "closed", name="meetingstate", native_enum=False, length=20)
_NEW = sa.Enum("planned", "closed", "cancelled", name="meetingstate", native_enum=False, length=20)


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancel_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.alter_column("state", existing_type=_OLD, type_=_NEW, existing_nullable=False)


def downgrade() -> None:
    op.execute("UPDATE meeting SET state = 'planned' WHERE state = 'cancelled'")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.alter_column("state", existing_type=_NEW, type_=_OLD, existing_nullable=False)
        batch_op.drop_column("cancel_reason")
