"""Courses ("parcours") followed as one path: who came (attendance), each person's
progress and the reassessment.

Progress is the sessions attended (marked present) out of the course's sessions that
take place (a cancelled session is not one to attend). Once the course's last session
has ended, the household is proposed a new diagnostic (the reassessment), until one has
been made since.

A cancelled session's bookings end with it (``ended_with_session``): they keep what they
were for the household's calendar, but count nowhere as a seat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import DomainError, NotFound
from app.extensions import db
from app.households.models import Household
from app.training.messages import when_text
from app.training.models import (
    Attendance,
    Booking,
    BookingStatus,
    Diagnostic,
    SessionStatus,
    TrainingCourse,
    TrainingSession,
)


def ended_with_session(booking: Booking) -> bool:
    """A booking or waiting-list place on a session the place cancelled."""
    return (
        booking.session.status is SessionStatus.CANCELLED
        and booking.status is not BookingStatus.CANCELLED
    )


@dataclass(frozen=True)
class CourseProgress:
    course: TrainingCourse
    household: Household
    attended: int
    total: int
    finished: bool  # the course's last session has ended
    reassess: bool  # finished and no diagnostic made since

    @property
    def label(self) -> str:
        return f"{self.attended}/{self.total}"


def _held(course: TrainingCourse) -> list[TrainingSession]:
    return [s for s in course.sessions if s.status is not SessionStatus.CANCELLED]


def progress(
    household: Household, course: TrainingCourse, now: datetime | None = None
) -> CourseProgress:
    """Sessions of the course the household attended, out of those held or to be held."""
    now = now or utcnow()
    held = _held(course)
    attended = db.session.scalar(
        select(func.count())
        .select_from(Booking)
        .join(TrainingSession, TrainingSession.id == Booking.session_id)
        .where(
            Booking.household_id == household.id,
            TrainingSession.course_id == course.id,
            TrainingSession.status != SessionStatus.CANCELLED,
            Booking.status == BookingStatus.BOOKED,
            Booking.attendance == Attendance.PRESENT,
        )
    )
    finished = bool(held) and max(s.ends_at for s in held) <= now
    reassess = False
    if finished:
        last_start = max(s.starts_at for s in held)
        since = db.session.scalar(
            select(func.count()).where(
                Diagnostic.household_id == household.id, Diagnostic.created_at >= last_start
            )
        )
        reassess = not since
    return CourseProgress(course, household, int(attended or 0), len(held), finished, reassess)


def _followed(where: Any) -> list[tuple[int, int]]:
    """(course id, household id) pairs with a live booking on one of the course's sessions."""
    rows = db.session.execute(
        select(TrainingSession.course_id, Booking.household_id)
        .join(Booking, Booking.session_id == TrainingSession.id)
        .where(
            where,
            TrainingSession.course_id.is_not(None),
            Booking.status != BookingStatus.CANCELLED,
        )
        .distinct()
    ).all()
    return [(int(c), int(h)) for c, h in rows]


def household_courses(household: Household) -> list[CourseProgress]:
    """The courses a household follows, with its progress (for the household's page)."""
    out = []
    for course_id, _household_id in _followed(Booking.household_id == household.id):
        course = db.session.get(TrainingCourse, course_id)
        if course is not None:
            out.append(progress(household, course))
    return sorted(out, key=lambda p: (p.course.title, p.course.id))


def course_followers(course: TrainingCourse) -> list[CourseProgress]:
    """Everyone following a course, with their progress (for the course's page)."""
    out = []
    for _course_id, household_id in _followed(TrainingSession.course_id == course.id):
        household = db.session.get(Household, household_id)
        if household is not None:
            out.append(progress(household, course))
    return sorted(out, key=lambda p: (p.household.reference_name, p.household.id))


def set_attendance(
    session: TrainingSession, marks: Mapping[int, Attendance], actor: Any = None
) -> int:
    """The trainer marks who came (present, absent, excused). Returns how many changed.

    Only once the session has started, and never on a cancelled session.
    """
    if session.status is SessionStatus.CANCELLED:
        raise DomainError(_("Cette séance est annulée : il n'y a pas de présence à noter."))
    if session.starts_at > utcnow():
        raise DomainError(
            _(
                "La présence se note une fois la séance commencée (%(when)s).",
                when=when_text(session),
            )
        )
    changed = 0
    for booking in session.bookings:
        mark = marks.get(booking.id)
        if mark is None or booking.status is not BookingStatus.BOOKED:
            continue
        if booking.attendance is not mark:
            booking.attendance = mark
            changed += 1
            record(
                "training.attendance",
                "training_booking",
                booking.id,
                detail={"session": session.id, "attendance": mark.value},
                organisation_id=session.organisation_id,
                actor=actor,
            )
    db.session.commit()
    return changed


def course_progress(household_id: int, course_id: int) -> tuple[int, int]:
    """(sessions attended, sessions of the course held) for a household: courses.progress."""
    household = db.session.get(Household, household_id)
    course = db.session.get(TrainingCourse, course_id)
    if household is None or course is None:
        raise NotFound(_("Parcours introuvable."))
    done = progress(household, course)
    return done.attended, done.total
