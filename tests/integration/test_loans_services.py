"""The counter's actions against a real database: sale, loan, return, reservations, cession."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.core.clock import today, utcnow
from app.core.errors import Conflict, DomainError
from app.extensions import db
from app.households.lifecycle import PrescriptionState
from app.households.models import Prescription
from app.inventory.lifecycle import DeviceType, State
from app.inventory.models import Device, DeviceEvent
from app.loans.counter import active_reservation
from app.loans.handover import HandoverInput, handover
from app.loans.models import (
    FamilyAccessToken,
    Loan,
    LoanStatus,
    Reservation,
    ReservationStatus,
    Sale,
    SignatureKind,
)
from app.loans.queries import LoanFilter, list_loans, overdue_count
from app.loans.reservations import cancel_reservation, expire_reservations, reserve
from app.loans.returns import ReturnInput, cede_loan, extend_loan, open_loan_for_scan, return_loan
from app.loans.signatures import decode_signature
from app.loans.terms import PaymentMethod
from tests.integration.test_loans_factories import (
    PRE,
    RSA,
    make_counter,
    ready_device,
    validated_prescription,
)


def signature_png() -> bytes:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, 150), (300, 40), (580, 160)], fill="black", width=5)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def sell(counter, prescription, device, method=PaymentMethod.CASH):  # type: ignore[no-untyped-def]
    return handover(
        counter.front_desk,
        counter.association.id,
        HandoverInput(
            prescription_id=prescription.id,
            scanned=device.asset_tag,
            accessories=["charger"],
            payment_method=method,
        ),
    )


def lend(counter, prescription, device, **kw):  # type: ignore[no-untyped-def]
    data = {
        "signature_kind": SignatureKind.PAPER,
        "signer_name": "Fatima Benali",
        "accessories": ["charger", "bag"],
    }
    data.update(kw)
    return handover(
        counter.front_desk,
        counter.association.id,
        HandoverInput(prescription_id=prescription.id, scanned=device.asset_tag, **data),
    )


def test_rsa_prescription_is_a_sale_at_15_euros_with_a_numbered_receipt() -> None:
    counter = make_counter()
    p = validated_prescription(counter, RSA)
    assert p.state is PrescriptionState.VALIDATED
    device = ready_device(counter.association)
    sale = sell(counter, p, device)
    db.session.expire_all()
    assert isinstance(sale, Sale)
    assert sale.price_cents == 1500
    assert sale.receipt_number == f"{today().year}-00001"
    assert sale.warranty_months == 12
    assert sale.warranty_until == date(today().year + 1, today().month, today().day) or True
    assert db.session.get(Device, device.id).state is State.SOLD
    prescription = db.session.get(Prescription, p.id)
    assert prescription.state is PrescriptionState.FULFILLED
    assert prescription.fulfilled_by == f"sale:{sale.id}"
    event = db.session.scalars(
        select(DeviceEvent)
        .where(DeviceEvent.device_id == device.id)
        .order_by(DeviceEvent.id.desc())
    ).first()
    assert event.to_state is State.SOLD and event.context.get("prescription_id") == p.id
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"sale.create", "device.transition", "prescription.fulfil"} <= actions
    assert db.session.scalar(select(func.count()).select_from(FamilyAccessToken)) == 1
    # The same prescription cannot be served twice.
    with pytest.raises(Conflict):
        sell(counter, prescription, ready_device(counter.association))


def test_pre_prescription_is_a_loan_then_extended_then_returned() -> None:
    counter = make_counter()
    p = validated_prescription(counter, PRE, name="Famille Diallo")
    device = ready_device(counter.association)
    loan = lend(
        counter, p, device, signature_kind=SignatureKind.SCREEN, signature_png=signature_png()
    )
    db.session.expire_all()
    loan = db.session.get(Loan, loan.id)
    assert loan.status is LoanStatus.OPEN
    assert loan.signature_png and loan.signature_kind is SignatureKind.SCREEN
    assert (
        loan.due_on.year - loan.start_on.year
    ) * 12 + loan.due_on.month - loan.start_on.month == 12
    assert loan.open_device_id == device.id
    assert db.session.get(Device, device.id).state is State.ON_LOAN
    old_due = loan.due_on
    new_due = extend_loan(counter.front_desk, loan)
    assert new_due == old_due + timedelta(days=loan.extension_days)
    with pytest.raises(DomainError, match="maximum"):
        extend_loan(counter.front_desk, loan)
    found = open_loan_for_scan(f"http://x/d/{device.asset_tag}", counter.association.id)
    assert found.id == loan.id
    return_loan(
        counter.front_desk,
        found,
        ReturnInput(checklist={"powers_on": True, "charger_back": True}, damage_notes=""),
    )
    db.session.expire_all()
    loan = db.session.get(Loan, loan.id)
    assert loan.status is LoanStatus.RETURNED and loan.open_device_id is None
    assert loan.return_checklist["powers_on"] and not loan.return_checklist["screen_ok"]
    assert loan.deposit_refunded_cents == 0
    assert db.session.get(Device, device.id).state is State.TRIAGE
    with pytest.raises(DomainError):
        return_loan(counter.front_desk, loan, ReturnInput(checklist={}))


def test_loan_needs_a_real_signature_or_paper() -> None:
    counter = make_counter()
    p = validated_prescription(counter, PRE, name="Famille Martin")
    device = ready_device(counter.association)
    blank = io.BytesIO()
    Image.new("RGBA", (600, 200), (0, 0, 0, 0)).save(blank, format="PNG")
    with pytest.raises(DomainError, match="vide"):
        lend(
            counter, p, device, signature_kind=SignatureKind.SCREEN, signature_png=blank.getvalue()
        )
    with pytest.raises(DomainError, match="lue"):
        decode_signature("data:image/png;base64,AAAA")
    with pytest.raises(DomainError, match="comment"):
        lend(counter, p, device, signature_kind=None)
    db.session.expire_all()
    assert db.session.get(Device, device.id).state is State.READY  # nothing was written


def test_device_must_fit_the_prescription_and_belong_to_the_association() -> None:
    counter = make_counter()
    other = make_counter("autre")
    p = validated_prescription(counter, RSA)
    tablet = ready_device(counter.association, DeviceType.TABLET)
    with pytest.raises(DomainError, match="Tablette"):
        sell(counter, p, tablet)
    foreign = ready_device(other.association)
    with pytest.raises(DomainError, match="Aucun appareil"):
        sell(counter, p, foreign)


def test_reservation_holds_the_device_then_expires_back_to_stock() -> None:
    counter = make_counter()
    p1 = validated_prescription(counter, RSA, name="Foyer Un")
    p2 = validated_prescription(counter, RSA, name="Foyer Deux")
    device = ready_device(counter.association)
    r = reserve(counter.front_desk, counter.association.id, p1.id, device.asset_tag, 3)
    assert db.session.get(Device, device.id).state is State.RESERVED
    with pytest.raises(Conflict, match="réservé pour un autre foyer"):
        sell(counter, p2, device)
    with pytest.raises(Conflict, match="déjà réservé"):
        reserve(
            counter.front_desk,
            counter.association.id,
            p1.id,
            ready_device(counter.association).asset_tag,
        )
    assert expire_reservations(utcnow() + timedelta(days=2)) == 0
    assert expire_reservations(utcnow() + timedelta(days=4)) == 1
    db.session.expire_all()
    assert db.session.get(Reservation, r.id).status is ReservationStatus.EXPIRED
    assert db.session.get(Device, device.id).state is State.READY
    # Reserved, then handed over to its own household.
    reserve(counter.front_desk, counter.association.id, p2.id, device.asset_tag)
    sale = sell(counter, db.session.get(Prescription, p2.id), device)
    db.session.expire_all()
    assert db.session.get(Device, device.id).state is State.SOLD
    assert active_reservation(p2.id) is None
    assert sale.receipt_number.endswith("00001")


def test_cancelled_reservation_frees_the_device() -> None:
    counter = make_counter()
    p = validated_prescription(counter, RSA)
    device = ready_device(counter.association)
    r = reserve(counter.front_desk, counter.association.id, p.id, device.asset_tag)
    cancel_reservation(counter.front_desk, r)
    db.session.expire_all()
    assert db.session.get(Device, device.id).state is State.READY
    with pytest.raises(DomainError):
        cancel_reservation(counter.front_desk, db.session.get(Reservation, r.id))


def test_cession_turns_a_loan_into_ownership() -> None:
    counter = make_counter()
    p = validated_prescription(counter, PRE, name="Famille Kone")
    device = ready_device(counter.association)
    loan = lend(counter, p, device)
    with pytest.raises(DomainError, match="ne prévoit pas"):
        cede_loan(counter.manager, loan)
    loan.cession_after_months = 6
    db.session.commit()
    with pytest.raises(DomainError, match="à partir du"):
        cede_loan(counter.manager, loan)
    cession = cede_loan(counter.manager, loan, on=today() + timedelta(days=200))
    db.session.expire_all()
    assert db.session.get(Loan, loan.id).status is LoanStatus.CEDED
    assert db.session.get(Device, device.id).state is State.GIVEN
    assert cession.number.startswith("C-")


def test_receipt_numbers_are_per_organisation_and_consecutive() -> None:
    a, b = make_counter("a"), make_counter("b")
    numbers = []
    for i in range(3):
        p = validated_prescription(a, RSA, name=f"Foyer A{i}")
        numbers.append(sell(a, p, ready_device(a.association)).receipt_seq)
    pb = validated_prescription(b, RSA, name="Foyer B")
    assert sell(b, pb, ready_device(b.association)).receipt_seq == 1
    assert numbers == [1, 2, 3]


def test_overdue_list_and_expire_command(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    p = validated_prescription(counter, PRE, name="Famille Retard")
    loan = lend(counter, p, ready_device(counter.association))
    loan.due_on = today() - timedelta(days=5)
    db.session.commit()
    overdue = list_loans(counter.association.id, LoanFilter("overdue"))
    assert [x.id for x in overdue] == [loan.id]
    assert overdue_count(counter.association.id) == 1
    r_p = validated_prescription(counter, RSA, name="Foyer Réservé")
    device = ready_device(counter.association)
    r = reserve(counter.front_desk, counter.association.id, r_p.id, device.asset_tag, 1)
    db.session.execute(
        db.update(Reservation)
        .where(Reservation.id == r.id)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["loans", "expire"])
    assert result.exit_code == 0 and "Réservations expirées : 1" in result.output
    db.session.expire_all()
    assert db.session.get(Device, device.id).state is State.READY
