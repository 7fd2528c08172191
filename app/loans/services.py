"""The counter's actions: reserve, hand over (loan or sale), return, extend, cede.

Each action owns its transaction. Race-safe by the house rule (docs/CONTRIBUTING.md,
"Races"): the first write is the inventory's conditional UPDATE of the device's state, so
two desks scanning the same device at the same moment cannot both win; receipt numbers
come from a counter row incremented in the same transaction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, has_request_context, url_for
from PIL import Image, UnidentifiedImageError
from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts.models import Organisation
from app.audit.services import record
from app.core.clock import today, utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.households.lifecycle import PrescriptionState
from app.households.models import Household, Prescription
from app.inventory import services as inventory
from app.inventory.lifecycle import DATA_BEARING, STATE_LABELS, State
from app.inventory.models import Device
from app.loans import neighbours
from app.loans import terms as rules
from app.loans.i18n import _
from app.loans.models import (
    Cession,
    FamilyAccessToken,
    FamilyPageHit,
    Loan,
    LoanStatus,
    ReceiptCounter,
    Reservation,
    ReservationStatus,
    Sale,
    SignatureKind,
)
from app.loans.terms import Mode, PaymentMethod, Terms, TermsError

# ---------------------------------------------------------------- prescriptions and terms


def terms_for(prescription: Prescription, device: Device | None = None) -> Terms:
    """The loan terms or the price the programme's outcome gives this prescription (and
    this device, when the programme prices by device type and grade)."""
    decision: dict[str, Any] = dict(prescription.outcome or {})
    nested = decision.get("terms")
    if isinstance(nested, dict):
        decision = {**decision, **nested}
    decision.setdefault("programme_code", prescription.programme_code)
    decision.setdefault("programme_name", programme_name(prescription.programme_code, decision))
    try:
        if device is None:
            return rules.terms_from_decision(decision)
        return rules.terms_from_decision(
            decision, device.device_type.value, device.grade.value if device.grade else None
        )
    except TermsError as exc:
        raise DomainError(exc.message) from None


def programme_name(code: str, decision: dict[str, Any] | None = None) -> str:
    """The programme's name as people know it; its code when nothing better is known."""
    if decision:
        for key in ("programme_name", "programme_title", "name", "title"):
            if decision.get(key):
                return str(decision[key])
    try:  # the eligibility engine's catalogue, when present
        from app.eligibility import services as eligibility  # type: ignore[attr-defined]

        found = eligibility.programme_title(code)
        if found:
            return str(found)
    except (ImportError, AttributeError, LookupError):
        pass
    return code


def counter_prescription(prescription_id: int, organisation_id: int) -> Prescription:
    """A prescription addressed to this association (404 for any other)."""
    prescription = db.session.get(Prescription, prescription_id)
    if prescription is None or prescription.association_org_id != organisation_id:
        raise NotFound(_("Prescription introuvable."))
    return prescription


def awaiting_handover(organisation_id: int) -> Sequence[Prescription]:
    """Validated prescriptions of this association, oldest first: the counter's queue."""
    return db.session.scalars(
        select(Prescription)
        .where(
            Prescription.association_org_id == organisation_id,
            Prescription.state == PrescriptionState.VALIDATED,
        )
        .options(selectinload(Prescription.household))  # the queue shows each family's name
        .order_by(Prescription.decided_at, Prescription.id)
    ).all()


def active_reservation(prescription_id: int) -> Reservation | None:
    return db.session.scalar(
        select(Reservation).where(
            Reservation.prescription_id == prescription_id,
            Reservation.status == ReservationStatus.ACTIVE,
        )
    )


def _check_prescription_open(prescription: Prescription) -> None:
    if prescription.state is not PrescriptionState.VALIDATED:
        if prescription.state is PrescriptionState.FULFILLED:
            raise Conflict(_("Cette prescription a déjà été honorée : l'équipement a été remis."))
        raise DomainError(
            _("Cette prescription n'est pas validée : aucun appareil ne peut être remis.")
        )


def device_for_counter(scanned: str, organisation_id: int) -> Device:
    device = inventory.find_by_tag(scanned or "", organisation_id)
    if device is None or device.organisation_id != organisation_id:
        raise NotFound(
            _("Aucun appareil de votre association ne porte cette étiquette : %(s)s", s=scanned)
        )
    return device


def check_device_fits(device: Device, prescription: Prescription) -> None:
    wanted = str(prescription.device_type.value if prescription.device_type else "")
    if wanted and device.device_type.value != wanted:
        from app.eligibility.vocabulary import DEVICE_TYPE_LABELS, DeviceType

        raise DomainError(
            _(
                "La prescription demande : %(want)s. Cet appareil (%(tag)s) est : %(got)s.",
                want=_(DEVICE_TYPE_LABELS.get(DeviceType(wanted), wanted)),
                tag=device.asset_tag,
                got=device_kind(device),
            ),
            field="scanned",
        )


