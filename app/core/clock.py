"""Time in one place: the database stores naive UTC; templates show Europe/Paris."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

# Set only by ``told_at`` (the demo's history): the instant the clock reads meanwhile.
_told: ContextVar[datetime | None] = ContextVar("told", default=None)


def utcnow() -> datetime:
    """Naive UTC now, as stored in every DateTime column (SQLite keeps no time zone)."""
    return _told.get() or datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def told_at(at: datetime) -> Iterator[None]:
    """Within the block the clock reads ``at`` (naive UTC): the demo seeds its history
    through the real services, each step at the day it tells (issue 18)."""
    token = _told.set(at)
    try:
        yield
    finally:
        _told.reset(token)


def today() -> date:
    return utcnow().date()
