"""reports tables

Revision ID: 0007_reports
Revises: 0006_training
Create Date: 2026-11-23

Owned by the reports domain: only its tables go here (see docs/CONTRIBUTING.md).
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007_reports"
down_revision = "0006_training"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
