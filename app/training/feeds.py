"""Calendar subscriptions: secret, revocable URLs a phone's calendar polls without a login.

A place's feed lists its sessions; a household's feed lists only that household's bookings,
named by the workshop (never by the household). A session moved or cancelled keeps its UID
and gets a higher SEQUENCE; a cancelled one stays in the feed as STATUS:CANCELLED until
KEEP_DAYS after its date, so subscribed calendars strike it out instead of losing it.

The token scheme is the family page's (app/family/links.py): an HMAC of a random salt
with SECRET_KEY, of which only the SHA-256 is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event, vDuration
from sqlalchemy import select, update

from app.accounts.models import Organisation
from app.audit.services import record
from app.core.clock import utcnow
from app.extensions import db
from app.family.links import public_url
from app.households.models import Household
from app.training.ical import instance_host
from app.training.models import (
    Booking,
    BookingStatus,
    CalendarFeed,
    SessionStatus,
    TrainingSession,
)

# How long a session (held or cancelled) stays in a feed after its date.
KEEP_DAYS = 30
# How often calendars are asked to poll (RFC 7986 REFRESH-INTERVAL).
REFRESH = timedelta(hours=1)
MAX_EVENTS = 1000


# ---------------------------------------------------------------- tokens


def _derive(salt: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, b"calendar-feed:" + salt.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Owner:
    """Whose feed: a place (household_id None) or a household of an organisation."""

    organisation_id: int
    household_id: int | None = None

    @classmethod
    def place(cls, org: Organisation) -> Owner:
        return cls(org.id)

    @classmethod
    def household(cls, household: Household) -> Owner:
        return cls(household.organisation_id, household.id)

    @property
    def journal(self) -> tuple[str, int]:
        if self.household_id is None:
            return "organisation", self.organisation_id
        return "household", self.household_id


def _active_query(owner: Owner) -> Any:
    query = select(CalendarFeed).where(CalendarFeed.revoked_at.is_(None))
    if owner.household_id is None:
        return query.where(
            CalendarFeed.organisation_id == owner.organisation_id,
            CalendarFeed.household_id.is_(None),
        )
    return query.where(CalendarFeed.household_id == owner.household_id)


@dataclass(frozen=True)
class FeedLink:
    """What the place's or household's page shows. ``url`` is None when the secret key
    changed since the link was made (the old link is dead; renewing gives a new one)."""

    feed: CalendarFeed
    url: str | None

    @property
    def webcal(self) -> str | None:
        if self.url is None:
            return None
        return "webcal://" + self.url.split("://", 1)[1]


def current_link(owner: Owner) -> FeedLink | None:
    """The live subscription of a place or household, read only (a page view makes none)."""
    feed = db.session.scalar(_active_query(owner).order_by(CalendarFeed.id.desc()))
    if feed is None:
        return None
    raw = _derive(feed.salt)
    url = feed_url(raw) if hmac.compare_digest(_hash(raw), feed.token_hash) else None
    return FeedLink(feed, url)


def feed_url(raw: str) -> str:
    return public_url("training.feeds.subscription", token=raw)


def _revoke_all(owner: Owner) -> int:
    result = db.session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.id.in_(_active_query(owner).with_only_columns(CalendarFeed.id)))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def open_feed(owner: Owner, actor: Any) -> str:
    """Make the subscription URL, or a new one in place of the old (which stops working).

    Journalled as ``calendar_feed.create`` or ``calendar_feed.renew``. Returns the token.
    """
    revoked = _revoke_all(owner)
    salt = secrets.token_hex(16)
    raw = _derive(salt)
    feed = CalendarFeed(
        organisation_id=owner.organisation_id,
        household_id=owner.household_id,
        salt=salt,
        token_hash=_hash(raw),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(feed)
    db.session.flush()
    object_type, object_id = owner.journal
    record(
        "calendar_feed.renew" if revoked else "calendar_feed.create",
        object_type,
        object_id,
        detail={"feed_id": feed.id, "revoked": revoked},
        organisation_id=owner.organisation_id,
        actor=actor,
    )
    db.session.commit()
    return raw


def revoke_feed(owner: Owner, actor: Any) -> int:
    """Cut the subscription URL: it answers 404 from now on. Journalled."""
    revoked = _revoke_all(owner)
    object_type, object_id = owner.journal
    record(
        "calendar_feed.revoke",
        object_type,
        object_id,
        detail={"revoked": revoked},
        organisation_id=owner.organisation_id,
        actor=actor,
    )
    db.session.commit()
    return revoked


def feed_for_token(raw: str) -> CalendarFeed | None:
    if not raw or len(raw) > 100:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(raw)))
    if feed is None or feed.revoked_at is not None:
        return None
    if feed.household_id is not None:
        household = db.session.get(Household, feed.household_id)
        if household is None or household.anonymised_at is not None:
            return None
    feed.last_seen_at = utcnow()
    db.session.commit()
    return feed


# ---------------------------------------------------------------- the calendar


@dataclass(frozen=True)
class Entry:
    session: TrainingSession
    cancelled: bool
    sequence: int
    last_modified: datetime


def _entry(session: TrainingSession, booking: Booking | None = None) -> Entry:
    modified = session.updated_at or session.created_at
    if booking is not None:  # a seat given from the waiting list is news to the household
        modified = max(t for t in (modified, booking.created_at, booking.promoted_at) if t)
    cancelled = session.status is SessionStatus.CANCELLED
    return Entry(session, cancelled, session.sequence or 0, modified)


def entries(feed: CalendarFeed) -> list[Entry]:
    since = utcnow() - timedelta(days=KEEP_DAYS)
    if feed.household_id is None:
        sessions = db.session.scalars(
            select(TrainingSession)
            .where(
                TrainingSession.organisation_id == feed.organisation_id,
                TrainingSession.starts_at >= since,
            )
            .order_by(TrainingSession.starts_at, TrainingSession.id)
            .limit(MAX_EVENTS)
        )
        return [_entry(s) for s in sessions]
    bookings = db.session.scalars(
        select(Booking)
        .join(Booking.session)
        .where(
            Booking.household_id == feed.household_id,
            # Only seats: a place on the waiting list shows once given one. A seat the
            # household gave up leaves its calendar (it may book it again, and the
            # session's SEQUENCE must then not go down); one the place cancelled stays.
            Booking.status == BookingStatus.BOOKED,
            TrainingSession.starts_at >= since,
        )
        .order_by(TrainingSession.starts_at, Booking.id)
        .limit(MAX_EVENTS)
    )
    return [_entry(b.session, b) for b in bookings]


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def calendar_name(feed: CalendarFeed) -> str:
    if feed.household_id is None:
        org = db.session.get(Organisation, feed.organisation_id)
        return _("Ateliers — %(name)s", name=org.name if org else "")
    return _("Mes ateliers numériques")


def feed_ics(feed: CalendarFeed) -> bytes:
    """The feed as iCalendar (RFC 5545), parsed back by the tests with icalendar."""
    cal = Calendar()
    cal.add("prodid", "-//Ordilien//Formations//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = calendar_name(feed)
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    host = instance_host()
    stamp = _utc(utcnow())
    for item in entries(feed):
        session = item.session
        event = Event()
        event.add("uid", f"session-{session.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("created", _utc(session.created_at))
        event.add("last-modified", _utc(item.last_modified))
        event.add("sequence", item.sequence)
        event.add("dtstart", _utc(session.starts_at))
        event.add("dtend", _utc(session.ends_at))
        title = session.title
        event.add("summary", _("Annulé : %(title)s", title=title) if item.cancelled else title)
        where = ", ".join(p for p in (session.organisation.name, session.address,
                                      f"{session.postcode} {session.commune}".strip()) if p)  # fmt: skip
        event.add("location", where)
        event.add("description", session.description or title)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if item.cancelled else "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
