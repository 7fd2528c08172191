"""Bookings and the waiting list: a seat, or a place in the queue when the session is
full; a whole course booked as one path; free seats given to the people waiting.

Seats are taken with a conditional UPDATE on the session's ``booked`` counter as the first
write of the transaction (docs/CONTRIBUTING.md, "Races"): two people booking the last
seat at the same moment cannot both get it, on PostgreSQL and on SQLite alike. Every
action that changes seats (book, cancel) writes the session row first, so they are
serialised per session and never deadlock.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import Conflict, DomainError
from app.extensions import db
from app.households.models import Household
from app.training.messages import queue_message
from app.training.models import (
    Booking,
    BookingStatus,
    SessionStatus,
    TrainingCourse,
    TrainingSession,
)


def fill_from_waiting_list(session_id: int) -> list[int]:
    """Give free seats to the people waiting, first come first served (in the caller's
    transaction, after its write on the session row)."""
    promoted: list[int] = []
    now = utcnow()
    while True:
        first = db.session.scalar(
            select(Booking.id)
            .where(Booking.session_id == session_id, Booking.status == BookingStatus.WAITING)
            .order_by(Booking.waiting_number, Booking.id)
            .limit(1)
        )
        if first is None:
            return promoted
        seat = db.session.execute(
            update(TrainingSession)
            .where(
                TrainingSession.id == session_id, TrainingSession.booked < TrainingSession.capacity
            )
            .values(booked=TrainingSession.booked + 1)
            .execution_options(synchronize_session=False)
        )
        if seat.rowcount != 1:  # type: ignore[attr-defined]
            return promoted
        db.session.execute(
            update(Booking)
            .where(Booking.id == first, Booking.status == BookingStatus.WAITING)
            .values(status=BookingStatus.BOOKED, promoted_at=now)
            .execution_options(synchronize_session=False)
        )
        promoted.append(first)


def book(
    session_id: int,
    household: Household,
    actor: Any = None,
    *,
    course_id: int | None = None,
    notify: bool = True,
) -> Booking:
    """Book a seat, or a place on the waiting list when the session is full."""
    household_id, household_org = household.id, household.organisation_id
    actor_id = getattr(actor, "id", None)
    now = utcnow()
    # The conditional UPDATE must be the transaction's first write (and, on SQLite, its
    # first statement after a commit), so nothing read before can be stale.
    db.session.commit()
    bookable = (
        (TrainingSession.id == session_id)
        & (TrainingSession.status == SessionStatus.PUBLISHED)
        & (TrainingSession.starts_at > now)
    )
    took_seat = db.session.execute(
        update(TrainingSession)
        .where(bookable, TrainingSession.booked < TrainingSession.capacity)
        .values(booked=TrainingSession.booked + 1)
        .execution_options(synchronize_session=False)
    )
    waiting_number = None
    if took_seat.rowcount != 1:  # type: ignore[attr-defined]
        queued = db.session.execute(
            update(TrainingSession)
            .where(bookable)
            .values(waiting_seq=TrainingSession.waiting_seq + 1)
            .execution_options(synchronize_session=False)
        )
        if queued.rowcount != 1:  # type: ignore[attr-defined]
            db.session.rollback()
            raise DomainError(_("Cette séance n'est plus ouverte aux inscriptions."))
        waiting_number = db.session.scalar(
            select(TrainingSession.waiting_seq).where(TrainingSession.id == session_id)
        )
    status = BookingStatus.BOOKED if waiting_number is None else BookingStatus.WAITING
    if course_id is None:  # a session of a course booked on its own still belongs to it
        course_id = db.session.scalar(
            select(TrainingSession.course_id).where(TrainingSession.id == session_id)
        )
    booking = db.session.scalar(
        select(Booking).where(
            Booking.session_id == session_id, Booking.household_id == household_id
        )
    )
    if booking is not None and booking.status is not BookingStatus.CANCELLED:
        db.session.rollback()
        raise Conflict(_("Ce foyer est déjà inscrit à cette séance."))
    if booking is None:
        booking = Booking(session_id=session_id, household_id=household_id)
        db.session.add(booking)
    booking.organisation_id = household_org
    booking.course_id = course_id
    booking.status = status
    booking.waiting_number = waiting_number
    booking.attendance = None
    booking.booked_by_id = actor_id
    booking.created_at = now
    booking.cancelled_at = None
    booking.promoted_at = None
    try:
        db.session.flush()
        record(
            "training.booking.create",
            "training_booking",
            booking.id,
            detail={"session": session_id, "household": household_id, "status": status.value},
            organisation_id=household_org,
            actor=actor,
        )
        db.session.commit()
    except IntegrityError:  # the same household booked twice at the same moment
        db.session.rollback()
        raise Conflict(_("Ce foyer est déjà inscrit à cette séance.")) from None
    if notify:
        queue_message(booking, "confirm" if status is BookingStatus.BOOKED else "waiting")
    return booking


def book_course(course: TrainingCourse, household: Household, actor: Any = None) -> list[Booking]:
    """Book every upcoming session of a course: the household follows it as one path."""
    now = utcnow()
    upcoming = [
        s.id for s in course.sessions if s.status is SessionStatus.PUBLISHED and s.starts_at > now
    ]
    if not upcoming:
        raise DomainError(_("Ce parcours n'a plus de séance à venir."))
    done = []
    for session_id in upcoming:
        try:
            done.append(book(session_id, household, actor, course_id=course.id, notify=False))
        except Conflict:
            continue  # already booked on that one
    if done:
        first = min(done, key=lambda b: b.session.starts_at)
        queue_message(first, "confirm" if first.status is BookingStatus.BOOKED else "waiting")
    return done
