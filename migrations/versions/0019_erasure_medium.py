"""inventory: each erasure record keeps the medium it erased

Revision ID: 0019_erasure_medium
Revises: 0018_household_language
Create Date: 2026-12-03

Issue 18: the medium (HDD, SATA SSD, NVMe SSD, eMMC, a phone's memory) decides the NIST
SP 800-88 level a method reaches (app/inventory/erasure_rules.py). It was read from the
device (``device.storage_type``, a phone's own memory), so a disk replaced and erased
later rewrote the earlier certificates. ``erasure_record.medium`` holds it per record.

Backfill: each existing record gets its device's medium as it stands now (the best
knowledge there is; erasure_rules.medium_of): "mobile" for a smartphone or a tablet,
else the storage type when it is hdd, ssd, nvme or emmc; NULL otherwise (not known: the
certificate then states the lowest level the method reaches anywhere).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_erasure_medium"
down_revision = "0018_household_language"
branch_labels = None
depends_on = None

MEDIA = ("hdd", "ssd", "nvme", "emmc", "mobile")


def upgrade():
    with op.batch_alter_table("erasure_record") as batch:
        batch.add_column(
            sa.Column(
                "medium",
                sa.Enum(*MEDIA, name="medium", native_enum=False, length=20),
                nullable=True,
            )
        )
    op.execute(
        """
        UPDATE erasure_record SET medium = (
            SELECT CASE
                WHEN device.device_type IN ('smartphone', 'tablet') THEN 'mobile'
                WHEN device.storage_type IN ('hdd', 'ssd', 'nvme', 'emmc')
                    THEN device.storage_type
                ELSE NULL
            END
            FROM device WHERE device.id = erasure_record.device_id
        )
        """
    )


def downgrade():
    with op.batch_alter_table("erasure_record") as batch:
        batch.drop_column("medium")
