"""accounts: server-side sessions that can be ended

Revision ID: 0017_user_sessions
Revises: 0016_kept_fields
Create Date: 2026-12-03

Owned by the accounts domain (issue 19, sessions that end). One row per login: the
SHA-256 of the random id the signed cookie carries, who, when it started and was last
seen, a summary of the browser, and when and why it ended (logout, "log out
everywhere", an administrator or manager, a password change, the idle limit,
deactivation).
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_user_sessions"
down_revision = "0016_kept_fields"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("user_agent", sa.String(length=120), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_user_session_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_user_session_key_hash")),
    )
    with op.batch_alter_table("user_session") as batch:
        batch.create_index("ix_user_session_user_id", ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("user_session") as batch:
        batch.drop_index("ix_user_session_user_id")
    op.drop_table("user_session")
