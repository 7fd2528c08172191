"""training calendars: subscription feeds, and each session's SEQUENCE and LAST-MODIFIED

Revision ID: 0012_calendar_feeds
Revises: 0011_referrals
Create Date: 2026-12-03

Owned by the training domain. ``training_calendar_feed`` holds the secret subscription
URLs (only a SHA-256 of each token, as for the family's page). ``training_session`` gets
``sequence`` (0 for every existing session) and ``updated_at`` (its creation date for the
existing ones); both are added in place, so the table, which bookings point to, is not
rebuilt on SQLite.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_calendar_feeds"
down_revision = "0011_referrals"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "training_calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_training_calendar_feed_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_training_calendar_feed_household_id_household"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_training_calendar_feed_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_training_calendar_feed_token_hash")),
    )
    with op.batch_alter_table("training_calendar_feed", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_calendar_feed_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_calendar_feed_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    with op.batch_alter_table("training_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sequence", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
    session = sa.table(
        "training_session",
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
    )
    op.execute(session.update().values(updated_at=session.c.created_at))


def downgrade():
    with op.batch_alter_table("training_session", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("sequence")
    with op.batch_alter_table("training_calendar_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_calendar_feed_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_training_calendar_feed_household_id"))
    op.drop_table("training_calendar_feed")
