"""Reminders 48 hours before each booked session, found by ``flask reminders send``."""

from __future__ import annotations

from datetime import datetime

from app.training import services


def enqueue_due(now: datetime) -> int:
    """Queue the 48-hour reminder of every booked seat starting soon; never twice."""
    return sum(1 for booking in services.due_reminders(now) if services.send_reminder(booking))
