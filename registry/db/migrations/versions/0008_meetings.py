"""meetings

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 23:19:19.421686
"""
from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('meeting',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('area_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('forum', sa.Enum('steering_group', 'dialogue_arena', name='forum', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=True),
    sa.Column('period_to', sa.Date(), nullable=True),
    sa.Column('state', sa.Enum('planned', 'closed', name='meetingstate', native_enum=False, length=20), nullable=False),
    sa.Column('closed_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('closed_by_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['support_area.id'], name=op.f('fk_meeting_area_id_support_area'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_held_on'), ['held_on'], unique=False)

    op.create_table('agenda_item',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('advice', sa.Enum('now', 'later', 'not', 'clarify', name='advice', native_enum=False, length=20), nullable=True),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('forced', sa.Enum('in', 'out', name='forced', native_enum=False), nullable=True),
    sa.Column('force_reason', sa.Text(), nullable=False),
    sa.Column('edited_by_name', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_agenda_item_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_agenda_item_need_id_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item')),
    sa.UniqueConstraint('meeting_id', 'need_id', name=op.f('uq_agenda_item_meeting_id'))
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_item_need_id'), ['need_id'], unique=False)

    op.create_table('department_capacity',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('available_days', sa.Numeric(precision=8, scale=1), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_department_capacity_department_id_department'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_department_capacity_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_capacity')),
    sa.UniqueConstraint('meeting_id', 'department_id', name=op.f('uq_department_capacity_meeting_id'))
    )
    with op.batch_alter_table('department_capacity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_capacity_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_department_capacity_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_attendee',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_attendee_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_meeting_attendee_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendee')),
    sa.UniqueConstraint('meeting_id', 'person_id', name=op.f('uq_meeting_attendee_meeting_id'))
    )
    with op.batch_alter_table('meeting_attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendee_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_attendee_person_id'), ['person_id'], unique=False)

    op.create_table('meeting_snapshot',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_snapshot_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_snapshot')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_meeting_snapshot_meeting_id'))
    )
    op.create_table('raised_at_meeting',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_raised_at_meeting_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_raised_at_meeting_need_id_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raised_at_meeting')),
    sa.UniqueConstraint('need_id', name=op.f('uq_raised_at_meeting_need_id'))
    )
    with op.batch_alter_table('raised_at_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raised_at_meeting_meeting_id'), ['meeting_id'], unique=False)


    # A recommendation made in a meeting points to it (the recommendation table came first, in 0007).
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_recommendation_meeting_id_meeting'), 'meeting', ['meeting_id'], ['id'], ondelete='SET NULL'
        )


def downgrade() -> None:
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_recommendation_meeting_id_meeting'), type_='foreignkey')
    with op.batch_alter_table('raised_at_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raised_at_meeting_meeting_id'))

    op.drop_table('raised_at_meeting')
    op.drop_table('meeting_snapshot')
    with op.batch_alter_table('meeting_attendee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendee_person_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_attendee_meeting_id'))

    op.drop_table('meeting_attendee')
    with op.batch_alter_table('department_capacity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_capacity_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_department_capacity_department_id'))

    op.drop_table('department_capacity')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_need_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_item_meeting_id'))

    op.drop_table('agenda_item')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_held_on'))
        batch_op.drop_index(batch_op.f('ix_meeting_area_id'))

    op.drop_table('meeting')
