"""Open data into and out of "Où aller" (issue 15): La MedNum v1.0.2 and data·inclusion.

The La MedNum fixture is the standard's own valid example, ``exemple-valide.csv`` of
LaMednum/standard-mediation-num (main branch, commit 953d69a, licence Etalab 2.0): the
producer's data, kept byte for byte. The data·inclusion page is written by hand in the
shape of the API's paginated answer (``items``, ``total``, ``page``, ``size``) with the
fields of the ``data-inclusion-schema`` 1.0.10 ``Structure`` model; its values are
fictitious.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

from frictionless import Resource, Schema, validate
from sqlalchemy import select

from app.authz.policy import OrgKind
from app.directory import imports, mednum, services
from app.directory.models import GEOCODE_MANUAL, Place
from app.extensions import db
from tests import factories

FIXTURES = Path(__file__).parent.parent / "fixtures" / "directory"
EXAMPLE = FIXTURES / "mednum_exemple_valide.csv"


def mednum_report(text: str, folder: Path):  # type: ignore[no-untyped-def]
    """Validate a CSV with frictionless against the standard's v1.0.2 schema file."""
    (folder / "lieux.csv").write_text(text, encoding="utf-8")
    schema = Schema.from_descriptor(json.loads(mednum.SCHEMA_PATH.read_text("utf-8")))
    return validate(Resource(path="lieux.csv", basepath=str(folder), schema=schema))


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_standards_example_comes_back_unchanged_and_valid(tmp_path: Path) -> None:
    original = _rows(EXAMPLE.read_text("utf-8"))[0]
    assert mednum_report(EXAMPLE.read_text("utf-8"), tmp_path).valid  # the example itself
    report = imports.import_mednum(EXAMPLE.read_text("utf-8"))
    assert report.written and report.created == 1 and not report.problems
    place = db.session.scalar(select(Place).where(Place.source == "Hubik"))
    assert place is not None and place.source_id == "structure-1"
    assert place.raw == original and place.standard == "mednum"
    assert (place.latitude, place.longitude, place.geocode_status) == (
        43.52609,
        5.41423,
        GEOCODE_MANUAL,
    )
    assert place.opening_hours == "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"
    assert place.needs == ["learn"] and place.free is False
    assert place.booking_url == "https://www.rdv-solidarites.fr/"

    text, _left_out = imports.mednum_export()
    report = mednum_report(text, tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    back = next(r for r in _rows(text) if r["id"] == "structure-1")
    assert (
        back == original
    )  # every field: "Itinérant", "Gratuit sous condition|Payant", the SIRET...
    assert (
        back["modalites_acces"] == "Se présenter|Téléphoner" and back["pivot"] == "43493312300029"
    )

    again = imports.import_mednum(EXAMPLE.read_text("utf-8"))
    assert (again.created, again.updated) == (0, 1)
    assert db.session.query(Place).filter(Place.source != "").count() == 1


def _example_with(**changes: str) -> str:
    header, rows = mednum.read(EXAMPLE.read_text("utf-8"))
    rows[0].update(changes)
    second = dict(rows[0], id="structure-2", nom="Deuxième lieu")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows([rows[0], second])
    return out.getvalue()


def test_a_bad_optional_field_is_a_warning_a_missing_required_one_refuses_all() -> None:
    report = imports.import_mednum(_example_with(telephone="03 26 00 00 00", latitude="nord"))
    assert report.written and report.created == 2
    assert {(p.row, p.field) for p in report.warnings} == {
        (2, "telephone"),
        (2, "latitude"),
        (3, "telephone"),
        (3, "latitude"),
    }
    place = db.session.scalar(select(Place).where(Place.source_id == "structure-1"))
    assert place is not None and place.raw["telephone"] == "03 26 00 00 00"
    assert place.geocode_status != GEOCODE_MANUAL  # no producer point: geocoded (or commune)

    db.session.query(Place).delete()
    db.session.commit()
    header, rows = mednum.read(_example_with())
    rows[1]["pivot"] = ""
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=header, lineterminator="\n").writeheader()
    csv.DictWriter(out, fieldnames=header, lineterminator="\n").writerows(rows)
    refused = imports.import_mednum(out.getvalue())
    assert not refused.written and refused.created == 0
    assert [(p.row, p.field) for p in refused.problems if p.blocking] == [(3, "pivot")]
    assert db.session.query(Place).count() == 0  # all or nothing


def test_dry_run_reports_without_writing() -> None:
    report = imports.import_mednum(EXAMPLE.read_text("utf-8"), dry_run=True)
    assert report.created == 1 and not report.written
    assert db.session.query(Place).filter(Place.source != "").count() == 0


