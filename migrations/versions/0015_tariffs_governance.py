"""tariffs: governance of the catalogue (owner, state, verifier, proposals)

Revision ID: 0015_tariffs_governance
Revises: 0014_directory_open_data
Create Date: 2026-12-03

Issue 17: each offer carries its territory, the coordinator organisation that owns it,
who verified it last and its state (current, to_verify, withdrawn); people who do not own
the catalogue propose changes or report an offer gone (tariff_proposal).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_tariffs_governance"
down_revision = "0014_directory_open_data"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("social_tariff") as batch:
        batch.add_column(
            sa.Column("territory", sa.String(length=120), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("owner_org_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("verified_by_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("state", sa.String(length=20), nullable=False, server_default="current")
        )
        batch.create_foreign_key(
            "fk_social_tariff_owner_org_id_organisation", "organisation", ["owner_org_id"], ["id"]
        )
        batch.create_foreign_key(
            "fk_social_tariff_verified_by_id_user_account",
            "user_account",
            ["verified_by_id"],
            ["id"],
        )
    op.create_table(
        "tariff_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tariff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("proposer_id", sa.Integer(), nullable=True),
        sa.Column("proposer_label", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_label", sa.String(length=254), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["tariff_id"], ["social_tariff.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposer_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tariff_proposal_status", "tariff_proposal", ["status", "created_at"])


def downgrade():
    op.drop_index("ix_tariff_proposal_status", table_name="tariff_proposal")
    op.drop_table("tariff_proposal")
    with op.batch_alter_table("social_tariff") as batch:
        batch.drop_constraint("fk_social_tariff_verified_by_id_user_account", type_="foreignkey")
        batch.drop_constraint("fk_social_tariff_owner_org_id_organisation", type_="foreignkey")
        batch.drop_column("state")
        batch.drop_column("verified_by_id")
        batch.drop_column("owner_org_id")
        batch.drop_column("territory")
