"""flask gdpr purge: no name, phone, e-mail or address of an expired household is left in
any text column of any table, and the figures do not change. Export and erasure on request."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import MetaData, select

from app.accounts.cli import seed_demo
from app.audit.models import AuditEntry
from app.audit.services import record
from app.authz.policy import OrgKind, Role
from app.core.clock import today, utcnow
from app.extensions import db
from app.notify.models import Channel
from app.notify.services import enqueue
from app.reports import figures, scope
from app.reports.cli import purge_command
from app.reports.period import Period
from tests.factories import create_org, create_user

NAME = "Ysolde Kerbrat-Marchetti"
PHONE = "06 71 82 93 04"
EMAIL = "ysolde.kerbrat@exemple.fr"
ADDRESS = "17 impasse des Glycines"
# Every way these may have been written down.
NEEDLES = [
    NAME,
    "Ysolde",
    "Kerbrat",
    "Marchetti",
    PHONE,
    "0671829304",
    "+33671829304",
    "06.71.82.93.04",
    EMAIL,
    ADDRESS,
]


@pytest.fixture(autouse=True)
def _request(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def _household(org_id: int, name: str, phone: str, email: str, address: str, days_ago: int) -> Any:
    from app.eligibility.vocabulary import Status
    from app.households.models import Household, HouseholdMember, StatusAttestation

    at = utcnow() - timedelta(days=days_ago)
    household = Household(
        organisation_id=org_id,
        reference_name=name,
        phone=phone,
        email=email,
        postal_address=address,
        commune="Metz",
        postcode="57050",
        qpv=True,
        created_at=at,
        updated_at=at,
        last_activity_at=at,
        consent_at=at,
    )
    db.session.add(household)
    db.session.flush()
    db.session.add(
        HouseholdMember(
            household_id=household.id, is_reference=True, age=44, age_recorded_on=at.date()
        )
    )
    db.session.add(
        StatusAttestation(household_id=household.id, status=Status.RSA, attested_on=at.date())
    )
    return household


def _history(
    household: Any, association: Any, prescriber: Any, days_ago: int, open_loan: bool
) -> None:
    """A prescription, a handed-over device, a loan and a sale, journal and outbox entries:
    all old, all mentioning the person."""
    from app.households.lifecycle import PrescriptionState
    from app.households.models import Prescription
    from app.inventory.lifecycle import DeviceType, State
    from app.inventory.models import Device, DeviceEvent
    from app.loans.models import Loan, LoanStatus, Sale, SignatureKind

    at = utcnow() - timedelta(days=days_ago)
    prescription = Prescription(
        household_id=household.id,
        prescriber_org_id=prescriber.id,
        association_org_id=association.id,
        programme_code="ccas-metz",
        device_type="laptop",
        justification=f"Mme {household.reference_name} cherche un emploi, joignable au {household.phone}.",
        state=PrescriptionState.FULFILLED,
        created_at=at,
    )
    db.session.add(prescription)
    devices = []
    for n, state in enumerate((State.ON_LOAN, State.SOLD)):
        device = Device(
            organisation_id=association.id,
            asset_tag=f"G{household.id:03d}{n}",
            device_type=DeviceType.LAPTOP,
            state=state,
        )
        db.session.add(device)
        db.session.flush()
        devices.append(device)
        for step, (src, dst) in enumerate(
            [
                (None, State.RECEIVED),
                (State.RECEIVED, State.TRIAGE),
                (State.TRIAGE, State.RECONDITIONING),
                (State.RECONDITIONING, State.READY),
                (State.READY, State.RESERVED),
                (State.RESERVED, state),
            ]
        ):
            db.session.add(
                DeviceEvent(
                    device_id=device.id,
                    organisation_id=association.id,
                    at=at - timedelta(days=60 - 10 * step),
                    from_state=src,
                    to_state=dst,
                    reason=f"Remis à {household.reference_name}" if dst is state else "",
                    context={"foyer": household.reference_name} if dst is state else {},
                )
            )
    db.session.flush()
    loan = Loan(
        organisation_id=association.id,
        device_id=devices[0].id,
        household_id=household.id,
        prescription_id=prescription.id,
        status=LoanStatus.OPEN if open_loan else LoanStatus.RETURNED,
        programme_code="ccas-metz",
        programme_name="Aide du CCAS de Metz",
        start_on=at.date(),
        due_on=at.date() + timedelta(days=20),
        signature_kind=SignatureKind.SCREEN,
        signature_png=b"\x89PNG signature",
        signer_name=household.reference_name,
        signed_at=at,
        created_at=at,
        returned_at=None if open_loan else at + timedelta(days=20),
    )
    sale = Sale(
        organisation_id=association.id,
        receipt_year=at.year,
        receipt_seq=household.id,
        receipt_number=f"{at.year}-{household.id:05d}",
        sold_at=at,
        device_id=devices[1].id,
        household_id=household.id,
        programme_code="rsa",
        programme_name="Ordinateur solidaire RSA",
        price_cents=1500,
        warranty_until=at.date() + timedelta(days=365),
        buyer_name=household.reference_name,
    )
    db.session.add_all([loan, sale])
    db.session.flush()
    entry = record(
        "household.update",
        "household",
        household.id,
        detail={
            "note": f"{household.reference_name} ({household.email}) a déménagé : {household.postal_address}"
        },
        organisation_id=prescriber.id,
    )
    entry.at = at
    loan_entry = record(
        "loan.create",
        "loan",
        loan.id,
        detail={"signataire": "Mme " + household.reference_name.split()[-1].split("-")[0]},
        organisation_id=association.id,
    )
    loan_entry.at = at
    db.session.commit()
    enqueue(
        f"loan:{loan.id}:due",
        Channel.SMS,
        "+33671829304" if household.phone == PHONE else household.phone,
        f"Bonjour {household.reference_name.split()[0]}, rendez l'ordinateur avant le {loan.due_on:%d/%m}.",
        object_type="loan",
        object_id=loan.id,
        due_at=at,
    )
    enqueue(
        f"household:{household.id}:mail",
        Channel.EMAIL,
        household.email,
        f"Madame {household.reference_name}, votre dossier est prêt.",
        subject="Votre dossier",
        object_type="household",
        object_id=household.id,
        due_at=at,
    )


def _scan(needles: list[str]) -> list[str]:
    """Every cell of every table (reflected from the database) that holds a needle."""
    meta = MetaData()
    meta.reflect(bind=db.engine)
    hits = []
    lowered = [n.lower() for n in needles]
    with db.engine.connect() as conn:
        for name, table in meta.tables.items():
            for row in conn.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None or isinstance(value, int | float | bool | date | datetime):
                        continue
                    if isinstance(value, bytes | memoryview):
                        text = bytes(value).decode("latin-1")
                    elif isinstance(value, dict | list):
                        text = json.dumps(value, ensure_ascii=False) + json.dumps(value)
                    else:
                        text = str(value)
                    for needle in lowered:
                        if needle in text.lower():
                            hits.append(f"{name}.{column}: {needle}")
    return hits


def _figures() -> list[tuple[str, list[list[Any]]]]:
    filters = scope.Filters(Period(date(2018, 1, 1), today()), scope.territory_scope(), today())
    return [(f.key, f.table.rows) for f in figures.dashboard(filters)]


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    result = app.test_cli_runner().invoke(seed_demo)
    assert result.exit_code == 0, result.output
    association = create_org(OrgKind.ASSOCIATION, slug="asso-rgpd", name="Asso RGPD")
    prescriber = create_org(OrgKind.PRESCRIBER, slug="ccas-rgpd", name="CCAS RGPD")
    retention = app.config["RETENTION_DAYS"]
    expired = _household(prescriber.id, NAME, PHONE, EMAIL, ADDRESS, retention + 30)
    _history(expired, association, prescriber, retention + 30, open_loan=False)
    recent = _household(
        prescriber.id, "Gaspard Récent", "06 10 20 30 40", "gaspard@exemple.fr", "3 rue Haute", 10
    )
    _history(recent, association, prescriber, 10, open_loan=False)
    lent = _household(
        prescriber.id,
        "Honorine Prêt",
        "06 55 44 33 22",
        "honorine@exemple.fr",
        "9 rue Basse",
        retention + 30,
    )
    _history(lent, association, prescriber, retention + 30, open_loan=True)
    db.session.commit()
    return {"expired": expired.id, "recent": recent.id, "lent": lent.id, "prescriber": prescriber}


def test_purge_leaves_no_trace_of_expired_households_and_keeps_the_figures(
    app: Flask, people: dict[str, Any]
) -> None:
    from app.households.models import Household

    assert len(_scan(NEEDLES)) >= 10, "the test data must mention the person in many places"
    before = _figures()

    result = app.test_cli_runner().invoke(purge_command)
    assert result.exit_code == 0, result.output
    # Demo households may expire too: at least ours.
    assert re.search(r"Foyers anonymisés : [1-9]\d*\.", result.output), result.output
    db.session.expire_all()

    assert _scan(NEEDLES) == []
    assert _figures() == before

    expired = db.session.get(Household, people["expired"])
    assert expired.anonymised_at is not None
    assert expired.commune == "Metz" and expired.qpv is True  # statistics kept
    assert {a.status.value for a in expired.attestations} == {"rsa"}
    # The other two keep their data: one is recent, one still has a device on loan.
    assert _scan(["Gaspard Récent", "06 10 20 30 40", "gaspard@exemple.fr"])
    assert _scan(["Honorine Prêt", "honorine@exemple.fr"])
    assert db.session.get(Household, people["lent"]).anonymised_at is None
    # Journalled, without any personal data.
    entry = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "household.anonymise",
            AuditEntry.object_id == str(people["expired"]),
        )
    ).one()
    assert entry.object_id == str(people["expired"]) and entry.detail == {"reason": "retention"}

    # Running it again changes nothing.
    again = app.test_cli_runner().invoke(purge_command)
    assert "Foyers anonymisés : 0." in again.output


def test_dry_run_changes_nothing(app: Flask, people: dict[str, Any]) -> None:
    hits = _scan(NEEDLES)
    result = app.test_cli_runner().invoke(purge_command, ["--dry-run"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Foyers à anonymiser : [1-9]\d*\.", result.output), result.output
    assert _scan(NEEDLES) == hits


def test_export_on_request_then_erasure(app: Flask, people: dict[str, Any]) -> None:
    from tests.conftest import login_client

    prescriber = create_user(Role.PRESCRIBER, people["prescriber"])
    db.session.commit()
    client = login_client(app.test_client(), prescriber)
    hid = people["recent"]

    listing = client.get("/rapports/donnees-personnelles/?q=Gaspard").get_data(as_text=True)
    assert "Gaspard Récent" in listing and f"/donnees-personnelles/foyers/{hid}" in listing
    overview = client.get("/rapports/donnees-personnelles/").get_data(as_text=True)
    # The expired household and the one with a device on loan are past the retention.
    assert "2 foyers seront anonymisés dans les 30 prochains jours." in overview

    page = client.get(f"/rapports/donnees-personnelles/foyers/{hid}")
    assert page.status_code == 200
    assert "Effacer les données personnelles" in page.get_data(as_text=True)

    exported = client.get(f"/rapports/donnees-personnelles/foyers/{hid}/export.json")
    assert exported.status_code == 200
    data = json.loads(exported.data)
    assert data["foyer"]["reference_name"] == "Gaspard Récent"
    assert data["foyer"]["phone"] == "06 10 20 30 40"
    assert {"loan", "sale", "prescription", "status_attestation"} <= set(
        data["enregistrements_lies"]
    )
    assert "signature_png" in data["enregistrements_lies"]["loan"][0]

    pdf = client.get(f"/rapports/donnees-personnelles/foyers/{hid}/export.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Gaspard Récent" in text and "06 10 20 30 40" in text
    assert "Qui a consulté" in text

    # Who saw the data: the journal lists the page view and both exports.
    db.session.expire_all()
    actions = [
        e.action
        for e in db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.object_type == "household", AuditEntry.object_id == str(hid)
            )
        )
    ]
    assert actions.count("household.export") == 2
    assert "household.privacy_view" in actions

    refused = client.post(f"/rapports/donnees-personnelles/foyers/{hid}/effacement", data={})
    assert refused.status_code == 302
    assert _scan(["Gaspard Récent"])

    erased = client.post(
        f"/rapports/donnees-personnelles/foyers/{hid}/effacement", data={"confirm": "y"}
    )
    assert erased.status_code == 302
    db.session.expire_all()
    assert (
        _scan(["Gaspard Récent", "Gaspard", "06 10 20 30 40", "gaspard@exemple.fr", "3 rue Haute"])
        == []
    )
    after = client.get(f"/rapports/donnees-personnelles/foyers/{hid}").get_data(as_text=True)
    assert "anonymisé depuis" in after
    assert "household.anonymise" in after  # the journal shows it


def test_other_organisations_cannot_see_or_erase(app: Flask, people: dict[str, Any]) -> None:
    from tests.conftest import login_client

    other = create_user(Role.PRESCRIBER)
    db.session.commit()
    client = login_client(app.test_client(), other)
    hid = people["recent"]
    assert client.get(f"/rapports/donnees-personnelles/foyers/{hid}").status_code == 404
    assert client.get(f"/rapports/donnees-personnelles/foyers/{hid}/export.json").status_code == 404
    response = client.post(
        f"/rapports/donnees-personnelles/foyers/{hid}/effacement", data={"confirm": "y"}
    )
    assert response.status_code == 404
    assert _scan(["Gaspard Récent"])


def test_a_household_anonymised_meanwhile_is_not_done_twice(
    app: Flask, people: dict[str, Any]
) -> None:
    """Another process (a second purge, an erasure) got there first: nothing is redone."""
    from sqlalchemy import update

    from app.households.models import Household
    from app.reports.gdpr.anonymise import anonymise

    household = db.session.get(Household, people["expired"])
    assert household.anonymised_at is None  # loaded before the other process acts
    with db.engine.begin() as other:
        other.execute(
            update(Household.__table__)
            .where(Household.__table__.c.id == household.id)
            .values(anonymised_at=utcnow(), reference_name="Foyer anonymisé")
        )
    anonymise(household, reason="retention")
    db.session.commit()
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "household.anonymise",
            AuditEntry.object_id == str(household.id),
        )
    ).all()
    assert entries == []
