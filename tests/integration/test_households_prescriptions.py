"""Households and prescriptions through the pages and services, on a real database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.authz.policy import OrgKind, Role
from app.core.clock import utcnow
from app.core.errors import Conflict
from app.eligibility.vocabulary import Status
from app.extensions import db
from app.households import services
from app.households.lifecycle import PrescriptionState
from app.households.models import Household, Prescription, QuotaClaim
from app.notify.models import OutboundMessage
from tests.access.households import make_household, make_prescription
from tests.conftest import login_client


@pytest.fixture
def people(make_org: Any, make_user: Any) -> dict[str, Any]:
    fs = make_org(OrgKind.PRESCRIBER, slug="fs-chartres", name="France Services Chartres")
    asso = make_org(OrgKind.ASSOCIATION, slug="atelier", name="Atelier")
    return {
        "prescriber": make_user(Role.PRESCRIBER, fs, email="p@fs.test"),
        "prescriber2": make_user(Role.PRESCRIBER, fs, email="p2@fs.test"),
        "manager": make_user(Role.MANAGER, asso, email="m@atelier.test"),
        "asso": asso,
    }


FORM = {
    "reference_name": "Mme Durand",
    "reference_age": "44",
    "other_ages": "8, 12",
    "commune": "Châteaudun",
    "postcode": "28200",
    "statuses": ["rsa"],
    "attestation_method": "document_seen",
    "connection": "mobile",
    "equipment": ["smartphone"],
    "telecom_spend_eur": "30",
    "contact_channel": "sms",
    "phone": "06 12 34 56 78",
    "consent_basis": "consent",
    "consent": "y",
}


def test_prescriber_records_a_household_and_sees_programmes(
    app: Any, people: dict[str, Any]
) -> None:
    client = login_client(app.test_client(), people["prescriber"])
    response = client.post("/foyers/nouveau", data=FORM)
    assert response.status_code == 302
    db.session.expire_all()
    household = db.session.scalars(select(Household)).one()
    assert household.organisation_id == people["prescriber"].organisation_id
    assert sorted(household.ages_on(household.created_at.date())) == [8, 12, 44]
    attestation = household.attestations[0]
    assert attestation.status is Status.RSA
    assert attestation.method.value == "document_seen"
    assert attestation.attested_by_id == people["prescriber"].id
    assert household.consent_at is not None and household.consent_by_id == people["prescriber"].id
    assert household.has_smartphone and not household.has_computer
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ordinateur solidaire RSA à 15 €" in page and "Éligible" in page
    assert "Prêt d&#39;ordinateur aux familles du PRE" in page
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "household.create")
    ).one()
    assert entry.object_type == "household" and "+rsa" in entry.detail["statuses"]
    assert "Durand" not in str(entry.detail)  # the journal keeps no personal values


def test_form_errors_keep_what_was_typed(app: Any, people: dict[str, Any]) -> None:
    client = login_client(app.test_client(), people["prescriber"])
    data = {**FORM, "phone": "", "other_ages": "8, 12", "consent": ""}
    page = client.post("/foyers/nouveau", data=data).get_data(as_text=True)
    assert "Le formulaire contient des erreurs" in page
    assert 'value="Mme Durand"' in page and 'value="8, 12"' in page and 'value="28200"' in page
    assert '<input checked id="statuses-0"' in page  # RSA stays ticked
    data = {**FORM, "phone": ""}
    page = client.post("/foyers/nouveau", data=data).get_data(as_text=True)
    assert "numéro de téléphone" in page
    assert 'value="Mme Durand"' in page
    data = {**FORM, "other_ages": "huit"}
    page = client.post("/foyers/nouveau", data=data).get_data(as_text=True)
    assert "âges en chiffres" in page and 'value="huit"' in page
    assert db.session.scalar(select(db.func.count()).select_from(Household)) == 0


def test_edit_changes_statuses_and_journal_lists_fields(app: Any, people: dict[str, Any]) -> None:
    household = make_household(people["prescriber"])
    client = login_client(app.test_client(), people["prescriber"])
    form = client.get(f"/foyers/{household.id}/modifier").get_data(as_text=True)
    assert 'value="Mme Test"' in form
    data = {**FORM, "reference_name": "Mme Test", "statuses": ["aah", "css"], "qpv": "y"}
    assert client.post(f"/foyers/{household.id}/modifier", data=data).status_code == 302
    db.session.expire_all()
    household = db.session.get(Household, household.id)
    assert {a.status for a in household.attestations} == {Status.AAH, Status.CSS}
    assert household.qpv
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "household.update")
    ).one()
    assert "qpv" in entry.detail["fields"] and "-rsa" in entry.detail["statuses"]


def test_full_journey_with_emails_to_the_prescriber(
    app: Any, people: dict[str, Any], runner: Any
) -> None:
    household = make_household(people["prescriber"])
    client = login_client(app.test_client(), people["prescriber"])
    response = client.post(
        f"/foyers/{household.id}/prescrire",
        data={
            "programme_code": "rsa-ordinateur-15",
            "device_type": "laptop",
            "purposes": ["online_procedures"],
            "commitments": ["pix_test"],
            "association_org_id": str(people["asso"].id),
            "send": "y",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    prescription = db.session.scalars(select(Prescription)).one()
    assert prescription.state is PrescriptionState.SUBMITTED
    assert prescription.outcome["price_eur"] == 15 and prescription.outcome["mode"] == "sale"
    assert prescription.decision["eligibility"] == "eligible"
    assert db.session.scalars(select(QuotaClaim)).one().quota_key == "ordinateur-rsa"

    manager = login_client(app.test_client(), people["manager"])
    queue = manager.get("/prescriptions").get_data(as_text=True)
    assert "À traiter (1)" in queue and "Mme Test" in queue
    assert manager.post(f"/prescriptions/{prescription.id}/valider").status_code == 302
    db.session.expire_all()
    prescription = db.session.get(Prescription, prescription.id)
    assert prescription.state is PrescriptionState.VALIDATED
    assert prescription.decided_by_id == people["manager"].id
    page = client.get(f"/prescriptions/{prescription.id}").get_data(as_text=True)
    assert "Validée" in page

    keys = sorted(db.session.scalars(select(OutboundMessage.key)))
    assert keys == [
        f"prescription:{prescription.id}:household:validated",  # the household's SMS
        f"prescription:{prescription.id}:submitted",
        f"prescription:{prescription.id}:validated",
    ]
    message = db.session.scalars(
        select(OutboundMessage).where(
            OutboundMessage.key == f"prescription:{prescription.id}:validated"
        )
    ).one()
    assert message.recipient == "p@fs.test" and message.channel.value == "email"
    assert "validée" in message.subject and "Mme Test" not in message.body
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert {m.status.value for m in db.session.scalars(select(OutboundMessage))} == {"sent"}

    sheet = client.get(f"/prescriptions/{prescription.id}/fiche").get_data(as_text=True)
    assert "Fiche de prescription" in sheet and "15 €" in sheet and "Atelier" in sheet
    assert "<script>" not in sheet and "js/print.js" in sheet

    # The loans engineer's hand-over marks it fulfilled.
    services.mark_fulfilled(prescription, "loan:1", people["manager"], commit=True)
    assert prescription.state is PrescriptionState.FULFILLED
    assert prescription.fulfilled_by == "loan:1"
    with pytest.raises(Conflict):
        services.mark_fulfilled(prescription, "loan:2", people["manager"])
    db.session.rollback()
    actions = [
        e.action
        for e in db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action.like("prescription.%"))
            .order_by(AuditEntry.id)
        )
    ]
    assert actions == [
        "prescription.create",
        "prescription.submit",
        "prescription.validate",
        "prescription.fulfil",
    ]


def test_refusal_needs_a_reason_releases_the_quota_and_tells_the_prescriber(
    app: Any, people: dict[str, Any]
) -> None:
    household = make_household(people["prescriber"])
    prescription = make_prescription(
        household,
        people["prescriber"],
        people["asso"],
        programme="rsa-ordinateur-15",
        commitments=("pix_test",),
    )
    manager = login_client(app.test_client(), people["manager"])
    manager.post(f"/prescriptions/{prescription.id}/refuser", data={"reason": " "})
    db.session.expire_all()
    assert db.session.get(Prescription, prescription.id).state is PrescriptionState.SUBMITTED
    manager.post(
        f"/prescriptions/{prescription.id}/refuser", data={"reason": "Plus de portables en stock"}
    )
    db.session.expire_all()
    refused = db.session.get(Prescription, prescription.id)
    assert refused.state is PrescriptionState.REFUSED
    assert refused.refusal_reason == "Plus de portables en stock"
    assert db.session.scalar(select(db.func.count()).select_from(QuotaClaim)) == 0
    message = db.session.scalars(
        select(OutboundMessage).where(OutboundMessage.key == f"prescription:{refused.id}:refused")
    ).one()
    assert "Plus de portables en stock" in message.body
    page = (
        login_client(app.test_client(), people["prescriber"])
        .get(f"/prescriptions/{refused.id}")
        .get_data(as_text=True)
    )
    assert "Plus de portables en stock" in page
    # The place is free again: a new prescription may be sent.
    again = make_prescription(
        household,
        people["prescriber"],
        people["asso"],
        programme="rsa-ordinateur-15",
        commitments=("pix_test",),
    )
    assert again.state is PrescriptionState.SUBMITTED


def test_sending_without_the_commitment_records_nothing_and_keeps_the_choices(
    app: Any, people: dict[str, Any]
) -> None:
    household = make_household(people["prescriber"])
    client = login_client(app.test_client(), people["prescriber"])
    url = f"/foyers/{household.id}/prescrire"
    data = {
        "programme_code": "rsa-ordinateur-15",
        "device_type": "laptop",
        "purposes": ["school"],
        "association_org_id": str(people["asso"].id),
        "justification": "Deux enfants au collège",
        "send": "y",
    }
    page = client.post(url, data=data).get_data(as_text=True)
    assert "Pas encore possible" in page and "test Pix" in page
    assert "Deux enfants au collège" in page
    assert '<input checked id="purposes-0"' in page  # "school" stays ticked
    assert db.session.scalar(select(db.func.count()).select_from(Prescription)) == 0
    # Kept as a draft on purpose, it is recorded; sent with the commitment, it goes.
    client.post(url, data={**data, "send": "", "save_draft": "y"})
    client.post(url, data={**data, "commitments": ["pix_test"]})
    db.session.expire_all()
    states = sorted(p.state.value for p in db.session.scalars(select(Prescription)))
    assert states == ["draft", "submitted"]
    assert db.session.scalar(select(db.func.count()).select_from(QuotaClaim)) == 1


def test_second_prescription_in_the_same_year_is_refused(app: Any, people: dict[str, Any]) -> None:
    household = make_household(people["prescriber"])
    make_prescription(
        household,
        people["prescriber"],
        people["asso"],
        programme="rsa-ordinateur-15",
        commitments=("pix_test",),
    )
    second = make_prescription(
        household,
        people["prescriber2"],
        people["asso"],
        programme="rsa-ordinateur-15",
        commitments=("pix_test",),
        submit=False,
    )
    with pytest.raises(Exception) as info:
        services.submit_prescription(second, people["prescriber2"])
    assert "déjà reçu" in str(getattr(info.value, "message", info.value))
    db.session.rollback()
    assert db.session.get(Prescription, second.id).state is PrescriptionState.DRAFT


def test_stale_prescriptions_expire_and_free_their_place(app: Any, people: dict[str, Any]) -> None:
    household = make_household(people["prescriber"])
    prescription = make_prescription(household, people["prescriber"], people["asso"])
    services.validate_prescription(prescription, people["manager"])
    from app.notify.services import run

    assert run().queued == 0  # what `flask reminders send` does
    later = utcnow() + timedelta(days=services.VALIDATED_DAYS + 1)
    assert run(later).queued >= 1
    db.session.expire_all()
    assert db.session.get(Prescription, prescription.id).state is PrescriptionState.EXPIRED
    assert db.session.scalar(select(db.func.count()).select_from(QuotaClaim)) == 0
    assert db.session.scalar(
        select(OutboundMessage.id).where(
            OutboundMessage.key == f"prescription:{prescription.id}:expired"
        )
    )


def test_two_managers_validating_at_once_only_one_wins(app: Any, people: dict[str, Any]) -> None:
    from sqlalchemy.orm import Session

    household = make_household(people["prescriber"])
    prescription = make_prescription(household, people["prescriber"], people["asso"])
    # A second manager's page, loaded before the first one validates.
    with Session(db.engine) as other:
        stale = other.get(Prescription, prescription.id)
        other.expunge(stale)
    services.validate_prescription(prescription, people["manager"])
    with pytest.raises(Conflict):
        services.refuse_prescription(stale, people["manager"], "trop tard")
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Prescription, prescription.id).state is PrescriptionState.VALIDATED
