"""loans tables

Revision ID: 0004_loans
Revises: 0003_households
Create Date: 2026-11-23

Owned by the loans domain: only its tables go here (see docs/CONTRIBUTING.md).
Reservations, loans, sales and their receipt counter, cessions, the family page's
access tokens and its rate-limit hits.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_loans"
down_revision = "0003_households"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('family_page_hit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_page_hit'))
    )
    with op.batch_alter_table('family_page_hit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_page_hit_at'), ['at'], unique=False)
        batch_op.create_index('ix_family_page_hit_ip_at', ['ip', 'at'], unique=False)

    op.create_table('receipt_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_receipt_counter_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_counter')),
    sa.UniqueConstraint('organisation_id', 'year', name=op.f('uq_receipt_counter_organisation_id'))
    )

    op.create_table('family_access_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('last_seen_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_family_access_token_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_family_access_token_household_id_household')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_family_access_token_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_access_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_family_access_token_token_hash'))
    )
    with op.batch_alter_table('family_access_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_access_token_household_id'), ['household_id'], unique=False)

    op.create_table('loan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('prescription_id', sa.Integer(), nullable=True),
    sa.Column('open_device_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'returned', 'ceded', name='loanstatus', native_enum=False, length=20), nullable=False),
    sa.Column('programme_code', sa.String(length=60), nullable=False),
    sa.Column('programme_name', sa.String(length=200), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('extensions', sa.Integer(), nullable=False),
    sa.Column('max_extensions', sa.Integer(), nullable=False),
    sa.Column('extension_days', sa.Integer(), nullable=False),
    sa.Column('cession_after_months', sa.Integer(), nullable=True),
    sa.Column('deposit_cents', sa.Integer(), nullable=False),
    sa.Column('accessories', sa.JSON(), nullable=False),
    sa.Column('condition_out', sa.Text(), nullable=False),
    sa.Column('signature_kind', sa.Enum('screen', 'paper', name='signaturekind', native_enum=False, length=10), nullable=False),
    sa.Column('signature_png', sa.LargeBinary(), nullable=True),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('return_checklist', sa.JSON(), nullable=False),
    sa.Column('damage_notes', sa.Text(), nullable=False),
    sa.Column('deposit_retained_cents', sa.Integer(), nullable=False),
    sa.Column('deposit_refunded_cents', sa.Integer(), nullable=True),
    sa.Column('returned_by_id', sa.Integer(), nullable=True),
    sa.Column('ceded_at', sa.DateTime(), nullable=True),
    sa.Column('cession_price_cents', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_loan_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_loan_device_id_device')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_loan_household_id_household')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_loan_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['prescription_id'], ['prescription.id'], name=op.f('fk_loan_prescription_id_prescription')),
    sa.ForeignKeyConstraint(['returned_by_id'], ['user_account.id'], name=op.f('fk_loan_returned_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan')),
    sa.UniqueConstraint('open_device_id', name=op.f('uq_loan_open_device_id')),
    sa.UniqueConstraint('prescription_id', name=op.f('uq_loan_prescription_id'))
    )
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_device_id'), ['device_id'], unique=False)
        batch_op.create_index('ix_loan_household', ['household_id'], unique=False)
        batch_op.create_index('ix_loan_org_status_due', ['organisation_id', 'status', 'due_on'], unique=False)

    op.create_table('reservation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('prescription_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'fulfilled', 'cancelled', 'expired', name='reservationstatus', native_enum=False, length=20), nullable=False),
    sa.Column('active_prescription_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_reservation_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_reservation_device_id_device')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_reservation_household_id_household')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_reservation_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['prescription_id'], ['prescription.id'], name=op.f('fk_reservation_prescription_id_prescription')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reservation')),
    sa.UniqueConstraint('active_prescription_id', name=op.f('uq_reservation_active_prescription_id'))
    )
    with op.batch_alter_table('reservation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reservation_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reservation_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reservation_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_reservation_org_status', ['organisation_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_reservation_prescription_id'), ['prescription_id'], unique=False)

    op.create_table('sale',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('receipt_year', sa.Integer(), nullable=False),
    sa.Column('receipt_seq', sa.Integer(), nullable=False),
    sa.Column('receipt_number', sa.String(length=20), nullable=False),
    sa.Column('sold_at', sa.DateTime(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('prescription_id', sa.Integer(), nullable=True),
    sa.Column('programme_code', sa.String(length=60), nullable=False),
    sa.Column('programme_name', sa.String(length=200), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.Column('payment_method', sa.Enum('cash', 'card', 'cheque', 'voucher', name='paymentmethod', native_enum=False, length=10), nullable=True),
    sa.Column('warranty_months', sa.Integer(), nullable=False),
    sa.Column('warranty_until', sa.Date(), nullable=False),
    sa.Column('accessories', sa.JSON(), nullable=False),
    sa.Column('buyer_name', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_sale_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_sale_device_id_device')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_sale_household_id_household')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_sale_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['prescription_id'], ['prescription.id'], name=op.f('fk_sale_prescription_id_prescription')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sale')),
    sa.UniqueConstraint('organisation_id', 'receipt_year', 'receipt_seq', name=op.f('uq_sale_organisation_id')),
    sa.UniqueConstraint('prescription_id', name=op.f('uq_sale_prescription_id'))
    )
    with op.batch_alter_table('sale', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sale_device_id'), ['device_id'], unique=False)
        batch_op.create_index('ix_sale_household', ['household_id'], unique=False)
        batch_op.create_index('ix_sale_org_sold', ['organisation_id', 'sold_at'], unique=False)

    op.create_table('cession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('ceded_on', sa.Date(), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_cession_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], name=op.f('fk_cession_loan_id_loan')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_cession_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cession')),
    sa.UniqueConstraint('loan_id', name=op.f('uq_cession_loan_id'))
    )
    # ### end Alembic commands ###


def downgrade():

    op.drop_table('cession')

    with op.batch_alter_table('sale', schema=None) as batch_op:
        batch_op.drop_index('ix_sale_org_sold')
        batch_op.drop_index('ix_sale_household')
        batch_op.drop_index(batch_op.f('ix_sale_device_id'))

    op.drop_table('sale')

    with op.batch_alter_table('reservation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reservation_prescription_id'))
        batch_op.drop_index('ix_reservation_org_status')
        batch_op.drop_index(batch_op.f('ix_reservation_household_id'))
        batch_op.drop_index(batch_op.f('ix_reservation_expires_at'))
        batch_op.drop_index(batch_op.f('ix_reservation_device_id'))

    op.drop_table('reservation')

    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.drop_index('ix_loan_org_status_due')
        batch_op.drop_index('ix_loan_household')
        batch_op.drop_index(batch_op.f('ix_loan_device_id'))

    op.drop_table('loan')

    with op.batch_alter_table('family_access_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_access_token_household_id'))

    op.drop_table('family_access_token')

    op.drop_table('receipt_counter')

    with op.batch_alter_table('family_page_hit', schema=None) as batch_op:
        batch_op.drop_index('ix_family_page_hit_ip_at')
        batch_op.drop_index(batch_op.f('ix_family_page_hit_at'))

    op.drop_table('family_page_hit')
    # ### end Alembic commands ###
