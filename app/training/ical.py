"""iCalendar (RFC 5545) export of sessions: a place's agenda, a household's bookings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from icalendar import Calendar, Event

from app.core.clock import utcnow
from app.training.models import SessionStatus, TrainingSession


def calendar(sessions: Iterable[TrainingSession], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Ordilien//Formations//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    stamp = utcnow().replace(tzinfo=UTC)
    for session in sessions:
        event = Event()
        event.add("uid", f"training-session-{session.id}@ordilien")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at.replace(tzinfo=UTC))
        event.add("dtend", session.ends_at.replace(tzinfo=UTC))
        event.add("summary", session.title)
        where = ", ".join(p for p in (session.organisation.name, session.address,
                                      f"{session.postcode} {session.commune}".strip()) if p)  # fmt: skip
        event.add("location", where)
        event.add("description", session.description or session.title)
        event.add(
            "status", "CANCELLED" if session.status is SessionStatus.CANCELLED else "CONFIRMED"
        )
        cal.add_component(event)
    return cal.to_ical()
