"""An organisation's directory place (weekly timetable, labels, RNA), the import CLI, and a
training place's sessions as La Coop activity reports (xlsx)."""

from __future__ import annotations

import html
import io
from datetime import date, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.authz.policy import OrgKind, Role
from app.directory import coop_export, hours, services
from app.directory.models import Place
from app.eligibility.vocabulary import AttestationMethod, Status
from app.extensions import db
from app.households.models import HouseholdMember, StatusAttestation
from app.training import bookings
from app.training.models import Attendance
from tests import factories
from tests.conftest import login_client
from tests.integration.test_training_support import make_household, make_place, make_session

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "directory" / "mednum_exemple_valide.csv"


def test_the_weekly_grid_writes_osm_hours_and_labels(client: FlaskClient) -> None:
    assoc = factories.create_org(OrgKind.ASSOCIATION, name="Ordi Solidaire", address="1 place de la Gare",
                                 postcode="57000", commune="Metz")  # fmt: skip
    manager = factories.create_user(Role.MANAGER, assoc)
    login_client(client, manager)
    url = f"/ou-aller/donnees-ouvertes/lieux/{assoc.id}/fiche"
    assert client.get(url).status_code == 200
    form = {"tu_1_start": "09:00", "tu_1_end": "12:00", "tu_2_start": "14:00", "tu_2_end": "17:00",
            "th_1_start": "09:00", "th_1_end": "12:00", "th_2_start": "14:00", "th_2_end": "17:00",
            "sa_1_start": "09:30", "sa_1_end": "12:00", "closed_on_holidays": "y",
            "labels": "ORDI 3.0, Réseau local", "rna": "w573001234"}  # fmt: skip
    response = client.post(url, data=form)
    assert response.status_code == 302
    place = services.own_place(assoc)
    assert place is not None
    assert place.opening_hours == "Tu,Th 09:00-12:00,14:00-17:00; Sa 09:30-12:00; PH off"
    assert hours.problem(place.opening_hours) is None
    assert place.labels == ["ORDI 3.0", "Réseau local"] and place.rna == "W573001234"
    page = client.get(url).get_data(as_text=True)
    assert 'value="14:00"' in page  # the grid shows what is saved
    bad = client.post(url, data={"mo_1_start": "12:00", "mo_1_end": "09:00"}, follow_redirects=True)
    assert "Lundi : Une plage doit finir après son début." in bad.get_data(as_text=True)
    assert services.own_place(assoc).opening_hours.startswith("Tu,Th")  # type: ignore[union-attr]
    other = factories.create_org(OrgKind.ASSOCIATION)
    assert client.get(f"/ou-aller/donnees-ouvertes/lieux/{other.id}/fiche").status_code == 404


def test_import_cli_dry_run_then_import(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["directory", "import-mednum", str(EXAMPLE), "--dry-run"])
    assert result.exit_code == 0 and "rien n'est enregistré" in result.output
    assert db.session.query(Place).filter(Place.source != "").count() == 0
    result = runner.invoke(args=["directory", "import-mednum", str(EXAMPLE)])
    assert result.exit_code == 0 and "1 lieu(x) ajouté(s)" in result.output
    assert db.session.query(Place).filter(Place.source == "Hubik").count() == 1


