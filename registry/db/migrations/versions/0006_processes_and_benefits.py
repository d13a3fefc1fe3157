"""processes and benefits

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 22:58:23.331980
"""
from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('process',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owning_area_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['person.id'], name=op.f('fk_process_owner_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owning_area_id'], ['support_area.id'], name=op.f('fk_process_owning_area_id_support_area'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process')),
    sa.UniqueConstraint('name', name=op.f('uq_process_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_process_slug'))
    )
    with op.batch_alter_table('process', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_owning_area_id'), ['owning_area_id'], unique=False)

    op.create_table('benefit',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('process_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('benefit_type', sa.Enum('quality', 'time', 'cost', 'satisfaction', name='benefittype', native_enum=False, length=20), nullable=False),
    sa.Column('indicator', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('baseline', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('target', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=False),
    sa.Column('method', sa.Text(), nullable=False),
    sa.Column('frequency', sa.Enum('weekly', 'monthly', 'quarterly', 'yearly', name='frequency', native_enum=False, length=20), nullable=False),
    sa.Column('responsible_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.CheckConstraint('(need_id IS NULL) <> (process_id IS NULL)', name=op.f('ck_benefit_need_or_process')),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_benefit_need_id_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['process_id'], ['process.id'], name=op.f('fk_benefit_process_id_process'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responsible_id'], ['person.id'], name=op.f('fk_benefit_responsible_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit'))
    )
    with op.batch_alter_table('benefit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_benefit_type'), ['benefit_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_benefit_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_benefit_process_id'), ['process_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_benefit_responsible_id'), ['responsible_id'], unique=False)
        batch_op.create_index('ix_benefit_target_date', ['target_date', 'id'], unique=False)

    op.create_table('process_appointment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('process_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('appointed_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('appointed_by_name', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appointed_by_id'], ['person.id'], name=op.f('fk_process_appointment_appointed_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_process_appointment_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['process_id'], ['process.id'], name=op.f('fk_process_appointment_process_id_process'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_appointment'))
    )
    with op.batch_alter_table('process_appointment', schema=None) as batch_op:
        batch_op.create_index('ix_process_appointment_person_ended', ['person_id', 'ended_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_appointment_process_id'), ['process_id'], unique=False)

    op.create_table('process_department',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('process_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_process_department_department_id_department'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['process_id'], ['process.id'], name=op.f('fk_process_department_process_id_process'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_department')),
    sa.UniqueConstraint('process_id', 'department_id', name=op.f('uq_process_department_process_id'))
    )
    with op.batch_alter_table('process_department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_department_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_department_process_id'), ['process_id'], unique=False)

    op.create_table('process_mandate',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('process_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('deliverables', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reporting', sa.Text(), nullable=False),
    sa.Column('resources', sa.Text(), nullable=False),
    sa.Column('drafted_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('drafted_by_name', sa.String(length=200), nullable=False),
    sa.Column('approved_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('approved_by_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['person.id'], name=op.f('fk_process_mandate_approved_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['person.id'], name=op.f('fk_process_mandate_drafted_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['process_id'], ['process.id'], name=op.f('fk_process_mandate_process_id_process'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_mandate')),
    sa.UniqueConstraint('process_id', 'version', name=op.f('uq_process_mandate_process_id'))
    )
    with op.batch_alter_table('process_mandate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_mandate_process_id'), ['process_id'], unique=False)

    op.create_table('process_need',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('process_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('need_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_process_need_need_id_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['process_id'], ['process.id'], name=op.f('fk_process_need_process_id_process'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_need')),
    sa.UniqueConstraint('process_id', 'need_id', name=op.f('uq_process_need_process_id'))
    )
    with op.batch_alter_table('process_need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_need_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_need_process_id'), ['process_id'], unique=False)

    op.create_table('process_team_member',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('process_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('institution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('allocation', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('allocation_unit', sa.Enum('hours_per_month', 'percent', name='allocationunit', native_enum=False, length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_process_team_member_department_id_department'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_process_team_member_institution_id_institution'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_process_team_member_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['process_id'], ['process.id'], name=op.f('fk_process_team_member_process_id_process'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_team_member'))
    )
    with op.batch_alter_table('process_team_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_team_member_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_team_member_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_team_member_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_team_member_process_id'), ['process_id'], unique=False)

    op.create_table('raci_activity',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('process_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['process_id'], ['process.id'], name=op.f('fk_raci_activity_process_id_process'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raci_activity'))
    )
    with op.batch_alter_table('raci_activity', schema=None) as batch_op:
        batch_op.create_index('ix_raci_activity_process_position', ['process_id', 'position'], unique=False)

    op.create_table('raci_column',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('process_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('role', 'person', 'department', name='racicolumnkind', native_enum=False, length=20), nullable=False),
    sa.Column('role_name', sa.String(length=200), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_raci_column_department_id_department'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_raci_column_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['process_id'], ['process.id'], name=op.f('fk_raci_column_process_id_process'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raci_column'))
    )
    with op.batch_alter_table('raci_column', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raci_column_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_raci_column_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_raci_column_process_position', ['process_id', 'position'], unique=False)

    op.create_table('benefit_measurement',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('benefit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('recorded_by_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefit.id'], name=op.f('fk_benefit_measurement_benefit_id_benefit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit_measurement'))
    )
    with op.batch_alter_table('benefit_measurement', schema=None) as batch_op:
        batch_op.create_index('ix_benefit_measurement_benefit_day', ['benefit_id', 'measured_on'], unique=False)

    op.create_table('raci_assignment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('activity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('column_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('value', sa.Enum('R', 'A', 'C', 'I', name='racivalue', native_enum=False), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['raci_activity.id'], name=op.f('fk_raci_assignment_activity_id_raci_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['column_id'], ['raci_column.id'], name=op.f('fk_raci_assignment_column_id_raci_column'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raci_assignment')),
    sa.UniqueConstraint('activity_id', 'column_id', name=op.f('uq_raci_assignment_activity_id'))
    )
    with op.batch_alter_table('raci_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raci_assignment_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_raci_assignment_column_id'), ['column_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('raci_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raci_assignment_column_id'))
        batch_op.drop_index(batch_op.f('ix_raci_assignment_activity_id'))

    op.drop_table('raci_assignment')
    with op.batch_alter_table('benefit_measurement', schema=None) as batch_op:
        batch_op.drop_index('ix_benefit_measurement_benefit_day')

    op.drop_table('benefit_measurement')
    with op.batch_alter_table('raci_column', schema=None) as batch_op:
        batch_op.drop_index('ix_raci_column_process_position')
        batch_op.drop_index(batch_op.f('ix_raci_column_person_id'))
        batch_op.drop_index(batch_op.f('ix_raci_column_department_id'))

    op.drop_table('raci_column')
    with op.batch_alter_table('raci_activity', schema=None) as batch_op:
        batch_op.drop_index('ix_raci_activity_process_position')

    op.drop_table('raci_activity')
    with op.batch_alter_table('process_team_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_team_member_process_id'))
        batch_op.drop_index(batch_op.f('ix_process_team_member_person_id'))
        batch_op.drop_index(batch_op.f('ix_process_team_member_institution_id'))
        batch_op.drop_index(batch_op.f('ix_process_team_member_department_id'))

    op.drop_table('process_team_member')
    with op.batch_alter_table('process_need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_need_process_id'))
        batch_op.drop_index(batch_op.f('ix_process_need_need_id'))

    op.drop_table('process_need')
    with op.batch_alter_table('process_mandate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_mandate_process_id'))

    op.drop_table('process_mandate')
    with op.batch_alter_table('process_department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_department_process_id'))
        batch_op.drop_index(batch_op.f('ix_process_department_department_id'))

    op.drop_table('process_department')
    with op.batch_alter_table('process_appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_appointment_process_id'))
        batch_op.drop_index('ix_process_appointment_person_ended')

    op.drop_table('process_appointment')
    with op.batch_alter_table('benefit', schema=None) as batch_op:
        batch_op.drop_index('ix_benefit_target_date')
        batch_op.drop_index(batch_op.f('ix_benefit_responsible_id'))
        batch_op.drop_index(batch_op.f('ix_benefit_process_id'))
        batch_op.drop_index(batch_op.f('ix_benefit_need_id'))
        batch_op.drop_index(batch_op.f('ix_benefit_benefit_type'))

    op.drop_table('benefit')
    with op.batch_alter_table('process', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_owning_area_id'))
        batch_op.drop_index(batch_op.f('ix_process_owner_id'))

    op.drop_table('process')
