"""The open-data import report in the reader's language: a staff member who chose
English reads every row's problem in English (the field's label too), the producer's
values as they wrote them; French readers and the command line keep the French text."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from app.directory.models import Place
from app.extensions import db
from tests.integration.test_directory_import_lengths import STRUCTURE, _mednum_file, _url
from tests.integration.test_directory_import_lengths import _post as _post_file

WEBSITE = _url(600)  # 500 at most


def _post(client: FlaskClient, lang: str, kind: str, text: str, name: str) -> str:
    """The import page's answer to an administrator who reads ``lang``."""
    with client.session_transaction() as session:
        session["lang"] = lang  # kept when the administrator logs in
    return _post_file(client, kind, text, name)


def test_the_mednum_import_report_in_english(client: FlaskClient) -> None:
    text = _mednum_file({"site_web": WEBSITE}, {"latitude": "nord"})
    page = _post(client, "en", "mednum", text, "lieux.csv")
    refused = (
        "Website: 600 characters, 500 at most: the row is not imported "
        "(Ordilien does not cut someone else's data)."
    )
    assert f"<td>2</td><td>site_web</td><td>Refused</td><td>{refused}</td>" in page
    warned = "“nord” is not a number. Field ignored by the search, kept in the row."
    assert f"<td>3</td><td>latitude</td><td>Warning</td><td>{warned}</td>" in page
    assert "caractères" not in page and "Champ ignoré" not in page
    assert db.session.query(Place).filter(Place.source != "").count() == 0


def test_the_data_inclusion_import_report_in_english(client: FlaskClient) -> None:
    payload = {
        "structures": [{**STRUCTURE, "site_web": WEBSITE}, {**STRUCTURE}],
        "services": [{"source": "dora", "structure_id": "nowhere", "id": "svc-1",
                      "nom": "Ateliers", "description": "Sur rendez-vous.",
                      "date_maj": "2025-01-01"}],
    }  # fmt: skip
    page = _post(client, "en", "data_inclusion", json.dumps(payload), "structures.json")
    refused = (
        "Website: 600 characters, 500 at most: the row is not imported "
        "(Ordilien does not cut someone else's data)."
    )
    assert f"<td>1</td><td>site_web</td><td>Refused</td><td>{refused}</td>" in page
    assert "The identifier “d-1” (dora) is already on an earlier row." in page
    assert "Service no. 1 ignored: its structure is not in the file." in page
    assert "caractères" not in page and "ligne précédente" not in page


def test_the_report_stays_french_for_french_readers_and_the_command_line(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    text = _mednum_file({"site_web": WEBSITE}, {"latitude": "nord"})
    refused = (
        "Site web : 600 caractères, 500 au plus : la ligne n'est pas importée "
        "(Ordilien ne coupe pas les données d'un autre)."
    )
    warned = "« nord » n'est pas un nombre. Champ ignoré pour la recherche, gardé dans la ligne."
    page = _post(client, "fr", "mednum", text, "lieux.csv")
    assert f"<td>2</td><td>site_web</td><td>Refusée</td><td>{refused}</td>" in page
    assert f"<td>3</td><td>latitude</td><td>Avertissement</td><td>{warned}</td>" in page

    path = tmp_path / "lieux.csv"
    path.write_text(text, "utf-8")
    result = app.test_cli_runner().invoke(args=["directory", "import-mednum", str(path)])
    assert result.exit_code == 1
    assert f"ligne 2\tsite_web\trefusée\t{refused}\n" in result.output
    assert f"ligne 3\tlatitude\tavertissement\t{warned}\n" in result.output


def test_a_place_left_out_of_the_export_says_why_in_english(client: FlaskClient) -> None:
    from app.authz.policy import OrgKind, Role
    from app.directory import services
    from tests import factories
    from tests.conftest import login_client

    factories.create_org(OrgKind.ASSOCIATION, name="Sans numéro", address="2 rue Haute",
                         postcode="57000", commune="Metz")  # fmt: skip
    services.sync_own_places()
    admin = factories.create_user(Role.ADMIN, factories.create_org(OrgKind.COORDINATOR))
    with client.session_transaction() as session:
        session["lang"] = "en"
    login_client(client, admin)
    page = client.get("/ou-aller/donnees-ouvertes").get_data(as_text=True)
    assert "Sans numéro: neither a SIRET nor an RNA number" in page
    assert "ni SIRET ni RNA" not in page
