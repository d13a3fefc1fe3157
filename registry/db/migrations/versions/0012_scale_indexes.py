"""indexes for the needs list at national scale (issue 17)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

The state filter with every sort (updated, raised, title) and the title sort read their page of 50
straight off an index instead of sorting every match.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_need_state_updated_at_id": ["state", "updated_at", "id"],
    "ix_need_state_raised_on_id": ["state", "raised_on", "id"],
    "ix_need_state_title_id": ["state", "title", "id"],
    "ix_need_title_id": ["title", "id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "need", columns, unique=False)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="need")
