"""Demo loans and sales at the Atelier Numérique Solidaire de Metz (idempotent).

- Fatima B.'s validated PRE prescription (households demo) becomes a loan signed on paper;
- Mireille T. (RSA, Nogent-le-Rotrou) bought her computer at 15 EUR: receipt n° 1 of the year;
- Famille Nguyen's loan is due in two days (``flask reminders send`` reminds them);
- Famille Weber's loan is three weeks overdue (the overdue list).
Sandrine M.'s validated RSA prescription is left in the counter's queue to try a sale.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app.accounts.demo import DemoContext
from app.core.clock import today, told_at, utcnow
from app.eligibility.vocabulary import Commitment, Status
from app.eligibility.vocabulary import DeviceType as WantedType
from app.extensions import db
from app.households import services as households
from app.households.lifecycle import PrescriptionState
from app.households.models import Household, Prescription
from app.inventory.lifecycle import DeviceType, State
from app.inventory.models import Device
from app.loans.handover import HandoverInput, handover
from app.loans.models import Loan, SignatureKind
from app.loans.terms import PaymentMethod

ASSOCIATION = "atelier-metz"
DESK = "accueil@atelier-metz.local"
MANAGER = "responsable@atelier-metz.local"

# (prescriber, household, programme, commitments, payment, days since the handover,
#  due date offset from today for loans or None)
OWN: list[
    tuple[str, households.HouseholdInput, str, tuple[Commitment, ...], Any, int, int | None]
] = [
    (
        "prescripteur@fs-chartres.local",
        households.HouseholdInput(
            reference_name="Mireille T.",
            reference_age=47,
            commune="Nogent-le-Rotrou",
            postcode="28400",
            statuses=(Status.RSA,),
            has_smartphone=True,
            phone="06 12 34 56 21",
            consent=True,
        ),
        "rsa-ordinateur-15",
        (Commitment.PIX_TEST,),
        PaymentMethod.CASH,
        0,
        None,
    ),
    (
        "prescripteur@ccas-metz.local",
        households.HouseholdInput(
            reference_name="Famille Nguyen",
            reference_age=36,
            other_ages=(8,),
            commune="Metz",
            postcode="57050",
            qpv=True,
            statuses=(Status.PRE_FAMILY,),
            phone="06 12 34 56 22",
            email="nguyen@example.org",
            consent=True,
        ),
        "pre-pret-ordinateur",
        (),
        None,
        363,
        2,
    ),
    (
        "prescripteur@ccas-metz.local",
        households.HouseholdInput(
            reference_name="Famille Weber",
            reference_age=44,
            other_ages=(12, 15),
            commune="Metz",
            postcode="57070",
            qpv=True,
            statuses=(Status.PRE_FAMILY,),
            phone="06 12 34 56 23",
            consent=True,
        ),
        "pre-pret-ordinateur",
        (),
        None,
        386,
        -21,
    ),
]


def _ready_laptop(org_id: int) -> Device | None:
    return db.session.scalar(
        select(Device)
        .where(
            Device.organisation_id == org_id,
            Device.state == State.READY,
            Device.device_type == DeviceType.LAPTOP,
        )
        .order_by(Device.id)
    )


def _hand_over(
    desk: Any, org_id: int, prescription: Prescription, payment: PaymentMethod | None
) -> Loan | Any | None:
    device = _ready_laptop(org_id)
    if device is None:
        return None
    return handover(
        desk,
        org_id,
        HandoverInput(
            prescription_id=prescription.id,
            scanned=device.asset_tag,
            accessories=["charger", "bag"],
            signature_kind=SignatureKind.PAPER,
            signer_name=prescription.household.reference_name,
            payment_method=payment,
        ),
    )


def seed(ctx: DemoContext) -> None:
    db.session.commit()
    asso = ctx.orgs.get(ASSOCIATION)
    desk = ctx.users.get(DESK)
    manager = ctx.users.get(MANAGER)
    if asso is None or desk is None or manager is None:
        return
    # Fatima B. (households demo): her validated PRE prescription becomes a loan.
    fatima = db.session.scalar(
        select(Prescription)
        .join(Household, Household.id == Prescription.household_id)
        .where(
            Household.reference_name == "Fatima B.",
            Prescription.association_org_id == asso.id,
            Prescription.state == PrescriptionState.VALIDATED,
        )
    )
    if fatima is not None:
        _hand_over(desk, asso.id, fatima, None)

    # Oldest first: loan numbers follow the start dates. Each story is told at its day:
    # the household and its prescription a week before the handover, the validation two
    # days before (issue 18: the demo's dates are in order).
    for email, data, programme, commitments, payment, days_ago, due_offset in sorted(
        OWN, key=lambda row: -row[5]
    ):
        prescriber = ctx.users.get(email)
        if prescriber is None:
            continue
        exists = db.session.scalar(
            select(Household.id).where(
                Household.organisation_id == prescriber.organisation_id,
                Household.reference_name == data.reference_name,
            )
        )
        if exists:
            continue
        handover_at = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
        if days_ago == 0:
            handover_at -= timedelta(minutes=30)
        with told_at(handover_at - timedelta(days=7 if days_ago else 0, hours=2)):
            household = households.create_household(data, prescriber)
            prescription = households.create_prescription(
                household,
                households.PrescriptionInput(
                    programme_code=programme,
                    association_org_id=asso.id,
                    device_type=WantedType.LAPTOP,
                    commitments=commitments,
                ),
                prescriber,
                submit=True,
            )
        with told_at(handover_at - timedelta(days=2 if days_ago else 0, hours=1)):
            households.validate_prescription(prescription, manager)
        with told_at(handover_at):
            done = _hand_over(desk, asso.id, prescription, payment)
        if isinstance(done, Loan) and due_offset is not None:
            # The programme's term from that day; the demo wants it due on that day.
            done.due_on = today() + timedelta(days=due_offset)
            db.session.commit()
