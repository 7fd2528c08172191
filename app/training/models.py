"""Training places, sessions, courses, bookings and diagnostics.

A training place is an ``Organisation`` of kind training_place; ``TrainingPlace`` holds
what the open-data standards and the matching need about it. Each ``TrainingSession`` is
one dated occurrence; a weekly slot is a series of sessions sharing a ``series_key``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation
from app.core.clock import utcnow
from app.extensions import db
from app.training.matching import PriceKind


def _enum(cls: type[StrEnum], length: int = 20) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class SessionFormat(StrEnum):
    INDIVIDUAL = "individuel"
    GROUP = "collectif"


class SessionStatus(StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class Attendance(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


OPENING_HOURS_MAX = 200  # characters of the training place's OSM opening_hours


class TrainingPlace(db.Model):
    """What a training place publishes beyond its organisation record."""

    __tablename__ = "training_place"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    opening_hours: Mapped[str] = mapped_column(String(OPENING_HOURS_MAX), default="")  # OSM
    accessible: Mapped[bool] = mapped_column(default=False)  # step-free access
    accessibility_url: Mapped[str] = mapped_column(String(300), default="")  # acceslibre
    booking_url: Mapped[str] = mapped_column(String(300), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    code_insee: Mapped[str] = mapped_column(String(5), default="")
    latitude: Mapped[float | None] = mapped_column(default=None)
    longitude: Mapped[float | None] = mapped_column(default=None)
    # MedNum "services" values offered (beyond training), e.g. solidarity-priced devices.
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Where an imported place came from ("" when it is managed here).
    source: Mapped[str] = mapped_column(String(60), default="")
    source_id: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()


class TrainingCourse(db.Model):
    """A path of several sessions (10-12 over several weeks) followed as one."""

    __tablename__ = "training_course"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="course", order_by="TrainingSession.starts_at"
    )


class TrainingSession(db.Model):
    __tablename__ = "training_session"
    __table_args__ = (Index("ix_training_session_org_start", "organisation_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)  # diagnostic.Theme values
    levels: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every level
    format: Mapped[SessionFormat] = mapped_column(_enum(SessionFormat), default=SessionFormat.GROUP)
    capacity: Mapped[int] = mapped_column(default=8)
    # Seats taken: only ever changed by conditional UPDATEs (see bookings.book).
    booked: Mapped[int] = mapped_column(default=0)
    # Last waiting-list number handed out; the order of the waiting list.
    waiting_seq: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[datetime] = mapped_column(index=True)  # naive UTC
    duration_minutes: Mapped[int] = mapped_column(default=60)
    # Sessions created together as "every Tuesday 9h-12h" share this key.
    series_key: Mapped[str] = mapped_column(String(40), index=True)
    weekly: Mapped[bool] = mapped_column(default=False)
    price_kind: Mapped[PriceKind] = mapped_column(_enum(PriceKind), default=PriceKind.FREE)
    price_note: Mapped[str] = mapped_column(String(200), default="")
    publics: Mapped[list[str]] = mapped_column(JSON, default=list)
    accessible: Mapped[bool] = mapped_column(default=False)
    accessibility_note: Mapped[str] = mapped_column(String(300), default="")
    bring_own_device: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    commune: Mapped[str] = mapped_column(String(120), default="")
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_course.id"), default=None, index=True
    )
    status: Mapped[SessionStatus] = mapped_column(
        _enum(SessionStatus), default=SessionStatus.PUBLISHED
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # iCalendar SEQUENCE and LAST-MODIFIED, kept by _track_revision below: calendars that
    # subscribed replace their copy only when the sequence grows.
    sequence: Mapped[int] = mapped_column(default=0)
    # Nullable only so that migration 0013 adds it without rebuilding the table.
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    course: Mapped[TrainingCourse | None] = relationship(back_populates="sessions")
    bookings: Mapped[list[Booking]] = relationship(back_populates="session", order_by="Booking.id")

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def individual(self) -> bool:
        return self.format is SessionFormat.INDIVIDUAL

    def __repr__(self) -> str:
        return f"<TrainingSession {self.id} {self.title!r} {self.starts_at:%Y-%m-%d %H:%M}>"


# A new time or status is a revision (RFC 5545 3.8.7.4); what else a calendar shows only
# changes LAST-MODIFIED. Seats taken (conditional UPDATEs) change neither.
_REVISING = ("starts_at", "duration_minutes", "status")
_SHOWN = ("title", "description", "address", "postcode", "commune")


@event.listens_for(TrainingSession, "before_update")
def _track_revision(_mapper: Any, _connection: Any, session: TrainingSession) -> None:
    state = inspect(session)
    changed = {name for name in (*_REVISING, *_SHOWN) if state.attrs[name].history.has_changes()}
    if changed & set(_REVISING):
        session.sequence = (session.sequence or 0) + 1
    if changed:
        session.updated_at = utcnow()


class Booking(db.Model):
    __tablename__ = "training_booking"
    __table_args__ = (
        UniqueConstraint("session_id", "household_id"),
        Index("ix_training_booking_session_status", "session_id", "status", "waiting_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    # The household's organisation, for record-level access.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("training_course.id"), default=None)
    status: Mapped[BookingStatus] = mapped_column(_enum(BookingStatus))
    # Order on the waiting list (the session's waiting_seq when the booking was made).
    waiting_number: Mapped[int | None] = mapped_column(default=None)
    attendance: Mapped[Attendance | None] = mapped_column(_enum(Attendance), default=None)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)

    session: Mapped[TrainingSession] = relationship(back_populates="bookings")
    household: Mapped[Any] = relationship("Household")

    def __repr__(self) -> str:
        return f"<Booking {self.id} s={self.session_id} h={self.household_id} {self.status}>"


class Diagnostic(db.Model):
    """One run of the quick diagnostic, kept with its date to show progress later."""

    __tablename__ = "training_diagnostic"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    answers: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    profile: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # CRCN domain -> 0..5
    score: Mapped[int] = mapped_column(default=0)
    field_level: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(20))
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What the household can do, kept for matching: own device, step-free access, days.
    has_device: Mapped[bool] = mapped_column(default=True)
    needs_accessibility: Mapped[bool] = mapped_column(default=False)
    weekdays: Mapped[list[int]] = mapped_column(JSON, default=list)  # empty: any day
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarFeed(db.Model):
    """A secret subscription URL (webcal) to a place's sessions or a household's bookings.

    As for the family's page, only a SHA-256 of the token is stored; the token is an HMAC
    of ``salt`` with the secret key, so the page can show the URL again without a new one
    being made, and a database leak gives no working URL. ``household_id`` is empty for a
    place's feed (``organisation_id`` is then the place).
    """

    __tablename__ = "training_calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id"), default=None, index=True
    )
    salt: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_seen_at: Mapped[datetime | None] = mapped_column(default=None)
