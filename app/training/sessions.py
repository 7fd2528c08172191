"""Publishing sessions: one session or a weekly series (with or without the French
public holidays), a session changed (its capacity never below the seats taken; the
people waiting get the new seats; a new time is told), a course created."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.accounts.models import Organisation
from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.extensions import db
from app.training import diagnostic as dg
from app.training import matching as mt
from app.training import recurrence
from app.training.bookings import fill_from_waiting_list
from app.training.messages import queue_message
from app.training.models import (
    Booking,
    BookingStatus,
    SessionFormat,
    SessionStatus,
    TrainingCourse,
    TrainingSession,
)


@dataclass
class SessionData:
    """What a trainer fills in for a session or a weekly series."""

    title: str
    themes: list[str]
    levels: list[str] = field(default_factory=list)
    format: SessionFormat = SessionFormat.GROUP
    capacity: int = 8
    duration_minutes: int = 60
    price_kind: mt.PriceKind = mt.PriceKind.FREE
    price_note: str = ""
    publics: list[str] = field(default_factory=list)
    accessible: bool = False
    accessibility_note: str = ""
    bring_own_device: bool = False
    description: str = ""
    address: str = ""
    postcode: str = ""
    commune: str = ""
    course_id: int | None = None


def _check(data: SessionData) -> None:
    if not data.title.strip():
        raise DomainError(_("Indiquez un titre."), field="title")
    unknown = set(data.themes) - {t.value for t in dg.Theme}
    if not data.themes or unknown:
        raise DomainError(_("Choisissez au moins un thème du catalogue."), field="themes")
    if data.format is SessionFormat.INDIVIDUAL and data.capacity != 1:
        data.capacity = 1  # one-to-one: one seat, whatever was typed
    if not 1 <= data.capacity <= 200:
        raise DomainError(_("La capacité va de 1 à 200 places."), field="capacity")
    if not 15 <= data.duration_minutes <= 8 * 60:
        raise DomainError(_("La durée va de 15 minutes à 8 heures."), field="duration_minutes")


def holidays_in(first_day: date, start: time, weeks: int = 1) -> list[date]:
    """The French public holidays a weekly series falls on (the directory's calendar:
    opening-hours-py with country FR, app/directory/hours.py, one source)."""
    from app.directory.hours import is_holiday

    try:
        starts = recurrence.weekly(first_day, start, weeks)
    except ValueError:
        return []
    return [d for d in (s_.date() for s_ in map(recurrence.to_local, starts)) if is_holiday(d)]


def create_sessions(
    org: Organisation,
    data: SessionData,
    first_day: date,
    start: time,
    weeks: int = 1,
    *,
    commit: bool = True,
    skip_holidays: bool = False,
) -> list[TrainingSession]:
    """One session, or a weekly series of ``weeks`` sessions at the same local time
    (without the French public holidays when ``skip_holidays``)."""
    _check(data)
    if data.course_id is not None:
        course = db.session.get(TrainingCourse, data.course_id)
        if course is None or course.organisation_id != org.id:
            raise DomainError(_("Ce parcours n'existe pas."), field="course_id")
    try:
        starts = recurrence.weekly(first_day, start, weeks)
    except ValueError:
        raise DomainError(
            _("Le nombre de semaines va de 1 à %(n)s.", n=recurrence.MAX_WEEKS), field="weeks"
        ) from None
    if starts[0] < utcnow():
        raise DomainError(_("La première séance doit être dans le futur."), field="first_day")
    if skip_holidays:
        off = set(holidays_in(first_day, start, weeks))
        starts = [s_ for s_ in starts if recurrence.to_local(s_).date() not in off]
        if not starts:
            raise DomainError(_("Toutes les séances tombent un jour férié."), field="first_day")
    key = uuid.uuid4().hex
    sessions = []
    for starts_at in starts:
        session = TrainingSession(
            organisation_id=org.id,
            title=data.title.strip(),
            description=data.description,
            themes=list(data.themes),
            levels=list(data.levels),
            format=data.format,
            capacity=data.capacity,
            booked=0,
            waiting_seq=0,
            starts_at=starts_at,
            duration_minutes=data.duration_minutes,
            series_key=key,
            weekly=len(starts) > 1,
            price_kind=data.price_kind,
            price_note=data.price_note,
            publics=list(data.publics),
            accessible=data.accessible,
            accessibility_note=data.accessibility_note,
            bring_own_device=data.bring_own_device,
            address=data.address or org.address,
            postcode=data.postcode or org.postcode,
            commune=data.commune or org.commune,
            course_id=data.course_id,
            status=SessionStatus.PUBLISHED,
        )
        db.session.add(session)
        sessions.append(session)
    db.session.flush()
    record(
        "training.session.create",
        "training_session",
        sessions[0].id,
        detail={"title": data.title, "weeks": weeks, "series": key, "held": len(starts)},
        organisation_id=org.id,
    )
    if commit:
        db.session.commit()
    return sessions


def update_session(
    session: TrainingSession, data: SessionData, starts_at: datetime | None = None
) -> list[Booking]:
    """Change a session. The capacity never goes below the seats taken (a conditional
    UPDATE, so a booking at the same moment cannot slip under it); more seats go to the
    people waiting, in order. A new date or time is told to everyone booked.

    Returns the bookings moved in from the waiting list.
    """
    _check(data)
    session_id, old_start = session.id, session.starts_at
    moved = starts_at is not None and starts_at != old_start
    if moved and starts_at is not None and starts_at < utcnow():
        raise DomainError(_("La séance doit rester dans le futur."), field="first_day")
    db.session.commit()
    resized = db.session.execute(
        update(TrainingSession)
        .where(TrainingSession.id == session_id, TrainingSession.booked <= data.capacity)
        .values(capacity=data.capacity)
        .execution_options(synchronize_session=False)
    )
    if resized.rowcount != 1:  # type: ignore[attr-defined]
        booked = db.session.scalar(
            select(TrainingSession.booked).where(TrainingSession.id == session_id)
        )
        db.session.rollback()
        raise DomainError(
            _(
                "%(n)s places sont déjà prises : la capacité ne peut pas être plus petite.",
                n=booked,
            ),
            field="capacity",
        )
    session = db.session.get(TrainingSession, session_id)  # type: ignore[assignment]
    db.session.refresh(session)
    for name in (
        "title", "description", "themes", "levels", "format", "duration_minutes",
        "price_kind", "price_note", "publics", "accessible", "accessibility_note",
        "bring_own_device", "address", "postcode", "commune", "course_id",
    ):  # fmt: skip
        setattr(session, name, getattr(data, name))
    if moved and starts_at is not None:
        session.starts_at = starts_at
    db.session.flush()
    promoted = fill_from_waiting_list(session_id)
    record("training.session.update", "training_session", session_id,
           detail={"moved": moved, "promoted": promoted},
           organisation_id=session.organisation_id)  # fmt: skip
    db.session.commit()
    db.session.expire_all()
    moved_in = [b for b in (db.session.get(Booking, i) for i in promoted) if b is not None]
    for booking in moved_in:
        queue_message(booking, "promoted")
    if moved:
        refreshed = db.session.get(TrainingSession, session_id)
        assert refreshed is not None
        for booking in refreshed.bookings:
            if booking.status is not BookingStatus.CANCELLED:
                queue_message(booking, "moved", key=f"moved-{refreshed.starts_at:%Y%m%d%H%M}")
    return moved_in


def create_course(org: Organisation, title: str, description: str = "") -> TrainingCourse:
    if not title.strip():
        raise DomainError(_("Indiquez un titre."), field="title")
    course = TrainingCourse(organisation_id=org.id, title=title.strip(), description=description)
    db.session.add(course)
    db.session.flush()
    record("training.course.create", "training_course", course.id, organisation_id=org.id)
    db.session.commit()
    return course