def wanted_label(device_type: Any) -> str:
    """The prescribed device type, in the page's language."""
    from app.eligibility.vocabulary import DEVICE_TYPE_LABELS, DeviceType

    try:
        return _(DEVICE_TYPE_LABELS[DeviceType(str(getattr(device_type, "value", device_type)))])
    except ValueError:
        return str(device_type)


def prescription_programme(prescription: Prescription) -> str:
    return programme_name(prescription.programme_code, prescription.outcome)


def device_kind(device: Device) -> str:
    from app.inventory.lifecycle import DEVICE_TYPE_LABELS

    return _(DEVICE_TYPE_LABELS.get(device.device_type, str(device.device_type)))


def _workshop_step(device: Device) -> str:
    """The reconditioning step the device is at: the first thing "ready" still needs."""
    facts = inventory.readiness(device)
    if facts.device_type in DATA_BEARING and not facts.erasure_passed:
        return _("effacement des données")
    if not facts.checklist_complete:
        return _("liste de tests")
    if not facts.grade:
        return _("note (grade)")
    return _("tout est fait, il reste à le passer en « Prêt à distribuer »")


def unavailable_message(device: Device) -> str:
    """What the counter is told when the scanned device cannot be handed over: the
    device's real situation, from its state, and what to do."""
    tag, state = device.asset_tag, device.state
    if state is State.RECEIVED:
        return _(
            "L'appareil %(tag)s n'est pas encore prêt : il vient d'être reçu et n'a été "
            "ni trié ni reconditionné. Confiez-le à l'atelier et scannez un appareil "
            "« Prêt à distribuer ».",
            tag=tag,
        )
    if state is State.TRIAGE:
        return _(
            "L'appareil %(tag)s n'est pas encore prêt : il est en tri à l'atelier. "
            "Scannez un appareil « Prêt à distribuer ».",
            tag=tag,
        )
    if state is State.RECONDITIONING:
        return _(
            "L'appareil %(tag)s n'est pas encore prêt : il est en reconditionnement "
            "(étape : %(step)s). Terminez-le à l'atelier ou scannez un autre appareil.",
            tag=tag,
            step=_workshop_step(device),
        )
    if state is State.RETURNED:
        return _(
            "L'appareil %(tag)s n'est pas encore prêt : il a été rendu et doit repasser "
            "par l'atelier (tri, effacement, tests) avant d'être remis. Scannez un autre "
            "appareil.",
            tag=tag,
        )
    if state is State.RESERVED:
        held = db.session.scalar(
            select(Reservation).where(
                Reservation.device_id == device.id,
                Reservation.status == ReservationStatus.ACTIVE,
            )
        )
        if held is not None:
            return _(
                "L'appareil %(tag)s n'est plus disponible : il est réservé pour une autre "
                "prescription (n° %(n)s). Scannez un autre appareil, ou annulez cette "
                "réservation depuis sa prescription.",
                tag=tag,
                n=held.prescription_id,
            )
        return _(
            "L'appareil %(tag)s n'est plus disponible : il est réservé pour une autre "
            "prescription. Scannez un autre appareil.",
            tag=tag,
        )
    if state is State.ON_LOAN:
        return _(
            "L'appareil %(tag)s n'est plus disponible : il est prêté à un autre foyer. "
            "Scannez un autre appareil ; s'il est devant vous, enregistrez d'abord son "
            "retour depuis son prêt.",
            tag=tag,
        )
    if state is State.SOLD:
        return _(
            "L'appareil %(tag)s n'est plus disponible : il a été vendu à un autre foyer. "
            "Scannez un autre appareil.",
            tag=tag,
        )
    if state is State.GIVEN:
        return _(
            "L'appareil %(tag)s n'est plus disponible : il a été donné à un autre foyer. "
            "Scannez un autre appareil.",
            tag=tag,
        )
    if state is State.E_WASTE:
        return _(
            "L'appareil %(tag)s n'est plus disponible : il est parti au recyclage (DEEE) "
            "et ne peut plus être remis. Mettez-le de côté pour la filière et scannez un "
            "autre appareil.",
            tag=tag,
        )
    if state is State.PARTS:
        return _(
            "L'appareil %(tag)s n'est plus disponible : il sert de pièces détachées et ne "
            "peut plus être remis. Scannez un autre appareil.",
            tag=tag,
        )
    return _(
        "L'appareil %(tag)s ne peut pas être remis (état : %(state)s) : scannez un autre appareil.",
        tag=tag,
        state=_(STATE_LABELS.get(state, str(state))),
    )


