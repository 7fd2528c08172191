"""iCalendar parsed back; open-data exports valid against the official package and file; imports."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC
from pathlib import Path

import pytest
from data_inclusion.schema import v1
from flask import Flask
from flask.testing import FlaskClient
from frictionless import Resource, Schema, validate
from icalendar import Calendar

from app.authz.policy import OrgKind, Role
from app.extensions import db
from app.training import opendata, services
from app.training.matching import PriceKind
from app.training.models import SessionFormat, TrainingPlace
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
    services.book(sessions[1].id, household, notify=False)
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
    place = services.place_for(mjc)
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


def mednum_report(text: str, folder: Path):  # type: ignore[no-untyped-def]
    """Validate a CSV with frictionless against the vendored schema file of the standard."""
    (folder / "export.csv").write_text(text, encoding="utf-8")
    schema = Schema.from_descriptor(json.loads(opendata.MEDNUM_SCHEMA.read_text("utf-8")))
    return validate(Resource(path="export.csv", basepath=str(folder), schema=schema))


def test_mednum_csv_is_valid_against_the_standard_schema_file(tmp_path: Path) -> None:
    _places()
    text = opendata.mednum_csv()
    report = mednum_report(text, tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    broken = text.replace("57050", "5705", 1)
    assert not mednum_report(broken, tmp_path).valid  # the check does check
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["nom"] for r in rows] == ["Le Quai", "MJC 4 Bornes"]
    assert list(rows[0]) == opendata.MEDNUM_FIELDS
    mjc = rows[1]
    assert mjc["pivot"] == "123456789" and mjc["telephone"] == "+33387000006"
    assert mjc["services"] == "Maîtrise des outils numériques du quotidien"


def test_imports_load_a_territory_map_and_are_idempotent(tmp_path: Path) -> None:
    csv_text = (
        "id,pivot,nom,commune,code_postal,adresse,horaires,services,date_maj,courriels\n"
        "lieu-1,123456789,Espace numérique de Borny,Metz,57070,3 boulevard de Provence,"
        'Mo 09:00-12:00,"Aide aux démarches administratives|Maîtrise des outils numériques du quotidien",'
        "2024-05-01,contact@borny.fr\n"
    )
    assert opendata.mednum_import(csv_text) == {"created": 1, "updated": 0}
    assert opendata.mednum_import(csv_text) == {"created": 0, "updated": 1}
    place = db.session.scalar(db.select(TrainingPlace).where(TrainingPlace.source_id == "lieu-1"))
    assert place is not None and place.organisation.kind is OrgKind.TRAINING_PLACE
    assert place.organisation.postcode == "57070" and len(place.services) == 2
    payload = {"structures": [{"source": "dora", "id": "dora--42", "nom": "Centre social Le Tournesol",
                               "date_maj": "2025-02-14", "commune": "Woippy", "code_postal": "57140",
                               "adresse": "1 rue de la Paix"}]}  # fmt: skip
    assert opendata.data_inclusion_import(payload) == {"created": 1, "updated": 0}
    with pytest.raises(Exception, match="date_maj"):
        opendata.data_inclusion_import(
            {"structures": [{"source": "x", "id": "y", "nom": "Sans date"}]}
        )
    # What was imported goes out again, still valid.
    exported = opendata.data_inclusion_export()
    assert {s["nom"] for s in exported["structures"]} >= {
        "Espace numérique de Borny",
        "Centre social Le Tournesol",
    }
    assert mednum_report(opendata.mednum_csv(), tmp_path).valid


def test_export_and_import_pages(client: FlaskClient) -> None:
    _places()
    admin = factories.create_user(Role.ADMIN, factories.create_org(OrgKind.COORDINATOR))
    client_login(client, admin)
    data = json.loads(client.get("/formation/donnees-ouvertes/data-inclusion.json").data)
    assert len(data["structures"]) == 2
    assert client.get("/formation/donnees-ouvertes/lieux-mediation-numerique.csv").data.startswith(
        b"id,pivot,nom"
    )
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
