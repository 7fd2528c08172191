"""inventory tables

Revision ID: 0002_inventory
Revises: 0001_foundation
Create Date: 2026-11-23

Owned by the inventory domain: only its tables go here (see docs/CONTRIBUTING.md).
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0002_inventory"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