def test_the_import_page_reports_row_by_row(client: FlaskClient) -> None:
    admin = factories.create_user(Role.ADMIN, factories.create_org(OrgKind.COORDINATOR))
    login_client(client, admin)
    text = EXAMPLE.read_text("utf-8").replace('"43493312300029"', '""')
    response = client.post(
        "/ou-aller/donnees-ouvertes/import",
        data={"kind": "mednum", "file": (io.BytesIO(text.encode()), "lieux.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Rien n'a été importé" in page
    assert "<td>2</td><td>pivot</td><td>Refusée</td>" in page


def test_sessions_export_as_coop_activity_reports(client: FlaskClient) -> None:
    place = make_place(name="MJC 4 Bornes")
    ccas = factories.create_org(OrgKind.PRESCRIBER)
    session = make_session(place, themes=["decouvrir", "bureautique"], levels=["debutant"],
                           duration_minutes=120)[0]  # fmt: skip
    people = []
    for age, status in ((72, Status.ASPA), (45, Status.JOB_SEEKER), (30, None)):
        household = make_household(ccas)
        db.session.add(HouseholdMember(household_id=household.id, is_reference=True, age=age,
                                       age_recorded_on=date.today()))  # fmt: skip
        if status is not None:
            db.session.add(StatusAttestation(household_id=household.id, status=status,
                                             method=AttestationMethod.DECLARED,
                                             attested_on=date.today() - timedelta(days=60)))  # fmt: skip
        db.session.commit()
        people.append(bookings.book(session.id, household, notify=False))
    people[0].attendance = people[1].attendance = Attendance.PRESENT
    people[2].attendance = Attendance.ABSENT
    session.starts_at -= timedelta(days=10)  # it took place
    make_session(place, title="À venir")  # not yet: not reported
    db.session.commit()

    trainer = factories.create_user(Role.TRAINER, place)
    login_client(client, trainer)
    response = client.get(f"/ou-aller/donnees-ouvertes/lieux/{place.id}/activites-coop.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == coop_export.HEADERS and len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Type"] == "Atelier collectif" and row["Durée (min)"] == 120
    assert (
        row["Thématique(s) d'accompagnement"]
        == "Prendre en main du matériel, Navigation sur internet, Bureautique"
    )
    assert (
        row["Matériel numérique utilisé"] == "Ordinateur"
        and row["Niveau d'autonomie (ou de l'atelier)"] == "Débutant"
    )
    assert row["Participants"] == 2 and row["Présence relevée"] == "Oui"
    assert row["Tranche d'âge : 70 ans et plus"] == 1 and row["Tranche d'âge : 40 - 59 ans"] == 1
    assert row["Tranche d'âge : 25 - 39 ans"] == 0  # absent
    assert row["Statut : Retraité"] == 1 and row["Statut : Sans emploi"] == 1
    assert row["Nom du lieu"] == "MJC 4 Bornes"
    other = make_place(name="Autre lieu")
    assert (
        client.get(f"/ou-aller/donnees-ouvertes/lieux/{other.id}/activites-coop.xlsx").status_code
        == 404
    )


def test_a_training_places_grid_too_long_to_store_is_refused_not_cut(client: FlaskClient) -> None:
    from app.training.catalogue import place_for

    place = factories.create_org(OrgKind.TRAINING_PLACE, name="Médiathèque", commune="Metz")
    login_client(client, factories.create_user(Role.TRAINER, place))
    url = f"/ou-aller/donnees-ouvertes/lieux/{place.id}/fiche"
    assert client.get(url).status_code == 200
    saved = client.post(url, data={"mo_1_start": "09:00", "mo_1_end": "12:00",
                                   "closed_on_holidays": "y"})  # fmt: skip
    assert saved.status_code == 302
    # Every day its own two ranges, closed on holidays: 202 characters of OSM hours.
    grid = {"closed_on_holidays": "y", "labels": "ORDI 3.0"}
    for n, day in enumerate(("mo", "tu", "we", "th", "fr", "sa", "su")):
        grid |= {f"{day}_1_start": f"0{n + 1}:00", f"{day}_1_end": "12:00",
                 f"{day}_2_start": "12:30", f"{day}_2_end": f"1{n + 3}:00"}  # fmt: skip
    refused = client.post(url, data=grid)
    text = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 200
    assert (
        "Ces horaires font 202 caractères : le lieu d'ateliers en enregistre 200 au plus." in text
    )
    assert "Regroupez les jours qui ont les mêmes horaires" in text
    assert 'value="07:00"' in text and 'value="19:00"' in text  # the grid keeps what was typed
    db.session.expire_all()
    assert place_for(place).opening_hours == "Mo 09:00-12:00; PH off"  # nothing cut, nothing stored
    directory = services.own_place(place)
    assert directory is not None and directory.opening_hours == "Mo 09:00-12:00; PH off"
    assert directory.labels == []
