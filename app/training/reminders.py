"""Reminders 48 hours before each booked session, found by ``flask reminders send``."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.training.messages import queue_message
from app.training.models import Booking, BookingStatus, SessionStatus, TrainingSession

REMINDER_BEFORE = timedelta(hours=48)


def enqueue_due(now: datetime) -> int:
    """Queue the 48-hour reminder of every booked seat starting soon; never twice."""
    return sum(1 for booking in due_reminders(now) if send_reminder(booking))


def due_reminders(now: datetime) -> list[Booking]:
    """Booked seats whose session starts within 48 hours."""
    return list(
        db.session.scalars(
            select(Booking)
            .join(Booking.session)
            .where(
                Booking.status == BookingStatus.BOOKED,
                TrainingSession.status == SessionStatus.PUBLISHED,
                TrainingSession.starts_at > now,
                TrainingSession.starts_at <= now + REMINDER_BEFORE,
            )
        )
    )


def send_reminder(booking: Booking) -> bool:
    return queue_message(booking, "48h")
