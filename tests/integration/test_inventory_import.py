"""Bulk import: French Excel files, preview, all or nothing (web page and CLI)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from app.authz.policy import Role
from app.extensions import db
from app.inventory import import_service, importing
from app.inventory.cli import inventory
from app.inventory.lifecycle import DeviceType, State
from app.inventory.models import Device, DeviceEvent, DonationBatch
from tests import factories

GOOD = (
    "Type;Marque;Modèle;N° de série;Processeur;Indice processeur;RAM (Go);Type de stockage;"
    "Stockage (Go);Écran (pouces);Système;État;Emplacement\r\n"
    "Portable;Lenovo;ThinkPad T470;PF0ABC12;Intel Core i5-7300U;3 700;8;SSD;256;14;Linux Mint;à tester;Étagère A\r\n"
    "Portable;Dell;Latitude E7470;5CG7XYZ;Intel Core i5-6300U;3200;7,5;SSD;240;14,0;;fonctionne;Étagère A\r\n"
    "Tour;Dell;OptiPlex 7050;7050AB1;Intel Core i5-7500;6000;8;HDD;1 To;;;;Réserve\r\n"
)
BAD = GOOD + ("Grille-pain;Moulinex;X;GP1;;;;;;;;;\r\nPortable;HP;840 G5;PF0ABC12;;;huit;;;;;;\r\n")


def counts() -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Device, DeviceEvent, DonationBatch)
    )


@pytest.fixture
def manager():  # type: ignore[no-untyped-def]
    return factories.create_user(Role.MANAGER, full_name="Karim Benali")


def test_service_imports_all_rows_as_one_batch(manager) -> None:  # type: ignore[no-untyped-def]
    parsed = importing.parse(GOOD.encode("cp1252"), "don.csv")
    result = import_service.import_devices(manager.organisation_id, parsed, actor=manager)
    assert result.ok and result.created == 3
    devices = db.session.scalars(select(Device).order_by(Device.id)).all()
    assert {d.batch_id for d in devices} == {result.batch.id}
    assert [d.cpu_score for d in devices] == [3700, 3200, 6000]
    assert devices[1].ram_gb == 7.5 and devices[2].storage_gb == 1000
    assert devices[2].device_type is DeviceType.DESKTOP
    assert devices[0].location.name == devices[1].location.name == "Étagère A"
    assert all(d.state is State.RECEIVED for d in devices)
    assert counts() == (3, 3, 1)
    # The same file again: every serial is already in stock, nothing is written.
    again = import_service.import_devices(manager.organisation_id, parsed, actor=manager)
    assert not again.ok and len(again.problems) == 3
    assert all("déjà en stock" in p.message for p in again.problems)
    assert counts() == (3, 3, 1)


def test_bad_rows_write_nothing(manager) -> None:  # type: ignore[no-untyped-def]
    parsed = importing.parse(BAD.encode("utf-8-sig"), "don.csv")
    result = import_service.import_devices(manager.organisation_id, parsed, actor=manager)
    assert not result.ok and result.batch is None
    assert [(p.row, p.column) for p in result.problems] == [
        (5, "Type"),
        (6, "N° de série"),
        (6, "RAM (Go)"),
    ]
    assert counts() == (0, 0, 0)


def test_web_preview_then_import(client, login, manager) -> None:  # type: ignore[no-untyped-def]
    login(manager)
    page = client.post(
        "/inventaire/import",
        data={"file": (io.BytesIO(GOOD.encode("cp1252")), "don.csv"), "reference": "BON-42"},
        content_type="multipart/form-data",
    )
    html = page.get_data(as_text=True)
    assert "3 appareils prêts à importer" in html and "ThinkPad T470" in html
    assert counts() == (0, 0, 0)  # a preview writes nothing
    token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
    done = client.post("/inventaire/import/confirmer", data={"token": token, "reference": "BON-42"})
    assert done.status_code == 302 and "/inventaire/lots/" in done.headers["Location"]
    db.session.expire_all()
    assert counts() == (3, 3, 1)
    assert db.session.scalar(select(DonationBatch.reference)) == "BON-42"
    # The token is spent: a second confirmation imports nothing.
    client.post("/inventaire/import/confirmer", data={"token": token})
    assert counts() == (3, 3, 1)


def test_web_report_by_row_and_column(client, login, manager) -> None:  # type: ignore[no-untyped-def]
    login(manager)
    book = openpyxl.Workbook()
    sheet = book.active
    for line in BAD.strip().split("\r\n"):
        sheet.append(line.split(";"))
    out = io.BytesIO()
    book.save(out)
    page = client.post(
        "/inventaire/import",
        data={"file": (io.BytesIO(out.getvalue()), "don.xlsx")},
        content_type="multipart/form-data",
    )
    html = page.get_data(as_text=True)
    assert "3 problèmes : rien n" in html
    assert "Type « Grille-pain » inconnu (ligne 5)" in html
    assert "Numéro de série en double dans le fichier (déjà ligne 2)." in html
    assert "Tout importer" not in html
    assert counts() == (0, 0, 0)


def test_cli_import(runner, manager, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "don.csv"
    good.write_bytes(GOOD.encode("cp1252"))
    bad = tmp_path / "mauvais.csv"
    bad.write_bytes(BAD.encode("latin-1"))
    slug = manager.organisation.slug
    result = runner.invoke(inventory, ["import", str(bad), "--org", slug])
    assert result.exit_code == 1
    assert "ligne 5, colonne « Type » : Type « Grille-pain » inconnu (ligne 5)" in result.output
    assert counts() == (0, 0, 0)
    result = runner.invoke(inventory, ["import", str(good), "--dry-run"])  # one association
    assert result.exit_code == 0, result.output
    assert counts() == (0, 0, 0)
    result = runner.invoke(inventory, ["import", str(good), "--donor", "Amiens Métropole"])
    assert result.exit_code == 0, result.output
    assert "3 appareils importés" in result.output
    db.session.expire_all()
    assert counts() == (3, 3, 1)
    factories.create_org(slug="deuxieme-asso")
    result = runner.invoke(inventory, ["import", str(good)])
    assert result.exit_code != 0 and "précisez laquelle avec --org" in result.output


def test_cli_labels(runner, manager, tmp_path) -> None:  # type: ignore[no-untyped-def]
    parsed = importing.parse(GOOD.encode(), "don.csv")
    batch = import_service.import_devices(manager.organisation_id, parsed).batch
    out = tmp_path / "etiquettes.pdf"
    result = runner.invoke(
        inventory,
        ["labels", "--batch", str(batch.id), "--sheet", "L7651", "--output", str(out),
         "--base-url", "https://ordilien.example.org"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    result = runner.invoke(inventory, ["labels", "--batch", "999", "--output", str(out)])
    assert result.exit_code != 0 and "Aucun lot" in result.output
