"""loans: the sale keeps the device's condition at handover

Revision ID: 0016_kept_fields
Revises: 0015_tariffs_governance
Create Date: 2026-12-10

Issue 18, "nothing typed is lost": the counter's handover form asks for the device's
condition ("Légère rayure sur le capot"); a loan kept it (``loan.condition_out``), a sale
did not. ``sale.condition_out`` holds it the same way (grade, then the note), for the
sale page and the receipt. Chained after the head when this was written.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_kept_fields"
down_revision = "0015_tariffs_governance"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sale") as batch:
        batch.add_column(sa.Column("condition_out", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("sale") as batch:
        batch.drop_column("condition_out")
