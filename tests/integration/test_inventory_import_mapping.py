"""Moving in (issue 16): files from Snipe-IT, GLPI or a spreadsheet imported with the
mapping Ordilien proposes, former labels that still scan, duplicates and bad IMEIs caught
at intake, the way out in Snipe-IT's format, and the CLI's --mapping."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.authz.policy import Role
from app.extensions import db
from app.inventory import device_records, donations, import_service, mapped_import, stock
from app.inventory.cli import inventory
from app.inventory.lifecycle import DeviceType, State
from app.inventory.models import Device, DeviceEvent, DonationBatch, ImportMapping
from tests import factories

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "inventory"

# file, source, devices, columns the page must name as ignored
CASES = [
    ("snipeit_import.csv", "snipeit", 6, ["Item Name", "Order Number", "Full Name"]),
    ("snipeit_export.csv", "snipeit", 5, ["ID", "Checked Out To", "Model No.", "Updated at"]),
    ("snipeit_export_fr.csv", "snipeit", 3, ["Nom de l'actif", "Attribué à"]),
    ("glpi_computers_en.csv", "glpi", 4, ["Name", "Entity", "Last update", "User"]),
    ("glpi_computers_fr.csv", "glpi", 3, ["Nom", "Entité", "Dernière modification"]),
]


def counts() -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Device, DeviceEvent, DonationBatch)
    )


@pytest.fixture
def manager():  # type: ignore[no-untyped-def]
    return factories.create_user(Role.MANAGER, full_name="Karim Benali")


def _upload(client, data: bytes, name: str) -> str:  # type: ignore[no-untyped-def]
    page = client.post(
        "/inventaire/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    return page.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


def _token(html: str) -> str:
    found = re.search(r'name="token" value="([0-9a-f]+)"', html)
    assert found
    return found.group(1)


@pytest.mark.parametrize(("name", "source", "created", "ignored"), CASES, ids=[c[0] for c in CASES])
def test_each_tools_file_imports_with_the_proposed_mapping(  # type: ignore[no-untyped-def]
    client, login, manager, name, source, created, ignored
) -> None:
    login(manager)
    html = _upload(client, (FIXTURES / name).read_bytes(), name)
    assert f"{created} appareils prêts à importer" in html, html[:3000]
    assert {"snipeit": "Snipe-IT", "glpi": "GLPI"}[source] in html
    for header in ignored:
        assert re.search(rf"<th scope=\"row\" id=\"col-\d+-nom\">{re.escape(header)}</th>", html)
    assert "Colonnes ignorées : " in html and all(h in html for h in ignored)
    assert counts() == (0, 0, 0)
    done = client.post("/inventaire/import/confirmer", data={"token": _token(html)})
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    db.session.expire_all()
    devices = db.session.scalars(select(Device).order_by(Device.id)).all()
    assert len(devices) == created
    assert all(d.external_ref for d in devices)  # every former label kept
    assert all(d.state is not State.READY for d in devices)  # nothing skips the workshop
    # Mapping remembered for this organisation and tool.
    kept = db.session.scalar(select(ImportMapping))
    assert kept.source == source and kept.organisation_id == manager.organisation_id


def test_snipeit_values_land_with_their_history(manager) -> None:  # type: ignore[no-untyped-def]
    table = mapped_import.read((FIXTURES / "snipeit_import.csv").read_bytes(), "x.csv")
    result = import_service.import_table(manager.organisation_id, table, actor=manager)
    assert result.ok and result.created == 6
    by_ref = {d.external_ref: d for d in db.session.scalars(select(Device))}
    first = by_ref["SN-0101"]
    assert first.device_type is DeviceType.LAPTOP and first.brand == "Lenovo"
    assert first.state is State.RECONDITIONING
    assert first.purchase_cost == 899.0 and first.purchase_date.isoformat() == "2019-03-14"
    assert first.supplier == "Bureau Vallée" and first.notes == "Clavier usé"
    assert by_ref["SN-0102"].purchase_cost == 1099.5 and by_ref["SN-0102"].state is State.TRIAGE
    assert by_ref["SN-0104"].device_type is DeviceType.SMARTPHONE
    assert by_ref["SN-0104"].imei == "356938035643809"
    assert by_ref["SN-0105"].state is State.E_WASTE
    assert by_ref["SN-0106"].device_type is DeviceType.SCREEN
    event = db.session.scalar(select(DeviceEvent).where(DeviceEvent.device_id == first.id))
    assert event.reason.startswith("Importé de Snipe-IT (statut « Ready to Deploy »), lot n° ")
    assert event.to_state is State.RECONDITIONING


def test_the_device_page_shows_what_was_kept(client, login, manager) -> None:  # type: ignore[no-untyped-def]
    table = mapped_import.read((FIXTURES / "snipeit_export.csv").read_bytes(), "x.csv")
    assert import_service.import_table(manager.organisation_id, table, actor=manager).ok
    device = db.session.scalar(select(Device).where(Device.external_ref == "ASSET-0017"))
    login(manager)
    html = client.get(f"/inventaire/appareils/{device.id}").get_data(as_text=True)
    for text in ("ASSET-0017", "Dell Direct", "03/04/2019", "1 190,00", "Batterie à 80 %"):
        assert text in html, text


def test_former_label_scans_at_the_counter_and_in_the_search(client, login, manager) -> None:  # type: ignore[no-untyped-def]
    from app.loans import counter as loans

    table = mapped_import.read((FIXTURES / "snipeit_export.csv").read_bytes(), "x.csv")
    assert import_service.import_table(manager.organisation_id, table, actor=manager).ok
    device = db.session.scalar(select(Device).where(Device.external_ref == "ASSET-0017"))
    org = manager.organisation_id
    assert loans.device_for_counter("ASSET-0017", org).id == device.id
    assert loans.device_for_counter("https://snipe.example.org/ht/ASSET-0017", org).id == device.id
    other = factories.create_org(slug="autre-asso")
    with pytest.raises(Exception, match="Aucun appareil"):
        loans.device_for_counter("ASSET-0017", other.id)
    login(manager)
    html = client.get("/inventaire/?q=ASSET-0017").get_data(as_text=True)
    assert device.asset_tag in html and "ASSET-0018" not in html


GLPI_PHONES = (
    '"Name";"Status";"Manufacturer";"Serial number";"Type";"Model";"IMEI";"Inventory number"\r\n'
    '"TEL-1";"In stock";"Samsung";"R58A1";"Smartphone";"Galaxy A40";"356938035643809";"T-1"\r\n'
    '"TEL-2";"In stock";"Samsung";"R58A2";"Smartphone";"Galaxy A40";"356938035643809";"T-2"\r\n'
    '"TEL-3";"In stock";"Apple";"F17A3";"Smartphone";"iPhone 8";"356938035643808";"T-3"\r\n'
).encode("utf-8-sig")


def test_duplicate_imei_and_bad_luhn_are_reported_on_their_rows(client, login, manager) -> None:  # type: ignore[no-untyped-def]
    login(manager)
    html = _upload(client, GLPI_PHONES, "telephones.csv")
    assert "2 problèmes : rien n" in html
    assert re.search(
        r"<td>3</td><td>IMEI</td><td>IMEI en double dans le fichier \(déjà ligne 2\)", html
    )
    assert re.search(
        r"<td>4</td><td>IMEI</td><td>IMEI « 356938035643808 » invalide : le dernier chiffre", html
    )
    assert "Tout importer" not in html
    client.post("/inventaire/import/confirmer", data={"token": _token(html)})
    assert counts() == (0, 0, 0)


def test_a_duplicate_blocks_unless_a_manager_gives_a_reason(client, login, manager) -> None:  # type: ignore[no-untyped-def]
    device_records.create_device(
        manager.organisation_id,
        device_records.DeviceInput(device_type=DeviceType.LAPTOP, serial="PF1GLPI01"),
        actor=manager,
    )
    login(manager)
    data = (FIXTURES / "glpi_computers_en.csv").read_bytes()
    html = _upload(client, data, "glpi.csv")
    assert "Numéro de série « PF1GLPI01 » déjà en stock" in html and "Tout importer" not in html
    token = _token(html)
    html = client.post(
        f"/inventaire/import/{token}",
        data={"action": "check", "source": "glpi", "override_reason": "Repris du site de Metz"},
    ).get_data(as_text=True)
    assert "Tout importer (4 appareils)" in html
    done = client.post(
        f"/inventaire/import/{token}",
        data={"action": "import", "source": "glpi", "override_reason": "Repris du site de Metz"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert counts()[0] == 5
    event = db.session.scalar(
        select(DeviceEvent).where(DeviceEvent.reason.like("Importé de GLPI%")).limit(1)
    )
    assert event.context == {"override_reason": "Repris du site de Metz"}


KIOSKS = (
    b"Asset Tag,Category,Manufacturer,Model name,Serial,Status,Notes\n"
    b"K-1,Kiosks,Dell,OptiPlex 3080,KSK1,Ready to Deploy,Hall\n"
    b"K-2,Kiosks,Dell,OptiPlex 3080,KSK2,Pending,\n"
    b"K-3,Laptops,HP,ProBook 640,KSK3,Lost/Stolen,\n"
)


def test_unknown_values_are_listed_once_mapped_on_the_page_and_remembered(  # type: ignore[no-untyped-def]
    client, login, manager
) -> None:
    login(manager)
    html = _upload(client, KIOSKS, "snipe.csv")
    assert html.count("Type « Kiosks » inconnu (lignes 2, 3)") == 1
    # K-3 is "Lost/Stolen": left out, and said so.
    token = _token(html)
    position = re.search(r'name="valname-(\d+)" value="Kiosks"', html).group(1)
    notes = re.search(r'<th scope="row" id="col-(\d+)-nom">Notes</th>', html).group(1)
    html = client.post(
        f"/inventaire/import/{token}",
        data={
            "action": "check",
            "source": "snipeit",
            f"valname-{position}": "Kiosks",
            f"valfield-{position}": "device_type",
            f"val-{position}": "desktop",
            f"col-{notes}": "condition_notes",
        },
    ).get_data(as_text=True)
    assert (
        "2 appareils prêts à importer" in html
        and "Lignes laissées de côté à votre demande : 4" in html
    )
    assert "Proposé : Notes" in html
    done = client.post(
        f"/inventaire/import/{token}",
        data={
            "action": "import",
            "source": "snipeit",
            f"valname-{position}": "Kiosks",
            f"valfield-{position}": "device_type",
            f"val-{position}": "desktop",
            f"col-{notes}": "condition_notes",
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    kiosk = db.session.scalar(select(Device).where(Device.external_ref == "K-1"))
    assert kiosk.device_type is DeviceType.DESKTOP and kiosk.condition_notes == "Hall"
    # The next file from Snipe-IT: Kiosks and the Notes column as confirmed last time.
    again = KIOSKS.replace(b"KSK", b"NEW").replace(b"K-", b"N-")
    html = _upload(client, again, "snipe2.csv")
    assert "2 appareils prêts à importer" in html
    assert re.search(
        r'name="col-\d+"[^>]*>(?:(?!</select>).)*value="condition_notes" selected', html, re.S
    )


def test_snipeit_export_goes_round(client, login, manager) -> None:  # type: ignore[no-untyped-def]
    table = mapped_import.read((FIXTURES / "snipeit_import.csv").read_bytes(), "x.csv")
    assert import_service.import_table(manager.organisation_id, table, actor=manager).ok
    login(manager)
    response = client.get("/inventaire/export.snipe-it.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.splitlines()[0].startswith("Asset Tag,Item Name,Category,Manufacturer,Model name")
    assert ",Laptops,Lenovo,ThinkPad T480,PF1SNIPE01," in text
    # Into another association: Ordilien's tags become its former labels.
    other = factories.create_user(Role.MANAGER, factories.create_org(slug="autre"))
    back = mapped_import.read(response.get_data(), "snipe-it.csv")
    result = import_service.import_table(other.organisation_id, back, actor=other)
    assert result.ok and result.created == 6
    tags = set(
        db.session.scalars(
            select(Device.asset_tag).where(Device.organisation_id == manager.organisation_id)
        )
    )
    refs = set(
        db.session.scalars(
            select(Device.external_ref).where(Device.organisation_id == other.organisation_id)
        )
    )
    assert tags == refs


def test_cli_mapping_file_and_dry_run(runner, manager, tmp_path) -> None:  # type: ignore[no-untyped-def]
    org = db.session.get(type(manager.organisation), manager.organisation_id)
    path = tmp_path / "snipe.csv"
    path.write_bytes(KIOSKS)
    out = runner.invoke(inventory, ["import", str(path), "--org", org.slug, "--dry-run"])
    assert out.exit_code == 1 and "Type « Kiosks » inconnu (lignes 2, 3)" in out.output
    used = json.loads(
        out.output.split("Correspondance utilisée (Snipe-IT) :\n", 1)[1]
        .split("\nColonne", 1)[0]
        .split("\nligne", 1)[0]
    )
    assert used["columns"]["Category"] == "device_type" and used["types"]["Kiosks"] == ""
    used["types"]["Kiosks"] = "desktop"
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(used), "utf-8")
    out = runner.invoke(
        inventory, ["import", str(path), "--org", org.slug, "--mapping", str(mapping), "--dry-run"]
    )
    assert out.exit_code == 0, out.output
    assert '"Kiosks": "desktop"' in out.output and counts() == (0, 0, 0)
    out = runner.invoke(
        inventory, ["import", str(path), "--org", org.slug, "--mapping", str(mapping)]
    )
    assert out.exit_code == 0, out.output
    assert counts()[0] == 2


def test_the_demo_passes_the_intake_check(app, manager) -> None:  # type: ignore[no-untyped-def]
    """Each demo association's stock, exported and read back by the import's check: no
    IMEI twice, every IMEI with a good Luhn digit (two pairs shared one before issue 16)."""
    from app.accounts.cli import seed_demo
    from app.accounts.models import Organisation
    from app.inventory import snipeit_export

    result = app.test_cli_runner().invoke(seed_demo)
    assert result.exit_code == 0, result.output
    checked = 0
    for org in db.session.scalars(select(Organisation)):
        devices = db.session.scalars(select(Device).where(Device.organisation_id == org.id)).all()
        if not devices:
            continue
        table = mapped_import.read(snipeit_export.to_csv(devices), "demo.csv")
        parsed = mapped_import.parse(table)
        imei_problems = [p for p in parsed.problems if "IMEI" in p.message]
        assert imei_problems == [], (org.slug, imei_problems)
        checked += sum(1 for d in devices if d.imei)
    assert checked >= 4


def test_editing_a_device_keeps_what_came_from_the_other_tool(manager) -> None:  # type: ignore[no-untyped-def]
    table = mapped_import.read((FIXTURES / "snipeit_import.csv").read_bytes(), "x.csv")
    assert import_service.import_table(manager.organisation_id, table, actor=manager).ok
    device = db.session.scalar(select(Device).where(Device.external_ref == "SN-0101"))
    device_records.update_device(
        device,
        device_records.DeviceInput(device_type=DeviceType.LAPTOP, brand="Lenovo", model="T480s"),
        actor=manager,
    )
    db.session.expire_all()
    assert device.model == "T480s" and device.external_ref == "SN-0101"
    assert device.supplier == "Bureau Vallée" and device.purchase_cost == 899.0


def _imported(manager) -> Device:  # type: ignore[no-untyped-def]
    table = mapped_import.read((FIXTURES / "snipeit_export.csv").read_bytes(), "x.csv")
    assert import_service.import_table(manager.organisation_id, table, actor=manager).ok
    return db.session.scalar(select(Device).where(Device.external_ref == "ASSET-0017"))


def test_former_label_counts_in_the_stock_count(client, login, manager) -> None:  # type: ignore[no-untyped-def]
    device = _imported(manager)
    org = manager.organisation_id
    shelf = donations.location_named(org, "Stock central")
    assert device.location_id == shelf.id
    result = stock.stock_count(org, shelf, ["asset-0017"])
    assert [d.id for d in result.present] == [device.id] and result.unknown == []
    assert device not in result.missing
    # Its Snipe-IT QR code, and both labels scanned: counted once.
    both = ["https://snipe.example.org/ht/ASSET-0017", device.asset_tag, "ASSET-9999"]
    result = stock.stock_count(org, shelf, both)
    assert [d.id for d in result.present] == [device.id]
    assert result.unknown == ["ASSET9999"]
    # Another association's count does not find it.
    other = factories.create_org(slug="autre-comptage")
    place = donations.location_named(other.id, "Stock central")
    assert stock.stock_count(other.id, place, ["ASSET-0017"]).present == []
    login(manager)
    html = client.post(
        "/inventaire/comptage",
        data={"location_id": str(shelf.id), "tags": "https://snipe.example.org/ht/ASSET-0017\n"},
    ).get_data(as_text=True)
    assert "1 présents" in html and ", 0 inconnus" in html and device.asset_tag in html


def test_former_label_opens_the_public_scan_page(client, login, manager) -> None:  # type: ignore[no-untyped-def]
    device = _imported(manager)
    # Anyone: which association to return it to, as for a current tag.
    page = client.get("/d/ASSET-0017")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Cet appareil appartient à" in html
    assert "4HXEXP17" not in html
    # Its staff: the device's page.
    login(manager)
    page = client.get("/d/asset-0017")
    assert page.status_code == 302
    assert page.headers["Location"].endswith(f"/inventaire/appareils/{device.id}")
    # Two associations had an ASSET-0017: each staff finds its own, a stranger nothing.
    other = factories.create_user(Role.MANAGER, factories.create_org(slug="autre-scan"))
    device_records.create_device(
        other.organisation_id,
        device_records.DeviceInput(
            device_type=DeviceType.LAPTOP, serial="X1", external_ref="ASSET-0017"
        ),
    )
    theirs = db.session.scalar(
        select(Device).where(Device.organisation_id == other.organisation_id)
    )
    assert client.get("/d/ASSET-0017").headers["Location"].endswith(f"/{device.id}")
    login(other)
    assert client.get("/d/ASSET-0017").headers["Location"].endswith(f"/{theirs.id}")
    assert device_records.find_by_former_label("ASSET-0017") is None
    assert client.get("/d/UNKNOWN-1").status_code == 404
