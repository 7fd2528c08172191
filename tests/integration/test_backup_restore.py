"""flask backup then flask restore into an empty database: the same rows come back.

Runs on the test database of the run: SQLite by default, PostgreSQL with TEST_DATABASE_URL
(pg_dump / pg_restore of the server's version).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.engine import Engine, make_url

from app import create_app
from app.accounts.cli import seed_demo
from app.audit.services import record
from app.extensions import db
from app.notify.models import Channel
from app.notify.services import enqueue
from app.reports.cli import backup_command, restore_command
from tests.conftest import make_test_config


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    meta = MetaData()
    meta.reflect(bind=engine)
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).all()
            out[name] = [tuple(row) for row in rows]
    return out


@pytest.fixture
def empty_target(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of the same kind as the test database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield "sqlite:///" + str(tmp_path / "restored.db")
        return
    name = f"{url.database}_restore_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fill(app: Flask) -> None:
    result = app.test_cli_runner().invoke(seed_demo)
    assert result.exit_code == 0, result.output
    # Text that must survive byte for byte: accents, quotes, newlines, JSON.
    record("test.backup", "household", 1, detail={"note": "Élodie « d'Arc »\nligne 2"})
    db.session.commit()
    enqueue("test:backup:1", Channel.SMS, "+33612345678", "Rappel : rendez-vous jeudi à 14 h")


def test_backup_then_restore_gives_identical_tables(
    app: Flask, empty_target: str, tmp_path: Path
) -> None:
    _fill(app)
    before = snapshot(db.engine)
    assert before["organisation"], "demo data expected"

    backup_file = tmp_path / "sauvegardes" / "ordilien-test.bak"
    result = app.test_cli_runner().invoke(backup_command, ["--output", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert backup_file.stat().st_size > 0

    target_app = create_app(make_test_config(empty_target))
    with target_app.app_context():
        result = target_app.test_cli_runner().invoke(restore_command, [str(backup_file), "--yes"])
        assert result.exit_code == 0, result.output
        engine = create_engine(empty_target)
        try:
            after = snapshot(engine)
        finally:
            engine.dispose()
        db.engine.dispose()

    assert sorted(after) == sorted(before)
    for table, rows in before.items():
        assert len(after[table]) == len(rows), table
        assert after[table] == rows, table


def test_backup_keeps_only_the_newest(app: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "rotation"
    folder.mkdir()
    for stamp in ("20260101-000000", "20260102-000000", "20260103-000000"):
        (folder / f"ordilien-{stamp}.dump").write_bytes(b"PGDMP old")
    result = app.test_cli_runner().invoke(backup_command, ["--dir", str(folder), "--keep", "2"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2
    assert "ordilien-20260103-000000.dump" in names


def test_restore_refuses_a_file_that_is_not_a_backup(app: Flask, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("pas une sauvegarde")
    result = app.test_cli_runner().invoke(restore_command, [str(bogus), "--yes"])
    assert result.exit_code != 0
    assert "n'est pas une sauvegarde" in result.output


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="cross-kind check needs PostgreSQL"
)
def test_restore_refuses_a_backup_of_the_other_kind(app: Flask, tmp_path: Path) -> None:
    sqlite_file = tmp_path / "autre.sqlite3"
    sqlite_file.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    result = app.test_cli_runner().invoke(restore_command, [str(sqlite_file), "--yes"])
    assert result.exit_code != 0
    assert "même type" in result.output
