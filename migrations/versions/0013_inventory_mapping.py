"""inventory: former labels, purchase details, remembered import mappings

Revision ID: 0013_inventory_mapping
Revises: 0012_calendar_feeds
Create Date: 2026-12-03

Owned by the inventory domain (issue 16, "Move in"). ``device`` gets what a stock brought
from Snipe-IT, GLPI or a spreadsheet keeps: its former asset tag (``external_ref``,
indexed per organisation so that the old label still scans), purchase date and cost,
supplier and notes. The text columns are added with an empty server default, so existing
devices need no rewrite. ``inventory_import_mapping`` remembers, per organisation and
source tool, the column and value mapping last confirmed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_inventory_mapping"
down_revision = "0012_calendar_feeds"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inventory_import_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("types", sa.JSON(), nullable=False),
        sa.Column("states", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_inventory_import_mapping_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_inventory_import_mapping_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_import_mapping")),
        sa.UniqueConstraint(
            "organisation_id", "source", name=op.f("uq_inventory_import_mapping_organisation_id")
        ),
    )
    # Plain ALTER TABLE ADD COLUMN (no batch): SQLite does not rebuild the device table.
    op.add_column(
        "device", sa.Column("external_ref", sa.String(length=100), nullable=False, server_default="")
    )
    op.add_column("device", sa.Column("purchase_date", sa.Date(), nullable=True))
    op.add_column(
        "device",
        sa.Column(
            "purchase_cost", sa.Numeric(precision=10, scale=2, asdecimal=False), nullable=True
        ),
    )
    op.add_column(
        "device", sa.Column("supplier", sa.String(length=200), nullable=False, server_default="")
    )
    op.add_column("device", sa.Column("notes", sa.Text(), nullable=False, server_default=""))
    op.create_index(
        "ix_device_org_external_ref", "device", ["organisation_id", "external_ref"], unique=False
    )


def downgrade():
    op.drop_index("ix_device_org_external_ref", table_name="device")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("notes")
        batch_op.drop_column("supplier")
        batch_op.drop_column("purchase_cost")
        batch_op.drop_column("purchase_date")
        batch_op.drop_column("external_ref")
    op.drop_table("inventory_import_mapping")
