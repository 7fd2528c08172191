"""Bookings under concurrency, the waiting list, cancellation, reminders, attendance."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.authz.policy import OrgKind
from app.core.clock import utcnow
from app.core.errors import Conflict, DomainError
from app.extensions import db
from app.households.models import Household
from app.notify.models import Channel, OutboundMessage
from app.notify.services import queue_due_reminders
from app.training import cancellations, catalogue, courses
from app.training.bookings import book, book_course
from app.training.models import Attendance, Booking, BookingStatus, TrainingSession
from app.training.sessions import SessionData, create_course, update_session
from tests import factories
from tests.integration.test_training_support import make_household, make_place, make_session


@pytest.fixture(autouse=True)
def _request(app: Flask):  # type: ignore[no-untyped-def]
    """Services speak French through Flask-Babel, which reads the request's language."""
    with app.test_request_context():
        yield


def messages() -> list[OutboundMessage]:
    return list(db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def test_thirty_concurrent_bookings_on_ten_seats(app: Flask) -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    session = make_session(make_place(), capacity=10)[0]
    households = [make_household(ccas, reference_name=f"Foyer {n}") for n in range(30)]
    ids = [h.id for h in households]
    session_id = session.id
    barrier = threading.Barrier(len(ids))
    errors: list[BaseException] = []
    finished: dict[int, float] = {}

    def run(household_id: int) -> None:
        import time

        with app.app_context(), app.test_request_context():
            try:
                household = db.session.get(Household, household_id)
                assert household is not None
                db.session.commit()  # give the connection back before waiting
                barrier.wait(timeout=60)
                book(session_id, household, notify=False)
                finished[household_id] = time.monotonic()
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    db.session.expire_all()
    bookings = db.session.scalars(select(Booking).where(Booking.session_id == session_id)).all()
    booked = [b for b in bookings if b.status is BookingStatus.BOOKED]
    waiting = sorted(
        (b for b in bookings if b.status is BookingStatus.WAITING), key=lambda b: b.waiting_number
    )
    assert len(booked) == 10 and len(waiting) == 20
    refreshed = db.session.get(TrainingSession, session_id)
    assert refreshed is not None and refreshed.booked == 10
    # Waiting numbers are 1..20 without gap or duplicate: the list has one order.
    assert [b.waiting_number for b in waiting] == list(range(1, 21))
    assert [catalogue.waiting_position(b) for b in waiting] == list(range(1, 21))

    # A seat frees: the first person waiting gets it, and is told.
    promoted = cancellations.cancel_booking(booked[0].id)
    assert promoted is not None and promoted.id == waiting[0].id
    db.session.expire_all()
    assert db.session.get(Booking, waiting[0].id).status is BookingStatus.BOOKED  # type: ignore[union-attr]
    assert catalogue.waiting_position(db.session.get(Booking, waiting[1].id)) == 1  # type: ignore[arg-type]
    assert db.session.get(TrainingSession, session_id).booked == 10  # type: ignore[union-attr]
    sent = [m for m in messages() if m.key == f"booking:{promoted.id}:promoted"]
    assert len(sent) == 1 and sent[0].channel is Channel.SMS
    assert "place s'est libérée" in sent[0].body


def test_cancel_without_waiting_list_frees_the_seat_and_rebooking_works() -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    session = make_session(make_place(), capacity=2)[0]
    household = make_household(ccas, contact_channel="email", email="foyer@example.org")
    booking = book(session.id, household)
    assert booking.status is BookingStatus.BOOKED
    confirm = messages()[-1]
    assert confirm.key == f"booking:{booking.id}:confirm" and confirm.channel is Channel.EMAIL
    with pytest.raises(Conflict):
        book(session.id, household)
    assert cancellations.cancel_booking(booking.id) is None
    db.session.expire_all()
    assert db.session.get(TrainingSession, session.id).booked == 0  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        cancellations.cancel_booking(booking.id)
    again = book(session.id, household, notify=False)
    assert again.id == booking.id and again.status is BookingStatus.BOOKED


def test_past_or_cancelled_sessions_cannot_be_booked() -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    session = make_session(make_place())[0]
    household = make_household(ccas)
    cancellations.cancel_session(session)
    with pytest.raises(DomainError):
        book(session.id, household)


def test_reminder_48h_before_by_the_preferred_channel_never_twice() -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    session = make_session(make_place(), in_days=10)[0]
    by_sms = make_household(ccas, reference_name="A", contact_channel="sms")
    by_email = make_household(ccas, reference_name="B", contact_channel="email", email="b@ex.org")
    unreachable = make_household(ccas, reference_name="C", phone="", email="")
    for household in (by_sms, by_email, unreachable):
        book(session.id, household, notify=False)
    early = session.starts_at - timedelta(hours=72)
    assert queue_due_reminders(early) == 0
    due = session.starts_at - timedelta(hours=47)
    assert queue_due_reminders(due) == 2
    assert queue_due_reminders(due + timedelta(hours=1)) == 0  # never twice
    reminders = [m for m in messages() if m.key.endswith(":48h")]
    assert sorted(m.channel.value for m in reminders) == ["email", "sms"]
    assert all("Rappel" in m.body for m in reminders)


def test_attendance_and_course_followed_as_one_path() -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    place = make_place()
    course = create_course(place, "Parcours premiers pas (10 séances)")
    sessions = make_session(place, weeks=3, course_id=course.id)
    household = make_household(ccas)
    bookings = book_course(course, household)
    assert len(bookings) == 3 and all(b.course_id == course.id for b in bookings)
    assert len([m for m in messages() if m.key.endswith(":confirm")]) == 1
    first = sessions[0]
    first.starts_at = utcnow() - timedelta(hours=1)  # attendance once the session started
    db.session.commit()
    db.session.expire_all()
    changed = courses.set_attendance(
        db.session.get(TrainingSession, first.id),  # type: ignore[arg-type]
        {bookings[0].id: Attendance.PRESENT},
    )
    assert changed == 1
    assert courses.course_progress(household.id, course.id) == (1, 3)
    listed = catalogue.bookings_for_household(household)
    assert [b.session_id for b in listed] == [s.id for s in sessions]


def test_waiting_list_at_capacity_one(app: Flask) -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    session = make_session(make_place(), capacity=1)[0]
    first, second = make_household(ccas), make_household(ccas)
    book(session.id, first)
    waiting = book(session.id, second)
    assert waiting.status is BookingStatus.WAITING
    assert "liste d'attente" in messages()[-1].body
    assert utcnow() < session.starts_at


def test_more_seats_go_to_the_waiting_list_and_a_new_time_is_told() -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    session = make_session(make_place(), capacity=1)[0]
    households = [make_household(ccas, reference_name=f"F{n}") for n in range(4)]
    bookings = [book(session.id, h, notify=False) for h in households]
    assert [b.status for b in bookings] == [BookingStatus.BOOKED] + [BookingStatus.WAITING] * 3
    data = SessionData(title=session.title, themes=session.themes, capacity=3,
                                duration_minutes=session.duration_minutes)  # fmt: skip
    later = session.starts_at + timedelta(days=1)
    promoted = update_session(session, data, later)
    assert [b.id for b in promoted] == [bookings[1].id, bookings[2].id]
    db.session.expire_all()
    refreshed = db.session.get(TrainingSession, session.id)
    assert refreshed is not None and refreshed.booked == 3 and refreshed.starts_at == later
    keys = [m.key for m in messages()]
    assert f"booking:{bookings[1].id}:promoted" in keys
    moved = [m for m in messages() if ":moved-" in m.key]
    assert len(moved) == 4 and all("change d'horaire" in m.body for m in moved)
    data.capacity = 2
    with pytest.raises(DomainError):
        update_session(refreshed, data)


def test_a_past_session_is_not_cancelled_but_marked() -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    session = make_session(make_place())[0]
    booking = book(session.id, make_household(ccas), notify=False)
    session.starts_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    with pytest.raises(DomainError, match="présence"):
        cancellations.cancel_booking(booking.id)
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status is BookingStatus.BOOKED  # type: ignore[union-attr]
