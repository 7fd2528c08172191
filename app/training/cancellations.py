"""Cancellations: a household's booking cancelled (its seat goes to the first person
waiting), an anonymised household's bookings released, and a session cancelled by the
place (every household told, those no message reaches kept to be telephoned).

Like every seat change, each writes the session row first (bookings.py).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import Conflict, NotFound
from app.extensions import db
from app.training.messages import queue_message, unreachable
from app.training.models import Booking, BookingStatus, SessionStatus, TrainingSession


def cancel_booking(booking_id: int, actor: Any = None, *, notify: bool = True) -> Booking | None:
    """Cancel a booking; when it held a seat, the first person waiting gets it and is told
    (not with ``notify=False``: an erasure tells nobody about it).

    Returns the promoted booking, if any.
    """
    now = utcnow()
    db.session.commit()
    session_id = db.session.scalar(select(Booking.session_id).where(Booking.id == booking_id))
    if session_id is None:
        raise NotFound(_("Réservation introuvable."))
    if db.session.scalar(
        select(TrainingSession.status).where(TrainingSession.id == session_id)
    ) in (SessionStatus.CANCELLED, SessionStatus.CANCELLED.value):
        # Nothing to give back: nobody is promoted, nobody is told a place is free.
        db.session.rollback()
        raise Conflict(_("La séance est annulée : cette inscription a pris fin avec elle."))
    # First write: the session row, as every seat change does (one order: no deadlock).
    locked = db.session.execute(
        update(TrainingSession)
        .where(TrainingSession.id == session_id, TrainingSession.starts_at > now)
        .values(waiting_seq=TrainingSession.waiting_seq)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(_("La séance a déjà eu lieu : notez plutôt la présence."))
    before = db.session.scalar(select(Booking.status).where(Booking.id == booking_id))
    done = db.session.execute(
        update(Booking)
        .where(
            Booking.id == booking_id,
            Booking.status.in_([BookingStatus.BOOKED, BookingStatus.WAITING]),
        )
        .values(status=BookingStatus.CANCELLED, cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(_("Cette réservation est déjà annulée."))
    promoted_id = None
    if before is BookingStatus.BOOKED or before == BookingStatus.BOOKED.value:
        promoted_id = db.session.scalar(
            select(Booking.id)
            .where(Booking.session_id == session_id, Booking.status == BookingStatus.WAITING)
            .order_by(Booking.waiting_number, Booking.id)
            .limit(1)
        )
        if promoted_id is not None:  # the seat goes to them: the counter does not change
            db.session.execute(
                update(Booking)
                .where(Booking.id == promoted_id, Booking.status == BookingStatus.WAITING)
                .values(status=BookingStatus.BOOKED, promoted_at=now)
                .execution_options(synchronize_session=False)
            )
        else:
            db.session.execute(
                update(TrainingSession)
                .where(TrainingSession.id == session_id, TrainingSession.booked > 0)
                .values(booked=TrainingSession.booked - 1)
                .execution_options(synchronize_session=False)
            )
    org_id = db.session.scalar(select(Booking.organisation_id).where(Booking.id == booking_id))
    record(
        "training.booking.cancel",
        "training_booking",
        booking_id,
        detail={"session": session_id, "promoted": promoted_id},
        organisation_id=org_id,
        actor=actor,
    )
    if promoted_id is not None:
        record(
            "training.booking.promote",
            "training_booking",
            promoted_id,
            detail={"session": session_id, "freed_by": booking_id},
            organisation_id=org_id,
            actor=actor,
        )
    db.session.commit()
    db.session.expire_all()
    if promoted_id is None:
        return None
    promoted = db.session.get(Booking, promoted_id)
    assert promoted is not None
    if notify:
        queue_message(promoted, "promoted")
    return promoted


def release_bookings(household_id: int) -> int:
    """An anonymised household keeps no booking and no seat (issue 19): its upcoming
    bookings are cancelled, their seats go to the waiting list, and nobody is sent a
    message about it. Commits; returns how many were cancelled."""
    ids = list(
        db.session.scalars(
            select(Booking.id)
            .join(TrainingSession, TrainingSession.id == Booking.session_id)
            .where(
                Booking.household_id == household_id,
                Booking.status.in_([BookingStatus.BOOKED, BookingStatus.WAITING]),
                TrainingSession.status != SessionStatus.CANCELLED,
                TrainingSession.starts_at > utcnow(),
            )
        )
    )
    done = 0
    for booking_id in ids:
        try:
            cancel_booking(booking_id, notify=False)
        except (Conflict, NotFound):
            continue  # already cancelled, or the session just started
        done += 1
    return done


CANCEL_ACTION = "training.session.cancel"


def cancellation_of(session: TrainingSession) -> dict[str, Any]:
    """What the journal kept of a session's cancellation: the reason, who was told and the
    list of households to telephone (booking ids), for the session's page."""
    from app.audit.models import AuditEntry

    entry = db.session.scalar(
        select(AuditEntry)
        .where(
            AuditEntry.action == CANCEL_ACTION,
            AuditEntry.object_type == "training_session",
            AuditEntry.object_id == str(session.id),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return dict(entry.detail or {}) if entry is not None else {}


def cancel_session(session: TrainingSession, actor: Any = None, reason: str = "") -> int:
    """The trainer cancels a session: every booked or waiting household is told by SMS or
    e-mail (the reason, the series' next date, whom to call); the households no message
    reaches are kept in the journal entry of the cancellation (``cancellation_of``), to
    be telephoned. Returns how many households a message was queued for."""
    if session.status is SessionStatus.CANCELLED:
        raise Conflict(_("Cette séance est déjà annulée."))
    reason = " ".join(reason.split())[:200]
    active = [b for b in session.bookings if b.status is not BookingStatus.CANCELLED]
    to_call = unreachable(active)
    # The session row first (as every seat change). Its bookings end with it: they keep
    # what they were (booked or waiting: the household's calendar keeps the cancelled
    # event), but no seat is counted, given or promoted (see ended_with_session).
    session.status = SessionStatus.CANCELLED
    session.booked = 0
    record(CANCEL_ACTION, "training_session", session.id,
           detail={"reason": reason, "to_call": [c.booking_id for c in to_call]},
           organisation_id=session.organisation_id, actor=actor)  # fmt: skip
    db.session.commit()
    told = 0
    for booking in active:
        told += int(queue_message(booking, "session_cancelled", extra={"reason": reason}))
    return told
