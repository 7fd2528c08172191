"""Migration 0019_erasure_medium (issue 18): each erasure record keeps its medium, the
older ones backfilled from their device's (a phone's memory, else its storage type).

Run against a database of its own, migrated with ``flask db upgrade`` as a deploy does:
a SQLite file, or, when the suite runs on PostgreSQL (TEST_DATABASE_URL), a scratch
database on the same server (dropped at the end).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import Engine, make_url

from app.config import normalise_database_url
from app.extensions import db
from app.inventory.erasure_rules import ErasureLevel, ErasureMethod
from app.inventory.models import ErasureResult

ROOT = Path(__file__).resolve().parents[2]
BEFORE, AFTER = "0018_household_language", "0019_erasure_medium"


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'migration.db'}"
        return
    url = make_url(normalise_database_url(server))
    name = f"ordilien_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def flask_db(url: str, *command: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "ORDILIEN_ENV": "development"}
    env.pop("TEST_DATABASE_URL", None)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "db", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout + done.stderr


def seed(engine: Engine) -> dict[str, int]:
    """Devices of each kind, each with one erasure recorded before 0019."""
    tables = db.metadata.tables
    ids: dict[str, int] = {}
    when = datetime(2026, 11, 20, 9, 0)
    with engine.begin() as conn:
        org = conn.execute(
            insert(tables["organisation"]).values(
                slug="atelier", name="Atelier", kind="association"
            )
        ).inserted_primary_key[0]
        devices = {
            "hdd": ("laptop", "hdd"),
            "nvme": ("laptop", "nvme"),
            "phone": ("smartphone", None),
            "unknown": ("desktop", None),
            "none": ("laptop", "none"),
        }
        for n, (key, (kind, storage)) in enumerate(devices.items()):
            device = conn.execute(
                insert(tables["device"]).values(
                    organisation_id=org,
                    asset_tag=f"MIG{n:04d}",
                    device_type=kind,
                    storage_type=storage,
                )
            ).inserted_primary_key[0]
            erasure = tables["erasure_record"]
            columns = {c.name for c in erasure.columns} - {"medium"}  # not there before 0019
            values = {
                "device_id": device, "organisation_id": org, "level": ErasureLevel.CLEAR,
                "method": ErasureMethod.OVERWRITE, "passes": 1, "tool": "nwipe",
                "started_at": when, "ended_at": when, "result": ErasureResult.ERASED,
                "technician_name": "Lucie Marchal", "signature": "Lucie Marchal",
                "disk_make": "", "disk_model": "", "disk_serial": "", "tool_version": "",
                "verification": "Lecture complète", "notes": "", "created_at": when,
            }  # fmt: skip
            ids[key] = conn.execute(
                insert(erasure).values({k: v for k, v in values.items() if k in columns})
            ).inserted_primary_key[0]
    return ids


def test_0019_backfills_each_erasure_with_its_device_medium(scratch_url: str) -> None:
    flask_db(scratch_url, "upgrade", BEFORE)
    engine = create_engine(scratch_url)
    try:
        ids = seed(engine)
        flask_db(scratch_url, "upgrade", AFTER)
        with engine.connect() as conn:
            media = dict(conn.execute(text("SELECT id, medium FROM erasure_record")).all())
            head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert head == AFTER
        assert media[ids["hdd"]] == "hdd" and media[ids["nvme"]] == "nvme"
        assert media[ids["phone"]] == "mobile"
        assert media[ids["unknown"]] is None and media[ids["none"]] is None
        # The models read it back (the enum values the column holds).
        with engine.connect() as conn:
            medium = conn.execute(
                select(db.metadata.tables["erasure_record"].c.medium).where(
                    db.metadata.tables["erasure_record"].c.id == ids["nvme"]
                )
            ).scalar()
        assert medium == "nvme"
        # And back down: the column goes, the records stay.
        flask_db(scratch_url, "downgrade", BEFORE)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM erasure_record")).scalar() == 5
        flask_db(scratch_url, "upgrade")
        assert "No new upgrade operations detected" in flask_db(scratch_url, "check")
    finally:
        engine.dispose()
