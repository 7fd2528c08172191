"""The counter's handover: the scanned device goes to the prescription's household, as a
loan (with its signed sheet) or a sale or gift (with its receipt).

The action owns its transaction. Race-safe by the house rule (docs/CONTRIBUTING.md,
"Races"): the first write is the inventory's conditional UPDATE of the device's state, so
two desks scanning the same device at the same moment cannot both win; receipt numbers
come from a counter row incremented in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import Conflict, DomainError
from app.core.i18n import translate as _
from app.extensions import db
from app.family.links import ensure_family_token
from app.households.lifecycle import PrescriptionState
from app.households.models import Prescription
from app.inventory.lifecycle import State
from app.inventory.models import Device
from app.loans import terms as rules
from app.loans.counter import (
    active_reservation,
    check_device_fits,
    check_prescription_open,
    counter_prescription,
    device_for_counter,
    move_device,
    terms_for,
)
from app.loans.models import (
    Loan,
    LoanStatus,
    ReceiptCounter,
    Reservation,
    ReservationStatus,
    Sale,
    SignatureKind,
)
from app.loans.reservations import expire_reservations
from app.loans.signatures import check_signature
from app.loans.terms import Mode, PaymentMethod, Terms, TermsError
from app.loans.unavailable import unavailable


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
    check_prescription_open(prescription)
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
    steps = [(State.RESERVED, target, reason)]
    if device.state is State.READY:
        taken = _("Remise au comptoir (prescription n° %(n)s)", n=prescription.id)
        steps.insert(0, (State.READY, State.RESERVED, taken))
    try:
        move_device(device, steps, actor, prescription_id=prescription.id)
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
