"""Time in one place: the database stores naive UTC; templates show Europe/Paris."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Naive UTC now, as stored in every DateTime column (SQLite keeps no time zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()
