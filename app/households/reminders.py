"""Run by `flask reminders send`: prescriptions left too long expire, and the prescriber
is told (their e-mails are queued in the outbox with the change)."""

from __future__ import annotations

from datetime import datetime

from app.households.services import expire_stale


def enqueue_due(now: datetime) -> int:
    """Expire stale prescriptions; returns how many e-mails that queued (one each)."""
    return expire_stale(now)
