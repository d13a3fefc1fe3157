"""deleting a department or area never cascades to decisions, efforts, meetings or memberships

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 15:30:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, referred table): line decisions, affected departments with their effort, routed
# areas, meetings, meeting capacities, process memberships and RACI columns used to vanish with
# their department or area. The registry now refuses such a delete; the database refuses it too.
_KEYS = [
    ('line_decision', 'department_id', 'department'),
    ('need_department', 'department_id', 'department'),
    ('need_area', 'area_id', 'support_area'),
    ('meeting', 'area_id', 'support_area'),
    ('department_capacity', 'department_id', 'department'),
    ('process_department', 'department_id', 'department'),
    ('raci_column', 'department_id', 'department'),
]


def _set_ondelete(rule: str) -> None:
    for table, column, referred in _KEYS:
        name = f'fk_{table}_{column}_{referred}'
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(name, type_='foreignkey')
            batch_op.create_foreign_key(name, referred, [column], ['id'], ondelete=rule)


def upgrade() -> None:
    _set_ondelete('RESTRICT')


def downgrade() -> None:
    _set_ondelete('CASCADE')