def unavailable(device: Device) -> Conflict:
    return Conflict(unavailable_message(device), field="scanned")


def _fulfil_prescription(prescription: Prescription, ref: str, actor: Any) -> None:
    """validated -> fulfilled, as a conditional UPDATE in the caller's transaction."""
    try:
        from app.households import services as households  # type: ignore[attr-defined]

        mark = households.mark_fulfilled
    except (ImportError, AttributeError):
        mark = None
    if mark is not None:
        try:
            mark(prescription, ref, actor=actor, commit=False)
        except DomainError:
            db.session.rollback()
            raise
        return
    result = db.session.execute(
        update(Prescription)
        .where(
            Prescription.id == prescription.id,
            Prescription.state == PrescriptionState.VALIDATED,
        )
        .values(
            state=PrescriptionState.FULFILLED,
            version=Prescription.version + 1,
            closed_at=utcnow(),
            fulfilled_by=ref,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(_("Cette prescription a déjà été honorée : l'équipement a été remis."))
    record(
        "prescription.fulfil",
        "prescription",
        prescription.id,
        detail={"by": ref},
        organisation_id=prescription.association_org_id,
        actor=actor,
    )


# ---------------------------------------------------------------- reservations


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
    _check_prescription_open(prescription)
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
    inventory.apply_transition(
        device,
        State.RESERVED,
        actor,
        _("Réservé pour la prescription n° %(n)s", n=prescription.id),
        expected_state=State.READY,
        commit=False,
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
        inventory.apply_transition(
            device,
            State.READY,
            actor,
            reason,
            expected_state=State.RESERVED,
            commit=False,
            reservation_id=reservation.id,
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


# ---------------------------------------------------------------- handover


@dataclass(frozen=True)
class HandoverInput:
    prescription_id: int
    scanned: str
    accessories: list[str] = field(default_factory=list)
    condition_note: str = ""
    # Loans
    signature_kind: SignatureKind | None = None
    signature_png: bytes | None = None
    signer_name: str = ""
    # Sales
    payment_method: PaymentMethod | None = None


def decode_signature(data_url: str) -> bytes | None:
    """The pad's ``data:image/png;base64,...`` -> PNG bytes, checked; None when empty."""
    data_url = (data_url or "").strip()
    if not data_url:
        return None
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise DomainError(_("La signature n'a pas pu être lue : recommencez."), field="signature")
    try:
        png = base64.b64decode(data_url[len(prefix) :], validate=True)
    except ValueError:
        raise DomainError(
            _("La signature n'a pas pu être lue : recommencez."), field="signature"
        ) from None
    check_signature(png)
    return png


def check_signature(png: bytes) -> None:
    if len(png) > rules.MAX_SIGNATURE_BYTES:
        raise DomainError(_("La signature est trop lourde : effacez et recommencez."), "signature")
    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG" or image.width > 2000 or image.height > 1000:
                raise DomainError(_("La signature n'a pas pu être lue : recommencez."), "signature")
            alpha = image.convert("RGBA").getchannel("A")
            inked = alpha.getbbox()
    except (UnidentifiedImageError, OSError):
        raise DomainError(
            _("La signature n'a pas pu être lue : recommencez."), field="signature"
        ) from None
    if not inked:
        raise DomainError(_("La signature est vide : faites signer la personne."), "signature")


def _validate_handover(data: HandoverInput, terms: Terms) -> None:
    known = {a.value for a in rules.Accessory}
    if any(a not in known for a in data.accessories):
        raise DomainError(_("Accessoire inconnu."), field="accessories")
    if terms.mode is Mode.LOAN:
        if data.signature_kind is None:
            raise DomainError(
                _("Indiquez comment la convention est signée : sur l'écran ou sur papier."),
                field="signature_kind",
            )
        if data.signature_kind is SignatureKind.SCREEN:
            if not data.signature_png:
                raise DomainError(
                    _("Faites signer la personne dans le cadre, ou choisissez « sur papier »."),
                    field="signature",
                )
            check_signature(data.signature_png)
        if not data.signer_name.strip():
            raise DomainError(_("Indiquez le nom de la personne qui signe."), field="signer_name")
    elif terms.mode is Mode.SALE and data.payment_method is None:
        raise DomainError(_("Choisissez le moyen de paiement."), field="payment_method")


def next_receipt_sequence(organisation_id: int, year: int) -> int:
    """The next receipt number of the year, inside the caller's transaction.

    ``UPDATE receipt_counter SET last = last + 1`` locks the row until the sale commits,
    so concurrent sales take consecutive numbers; if the sale rolls back, so does the
    increment: no gap. The year's first sale creates the row (a concurrent creator loses
    on the unique constraint and increments instead).
    """
    for _attempt in range(3):
        result = db.session.execute(
            update(ReceiptCounter)
            .where(ReceiptCounter.organisation_id == organisation_id, ReceiptCounter.year == year)
            .values(last=ReceiptCounter.last + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            return int(
                db.session.scalar(
                    select(ReceiptCounter.last).where(
                        ReceiptCounter.organisation_id == organisation_id,
                        ReceiptCounter.year == year,
                    )
                )
                or 0
            )
        try:
            with db.session.begin_nested():
                db.session.add(ReceiptCounter(organisation_id=organisation_id, year=year, last=1))
            return 1
        except IntegrityError:
            continue
    raise Conflict(_("Numérotation des reçus occupée : réessayez."))


def handover(actor: Any, organisation_id: int, data: HandoverInput) -> Loan | Sale:
    """Give the scanned device to the prescription's household: a loan or a sale.

    Whatever the number of desks trying at once, one device goes to one household: the
    device's state change is a conditional UPDATE and the loser gets ``Conflict``.
    """
    db.session.commit()
    expire_reservations(organisation_id=organisation_id)
    prescription = counter_prescription(data.prescription_id, organisation_id)
    _check_prescription_open(prescription)
    device = device_for_counter(data.scanned, organisation_id)
    check_device_fits(device, prescription)
    terms = terms_for(prescription, device)
    reservation = active_reservation(prescription.id)
    if device.state is State.RESERVED:
        if reservation is None or reservation.device_id != device.id:
            raise Conflict(
                _(
                    "L'appareil %(tag)s est réservé pour un autre foyer : scannez un autre "
                    "appareil.",
                    tag=device.asset_tag,
                ),
                field="scanned",
            )
    elif device.state is not State.READY:
        raise unavailable(device)
    _validate_handover(data, terms)

    target = {Mode.LOAN: State.ON_LOAN, Mode.SALE: State.SOLD, Mode.GIFT: State.GIVEN}[terms.mode]
    reason = {
        Mode.LOAN: _("Prêt (prescription n° %(n)s)", n=prescription.id),
        Mode.SALE: _("Vente (prescription n° %(n)s)", n=prescription.id),
        Mode.GIFT: _("Don (prescription n° %(n)s)", n=prescription.id),
    }[terms.mode]
    try:
        rules.validate_terms(terms)
    except TermsError as exc:
        raise DomainError(exc.message) from None
    # First write: the device's conditional UPDATE. A loser stops here with Conflict.
    # The lifecycle goes ready -> reserved -> on loan | sold | given: a device taken off
    # the shelf at the counter is reserved and handed over in the same transaction.
    try:
        if device.state is State.READY:
            inventory.apply_transition(
                device,
                State.RESERVED,
                actor,
                _("Remise au comptoir (prescription n° %(n)s)", n=prescription.id),
                expected_state=State.READY,
                commit=False,
                prescription_id=prescription.id,
            )
        inventory.apply_transition(
            device,
            target,
            actor,
            reason,
            expected_state=State.RESERVED,
            commit=False,
            prescription_id=prescription.id,
        )
    except Conflict:
        raise unavailable(db.session.get(Device, device.id) or device) from None
    now = utcnow()
    record_: Loan | Sale
    try:
        if terms.mode is Mode.LOAN:
            record_ = _new_loan(actor, organisation_id, prescription, device, terms, data, now)
        else:
            record_ = _new_sale(actor, organisation_id, prescription, device, terms, data, now)
        kind = "loan" if isinstance(record_, Loan) else "sale"
        # The device's event (append-only) names the prescription; the loan or sale has it.
        _fulfil_prescription(prescription, f"{kind}:{record_.id}", actor)
        if reservation is not None:
            db.session.execute(
                update(Reservation)
                .where(
                    Reservation.id == reservation.id,
                    Reservation.status == ReservationStatus.ACTIVE,
                )
                .values(
                    status=ReservationStatus.FULFILLED, active_prescription_id=None, ended_at=now
                )
                .execution_options(synchronize_session=False)
            )
        ensure_family_token(prescription.household, organisation_id, actor, commit=False)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(
            _("Cet appareil ou cette prescription vient d'être traité à un autre guichet.")
        ) from None
    return record_


def _new_loan(
    actor: Any,
    organisation_id: int,
    prescription: Prescription,
    device: Device,
    terms: Terms,
    data: HandoverInput,
    now: datetime,
) -> Loan:
    start = now.date()
    # The year's loan counter row (year -Y of receipt_counter) as the first write: loans of
    # one organisation and year are made one at a time, so their numbers (Loan.sequence,
    # a rank) have no gap and a number once printed never moves.
    next_receipt_sequence(organisation_id, -start.year)
    condition = _condition_out(device, data)
    loan = Loan(
        organisation_id=organisation_id,
        device_id=device.id,
        household_id=prescription.household_id,
        prescription_id=prescription.id,
        open_device_id=device.id,
        status=LoanStatus.OPEN,
        programme_code=terms.programme_code,
        programme_name=terms.programme_name,
        start_on=start,
        due_on=rules.due_date(start, terms),
        max_extensions=terms.max_extensions,
        extension_days=terms.extension_days,
        cession_after_months=terms.cession_after_months,
        deposit_cents=terms.deposit_cents,
        accessories=list(data.accessories),
        condition_out=condition,
        signature_kind=data.signature_kind or SignatureKind.PAPER,
        signature_png=data.signature_png if data.signature_kind is SignatureKind.SCREEN else None,
        signer_name=data.signer_name.strip(),
        signed_at=now,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(loan)
    db.session.flush()
    record(
        "loan.create",
        "loan",
        loan.id,
        detail={
            "device": device.asset_tag,
            "household_id": prescription.household_id,
            "prescription_id": prescription.id,
            "due_on": loan.due_on.isoformat(),
            "signature": loan.signature_kind.value,
        },
        organisation_id=organisation_id,
        actor=actor,
    )
    return loan


def _condition_out(device: Device, data: HandoverInput) -> str:
    """The condition at handover as stored on the loan or sale: the grade, then the note."""
    return " · ".join(
        x
        for x in (
            device.grade.value.upper() if device.grade else "",
            data.condition_note.strip(),
        )
        if x
    )


def _new_sale(
    actor: Any,
    organisation_id: int,
    prescription: Prescription,
    device: Device,
    terms: Terms,
    data: HandoverInput,
    now: datetime,
) -> Sale:
    year = now.year
    sequence = next_receipt_sequence(organisation_id, year)
    sale = Sale(
        organisation_id=organisation_id,
        receipt_year=year,
        receipt_seq=sequence,
        receipt_number=rules.receipt_number(year, sequence),
        sold_at=now,
        device_id=device.id,
        household_id=prescription.household_id,
        prescription_id=prescription.id,
        programme_code=terms.programme_code,
        programme_name=terms.programme_name,
        price_cents=terms.price_cents if terms.mode is Mode.SALE else 0,
        payment_method=data.payment_method if terms.mode is Mode.SALE else None,
        warranty_months=terms.warranty_months,
        warranty_until=rules.warranty_end(now.date(), terms.warranty_months),
        accessories=list(data.accessories),
        condition_out=_condition_out(device, data),
        buyer_name=prescription.household.reference_name,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(sale)
    db.session.flush()
    record(
        "sale.create",
        "sale",
        sale.id,
        detail={
            "receipt": sale.receipt_number,
            "device": device.asset_tag,
            "household_id": prescription.household_id,
            "prescription_id": prescription.id,
            "price_cents": sale.price_cents,
            "payment_method": sale.payment_method.value if sale.payment_method else None,
        },
        organisation_id=organisation_id,
        actor=actor,
    )
    return sale


# ---------------------------------------------------------------- loans after the handover


def loan_terms(loan: Loan) -> Terms:
    return Terms(
        mode=Mode.LOAN,
        max_extensions=loan.max_extensions,
        extension_days=loan.extension_days,
        deposit_cents=loan.deposit_cents,
        cession_after_months=loan.cession_after_months,
        programme_code=loan.programme_code,
        programme_name=loan.programme_name,
    )


def _bump_loan(loan: Loan, **values: Any) -> None:
    """Conditional UPDATE on the loan's version: a concurrent change makes it a Conflict."""
    result = db.session.execute(
        update(Loan)
        .where(Loan.id == loan.id, Loan.version == loan.version, Loan.status == LoanStatus.OPEN)
        .values(version=Loan.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(_("Ce prêt a changé entre-temps : rechargez la page."))


def extend_loan(actor: Any, loan: Loan, on: date | None = None) -> date:
    db.session.commit()
    if loan.status is not LoanStatus.OPEN:
        raise DomainError(_("Ce prêt est terminé : il ne peut plus être prolongé."))
    try:
        new_due = rules.extend(loan.due_on, loan.extensions, loan_terms(loan), on or today())
    except TermsError as exc:
        raise DomainError(exc.message) from None
    old_due = loan.due_on
    _bump_loan(loan, due_on=new_due, extensions=Loan.extensions + 1)
    record(
        "loan.extend",
        "loan",
        loan.id,
        detail={"from": old_due.isoformat(), "to": new_due.isoformat()},
        organisation_id=loan.organisation_id,
        actor=actor,
    )
    db.session.commit()
    db.session.refresh(loan)
    return new_due


@dataclass(frozen=True)
class ReturnInput:
    checklist: dict[str, bool]
    damage_notes: str = ""
    retained_cents: int = 0


def open_loan_for_scan(scanned: str, organisation_id: int) -> Loan:
    device = device_for_counter(scanned, organisation_id)
    loan = db.session.scalar(select(Loan).where(Loan.open_device_id == device.id))
    if loan is None:
        raise NotFound(
            _(
                "L'appareil %(tag)s n'a pas de prêt en cours (état : %(state)s).",
                tag=device.asset_tag,
                state=_(STATE_LABELS.get(device.state, str(device.state))),
            )
        )
    return loan


def return_loan(actor: Any, loan: Loan, data: ReturnInput) -> Loan:
    """The device comes back: checklist, damage notes, deposit refund, then triage."""
    db.session.commit()
    if loan.status is not LoanStatus.OPEN:
        raise DomainError(_("Ce prêt est déjà terminé."))
    known = {c.value for c in rules.ReturnCheck}
    if any(key not in known for key in data.checklist):
        raise DomainError(_("Point de contrôle inconnu."), field="checklist")
    try:
        refund = rules.deposit_refund(loan.deposit_cents, data.retained_cents)
    except TermsError as exc:
        raise DomainError(exc.message, field="retained") from None
    if data.retained_cents and not data.damage_notes.strip():
        raise DomainError(
            _("Décrivez les dégâts qui justifient la retenue sur la caution."),
            field="damage_notes",
        )
    device = loan.device
    inventory.apply_transition(
        device,
        State.RETURNED,
        actor,
        _("Retour du prêt %(n)s", n=loan.number),
        expected_state=State.ON_LOAN,
        commit=False,
        loan_id=loan.id,
    )
    inventory.apply_transition(
        device,
        State.TRIAGE,
        actor,
        _("Retour de prêt : à vérifier et effacer"),
        expected_state=State.RETURNED,
        commit=False,
        loan_id=loan.id,
    )
    now = utcnow()
    checklist = {c.value: bool(data.checklist.get(c.value)) for c in rules.ReturnCheck}
    _bump_loan(
        loan,
        status=LoanStatus.RETURNED,
        open_device_id=None,
        returned_at=now,
        return_checklist=checklist,
        damage_notes=data.damage_notes.strip(),
        deposit_retained_cents=data.retained_cents,
        deposit_refunded_cents=refund,
        returned_by_id=getattr(actor, "id", None),
    )
    record(
        "loan.return",
        "loan",
        loan.id,
        detail={
            "device": device.asset_tag,
            "checklist": checklist,
            "damage": bool(data.damage_notes.strip()),
            "deposit_refunded_cents": refund,
        },
        organisation_id=loan.organisation_id,
        actor=actor,
    )
    db.session.commit()
    db.session.refresh(loan)
    return loan


def cede_loan(actor: Any, loan: Loan, on: date | None = None) -> Cession:
    """Turn the loan into ownership (free of charge), with its own certificate."""
    db.session.commit()
    if loan.status is not LoanStatus.OPEN:
        raise DomainError(_("Seul un prêt en cours peut être cédé."))
    day = on or today()
    try:
        rules.may_cede(loan.start_on, loan_terms(loan), day)
    except TermsError as exc:
        raise DomainError(exc.message) from None
    device = loan.device
    inventory.apply_transition(
        device,
        State.GIVEN,
        actor,
        _("Cession du prêt %(n)s", n=loan.number),
        expected_state=State.ON_LOAN,
        commit=False,
        loan_id=loan.id,
    )
    _bump_loan(loan, status=LoanStatus.CEDED, open_device_id=None, ceded_at=utcnow())
    cession = Cession(
        organisation_id=loan.organisation_id,
        loan_id=loan.id,
        ceded_on=day,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(cession)
    db.session.flush()
    record(
        "loan.cede",
        "loan",
        loan.id,
        detail={"cession_id": cession.id, "device": device.asset_tag},
        organisation_id=loan.organisation_id,
        actor=actor,
    )
    db.session.commit()
    db.session.refresh(loan)
    return cession


def cession_of(loan: Loan) -> Cession | None:
    return db.session.scalar(select(Cession).where(Cession.loan_id == loan.id))


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class LoanFilter:
    status: str = "open"  # open | overdue | returned | ceded | all


def list_loans(organisation_id: int, flt: LoanFilter, limit: int = 500) -> Sequence[Loan]:
    query = select(Loan).where(Loan.organisation_id == organisation_id)
    if flt.status == "open":
        query = query.where(Loan.status == LoanStatus.OPEN).order_by(Loan.due_on, Loan.id)
    elif flt.status == "overdue":
        query = query.where(Loan.status == LoanStatus.OPEN, Loan.due_on < today()).order_by(
            Loan.due_on, Loan.id
        )
    elif flt.status in {s.value for s in LoanStatus}:
        query = query.where(Loan.status == LoanStatus(flt.status)).order_by(Loan.id.desc())
    else:
        query = query.order_by(Loan.id.desc())
    return db.session.scalars(query.limit(limit)).all()


def overdue_count(organisation_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Loan)
            .where(
                Loan.organisation_id == organisation_id,
                Loan.status == LoanStatus.OPEN,
                Loan.due_on < today(),
            )
        )
        or 0
    )


def list_sales(organisation_id: int, year: int | None = None, limit: int = 500) -> Sequence[Sale]:
    query = select(Sale).where(Sale.organisation_id == organisation_id)
    if year:
        query = query.where(Sale.receipt_year == year)
    return db.session.scalars(
        query.order_by(Sale.receipt_year.desc(), Sale.receipt_seq.desc()).limit(limit)
    ).all()


def get_loan(loan_id: int) -> Loan:
    loan = db.session.get(Loan, loan_id)
    if loan is None:
        raise NotFound(_("Prêt introuvable."))
    return loan


def get_sale(sale_id: int) -> Sale:
    sale = db.session.get(Sale, sale_id)
    if sale is None:
        raise NotFound(_("Vente introuvable."))
    return sale


def get_reservation(reservation_id: int) -> Reservation:
    reservation = db.session.get(Reservation, reservation_id)
    if reservation is None:
        raise NotFound(_("Réservation introuvable."))
    return reservation


# ---------------------------------------------------------------- the family's page


def _derive_token(salt: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, b"family-page:" + salt.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def ensure_family_token(
    household: Household, organisation_id: int, actor: Any, *, commit: bool = True
) -> str:
    """The household's page token (created once, reprinted as is). Returns the raw token.

    If the secret key changed since it was made, the old token cannot be rebuilt: it is
    revoked and a new one made (older printed QR codes then stop working). Called by
    actions only (handover, "Donner le lien", printing), never by viewing a page; an
    anonymised household gets none (issue 19).
    """
    if household.anonymised_at is not None:
        raise Conflict(_("Ce foyer a été anonymisé : il n'a plus de page."))
    token = db.session.scalar(
        select(FamilyAccessToken)
        .where(
            FamilyAccessToken.household_id == household.id,
            FamilyAccessToken.revoked_at.is_(None),
        )
        .order_by(FamilyAccessToken.id.desc())
    )
    if token is not None:
        raw = _derive_token(token.salt)
        if hmac.compare_digest(_hash_token(raw), token.token_hash):
            return raw
        token.revoked_at = utcnow()
    salt = secrets.token_hex(16)
    raw = _derive_token(salt)
    token = FamilyAccessToken(
        household_id=household.id,
        organisation_id=organisation_id,
        salt=salt,
        token_hash=_hash_token(raw),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(token)
    db.session.flush()
    record(
        "family_token.create",
        "household",
        household.id,
        detail={"token_id": token.id},
        organisation_id=organisation_id,
        actor=actor,
    )
    if commit:
        db.session.commit()
    return raw


def family_token(household: Household) -> str | None:
    """The household's current link, if it has one: never makes one (viewing a page)."""
    if household.anonymised_at is not None:
        return None
    token = db.session.scalar(
        select(FamilyAccessToken)
        .where(
            FamilyAccessToken.household_id == household.id,
            FamilyAccessToken.revoked_at.is_(None),
        )
        .order_by(FamilyAccessToken.id.desc())
    )
    if token is None:
        return None
    raw = _derive_token(token.salt)
    return raw if hmac.compare_digest(_hash_token(raw), token.token_hash) else None


def revoke_family_tokens(household: Household, organisation_id: int, actor: Any) -> int:
    """Kill every link to the household's page (a lost sheet, a stolen phone)."""
    result = db.session.execute(
        update(FamilyAccessToken)
        .where(
            FamilyAccessToken.household_id == household.id,
            FamilyAccessToken.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    record(
        "family_token.revoke",
        "household",
        household.id,
        detail={"revoked": count},
        organisation_id=organisation_id,
        actor=actor,
    )
    db.session.commit()
    return count


def association_of_household(household: Household, preferred: int | None) -> int | None:
    """The association that lent or sold to this household (``preferred`` if it did)."""
    org_ids = set(
        db.session.scalars(select(Loan.organisation_id).where(Loan.household_id == household.id))
    ) | set(
        db.session.scalars(select(Sale.organisation_id).where(Sale.household_id == household.id))
    )
    if preferred in org_ids:
        return preferred
    return min(org_ids) if org_ids else None


def household_for_token(raw: str) -> Household | None:
    if not raw or len(raw) > 100:
        return None
    token = db.session.scalar(
        select(FamilyAccessToken).where(FamilyAccessToken.token_hash == _hash_token(raw))
    )
    if token is None or token.revoked_at is not None:
        return None
    token.last_seen_at = utcnow()
    db.session.commit()
    return db.session.get(Household, token.household_id)


def family_url(raw: str) -> str:
    return public_url("loans.family_page", token=raw)


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for QR codes and messages: PUBLIC_BASE_URL, else the request's host."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if has_request_context() and not base:
        return url_for(endpoint, _external=True, **values)
    # Outside a request (cron) url_for needs SERVER_NAME: build the path from the URL map.
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return (base or "http://localhost") + path


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int = 0


def rate_check(key: str, per_minute: int, failures: int | None = None) -> RateDecision:
    """A rate limit per key (an address, or a bucket such as "ou-aller:<hash>"), shared by
    every server process: the hits are rows (``FamilyPageHit``), counted in the database.

    At most ``per_minute`` hits a minute and, when given, ``failures`` failed ones in 15
    minutes. Ask first, then ``record_hit``.
    """
    now = utcnow()
    recent = db.session.scalar(
        select(func.count())
        .select_from(FamilyPageHit)
        .where(FamilyPageHit.ip == key, FamilyPageHit.at >= now - timedelta(minutes=1))
    )
    if (recent or 0) >= per_minute:
        return RateDecision(False, 60)
    if failures is None:
        return RateDecision(True)
    failed = db.session.scalar(
        select(func.count())
        .select_from(FamilyPageHit)
        .where(
            FamilyPageHit.ip == key,
            FamilyPageHit.ok.is_(False),
            FamilyPageHit.at >= now - timedelta(minutes=15),
        )
    )
    if (failed or 0) >= failures:
        return RateDecision(False, 15 * 60)
    return RateDecision(True)


def record_hit(key: str, ok: bool = True) -> None:
    hit = FamilyPageHit(ip=key, ok=ok)  # a key fits String(45): an address, or a short bucket
    db.session.add(hit)
    db.session.flush()
    if hit.id % 200 == 0:  # now and then, forget what no limit looks at any more
        db.session.execute(
            delete(FamilyPageHit).where(FamilyPageHit.at < utcnow() - timedelta(days=1))
        )
    db.session.commit()


def family_rate_check(ip: str, ok: bool | None = None) -> RateDecision:
    """Rate limit of the family pages, per address, shared by every server process.

    At most FAMILY_PAGE_PER_MINUTE visits a minute and FAMILY_PAGE_FAILURES unknown
    tokens in 15 minutes. Call with ``ok=None`` to ask, then ``record_family_hit``.
    """
    config = current_app.config
    per_minute = int(config.get("FAMILY_PAGE_PER_MINUTE", 30))
    return rate_check(ip, per_minute, int(config.get("FAMILY_PAGE_FAILURES", 10)))


def record_family_hit(ip: str, ok: bool) -> None:
    record_hit(ip, ok)


@dataclass(frozen=True)
class FamilyView:
    household: Household
    loans: list[Loan]
    sales: list[Sale]
    organisations: dict[int, Organisation]
    training: list[neighbours.BookedSession]
    tariffs: list[neighbours.TariffTip]


def family_view(household: Household) -> FamilyView:
    """What the family page shows: this household's own loans and sales, nothing else."""
    loans = db.session.scalars(
        select(Loan)
        .where(Loan.household_id == household.id)
        .where(
            and_(
                Loan.status.in_([LoanStatus.OPEN, LoanStatus.CEDED]),
            )
        )
        .order_by(Loan.id.desc())
    ).all()
    sales = db.session.scalars(
        select(Sale).where(Sale.household_id == household.id).order_by(Sale.id.desc())
    ).all()
    org_ids = {x.organisation_id for x in [*loans, *sales]}
    orgs = {
        o.id: o
        for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(org_ids))).all()
    }
    return FamilyView(
        household,
        list(loans),
        list(sales),
        orgs,
        neighbours.training_bookings(household),
        neighbours.tariff_tips(household),
    )
