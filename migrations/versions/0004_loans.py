"""loans tables

Revision ID: 0004_loans
Revises: 0003_households
Create Date: 2026-11-23

Owned by the loans domain: only its tables go here (see docs/CONTRIBUTING.md).
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004_loans"
down_revision = "0003_households"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