def test_an_association_is_published_with_its_service_labels_and_pivot(tmp_path: Path) -> None:
    assoc = factories.create_org(OrgKind.ASSOCIATION, name="Emmaüs Connect Metz", address="3 rue Paul Bezanson",
                                 postcode="57000", commune="Metz", siret="77568879901234", phone="03 87 00 00 01")  # fmt: skip
    rna_only = factories.create_org(OrgKind.ASSOCIATION, name="Ordi Solidaire", address="1 place de la Gare",
                                    postcode="57000", commune="Metz")  # fmt: skip
    nothing = factories.create_org(OrgKind.ASSOCIATION, name="Sans numéro", address="2 rue Haute",
                                   postcode="57000", commune="Metz")  # fmt: skip
    services.sync_own_places()
    place = services.own_place(assoc)
    assert place is not None
    place.labels = ["ORDI 3.0", "Label du territoire"]
    place.opening_hours = "Tu,Th 14:00-18:00; PH off"
    own = services.own_place(rna_only)
    assert own is not None
    own.rna = "W573001234"
    db.session.commit()
    text, left_out = imports.mednum_export()
    report = mednum_report(text, tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = {r["nom"]: r for r in _rows(text)}
    row = rows["Emmaüs Connect Metz"]
    assert row["pivot"] == "77568879901234" and row["source"] == "Ordilien"
    assert row["services"] == "Acquisition de matériel informatique à prix solidaire"
    assert (
        row["formations_labels"] == "ORDI 3.0"
        and row["autres_formations_labels"] == "Label du territoire"
    )
    assert row["horaires"] == "Tu,Th 14:00-18:00; PH off" and row["telephone"] == "+33387000001"
    assert rows["Ordi Solidaire"]["pivot"] == "W573001234"
    assert left_out == [(nothing.name, "ni SIRET ni RNA")]


API_PAGE = {
    "items": [
        {"source": "dora", "id": "dora--s1", "nom": "Centre social Le Tournesol", "date_maj": "2025-02-14",
         "siret": "12345678900011", "commune": "Woippy", "code_postal": "57140", "code_insee": "57751",
         "adresse": "1 rue de la Paix", "latitude": 49.15, "longitude": 6.15, "telephone": "0387000000",
         "courriel": "accueil@tournesol.fr", "site_web": "https://tournesol.example.org/",
         "horaires_accueil": "Mo-Fr 09:00-12:00; PH off", "description": "Accueil et démarches.",
         "reseaux_porteurs": ["france-service"]},
        {"source": "soliguide", "id": "sg-77", "nom": "Point numérique", "date_maj": "2025-03-01",
         "commune": "Metz", "code_postal": "57000", "adresse": "4 rue du Pont",
         "courriel": "contact@point.local"},
    ],
    "total": 2,
    "page": 1,
    "size": 50,
}  # fmt: skip


def test_a_data_inclusion_api_page_round_trips() -> None:
    report = imports.import_data_inclusion(copy.deepcopy(API_PAGE))
    assert report.written and report.created == 2
    assert [(p.row, p.field) for p in report.warnings] == [(2, "courriel")]
    tournesol = db.session.scalar(select(Place).where(Place.source_id == "dora--s1"))
    assert tournesol is not None and tournesol.raw == API_PAGE["items"][0]
    assert tournesol.geocode_status == GEOCODE_MANUAL and tournesol.phone == "0387000000"
    exported = imports.data_inclusion_export()
    assert API_PAGE["items"][0] in exported["structures"]  # unchanged
    point = next(s for s in exported["structures"] if s["id"] == "sg-77")
    assert point == {k: v for k, v in API_PAGE["items"][1].items() if k != "courriel"}
    again = imports.import_data_inclusion({"structures": API_PAGE["items"], "services": []})
    assert (again.created, again.updated) == (0, 2)


def test_the_three_shapes_and_services_alongside() -> None:
    structure = {"source": "dora", "id": "d-1", "nom": "Maison France Services", "date_maj": "2025-01-01",
                 "commune": "Metz", "code_postal": "57000", "adresse": "1 place d'Armes"}  # fmt: skip
    assert imports.import_data_inclusion([structure]).created == 1
    service = {"source": "dora", "structure_id": "d-1", "id": "svc-1", "nom": "Un ordinateur à petit prix",
               "description": "Ordinateurs reconditionnés.", "date_maj": "2025-01-01", "frais": "gratuit",
               "thematiques": ["numerique--acquerir-un-equipement"]}  # fmt: skip
    report = imports.import_data_inclusion({"structures": [structure], "services": [service]})
    assert report.updated == 1
    place = db.session.scalar(select(Place).where(Place.source_id == "d-1"))
    assert place is not None and place.needs == ["device"] and place.free is True
    refused = imports.import_data_inclusion(
        {"items": [{"source": "x", "id": "y", "nom": "Sans date"}]}
    )
    assert not refused.written and [p.field for p in refused.problems] == ["date_maj"]
    assert not imports.import_data_inclusion({"lieux": []}).ok
