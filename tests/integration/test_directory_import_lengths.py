"""A producer's value longer than the directory's column holds is never cut: its row is
refused in the import report (all or nothing), in either standard; a value at exactly the
limit is stored as it came. The limits are the ``Place`` columns' own lengths."""

from __future__ import annotations

import copy
import csv
import html
import io
import json
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select

from app.authz.policy import OrgKind, Role
from app.directory import imports, mednum
from app.directory.models import Place
from app.extensions import db
from tests import factories
from tests.conftest import login_client

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "directory" / "mednum_exemple_valide.csv"
WEBSITE = Place.__table__.c.website.type.length  # 500
HOURS = Place.__table__.c.opening_hours.type.length  # 500
REFUSED = "{label} : {length} caractères, {limit} au plus : la ligne n'est pas importée (Ordilien ne coupe pas les données d'un autre)."  # fmt: skip


def _url(length: int) -> str:
    prefix = "https://tiers-lieu.example.org/"
    return prefix + "a" * (length - len(prefix))


def _hours(length: int) -> str:
    """Readable OSM hours of exactly ``length`` characters (a long comment)."""
    head = 'Mo-Fr 09:00-12:00 "'
    return head + ("sur rendez-vous, " * 60)[: length - len(head) - 1] + '"'


def _mednum_file(*changes: dict[str, str]) -> str:
    """The standard's example row, once per ``changes`` (ids structure-1, -2...)."""
    header, rows = mednum.read(EXAMPLE.read_text("utf-8"))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for n, change in enumerate(changes, start=1):
        writer.writerow({**rows[0], "id": f"structure-{n}", **change})
    return out.getvalue()


def _post(client: FlaskClient, kind: str, text: str, name: str) -> str:
    admin = factories.create_user(Role.ADMIN, factories.create_org(OrgKind.COORDINATOR))
    login_client(client, admin)
    response = client.post(
        "/ou-aller/donnees-ouvertes/import",
        data={"kind": kind, "file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _stored() -> int:
    return db.session.query(Place).filter(Place.source != "").count()


def test_a_mednum_file_with_a_too_long_website_or_hours_is_refused(client: FlaskClient) -> None:
    assert len(_url(600)) == len(_hours(600)) == 600
    text = _mednum_file({"site_web": _url(600)}, {"horaires": _hours(600)}, {})
    page = _post(client, "mednum", text, "lieux.csv")
    assert "Rien n'a été importé" in page
    site = REFUSED.format(label="Site web", length=600, limit=WEBSITE)
    hours = REFUSED.format(label="Horaires", length=600, limit=HOURS)
    assert f"<td>2</td><td>site_web</td><td>Refusée</td><td>{site}</td>" in page
    assert f"<td>3</td><td>horaires</td><td>Refusée</td><td>{hours}</td>" in page
    assert _stored() == 0  # the third, good row neither: all or nothing

    report = imports.import_mednum(text)
    assert [(p.row, p.field) for p in report.problems if p.blocking] == [
        (2, "site_web"),
        (3, "horaires"),
    ]
    assert not report.written and _stored() == 0


def test_a_mednum_value_at_the_limit_is_imported_unchanged() -> None:
    website, hours = _url(WEBSITE), _hours(HOURS)
    assert (len(website), len(hours)) == (500, 500)
    name = "N" * Place.__table__.c.name.type.length
    report = imports.import_mednum(
        _mednum_file({"site_web": website, "horaires": hours, "nom": name})
    )
    assert report.written and report.created == 1 and not report.problems
    place = db.session.scalar(select(Place).where(Place.source_id == "structure-1"))
    assert place is not None
    assert (place.website, place.opening_hours, place.name) == (website, hours, name)
    text, _left_out = imports.mednum_export()
    back = next(r for r in csv.DictReader(io.StringIO(text)) if r["id"] == "structure-1")
    assert (back["site_web"], back["horaires"], back["nom"]) == (website, hours, name)


STRUCTURE = {"source": "dora", "id": "d-1", "nom": "Tiers-lieu du Pontiffroy", "date_maj": "2025-01-01",
             "commune": "Metz", "code_postal": "57000", "adresse": "1 place d'Armes"}  # fmt: skip


def test_a_data_inclusion_file_with_a_too_long_website_or_hours_is_refused(
    client: FlaskClient,
) -> None:
    payload = {"structures": [
        {**STRUCTURE, "site_web": _url(600)},
        {**STRUCTURE, "id": "d-2", "horaires_accueil": _hours(600)},
        {**STRUCTURE, "id": "d-3"},
    ]}  # fmt: skip
    page = _post(client, "data_inclusion", json.dumps(payload), "structures.json")
    assert "Rien n'a été importé" in page
    site = REFUSED.format(label="Site web", length=600, limit=WEBSITE)
    hours = REFUSED.format(label="Horaires", length=600, limit=HOURS)
    assert f"<td>1</td><td>site_web</td><td>Refusée</td><td>{site}</td>" in page
    assert f"<td>2</td><td>horaires_accueil</td><td>Refusée</td><td>{hours}</td>" in page
    assert _stored() == 0

    service = {"source": "dora", "structure_id": "d-3", "id": "svc-1", "nom": "Prendre rendez-vous", "description": "Sur rendez-vous.",
               "date_maj": "2025-01-01", "lien_mobilisation": _url(600)}  # fmt: skip
    report = imports.import_data_inclusion({"structures": [{**STRUCTURE, "id": "d-3"}], "services": [service]})  # fmt: skip
    assert [(p.row, p.field, p.message) for p in report.problems if p.blocking] == [
        (
            1,
            "lien_mobilisation",
            REFUSED.format(label="Prise de rendez-vous", length=600, limit=500),
        )
    ]
    assert not report.written and _stored() == 0


def test_a_data_inclusion_value_at_the_limit_is_imported_unchanged() -> None:
    website, hours = _url(WEBSITE), _hours(HOURS)
    structure = {**STRUCTURE, "site_web": website, "horaires_accueil": hours}
    report = imports.import_data_inclusion([copy.deepcopy(structure)])
    assert report.written and report.created == 1 and not report.problems
    place = db.session.scalar(select(Place).where(Place.source_id == "d-1"))
    assert place is not None and (place.website, place.opening_hours) == (website, hours)
    assert structure in imports.data_inclusion_export()["structures"]


def test_a_data_inclusion_website_is_stored_as_the_producer_wrote_it() -> None:
    """The schema validates the URL; what is stored is the producer's text, not the
    parser's rewriting of it (pydantic's HttpUrl adds a "/" to a bare domain)."""
    structure = {**STRUCTURE, "site_web": "https://tiers-lieu.example.org"}
    report = imports.import_data_inclusion([copy.deepcopy(structure)])
    assert report.written and not report.problems
    place = db.session.scalar(select(Place).where(Place.source_id == "d-1"))
    assert place is not None and place.website == "https://tiers-lieu.example.org"
