"""Reservations: a ready device held for a validated prescription until it expires.

Race-safe by the house rule (docs/CONTRIBUTING.md, "Races"): the first write is the
inventory's conditional UPDATE of the device's state.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.i18n import translate as _
from app.extensions import db
from app.inventory.lifecycle import State
from app.loans import terms as rules
from app.loans.counter import (
    active_reservation,
    check_device_fits,
    check_prescription_open,
    counter_prescription,
    device_for_counter,
    move_device,
)
from app.loans.models import Reservation, ReservationStatus
from app.loans.terms import TermsError
from app.loans.unavailable import unavailable


def reserve(
    actor: Any,
    organisation_id: int,
    prescription_id: int,
    scanned: str,
    days: int = rules.DEFAULT_RESERVATION_DAYS,
) -> Reservation:
    """Hold a ready device for a validated prescription until it expires."""
    db.session.commit()
    expire_reservations(organisation_id=organisation_id)
    prescription = counter_prescription(prescription_id, organisation_id)
    check_prescription_open(prescription)
    if active_reservation(prescription.id) is not None:
        raise Conflict(_("Un appareil est déjà réservé pour cette prescription."))
    device = device_for_counter(scanned, organisation_id)
    check_device_fits(device, prescription)
    if device.state is not State.READY:
        raise unavailable(device)
    now = utcnow()
    try:
        expires = rules.reservation_expiry(now, days)
    except TermsError as exc:
        raise DomainError(exc.message, field="days") from None
    move_device(
        device,
        [
            (
                State.READY,
                State.RESERVED,
                _("Réservé pour la prescription n° %(n)s", n=prescription.id),
            )
        ],
        actor,
        prescription_id=prescription.id,
    )
    reservation = Reservation(
        organisation_id=organisation_id,
        device_id=device.id,
        prescription_id=prescription.id,
        household_id=prescription.household_id,
        active_prescription_id=prescription.id,
        created_at=now,
        expires_at=expires,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(reservation)
    try:
        db.session.flush()
        record(
            "reservation.create",
            "reservation",
            reservation.id,
            detail={
                "device": device.asset_tag,
                "prescription_id": prescription.id,
                "expires_at": expires.isoformat(),
            },
            organisation_id=organisation_id,
            actor=actor,
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Un appareil est déjà réservé pour cette prescription.")) from None
    return reservation


def _end_reservation(
    reservation: Reservation, status: ReservationStatus, actor: Any, reason: str
) -> bool:
    """Device back to the shelf, then the reservation closed; both conditional."""
    device = reservation.device
    try:
        move_device(
            device, [(State.RESERVED, State.READY, reason)], actor, reservation_id=reservation.id
        )
    except Conflict:
        return False
    result = db.session.execute(
        update(Reservation)
        .where(Reservation.id == reservation.id, Reservation.status == ReservationStatus.ACTIVE)
        .values(status=status, active_prescription_id=None, ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    record(
        f"reservation.{status.value}",
        "reservation",
        reservation.id,
        detail={"device": device.asset_tag, "reason": reason},
        organisation_id=reservation.organisation_id,
        actor=actor,
    )
    db.session.commit()
    return True


def cancel_reservation(actor: Any, reservation: Reservation) -> None:
    db.session.commit()
    if reservation.status is not ReservationStatus.ACTIVE:
        raise DomainError(_("Cette réservation est déjà terminée."))
    if not _end_reservation(
        reservation, ReservationStatus.CANCELLED, actor, _("Réservation annulée")
    ):
        raise Conflict(_("La réservation a changé entre-temps : rechargez la page."))


def expire_reservations(now: datetime | None = None, organisation_id: int | None = None) -> int:
    """Put the devices of expired reservations back on the shelf. Returns how many."""
    now = now or utcnow()
    query = select(Reservation).where(
        Reservation.status == ReservationStatus.ACTIVE, Reservation.expires_at < now
    )
    if organisation_id is not None:
        query = query.where(Reservation.organisation_id == organisation_id)
    count = 0
    for reservation in db.session.scalars(query).all():
        if _end_reservation(
            reservation, ReservationStatus.EXPIRED, None, "Réservation expirée : retour en stock"
        ):
            count += 1
    return count


def reservations(organisation_id: int) -> Sequence[Reservation]:
    return db.session.scalars(
        select(Reservation)
        .where(
            Reservation.organisation_id == organisation_id,
            Reservation.status == ReservationStatus.ACTIVE,
        )
        .options(selectinload(Reservation.device))  # the counter shows each reserved tag
        .order_by(Reservation.expires_at)
    ).all()


def get_reservation(reservation_id: int) -> Reservation:
    reservation = db.session.get(Reservation, reservation_id)
    if reservation is None:
        raise NotFound(_("Réservation introuvable."))
    return reservation
