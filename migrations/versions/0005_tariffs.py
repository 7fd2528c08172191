"""tariffs: the social tariff catalogue and its revisions

Revision ID: 0005_tariffs
Revises: 0004_loans
Create Date: 2026-11-23

Owned by the tariffs domain: only its tables go here (see docs/CONTRIBUTING.md).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_tariffs"
down_revision = "0004_loans"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('social_tariff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('box', 'mobile', 'data', 'bundle', name='offerkind', native_enum=False, length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('monthly_price', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('intro_price', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('intro_months', sa.Integer(), nullable=False),
    sa.Column('setup_fee', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('equipment_rental', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('commitment_months', sa.Integer(), nullable=False),
    sa.Column('speed_mbps', sa.Integer(), nullable=True),
    sa.Column('data_gb', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('content', sa.String(length=300), nullable=False),
    sa.Column('area_kind', sa.Enum('national', 'region', 'department', 'communes', name='areakind', native_enum=False, length=20), nullable=False),
    sa.Column('area_codes', sa.JSON(), nullable=False),
    sa.Column('statuses_any', sa.JSON(), nullable=False),
    sa.Column('statuses_all', sa.JSON(), nullable=False),
    sa.Column('other_conditions', sa.Text(), nullable=False),
    sa.Column('proof_required', sa.Text(), nullable=False),
    sa.Column('how_to_subscribe', sa.Text(), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_social_tariff')),
    sa.UniqueConstraint('country', 'provider', 'name', name=op.f('uq_social_tariff_country'))
    )
    op.create_table('tariff_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tariff_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_tariff_revision_actor_id_user_account')),
    sa.ForeignKeyConstraint(['tariff_id'], ['social_tariff.id'], name=op.f('fk_tariff_revision_tariff_id_social_tariff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tariff_revision'))
    )
    with op.batch_alter_table('tariff_revision', schema=None) as batch_op:
        batch_op.create_index('ix_tariff_revision_tariff_at', ['tariff_id', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('tariff_revision', schema=None) as batch_op:
        batch_op.drop_index('ix_tariff_revision_tariff_at')

    op.drop_table('tariff_revision')
    op.drop_table('social_tariff')
