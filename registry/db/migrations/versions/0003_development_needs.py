"""development needs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('saved_view',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('query', sa.String(length=2000), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_saved_view_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_view')),
    sa.UniqueConstraint('person_id', 'name', name=op.f('uq_saved_view_person_id'))
    )
    with op.batch_alter_table('saved_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_view_person_id'), ['person_id'], unique=False)

    op.create_table('need',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('clarified_need', sa.Text(), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('proposed_coordination', sa.Text(), nullable=False),
    sa.Column('raised_by_person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('raised_by_name', sa.String(length=200), nullable=False),
    sa.Column('raised_by_institution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('raised_by_department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('channel', sa.Enum('dialogue_arena', 'intake_form', 'email', 'meeting', 'other', name='channel', native_enum=False, length=40), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('owning_area_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.Enum('small_improvement', 'development_project', name='needkind', native_enum=False, length=40), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('state', sa.Enum('submitted', 'clarified', 'ready', 'recommended', 'approved', 'rejected', 'deferred', 'in_progress', 'done', 'followed_up', 'withdrawn', 'merged', name='needstate', native_enum=False, length=40), nullable=False),
    sa.Column('merged_into_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('submitted_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['need.id'], name=op.f('fk_need_merged_into_id_need'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owning_area_id'], ['support_area.id'], name=op.f('fk_need_owning_area_id_support_area'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['raised_by_department_id'], ['department.id'], name=op.f('fk_need_raised_by_department_id_department'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['raised_by_institution_id'], ['institution.id'], name=op.f('fk_need_raised_by_institution_id_institution'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['raised_by_person_id'], ['person.id'], name=op.f('fk_need_raised_by_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['person.id'], name=op.f('fk_need_submitted_by_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need'))
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index('ix_need_area_id', ['owning_area_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_raised_by_department_id'), ['raised_by_department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_raised_by_institution_id'), ['raised_by_institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_raised_by_person_id'), ['raised_by_person_id'], unique=False)
        batch_op.create_index('ix_need_raised_on_id', ['raised_on', 'id'], unique=False)
        batch_op.create_index('ix_need_state_id', ['state', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_submitted_by_id'), ['submitted_by_id'], unique=False)
        batch_op.create_index('ix_need_updated_at_id', ['updated_at', 'id'], unique=False)

    op.create_table('need_area',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('area_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['support_area.id'], name=op.f('fk_need_area_area_id_support_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_need_area_need_id_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_area')),
    sa.UniqueConstraint('need_id', 'area_id', name=op.f('uq_need_area_need_id'))
    )
    with op.batch_alter_table('need_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_area_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_area_need_id'), ['need_id'], unique=False)

    op.create_table('need_comment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_need_comment_author_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_need_comment_need_id_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_comment'))
    )
    with op.batch_alter_table('need_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_comment_need_id'), ['need_id'], unique=False)

    op.create_table('need_department',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.Enum('lead', 'contributes', 'affected', name='departmentrole', native_enum=False, length=20), nullable=False),
    sa.Column('effort_days', sa.Numeric(precision=8, scale=1), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_need_department_department_id_department'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_need_department_need_id_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_department')),
    sa.UniqueConstraint('need_id', 'department_id', name=op.f('uq_need_department_need_id'))
    )
    with op.batch_alter_table('need_department', schema=None) as batch_op:
        batch_op.create_index('ix_need_department_dept', ['department_id', 'need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_department_need_id'), ['need_id'], unique=False)

    op.create_table('need_link',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('to_need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('depends_on', 'blocks', 'relates_to', 'duplicate_of', name='linkkind', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['from_need_id'], ['need.id'], name=op.f('fk_need_link_from_need_id_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_need_id'], ['need.id'], name=op.f('fk_need_link_to_need_id_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_link')),
    sa.UniqueConstraint('from_need_id', 'to_need_id', 'kind', name=op.f('uq_need_link_from_need_id'))
    )
    with op.batch_alter_table('need_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_link_from_need_id'), ['from_need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_link_to_need_id'), ['to_need_id'], unique=False)

    op.create_table('need_tag',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_need_tag_need_id_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_tag')),
    sa.UniqueConstraint('need_id', 'name', name=op.f('uq_need_tag_need_id'))
    )
    with op.batch_alter_table('need_tag', schema=None) as batch_op:
        batch_op.create_index('ix_need_tag_name', ['name', 'need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_tag_need_id'), ['need_id'], unique=False)

    op.create_table('need_transition',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_state', sa.Enum('submitted', 'clarified', 'ready', 'recommended', 'approved', 'rejected', 'deferred', 'in_progress', 'done', 'followed_up', 'withdrawn', 'merged', name='needstate', native_enum=False, length=40), nullable=True),
    sa.Column('to_state', sa.Enum('submitted', 'clarified', 'ready', 'recommended', 'approved', 'rejected', 'deferred', 'in_progress', 'done', 'followed_up', 'withdrawn', 'merged', name='needstate', native_enum=False, length=40), nullable=False),
    sa.Column('actor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['person.id'], name=op.f('fk_need_transition_actor_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_need_transition_need_id_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_transition'))
    )
    with op.batch_alter_table('need_transition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_transition_need_id'), ['need_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('need_transition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_transition_need_id'))

    op.drop_table('need_transition')
    with op.batch_alter_table('need_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_tag_need_id'))
        batch_op.drop_index('ix_need_tag_name')

    op.drop_table('need_tag')
    with op.batch_alter_table('need_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_link_to_need_id'))
        batch_op.drop_index(batch_op.f('ix_need_link_from_need_id'))

    op.drop_table('need_link')
    with op.batch_alter_table('need_department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_department_need_id'))
        batch_op.drop_index('ix_need_department_dept')

    op.drop_table('need_department')
    with op.batch_alter_table('need_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_comment_need_id'))

    op.drop_table('need_comment')
    with op.batch_alter_table('need_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_area_need_id'))
        batch_op.drop_index(batch_op.f('ix_need_area_area_id'))

    op.drop_table('need_area')
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index('ix_need_updated_at_id')
        batch_op.drop_index(batch_op.f('ix_need_submitted_by_id'))
        batch_op.drop_index('ix_need_state_id')
        batch_op.drop_index('ix_need_raised_on_id')
        batch_op.drop_index(batch_op.f('ix_need_raised_by_person_id'))
        batch_op.drop_index(batch_op.f('ix_need_raised_by_institution_id'))
        batch_op.drop_index(batch_op.f('ix_need_raised_by_department_id'))
        batch_op.drop_index(batch_op.f('ix_need_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_need_kind'))
        batch_op.drop_index(batch_op.f('ix_need_category'))
        batch_op.drop_index('ix_need_area_id')

    op.drop_table('need')
    with op.batch_alter_table('saved_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_view_person_id'))

    op.drop_table('saved_view')
