"""iCalendar parsed back; the data·inclusion export valid against the official package.

The La MedNum CSV and the imports moved to the directory (tests/integration/
test_directory_open_data.py): the former ones published a draft schema (v0.2.0) and
exported imported places as Ordilien's own.
"""

from __future__ import annotations

import io
import json
from datetime import UTC

import pytest
from data_inclusion.schema import v1
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from app.authz.policy import OrgKind, Role
from app.extensions import db
from app.training import bookings, catalogue, opendata
from app.training.matching import PriceKind
from app.training.models import SessionFormat
from tests import factories
from tests.integration.test_training_support import make_household, make_place, make_session


@pytest.fixture(autouse=True)
def _request(app: Flask):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        yield


def test_place_and_household_calendars_parse_back(client: FlaskClient) -> None:
    place = make_place(name="MJC 4 Bornes")
    sessions = make_session(place, weeks=3, hour=9, duration_minutes=180)
    trainer = factories.create_user(Role.TRAINER, place)
    client_login(client, trainer)
    response = client.get(f"/formation/lieux/{place.id}/agenda.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    events = sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert len(events) == 3
    for event, session in zip(events, sessions, strict=True):
        assert event.decoded("dtstart") == session.starts_at.replace(tzinfo=UTC)
        assert (
            event.decoded("dtend") - event.decoded("dtstart") == session.ends_at - session.starts_at
        )
        assert str(event["summary"]) == session.title
        assert "MJC 4 Bornes" in str(event["location"])
        assert str(event["uid"]) == f"session-{session.id}@localhost"
    # 9h in Paris every week, whatever the daylight-saving time.
    paris = {
        e.decoded("dtstart").astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris")).hour
        for e in events
    }
    assert paris == {9}

    ccas = factories.create_org(OrgKind.PRESCRIBER)
    household = make_household(ccas)
    bookings.book(sessions[1].id, household, notify=False)
    prescriber = factories.create_user(Role.PRESCRIBER, ccas)
    client_login(client, prescriber)
    mine = Calendar.from_ical(client.get(f"/formation/foyers/{household.id}/agenda.ics").data)
    assert [str(e["uid"]) for e in mine.walk("VEVENT")] == [f"session-{sessions[1].id}@localhost"]


def client_login(client: FlaskClient, user) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import login_client

    login_client(client, user)


def _places() -> None:
    mjc = make_place(name="MJC 4 Bornes", slug="mjc-4-bornes", phone="03 87 00 00 06",
                     email="contact@mjc4bornes.fr", siret="12345678900011")  # fmt: skip
    place = catalogue.place_for(mjc)
    place.opening_hours, place.accessible = "Tu 09:00-12:00", True
    place.website = "https://mjc4bornes.example.fr/"
    db.session.commit()
    make_session(mjc, weeks=4, format=SessionFormat.INDIVIDUAL, capacity=1,
                 themes=["decouvrir", "demarches"], duration_minutes=60)  # fmt: skip
    quai = make_place(name="Le Quai", slug="le-quai", email="contact@le-quai.local")
    make_session(quai, themes=["emploi"], price_kind=PriceKind.PASS_NUMERIQUE,
                 publics=["demandeurs_emploi"])  # fmt: skip


def test_data_inclusion_export_validates_with_the_official_models() -> None:
    _places()
    exported = opendata.data_inclusion_export()
    assert len(exported["structures"]) == 2 and len(exported["services"]) == 2
    for raw in exported["structures"]:
        v1.Structure.model_validate(raw)
    for raw in exported["services"]:
        v1.Service.model_validate(raw)
    mjc = next(s for s in exported["structures"] if s["nom"] == "MJC 4 Bornes")
    assert mjc["telephone"] == "+33387000006" and mjc["horaires_accueil"] == "Tu 09:00-12:00"
    assert mjc["siret"] == "12345678900011"
    quai = next(s for s in exported["structures"] if s["nom"] == "Le Quai")
    assert "courriel" not in quai  # a .local address is not a valid public e-mail: left out
    weekly = next(s for s in exported["services"] if s["type"] == "accompagnement")
    assert weekly["nombre_semaines"] == 4 and weekly["frais"] == "gratuit"
    assert set(weekly["thematiques"]) == {
        "numerique--maitriser-les-fondamentaux-du-numerique",
        "numerique--acceder-a-des-services-en-ligne",
    }
    paid = next(s for s in exported["services"] if s["type"] == "atelier")
    assert paid["frais"] == "payant" and paid["frais_precisions"] == "Pass numérique accepté"
    assert paid["publics"] == ["demandeurs-emploi"]


def test_an_organisation_loaded_by_the_former_import_is_not_published_as_ours() -> None:
    """The former import made training places of a producer's rows and exported them as
    Ordilien's own: they now stay their producer's (the directory gives them back)."""
    _places()
    imported = make_place(name="Espace numérique de Borny", slug="mednum-lieu-1")
    place = catalogue.place_for(imported)
    place.source, place.source_id = "mednum", "lieu-1"
    db.session.commit()
    names = {s["nom"] for s in opendata.data_inclusion_export()["structures"]}
    assert names == {"MJC 4 Bornes", "Le Quai"}


def test_the_former_addresses_lead_to_the_directorys_open_data(client: FlaskClient) -> None:
    _places()
    admin = factories.create_user(Role.ADMIN, factories.create_org(OrgKind.COORDINATOR))
    client_login(client, admin)
    page = client.get("/formation/donnees-ouvertes")
    assert page.status_code == 301 and page.location.endswith("/ou-aller/donnees-ouvertes")
    data = json.loads(
        client.get("/formation/donnees-ouvertes/data-inclusion.json", follow_redirects=True).data
    )
    assert len(data["structures"]) == 2
    csv_text = client.get(
        "/formation/donnees-ouvertes/lieux-mediation-numerique.csv", follow_redirects=True
    )
    assert csv_text.data.startswith(b"id,pivot,nom")
    payload = json.dumps({"structures": [{"source": "dora", "id": "dora--7", "nom": "Maison France Services",
                                          "date_maj": "2025-01-01"}]}).encode()  # fmt: skip
    response = client.post(
        "/formation/donnees-ouvertes/import",
        data={"kind": "data_inclusion", "file": (io.BytesIO(payload), "di.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "1 lieu(x) ajouté(s)" in response.get_data(as_text=True)
    response = client.post(
        "/formation/donnees-ouvertes/import",
        data={"kind": "mednum", "file": (io.BytesIO(b"id;nom\n1;x\n"), "m.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Colonnes obligatoires absentes" in response.get_data(as_text=True)
