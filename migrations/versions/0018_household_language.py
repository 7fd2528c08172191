"""households: the language a household's messages are written in

Revision ID: 0018_household_language
Revises: 0017_user_sessions
Create Date: 2026-12-11

Issue 17: each reason is rendered in the reader's language, SMS included. The reader of
a tariff SMS, a loan notice or the family page is the household, so ``household.language``
holds a code of the app's LANGUAGES ("fr", "en"). Existing households get French (the
server default), which is what they were sent until now.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_household_language"
down_revision = "0017_user_sessions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("household") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=5), nullable=False, server_default="fr")
        )


def downgrade():
    with op.batch_alter_table("household") as batch:
        batch.drop_column("language")
