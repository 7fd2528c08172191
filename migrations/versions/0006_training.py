"""training tables: places, courses, sessions, bookings, diagnostics

Revision ID: 0006_training
Revises: 0005_tariffs
Create Date: 2026-11-23

Owned by the training domain: only its tables go here (see docs/CONTRIBUTING.md).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_training"
down_revision = "0005_tariffs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_training_course_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_course'))
    )
    with op.batch_alter_table('training_course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_course_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('training_place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('opening_hours', sa.String(length=200), nullable=False),
    sa.Column('accessible', sa.Boolean(), nullable=False),
    sa.Column('accessibility_url', sa.String(length=300), nullable=False),
    sa.Column('booking_url', sa.String(length=300), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('code_insee', sa.String(length=5), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('services', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.Column('source_id', sa.String(length=120), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_training_place_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_place')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_training_place_organisation_id'))
    )
    op.create_table('training_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('format', sa.Enum('individuel', 'collectif', name='sessionformat', native_enum=False, length=20), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.Column('waiting_seq', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('series_key', sa.String(length=40), nullable=False),
    sa.Column('weekly', sa.Boolean(), nullable=False),
    sa.Column('price_kind', sa.Enum('gratuit', 'pass_numerique', 'adhesion', name='pricekind', native_enum=False, length=20), nullable=False),
    sa.Column('price_note', sa.String(length=200), nullable=False),
    sa.Column('publics', sa.JSON(), nullable=False),
    sa.Column('accessible', sa.Boolean(), nullable=False),
    sa.Column('accessibility_note', sa.String(length=300), nullable=False),
    sa.Column('bring_own_device', sa.Boolean(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('commune', sa.String(length=120), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('published', 'cancelled', name='sessionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['training_course.id'], name=op.f('fk_training_session_course_id_training_course')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_training_session_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_session'))
    )
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_session_course_id'), ['course_id'], unique=False)
        batch_op.create_index('ix_training_session_org_start', ['organisation_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_session_series_key'), ['series_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_session_starts_at'), ['starts_at'], unique=False)

    op.create_table('training_booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('booked', 'waiting', 'cancelled', name='bookingstatus', native_enum=False, length=20), nullable=False),
    sa.Column('waiting_number', sa.Integer(), nullable=True),
    sa.Column('attendance', sa.Enum('present', 'absent', 'excused', name='attendance', native_enum=False, length=20), nullable=True),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('promoted_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['booked_by_id'], ['user_account.id'], name=op.f('fk_training_booking_booked_by_id_user_account')),
    sa.ForeignKeyConstraint(['course_id'], ['training_course.id'], name=op.f('fk_training_booking_course_id_training_course')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_training_booking_household_id_household')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_training_booking_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['session_id'], ['training_session.id'], name=op.f('fk_training_booking_session_id_training_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_booking')),
    sa.UniqueConstraint('session_id', 'household_id', name=op.f('uq_training_booking_session_id'))
    )
    with op.batch_alter_table('training_booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_booking_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_booking_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_training_booking_session_status', ['session_id', 'status', 'waiting_number'], unique=False)

    op.create_table('training_diagnostic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('profile', sa.JSON(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('field_level', sa.String(length=20), nullable=False),
    sa.Column('path', sa.String(length=20), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('has_device', sa.Boolean(), nullable=False),
    sa.Column('needs_accessibility', sa.Boolean(), nullable=False),
    sa.Column('weekdays', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_training_diagnostic_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_training_diagnostic_household_id_household')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_training_diagnostic_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_diagnostic'))
    )
    with op.batch_alter_table('training_diagnostic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_diagnostic_household_id'), ['household_id'], unique=False)



def downgrade():
    with op.batch_alter_table('training_diagnostic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_diagnostic_household_id'))

    op.drop_table('training_diagnostic')
    with op.batch_alter_table('training_booking', schema=None) as batch_op:
        batch_op.drop_index('ix_training_booking_session_status')
        batch_op.drop_index(batch_op.f('ix_training_booking_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_training_booking_household_id'))

    op.drop_table('training_booking')
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_session_starts_at'))
        batch_op.drop_index(batch_op.f('ix_training_session_series_key'))
        batch_op.drop_index('ix_training_session_org_start')
        batch_op.drop_index(batch_op.f('ix_training_session_course_id'))

    op.drop_table('training_session')
    op.drop_table('training_place')
    with op.batch_alter_table('training_course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_course_organisation_id'))

    op.drop_table('training_course')
