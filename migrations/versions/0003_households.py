"""households tables

Revision ID: 0003_households
Revises: 0002_inventory
Create Date: 2026-11-23

Owned by the households domain: only its tables go here (see docs/CONTRIBUTING.md).
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0003_households"
down_revision = "0002_inventory"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
