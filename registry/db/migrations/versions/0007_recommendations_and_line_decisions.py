"""recommendations and line decisions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 23:21:40.002913
"""
from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('recommendation',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('meeting_id', sa.BigInteger(), nullable=True),
    sa.Column('area_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('outcome', sa.Enum('now', 'later', 'not', 'clarify', name='recommendationoutcome', native_enum=False, length=20), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('recorded_by_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['support_area.id'], name=op.f('fk_recommendation_area_id_support_area'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_recommendation_need_id_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id'], name=op.f('fk_recommendation_recorded_by_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation'))
    )
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendation_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendation_need_id'), ['need_id'], unique=False)
        batch_op.create_index('ix_recommendation_recorded_on_id', ['recorded_on', 'id'], unique=False)

    op.create_table('line_decision',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('outcome', sa.Enum('approve', 'reject', 'defer', name='decisionoutcome', native_enum=False, length=20), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('committed_days', sa.Numeric(precision=8, scale=1), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decided_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_by_name', sa.String(length=200), nullable=False),
    sa.Column('recommendation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('supersedes_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['person.id'], name=op.f('fk_line_decision_decided_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_line_decision_department_id_department'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_line_decision_need_id_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_line_decision_recommendation_id_recommendation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supersedes_id'], ['line_decision.id'], name=op.f('fk_line_decision_supersedes_id_line_decision'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_line_decision'))
    )
    with op.batch_alter_table('line_decision', schema=None) as batch_op:
        batch_op.create_index('ix_line_decision_decided_on_id', ['decided_on', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_line_decision_department_id'), ['department_id'], unique=False)
        batch_op.create_index('ix_line_decision_need_department_id', ['need_id', 'department_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_line_decision_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_line_decision_recommendation_id'), ['recommendation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_line_decision_supersedes_id'), ['supersedes_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('line_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_line_decision_supersedes_id'))
        batch_op.drop_index(batch_op.f('ix_line_decision_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_line_decision_need_id'))
        batch_op.drop_index('ix_line_decision_need_department_id')
        batch_op.drop_index(batch_op.f('ix_line_decision_department_id'))
        batch_op.drop_index('ix_line_decision_decided_on_id')

    op.drop_table('line_decision')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_index('ix_recommendation_recorded_on_id')
        batch_op.drop_index(batch_op.f('ix_recommendation_need_id'))
        batch_op.drop_index(batch_op.f('ix_recommendation_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_recommendation_area_id'))

    op.drop_table('recommendation')
