"""training tables

Revision ID: 0006_training
Revises: 0005_tariffs
Create Date: 2026-11-23

Owned by the training domain: only its tables go here (see docs/CONTRIBUTING.md).
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0006_training"
down_revision = "0005_tariffs"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
