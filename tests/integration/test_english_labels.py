"""With the interface in English, the pure modules' French labels are shown translated
(device states and types, statuses, prescription states, dashboard months), and French
pages still show the French labels."""

from __future__ import annotations

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.cli import seed_demo
from app.accounts.services import find_org, find_user
from app.core.clock import today
from app.eligibility.vocabulary import Status
from app.extensions import db
from app.households.lifecycle import PrescriptionState
from app.households.models import Household, Prescription, StatusAttestation
from app.inventory.lifecycle import State
from app.inventory.models import Device
from app.reports.period import month_key, month_label_short
from tests.conftest import login_client


@pytest.fixture
def demo(app: Flask) -> None:
    result = app.test_cli_runner().invoke(seed_demo)
    assert result.exit_code == 0, result.output


def _client(app: Flask, email: str, lang: str = "en") -> FlaskClient:
    client = login_client(app.test_client(), find_user(email))
    with client.session_transaction() as session:
        session["lang"] = lang
    return client


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return str(response.get_data(as_text=True))


def _ready_device() -> Device:
    org = find_org("atelier-metz")
    return db.session.scalars(
        select(Device).where(Device.organisation_id == org.id, Device.state == State.READY)
    ).first()


def test_device_list_and_page_in_english(app: Flask, demo: None) -> None:
    client = _client(app, "responsable@atelier-metz.local")
    device = _ready_device()
    listing = _page(client, "/inventaire/")
    assert "Ready to hand out" in listing
    assert "Prêt à distribuer" not in listing
    page = _page(client, f"/inventaire/appareils/{device.id}")
    assert "Ready to hand out" in page
    assert "Prêt à distribuer" not in page
    assert "GB: " in page and " Go : " not in page  # the computed grade's reasons
    grade = _page(client, f"/inventaire/appareils/{device.id}/note")
    assert "Keep the calculated grade" in grade and "Garder la note calculée" not in grade
    state = _page(client, f"/inventaire/appareils/{device.id}/etat")
    assert "Ready to hand out" in state and "Prêt à distribuer" not in state
    tests = _page(client, f"/inventaire/appareils/{device.id}/tests")
    assert "Starts" in tests or "Switches on" in tests
    assert "Démarre" not in tests and "S&#39;allume" not in tests


def test_household_and_prescriptions_in_english(app: Flask, demo: None) -> None:
    client = _client(app, "prescripteur@fs-chartres.local")
    household = db.session.scalars(
        select(Household)
        .join(StatusAttestation, StatusAttestation.household_id == Household.id)
        .where(
            Household.organisation_id == find_org("france-services-chartres").id,
            StatusAttestation.status == Status.RSA,
        )
    ).first()
    assert household is not None
    page = _page(client, f"/foyers/{household.id}")
    assert "RSA (active solidarity income) — on the prescriber" in page
    assert "RSA (revenu de solidarité active) —" not in page
    assert "— sur la parole du prescripteur" not in page
    # The social tariffs' reasons translate the labels in their sentences too.
    assert "The household has: RSA (active solidarity income)" in page
    assert "The household is looking for une" not in page

    states = {p.state for p in db.session.scalars(select(Prescription))}
    assert PrescriptionState.VALIDATED in states or PrescriptionState.FULFILLED in states
    admin = _client(app, "admin@ordilien.local")
    listing = _page(admin, "/prescriptions")
    assert "Validated" in listing and "Draft" in listing
    for french in ("Validée", "Brouillon", "Refusée", "Envoyée à l'association"):
        assert french not in listing


def test_dashboard_months_in_english(app: Flask, demo: None) -> None:
    client = _client(app, "financeur@coordination-moselle.local")
    page = _page(client, "/rapports/")
    now = today()
    assert format_date(now, "MMM y", locale="en") in page
    assert month_label_short(month_key(now)) not in page
    assert " · from " in page


def test_french_pages_keep_the_french_labels(app: Flask, demo: None) -> None:
    client = _client(app, "responsable@atelier-metz.local", lang="fr")
    assert "Prêt à distribuer" in _page(client, "/inventaire/")
    assert month_label_short(month_key(today())) in _page(client, "/rapports/")
    admin = _client(app, "admin@ordilien.local", lang="fr")
    assert "Validée" in _page(admin, "/prescriptions")


def test_diagnostic_questions_in_english(app: Flask, demo: None) -> None:
    household = db.session.scalars(select(Household)).first()
    page = _page(
        _client(app, "admin@ordilien.local"), f"/formation/foyers/{household.id}/diagnostic"
    )
    assert "Create an e-mail address" in page
    assert "Créer une adresse e-mail" not in page


def test_login_error_in_english(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.post(
        "/connexion", data={"email": "nobody@test.local", "password": "whatever-123"}
    ).get_data(as_text=True)
    assert "Wrong e-mail address or password." in page
    assert "Adresse e-mail ou mot de passe incorrect." not in page
