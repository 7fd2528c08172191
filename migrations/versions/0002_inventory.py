"""inventory tables: donors, donation batches, locations, devices, events, erasures, checklists

Revision ID: 0002_inventory
Revises: 0001_foundation
Create Date: 2026-11-23

Owned by the inventory domain: only its tables go here (see docs/CONTRIBUTING.md).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_inventory"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('checklist_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('device_type', sa.Enum('laptop', 'desktop', 'tablet', 'smartphone', 'screen', 'printer', 'other', name='devicetype', native_enum=False, length=20), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_checklist_template_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_template')),
    sa.UniqueConstraint('organisation_id', 'device_type', name=op.f('uq_checklist_template_organisation_id'))
    )
    op.create_table('donor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('company', 'public_body', 'individual', name='donorkind', native_enum=False, length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_donor_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donor'))
    )
    with op.batch_alter_table('donor', schema=None) as batch_op:
        batch_op.create_index('ix_donor_org_name', ['organisation_id', 'name'], unique=False)

    op.create_table('stock_location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_stock_location_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_location')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_stock_location_organisation_id'))
    )
    op.create_table('donation_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('donor_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_donation_batch_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['donor_id'], ['donor.id'], name=op.f('fk_donation_batch_donor_id_donor')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_donation_batch_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donation_batch'))
    )
    with op.batch_alter_table('donation_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donation_batch_donor_id'), ['donor_id'], unique=False)
        batch_op.create_index('ix_donation_batch_org_received', ['organisation_id', 'received_on'], unique=False)

    op.create_table('device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('asset_tag', sa.String(length=12), nullable=False),
    sa.Column('device_type', sa.Enum('laptop', 'desktop', 'tablet', 'smartphone', 'screen', 'printer', 'other', name='devicetype', native_enum=False, length=20), nullable=False),
    sa.Column('brand', sa.String(length=80), nullable=False),
    sa.Column('model', sa.String(length=120), nullable=False),
    sa.Column('serial', sa.String(length=100), nullable=False),
    sa.Column('imei', sa.String(length=20), nullable=False),
    sa.Column('cpu', sa.String(length=120), nullable=False),
    sa.Column('cpu_score', sa.Integer(), nullable=True),
    sa.Column('ram_gb', sa.Numeric(precision=6, scale=1, asdecimal=False), nullable=True),
    sa.Column('storage_type', sa.Enum('none', 'hdd', 'ssd', 'nvme', 'emmc', name='storagetype', native_enum=False, length=20), nullable=True),
    sa.Column('storage_gb', sa.Integer(), nullable=True),
    sa.Column('screen_inches', sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=True),
    sa.Column('os', sa.String(length=120), nullable=False),
    sa.Column('battery_health_pct', sa.Integer(), nullable=True),
    sa.Column('condition', sa.Enum('working', 'untested', 'faulty', 'broken', name='condition', native_enum=False, length=20), nullable=False),
    sa.Column('condition_notes', sa.Text(), nullable=False),
    sa.Column('donor_id', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('received', 'triage', 'reconditioning', 'ready', 'reserved', 'on_loan', 'sold', 'given', 'returned', 'e_waste', 'parts', name='state', native_enum=False, length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Enum('invendable', 'hc', 'c', 'b', 'a', 'premium', name='grade', native_enum=False, length=20), nullable=True),
    sa.Column('grade_computed', sa.Enum('invendable', 'hc', 'c', 'b', 'a', 'premium', name='grade', native_enum=False, length=20), nullable=True),
    sa.Column('grade_adjustment', sa.Integer(), nullable=False),
    sa.Column('grade_override_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['donation_batch.id'], name=op.f('fk_device_batch_id_donation_batch')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_device_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['donor_id'], ['donor.id'], name=op.f('fk_device_donor_id_donor')),
    sa.ForeignKeyConstraint(['location_id'], ['stock_location.id'], name=op.f('fk_device_location_id_stock_location')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_device_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device')),
    sa.UniqueConstraint('asset_tag', name=op.f('uq_device_asset_tag'))
    )
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_device_org_id', ['organisation_id', 'id'], unique=False)
        batch_op.create_index('ix_device_org_location', ['organisation_id', 'location_id'], unique=False)
        batch_op.create_index('ix_device_org_model_id', ['organisation_id', 'model', 'id'], unique=False)
        batch_op.create_index('ix_device_org_brand_id', ['organisation_id', 'brand', 'id'], unique=False)
        batch_op.create_index('ix_device_org_tag', ['organisation_id', 'asset_tag'], unique=False)
        batch_op.create_index('ix_device_org_imei', ['organisation_id', 'imei'], unique=False)
        batch_op.create_index('ix_device_org_serial', ['organisation_id', 'serial'], unique=False)
        batch_op.create_index('ix_device_org_state_id', ['organisation_id', 'state', 'id'], unique=False)

    op.create_table('device_checklist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('results', sa.JSON(), nullable=False),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('performed_by_id', sa.Integer(), nullable=True),
    sa.Column('performed_by_name', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_device_checklist_device_id_device')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_device_checklist_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['performed_by_id'], ['user_account.id'], name=op.f('fk_device_checklist_performed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_checklist')),
    sa.UniqueConstraint('device_id', name=op.f('uq_device_checklist_device_id'))
    )
    op.create_table('device_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('from_state', sa.Enum('received', 'triage', 'reconditioning', 'ready', 'reserved', 'on_loan', 'sold', 'given', 'returned', 'e_waste', 'parts', name='state', native_enum=False, length=20), nullable=True),
    sa.Column('to_state', sa.Enum('received', 'triage', 'reconditioning', 'ready', 'reserved', 'on_loan', 'sold', 'given', 'returned', 'e_waste', 'parts', name='state', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_device_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_device_event_device_id_device')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_device_event_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_event'))
    )
    with op.batch_alter_table('device_event', schema=None) as batch_op:
        batch_op.create_index('ix_device_event_device_at', ['device_id', 'at'], unique=False)

    op.create_table('erasure_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('disk_make', sa.String(length=80), nullable=False),
    sa.Column('disk_model', sa.String(length=120), nullable=False),
    sa.Column('disk_serial', sa.String(length=100), nullable=False),
    sa.Column('disk_size_gb', sa.Integer(), nullable=True),
    sa.Column('level', sa.Enum('clear', 'purge', 'destroy', name='erasurelevel', native_enum=False, length=20), nullable=False),
    sa.Column('method', sa.Enum('overwrite', 'ata_sanitize', 'nvme_sanitize', 'crypto_erase', 'factory_reset', 'destruction', name='erasuremethod', native_enum=False, length=20), nullable=False),
    sa.Column('passes', sa.Integer(), nullable=True),
    sa.Column('tool', sa.String(length=120), nullable=False),
    sa.Column('tool_version', sa.String(length=40), nullable=False),
    sa.Column('verification', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=False),
    sa.Column('result', sa.Enum('erased', 'failed', name='erasureresult', native_enum=False, length=20), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=True),
    sa.Column('technician_name', sa.String(length=200), nullable=False),
    sa.Column('signature', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_erasure_record_device_id_device')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_erasure_record_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['technician_id'], ['user_account.id'], name=op.f('fk_erasure_record_technician_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_record'))
    )
    with op.batch_alter_table('erasure_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_record_device_id'), ['device_id'], unique=False)


def downgrade():
    with op.batch_alter_table('erasure_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_record_device_id'))

    op.drop_table('erasure_record')
    with op.batch_alter_table('device_event', schema=None) as batch_op:
        batch_op.drop_index('ix_device_event_device_at')

    op.drop_table('device_event')
    op.drop_table('device_checklist')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_index('ix_device_org_state_id')
        batch_op.drop_index('ix_device_org_serial')
        batch_op.drop_index('ix_device_org_imei')
        batch_op.drop_index('ix_device_org_tag')
        batch_op.drop_index('ix_device_org_brand_id')
        batch_op.drop_index('ix_device_org_model_id')
        batch_op.drop_index('ix_device_org_location')
        batch_op.drop_index('ix_device_org_id')
        batch_op.drop_index(batch_op.f('ix_device_batch_id'))

    op.drop_table('device')
    with op.batch_alter_table('donation_batch', schema=None) as batch_op:
        batch_op.drop_index('ix_donation_batch_org_received')
        batch_op.drop_index(batch_op.f('ix_donation_batch_donor_id'))

    op.drop_table('donation_batch')
    op.drop_table('stock_location')
    with op.batch_alter_table('donor', schema=None) as batch_op:
        batch_op.drop_index('ix_donor_org_name')

    op.drop_table('donor')
    op.drop_table('checklist_template')
