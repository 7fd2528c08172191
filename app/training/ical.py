"""iCalendar (RFC 5545) export of sessions: a place's agenda, a household's bookings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from icalendar import Calendar, Event

from app.core.clock import utcnow
from app.training.models import SessionStatus, TrainingSession


def instance_host() -> str:
    """The host in UIDs (session-<id>@<host>): PUBLIC_BASE_URL's, else the request's."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "")
    host = urlsplit(base).hostname if base else None
    if not host and has_request_context():
        host = urlsplit(request.host_url).hostname
    return host or "localhost"


def calendar(sessions: Iterable[TrainingSession], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Ordilien//Formations//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    stamp = utcnow().replace(tzinfo=UTC)
    host = instance_host()
    for session in sessions:
        event = Event()
        # The same UID, SEQUENCE and LAST-MODIFIED as in the subscriptions (feeds.py).
        event.add("uid", f"session-{session.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("sequence", session.sequence or 0)
        event.add("last-modified", (session.updated_at or session.created_at).replace(tzinfo=UTC))
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
