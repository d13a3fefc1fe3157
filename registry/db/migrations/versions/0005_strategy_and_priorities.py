"""strategy and priorities

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 22:58:01.043456
"""
from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('strategy',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('mission', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('is_example', sa.Boolean(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategy')),
    sa.UniqueConstraint('name', name=op.f('uq_strategy_name'))
    )
    op.create_table('strategic_goal',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('strategy_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['strategy_id'], ['strategy.id'], name=op.f('fk_strategic_goal_strategy_id_strategy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategic_goal'))
    )
    with op.batch_alter_table('strategic_goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_strategic_goal_strategy_id'), ['strategy_id'], unique=False)

    op.create_table('scoring_model',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('area_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('method', sa.Enum('weighted', 'value_per_effort', name='scoringmethod', native_enum=False, length=30), nullable=False),
    sa.Column('goal_weighting', sa.Enum('direct', 'ahp', name='goalweighting', native_enum=False, length=20), nullable=False),
    sa.Column('weight_alignment', sa.Float(), nullable=False),
    sa.Column('weight_benefit', sa.Float(), nullable=False),
    sa.Column('weight_urgency', sa.Float(), nullable=False),
    sa.Column('weight_risk_reduction', sa.Float(), nullable=False),
    sa.Column('weight_breadth', sa.Float(), nullable=False),
    sa.Column('weight_effort', sa.Float(), nullable=False),
    sa.Column('effort_half_days', sa.Float(), nullable=False),
    sa.Column('goal_weights', sa.JSON(), nullable=False),
    sa.Column('ahp_judgements', sa.JSON(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['support_area.id'], name=op.f('fk_scoring_model_area_id_support_area'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_model')),
    sa.UniqueConstraint('area_id', name=op.f('uq_scoring_model_area_id'))
    )
    op.create_table('need_score',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rater_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rater_name', sa.String(length=200), nullable=False),
    sa.Column('benefit', sa.SmallInteger(), nullable=False),
    sa.Column('urgency', sa.SmallInteger(), nullable=False),
    sa.Column('risk_reduction', sa.SmallInteger(), nullable=False),
    sa.Column('alignment', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_need_score_need_id_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rater_id'], ['person.id'], name=op.f('fk_need_score_rater_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_score')),
    sa.UniqueConstraint('need_id', 'rater_id', name=op.f('uq_need_score_need_id'))
    )
    with op.batch_alter_table('need_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_score_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_score_rater_id'), ['rater_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('need_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_score_rater_id'))
        batch_op.drop_index(batch_op.f('ix_need_score_need_id'))
    op.drop_table('need_score')
    op.drop_table('scoring_model')
    with op.batch_alter_table('strategic_goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_strategic_goal_strategy_id'))
    op.drop_table('strategic_goal')
    op.drop_table('strategy')
