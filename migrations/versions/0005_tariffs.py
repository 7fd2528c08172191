"""tariffs tables

Revision ID: 0005_tariffs
Revises: 0004_loans
Create Date: 2026-11-23

Owned by the tariffs domain: only its tables go here (see docs/CONTRIBUTING.md).
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0005_tariffs"
down_revision = "0004_loans"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
