"""Builders for the loans tests (no tests here): ready devices and validated prescriptions.

Prescriptions go through the households services and the real eligibility engine, so a
"validated RSA prescription" is what a prescriber and a manager would really produce.
Devices are inserted ready (the workshop's path to "ready" is the inventory's own tests).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from app.accounts.models import Organisation, User
from app.authz.policy import OrgKind, Role
from app.core.clock import utcnow
from app.eligibility.vocabulary import Commitment, Status
from app.eligibility.vocabulary import DeviceType as WantedType
from app.extensions import db
from app.households import services as households
from app.households.models import Household, Prescription
from app.inventory import tags
from app.inventory.grading import Grade
from app.inventory.lifecycle import DeviceType, State
from app.inventory.models import (
    Condition,
    Device,
    DeviceChecklist,
    ErasureLevel,
    ErasureMethod,
    ErasureRecord,
    ErasureResult,
)
from tests import factories

_serial = itertools.count(1)

RSA = "rsa-ordinateur-15"  # sale at 15 EUR (Eure-et-Loir)
PRE = "pre-pret-ordinateur"  # a 12-month loan (families followed by the PRE, in a QPV)


@dataclass
class Counter:
    """An association with its front desk and manager, and a prescribing CCAS."""

    association: Organisation
    manager: User
    front_desk: User
    prescriber_org: Organisation
    prescriber: User


def make_counter(slug: str = "atelier") -> Counter:
    n = next(_serial)
    asso = factories.create_org(
        OrgKind.ASSOCIATION,
        slug=f"{slug}-{n}",
        name=f"Atelier Numérique {n}",
        phone="03 87 00 00 01",
        address="12 rue des Allemands",
        postcode="57000",
        commune="Metz",
    )
    presc = factories.create_org(OrgKind.PRESCRIBER, slug=f"ccas-{n}", name=f"CCAS {n}")
    return Counter(
        association=asso,
        manager=factories.create_user(Role.MANAGER, asso, email=f"resp-{n}@test.local"),
        front_desk=factories.create_user(Role.FRONT_DESK, asso, email=f"accueil-{n}@test.local"),
        prescriber_org=presc,
        prescriber=factories.create_user(Role.PRESCRIBER, presc, email=f"presc-{n}@test.local"),
    )


def ready_device(
    org: Organisation,
    device_type: DeviceType = DeviceType.LAPTOP,
    *,
    brand: str = "Lenovo",
    model: str = "ThinkPad T480",
    grade: Grade = Grade.B,
    serial: str | None = None,
) -> Device:
    device = Device(
        organisation_id=org.id,
        asset_tag=tags.generate(),
        device_type=device_type,
        brand=brand,
        model=model,
        serial=serial or f"SN{next(_serial):06d}",
        condition=Condition.WORKING,
        state=State.READY,
        grade=grade,
    )
    db.session.add(device)
    db.session.flush()
    # What made it "ready" in the workshop: a passed erasure and a complete test list.
    now = utcnow()
    db.session.add(
        ErasureRecord(
            device_id=device.id,
            organisation_id=org.id,
            level=ErasureLevel.PURGE,
            method=ErasureMethod.OVERWRITE,
            tool="nwipe",
            started_at=now,
            ended_at=now,
            result=ErasureResult.ERASED,
            technician_name="Lucie Marchal",
            signature="Lucie Marchal",
        )
    )
    db.session.add(
        DeviceChecklist(
            device_id=device.id,
            organisation_id=org.id,
            results=[{"label": "Écran", "result": "ok", "note": ""}],
            completed=True,
        )
    )
    db.session.commit()
    return device


def household_input(programme: str, name: str, **extra: Any) -> households.HouseholdInput:
    if programme == RSA:
        base: dict[str, Any] = {
            "reference_age": 42,
            "postcode": "28200",
            "commune": "Châteaudun",
            "statuses": (Status.RSA,),
        }
    else:  # PRE: a family with a child, in a QPV
        base = {
            "reference_age": 38,
            "other_ages": (9,),
            "postcode": "57050",
            "commune": "Metz",
            "qpv": True,
            "statuses": (Status.PRE_FAMILY,),
        }
    base.update(
        reference_name=name,
        phone=extra.pop("phone", "06 12 34 56 78"),
        email=extra.pop("email", ""),
        consent=True,
    )
    base.update(extra)
    return households.HouseholdInput(**base)


def validated_prescription(
    counter: Counter,
    programme: str = RSA,
    name: str = "Fatima Benali",
    wanted: WantedType = WantedType.LAPTOP,
    **household: Any,
) -> Prescription:
    """A prescriber records the household and prescribes; the manager validates."""
    h: Household = households.create_household(
        household_input(programme, name, **household), counter.prescriber
    )
    commitments = (Commitment.PIX_TEST,) if programme == RSA else ()
    p = households.create_prescription(
        h,
        households.PrescriptionInput(
            programme_code=programme,
            association_org_id=counter.association.id,
            device_type=wanted,
            commitments=commitments,
        ),
        counter.prescriber,
        submit=True,
    )
    households.validate_prescription(p, counter.manager)
    db.session.expire_all()
    return db.session.get(Prescription, p.id)  # type: ignore[return-value]


def paper_handover(counter: Counter, prescription: Prescription, signer: str) -> Any:
    """The front desk hands a ready device over for ``prescription``, signed on paper."""
    from app.loans.handover import HandoverInput, handover
    from app.loans.models import SignatureKind

    return handover(
        counter.front_desk,
        counter.association.id,
        HandoverInput(
            prescription_id=prescription.id,
            scanned=ready_device(counter.association).asset_tag,
            signature_kind=SignatureKind.PAPER,
            signer_name=signer,
        ),
    )
