"""SQLite settings for a multi-threaded server: WAL, a busy timeout, foreign keys.

With WAL, readers never block the writer; with the busy timeout, concurrent writers wait
their turn instead of failing at once. Race-safe actions (handover, receipt numbers,
bookings, quotas) use a conditional UPDATE or a unique constraint as their first write,
which works the same on SQLite and PostgreSQL (see docs/CONTRIBUTING.md).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 30_000


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def configure(engine: Engine) -> None:
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _on_connect):
        event.listen(engine, "connect", _on_connect)
