"""stored decisions: French sentences -> condition codes and data

Revision ID: 0009_decision_codes
Revises: 0008_programmes
Create Date: 2026-12-03

Prescriptions keep the engine's decision. Until now each condition was kept as a French
sentence; it is now a code and its data, put into words in the reader's language when
shown (app/eligibility/explain.py). This reads the old sentences back into codes
(app/eligibility/legacy.py, tested over every sentence the engine wrote); one it cannot
read stays as written (code ``legacy.text``). No schema change.
"""

import sqlalchemy as sa
from alembic import op

from app.eligibility.legacy import upgrade_decision

revision = "0009_decision_codes"
down_revision = "0008_programmes"
branch_labels = None
depends_on = None

prescription = sa.table(
    "prescription",
    sa.column("id", sa.Integer),
    sa.column("decision", sa.JSON),
)


def upgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.select(prescription.c.id, prescription.c.decision)).all()
    for row_id, decision in rows:
        if not decision:
            continue
        upgraded = upgrade_decision(decision)
        if upgraded != decision:
            bind.execute(
                prescription.update().where(prescription.c.id == row_id).values(decision=upgraded)
            )


def downgrade():
    # The codes render in French as the old sentences did; nothing to undo.
    pass
