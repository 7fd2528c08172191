"""Training that stays consistent (issue 18): a cancelled session's bookings end with it,
attendance only once a session has started, a course shows each person's progress."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.authz.policy import OrgKind, Role
from app.core.clock import today, utcnow
from app.core.errors import Conflict, DomainError
from app.extensions import db
from app.loans import neighbours
from app.notify.models import OutboundMessage
from app.reports import household_figures, scope
from app.reports.period import Period
from app.training import bookings, cancellations, courses
from app.training.models import Attendance, Booking, BookingStatus, TrainingSession
from app.training.sessions import create_course
from tests import factories
from tests.conftest import login_client
from tests.integration.test_training_support import make_household, make_place, make_session


@pytest.fixture()
def _request(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def _booked_figure() -> int:
    """The dashboard's "Places réservées" (training bookings) over a wide period."""
    period = Period(date(2020, 1, 1), today() + timedelta(days=120))
    figure = household_figures.fig_training(
        scope.Filters(period, scope.Scope(None, "test"), today())
    )
    return int(figure.table.total(1))


@pytest.mark.usefixtures("_request")
def test_cancelled_session_ends_its_bookings() -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    session = make_session(make_place(), capacity=1)[0]
    first = make_household(ccas, reference_name="Mme Première")
    second = make_household(ccas, reference_name="M. Second", phone="06 98 76 54 32")
    booked = bookings.book(session.id, first)
    waiting = bookings.book(session.id, second)
    assert (booked.status, waiting.status) == (BookingStatus.BOOKED, BookingStatus.WAITING)
    assert _booked_figure() == 1

    assert cancellations.cancel_session(db.session.get(TrainingSession, session.id)) == 2  # type: ignore[arg-type]
    with pytest.raises(Conflict, match="annulée"):
        cancellations.cancel_booking(booked.id)

    db.session.expire_all()
    kept = db.session.get(Booking, waiting.id)
    assert kept is not None and kept.status is not BookingStatus.BOOKED
    assert kept.promoted_at is None
    bodies = [m.body for m in db.session.scalars(select(OutboundMessage))]
    assert not any("libérée" in body for body in bodies), bodies
    assert not any(m.key.endswith(":promoted") for m in db.session.scalars(select(OutboundMessage)))
    assert db.session.get(TrainingSession, session.id).booked == 0  # type: ignore[union-attr]
    # Not counted: not even once its date has passed.
    assert _booked_figure() == 0
    db.session.get(TrainingSession, session.id).starts_at = utcnow() - timedelta(days=1)  # type: ignore[union-attr]
    db.session.commit()
    assert _booked_figure() == 0
    # Shown as cancelled on the family's page.
    db.session.get(TrainingSession, session.id).starts_at = utcnow() + timedelta(days=1)  # type: ignore[union-attr]
    db.session.commit()
    [family] = neighbours.training_bookings(first)
    assert family.cancelled and not family.waiting
    [family] = neighbours.training_bookings(second)
    assert family.cancelled and not family.waiting


def test_household_page_shows_the_cancelled_session(client: FlaskClient) -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    prescriber = factories.create_user(Role.PRESCRIBER, ccas)
    session = make_session(make_place(), capacity=4)[0]
    household = make_household(ccas)
    with client.application.test_request_context():
        bookings.book(session.id, household, notify=False)
        cancellations.cancel_session(db.session.get(TrainingSession, session.id))  # type: ignore[arg-type]
    login_client(client, prescriber)
    page = client.get(f"/foyers/{household.id}").get_data(as_text=True)
    assert "Séance annulée" in page
    assert "Annuler cette inscription" not in page


@pytest.mark.usefixtures("_request")
def test_attendance_only_once_the_session_has_started() -> None:
    session = make_session(make_place())[0]
    booking = bookings.book(session.id, make_household(factories.create_org(OrgKind.PRESCRIBER)))
    with pytest.raises(DomainError, match="une fois la séance commencée"):
        courses.set_attendance(session, {booking.id: Attendance.PRESENT})
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).attendance is None  # type: ignore[union-attr]
    session = db.session.get(TrainingSession, session.id)
    assert session is not None
    session.starts_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    assert courses.set_attendance(session, {booking.id: Attendance.PRESENT}) == 1


def test_course_progress_and_reassessment(client: FlaskClient) -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    prescriber = factories.create_user(Role.PRESCRIBER, ccas)
    place = make_place()
    household = make_household(ccas, reference_name="Mme Parcours")
    with client.application.test_request_context():
        course = create_course(place, "Premiers pas")
        sessions = make_session(place, weeks=3, course_id=course.id)
        # Booked date by date: each booking still records its course.
        one = bookings.book(sessions[0].id, household, notify=False)
        assert one.course_id == course.id
        bookings.book_course(course, household)
        db.session.expire_all()
        rows = db.session.scalars(select(Booking).where(Booking.household_id == household.id))
        assert sorted(b.course_id for b in rows) == [course.id] * 3
        for session in db.session.scalars(
            select(TrainingSession).where(TrainingSession.course_id == course.id)
        ):
            session.starts_at -= timedelta(weeks=4)  # the whole course is over
        db.session.commit()
        for session in sessions[:2]:
            session = db.session.get(TrainingSession, session.id)
            [booking] = [b for b in session.bookings if b.household_id == household.id]
            courses.set_attendance(session, {booking.id: Attendance.PRESENT})
        db.session.expire_all()
        done = courses.progress(household, db.session.get(type(course), course.id))  # type: ignore[arg-type]
        assert (done.attended, done.total, done.label) == (2, 3, "2/3")
        assert done.finished and done.reassess
        assert courses.course_progress(household.id, course.id) == (2, 3)

    login_client(client, prescriber)
    page = client.get(f"/formation/parcours/{course.id}").get_data(as_text=True)
    assert "Mme Parcours" in page and "2/3" in page and "réévaluation" in page
    page = client.get(f"/foyers/{household.id}").get_data(as_text=True)
    assert "Premiers pas" in page and "2/3" in page and "refaire le diagnostic" in page
