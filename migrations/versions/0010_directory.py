"""directory ("Où aller"): the place table

Revision ID: 0010_directory
Revises: 0009_decision_codes
Create Date: 2026-12-03

Owned by the directory domain: only its tables go here (see docs/CONTRIBUTING.md).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_directory"
down_revision = "0009_decision_codes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('commune', sa.String(length=120), nullable=False),
    sa.Column('code_insee', sa.String(length=5), nullable=False),
    sa.Column('departement', sa.String(length=3), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('geocode_score', sa.Double(), nullable=True),
    sa.Column('geocode_status', sa.String(length=10), nullable=False),
    sa.Column('geocoded_address', sa.String(length=450), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=False),
    sa.Column('booking_url', sa.String(length=500), nullable=False),
    sa.Column('opening_hours', sa.String(length=500), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('services', sa.JSON(), nullable=False),
    sa.Column('free', sa.Boolean(), nullable=True),
    sa.Column('price_text', sa.String(length=300), nullable=False),
    sa.Column('pass_numerique', sa.Boolean(), nullable=False),
    sa.Column('accessible', sa.Boolean(), nullable=True),
    sa.Column('accessibility_text', sa.String(length=500), nullable=False),
    sa.Column('what_to_bring', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.Column('source_id', sa.String(length=200), nullable=False),
    sa.Column('date_maj', sa.Date(), nullable=True),
    sa.Column('raw', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_place_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place'))
    )
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_departement'), ['departement'], unique=False)
        batch_op.create_index('ix_place_lat_lon', ['latitude', 'longitude'], unique=False)
        batch_op.create_index(batch_op.f('ix_place_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('uq_place_source', ['source', 'source_id'], unique=True, sqlite_where=sa.text("source != ''"), postgresql_where=sa.text("source != ''"))


def downgrade():
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.drop_index('uq_place_source', sqlite_where=sa.text("source != ''"), postgresql_where=sa.text("source != ''"))
        batch_op.drop_index(batch_op.f('ix_place_organisation_id'))
        batch_op.drop_index('ix_place_lat_lon')
        batch_op.drop_index(batch_op.f('ix_place_departement'))

    op.drop_table('place')
