"""referrals (orientations): the referral and refusal_reason tables

Revision ID: 0011_referrals
Revises: 0010_directory
Create Date: 2026-12-03

Owned by the referrals domain. A referral goes to an organisation of the instance, a
place of the directory (``place``, migration 0010) or a structure typed by hand. The
refusal reasons start with the list the administrator then keeps.
"""

import sqlalchemy as sa
from alembic import op

REASONS = (
    "Hors de notre territoire",
    "Public non concerné",
    "Plus de place",
    "Service arrêté",
    "Autre",
)


# revision identifiers, used by Alembic.
revision = '0011_referrals'
down_revision = '0010_directory'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('refusal_reason',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refusal_reason')),
    sa.UniqueConstraint('label', name=op.f('uq_refusal_reason_label'))
    )
    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('from_organisation_id', sa.Integer(), nullable=False),
    sa.Column('from_user_id', sa.Integer(), nullable=True),
    sa.Column('need', sa.Enum('device', 'connect', 'learn', 'procedures', 'repair', name='need', native_enum=False, length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('person_message', sa.Text(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('consent_at', sa.DateTime(), nullable=True),
    sa.Column('to_organisation_id', sa.Integer(), nullable=True),
    sa.Column('to_place_id', sa.Integer(), nullable=True),
    sa.Column('to_name', sa.String(length=200), nullable=False),
    sa.Column('to_address', sa.String(length=300), nullable=False),
    sa.Column('to_phone', sa.String(length=40), nullable=False),
    sa.Column('to_email', sa.String(length=254), nullable=False),
    sa.Column('hours', sa.String(length=300), nullable=False),
    sa.Column('bring', sa.String(length=300), nullable=False),
    sa.Column('state', sa.Enum('open', 'accepted', 'refused', 'expired', 'done', name='referralstate', native_enum=False, length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('waiting_since', sa.DateTime(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('refusal_reason_id', sa.Integer(), nullable=True),
    sa.Column('answer_message', sa.Text(), nullable=False),
    sa.Column('link_nonce', sa.String(length=32), nullable=False),
    sa.Column('link_expires_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_referral_answered_by_id_user_account')),
    sa.ForeignKeyConstraint(['from_organisation_id'], ['organisation.id'], name=op.f('fk_referral_from_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['from_user_id'], ['user_account.id'], name=op.f('fk_referral_from_user_id_user_account')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_referral_household_id_household')),
    sa.ForeignKeyConstraint(['refusal_reason_id'], ['refusal_reason.id'], name=op.f('fk_referral_refusal_reason_id_refusal_reason')),
    sa.ForeignKeyConstraint(['to_organisation_id'], ['organisation.id'], name=op.f('fk_referral_to_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['to_place_id'], ['place.id'], name=op.f('fk_referral_to_place_id_place')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index('ix_referral_from_org_state', ['from_organisation_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_referral_state_sent', ['state', 'sent_at'], unique=False)
        batch_op.create_index('ix_referral_to_org_state', ['to_organisation_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_to_place_id'), ['to_place_id'], unique=False)

    reasons = sa.table(
        "refusal_reason",
        sa.column("label", sa.String),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        reasons, [{"label": label, "position": n, "active": True} for n, label in enumerate(REASONS)]
    )


def downgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_to_place_id'))
        batch_op.drop_index('ix_referral_to_org_state')
        batch_op.drop_index('ix_referral_state_sent')
        batch_op.drop_index(batch_op.f('ix_referral_household_id'))
        batch_op.drop_index('ix_referral_from_org_state')

    op.drop_table('referral')
    op.drop_table('refusal_reason')
