"""directory: the standard an imported row is in, an own place's labels and RNA

Revision ID: 0014_directory_open_data
Revises: 0013_inventory_mapping
Create Date: 2026-12-04

Owned by the directory domain (issue 15, open data). ``place.standard`` says which
standard ``raw`` is in ("mednum", "data_inclusion"; "" for own places), so each export
gives back only the rows it can give back unchanged. ``labels`` (La MedNum
"formations_labels", e.g. "ORDI 3.0") and ``rna`` (W + 9 digits) are what an
association's published row needs and the organisation record does not hold. Chained
after 0013_inventory_mapping, the head when this was written.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_directory_open_data"
down_revision = "0013_inventory_mapping"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("place") as batch:
        batch.add_column(
            sa.Column("standard", sa.String(length=20), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("labels", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("rna", sa.String(length=10), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("place") as batch:
        batch.drop_column("rna")
        batch.drop_column("labels")
        batch.drop_column("standard")
