"""Run by `flask reminders send`: unanswered referrals are reminded, then expire."""

from __future__ import annotations

from datetime import datetime

from app.referrals.services import enqueue_due as _enqueue_due


def enqueue_due(now: datetime) -> int:
    """Remind the receiving structure once, expire after the delay; messages queued."""
    return _enqueue_due(now)
