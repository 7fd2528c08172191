"""Inventory pages and API on a real database: intake, labels that scan, the public page,
organisation isolation, exports, the JSON API."""

from __future__ import annotations

import datetime
import io

import pandas as pd
import pypdfium2 as pdfium
import pytest
import zxingcpp
from sqlalchemy import func, select, update

from app.accounts import services as accounts
from app.authz.policy import Role
from app.extensions import db
from app.inventory import device_records, donations, erasure_records, workshop
from app.inventory.grading import StorageType
from app.inventory.lifecycle import DeviceType, State, allowed_targets
from app.inventory.models import (
    Device,
    DonorKind,
    ErasureLevel,
    ErasureMethod,
    ErasureResult,
)
from tests import factories


@pytest.fixture
def staff():  # type: ignore[no-untyped-def]
    org = factories.create_org(slug="atelier-test", name="Atelier Test", phone="03 87 00 00 01")
    return {
        Role.TECHNICIAN: factories.create_user(Role.TECHNICIAN, org, full_name="Lucie Marchal"),
        Role.MANAGER: factories.create_user(Role.MANAGER, org),
        Role.FRONT_DESK: factories.create_user(Role.FRONT_DESK, org),
    }


def device(org_id: int, serial: str) -> Device:
    return device_records.create_device(
        org_id,
        device_records.DeviceInput(
            DeviceType.LAPTOP,
            brand="Lenovo",
            model="ThinkPad T470",
            serial=serial,
            cpu_score=3700,
            ram_gb=8,
            storage_type=StorageType.SSD,
            storage_gb=256,
        ),
    )


def decode_pdf(pdf: bytes) -> list[str]:
    found = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            image = page.render(scale=300 / 72).to_pil()
            found += [b.text for b in zxingcpp.read_barcodes(image)]
            page.close()
    finally:
        document.close()
    return found


def test_intake_remembers_the_batch_and_the_model(client, login, staff) -> None:  # type: ignore[no-untyped-def]
    tech = staff[Role.TECHNICIAN]
    login(tech)
    response = client.post(
        "/inventaire/lots/nouveau",
        data={"new_donor_name": "Lorraine Logistique", "new_donor_kind": "company"},
    )
    assert response.status_code == 302
    first = {
        "device_type": "laptop",
        "brand": "Lenovo",
        "model": "ThinkPad T470",
        "serial": "PF0AAA01",
        "ram_gb": "7,5",
        "storage_type": "ssd",
        "storage_gb": "256",
        "screen_inches": "14",
        "condition": "untested",
        "location": "Étagère A",
    }
    page = client.get("/inventaire/reception").get_data(as_text=True)
    batch_id = db.session.scalar(select(Device.batch_id)) or _only_batch_id()
    first["batch_id"] = str(batch_id)
    assert client.post("/inventaire/reception", data=first).status_code == 302
    page = client.get("/inventaire/reception").get_data(as_text=True)
    # Same as previous: the model is filled in, the serial is empty and has the focus.
    assert "Identique au précédent : Lenovo ThinkPad T470" in page
    assert 'value="ThinkPad T470"' in page and 'value="7,5"' in page
    assert 'id="serial" name="serial" type="text" value=""' in page or "autofocus" in page
    second = dict(first, serial="PF0AAA02")
    assert client.post("/inventaire/reception", data=second).status_code == 302
    duplicate = client.post("/inventaire/reception", data=second)
    assert "déjà en stock" in duplicate.get_data(as_text=True)
    db.session.expire_all()
    devices = db.session.scalars(select(Device).order_by(Device.id)).all()
    assert [d.serial for d in devices] == ["PF0AAA01", "PF0AAA02"]
    assert {d.batch_id for d in devices} == {batch_id} and devices[0].ram_gb == 7.5


def _only_batch_id() -> int:
    from app.inventory.models import DonationBatch

    return db.session.scalar(select(DonationBatch.id))  # type: ignore[return-value]


@pytest.mark.parametrize("sheet,start", [("L7160", 20), ("L7163", 2), ("L7651", 64), ("DK62", 1)])
def test_labels_scan_to_each_device_page(
    app, client, login, staff, sheet, start, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://ordilien.example.org")
    org_id = staff[Role.TECHNICIAN].organisation_id
    batch = donations.create_batch(org_id, None)
    made = [
        device_records.create_device(
            org_id, device_records.DeviceInput(DeviceType.LAPTOP, serial=f"SN{n}"), batch=batch
        )
        for n in range(3)
    ]
    login(staff[Role.FRONT_DESK])
    response = client.get(f"/inventaire/etiquettes?batch_id={batch.id}&sheet={sheet}&start={start}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    urls = decode_pdf(response.data)
    assert sorted(urls) == sorted(f"https://ordilien.example.org/d/{d.asset_tag}" for d in made)
    for d in made:
        page = client.get(f"/d/{d.asset_tag}")
        assert page.headers["Location"].endswith(f"/inventaire/appareils/{d.id}")


def test_public_page_tells_a_stranger_where_to_return_it(client, login, staff) -> None:  # type: ignore[no-untyped-def]
    d = device(staff[Role.TECHNICIAN].organisation_id, "SECRET-SERIAL")
    page = client.get(f"/d/{d.asset_tag.lower()}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Cet appareil appartient à Atelier Test" in html and "03 87 00 00 01" in html
    assert "SECRET-SERIAL" not in html and "ThinkPad" not in html
    # Staff of another association: same public page, not the device's record.
    stranger = factories.create_user(Role.TECHNICIAN)
    login(stranger)
    html = client.get(f"/d/{d.asset_tag}").get_data(as_text=True)
    assert "Cet appareil appartient à Atelier Test" in html and "SECRET-SERIAL" not in html
    assert client.get(f"/inventaire/appareils/{d.id}").status_code == 404
    assert client.get("/d/ZZZZZZ").status_code == 404


def test_other_associations_records_are_hidden(client, login, staff) -> None:  # type: ignore[no-untyped-def]
    mine = device(staff[Role.TECHNICIAN].organisation_id, "MINE1")
    other_tech = factories.create_user(Role.TECHNICIAN)
    theirs = device(other_tech.organisation_id, "THEIRS1")
    login(staff[Role.TECHNICIAN])
    listing = client.get("/inventaire/").get_data(as_text=True)
    assert mine.asset_tag in listing and theirs.asset_tag not in listing
    for url in (
        f"/inventaire/appareils/{theirs.id}",
        f"/inventaire/appareils/{theirs.id}/modifier",
        f"/inventaire/appareils/{theirs.id}/qr.png",
    ):
        assert client.get(url).status_code == 404
    moved = client.post(f"/inventaire/appareils/{theirs.id}/etat", data={"to_state": "triage"})
    assert moved.status_code == 404
    labels = client.get(f"/inventaire/etiquettes?ids={theirs.id}&sheet=L7160")
    assert labels.mimetype != "application/pdf"


def test_illegal_transition_shows_the_french_message(client, login, staff) -> None:  # type: ignore[no-untyped-def]
    d = device(staff[Role.TECHNICIAN].organisation_id, "ILLEGAL1")
    login(staff[Role.TECHNICIAN])
    page = client.post(f"/inventaire/appareils/{d.id}/etat", data={"to_state": "ready"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "ne peut pas passer à « Prêt à distribuer »" in html
    assert "Nouvel état" in html and 'id="etat-actuel">Reçu<' in html  # the form, kept
    assert (
        client.post(
            f"/inventaire/appareils/{d.id}/etat", data={"to_state": "triage", "reason": "Tri"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Device, d.id).state is State.TRIAGE
    # Front desk may read but not move devices.
    login(staff[Role.FRONT_DESK])
    assert (
        client.post(
            f"/inventaire/appareils/{d.id}/etat", data={"to_state": "reconditioning"}
        ).status_code
        == 403
    )


def test_grade_override_is_for_managers(client, login, staff) -> None:  # type: ignore[no-untyped-def]
    d = device(staff[Role.TECHNICIAN].organisation_id, "GRADE1")
    login(staff[Role.TECHNICIAN])
    page = client.post(
        f"/inventaire/appareils/{d.id}/note", data={"override": "a", "reason": "Très propre"}
    )
    assert "Seul·e un·e responsable" in page.get_data(as_text=True)
    assert client.post(f"/inventaire/appareils/{d.id}/note", data={}).status_code == 302
    login(staff[Role.MANAGER])
    no_reason = client.post(f"/inventaire/appareils/{d.id}/note", data={"override": "a"})
    assert "Indiquez pourquoi" in no_reason.get_data(as_text=True)
    ok = client.post(
        f"/inventaire/appareils/{d.id}/note", data={"override": "a", "reason": "Très propre"}
    )
    assert ok.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Device, d.id)
    assert saved.grade.value == "a" and saved.grade_computed.value == "b"


def test_the_device_page_offers_next_steps_and_links_the_forms(client, login, staff) -> None:  # type: ignore[no-untyped-def]
    d = device(staff[Role.TECHNICIAN].organisation_id, "STEPS1")
    workshop.apply_transition(d, State.TRIAGE, None)
    workshop.apply_transition(d, State.RECONDITIONING, None)
    login(staff[Role.TECHNICIAN])
    page = client.get(f"/inventaire/appareils/{d.id}").get_data(as_text=True)
    assert "Passer à « Prêt à distribuer »" in page
    assert f'href="/inventaire/appareils/{d.id}/effacement">effacement des données à faire' in page
    assert f'href="/inventaire/appareils/{d.id}/tests">tests à compléter' in page
    assert f'href="/inventaire/appareils/{d.id}/etat">Autre changement' in page
    assert "Valider la note calculée" in page
    # The state page: the possible steps head the list, the current state is not offered.
    form = client.get(f"/inventaire/appareils/{d.id}/etat").get_data(as_text=True)
    options = [line.split('"')[1] for line in form.split("<option value=")[1:]]
    possible = [s.value for s in State if s in allowed_targets(State.RECONDITIONING)]
    assert "ready" in possible and options[: len(possible)] == possible
    assert "reconditioning" not in options and len(options) == len(State) - 1
    # The front desk reads the device page but is offered no move.
    login(staff[Role.FRONT_DESK])
    read_only = client.get(f"/inventaire/appareils/{d.id}").get_data(as_text=True)
    assert "Passer à" not in read_only and "Valider la note" not in read_only
    assert "effacement des données à faire" in read_only and '/effacement"' not in read_only


def test_device_page_shows_donor_place_tests_erasures_history(client, login, staff) -> None:  # type: ignore[no-untyped-def]
    tech = staff[Role.TECHNICIAN]
    donor = donations.create_donor(tech.organisation_id, DonorKind.COMPANY, "Lorraine Logistique")
    batch = donations.create_batch(tech.organisation_id, donor)
    d = device_records.create_device(
        tech.organisation_id,
        device_records.DeviceInput(
            DeviceType.LAPTOP, serial="SHOWN1", storage_type=StorageType.SSD, location="Étagère B"
        ),
        batch=batch,
    )
    workshop.apply_transition(d, State.TRIAGE, tech, "Arrivé avec le lot")
    end = datetime.datetime(2026, 11, 20, 11, 30)
    for tool, result in (("nwipe", ErasureResult.FAILED), ("hdparm", ErasureResult.ERASED)):
        erasure_records.record_erasure(
            d,
            erasure_records.ErasureInput(
                level=ErasureLevel.PURGE, method=ErasureMethod.ATA_SANITIZE, tool=tool,
                started_at=end - datetime.timedelta(hours=1), ended_at=end, result=result,
                technician_name="Lucie Marchal", signature="Lucie Marchal",
                verification="Lecture de vérification complète",
            ),
            actor=tech,
        )  # fmt: skip
        end += datetime.timedelta(days=1)
    items = workshop.checklist_items(d.organisation_id, d.device_type)
    results = [{"label": i, "result": "ok", "note": ""} for i in items]
    results[0]["note"] = "Touche F5 dure"
    workshop.save_checklist(d, results, actor=tech)
    login(tech)
    page = client.get(f"/inventaire/appareils/{d.id}").get_data(as_text=True)
    assert "Lorraine Logistique" in page and "Étagère B" in page
    assert "Liste complète" in page and "par Lucie Marchal" in page and "Touche F5 dure" in page
    # Both erasures, the oldest first, each with its certificate; the last one counts.
    erasures = page.split('id="effacement-titre"')[1].split('id="tests-titre"')[0]
    assert erasures.index("nwipe") < erasures.index("hdparm")
    assert "20/11/2026 12:30" in erasures and "21/11/2026 12:30" in erasures  # Paris time
    assert erasures.count("Certificat (PDF)") == 2 and "effacement des données réussi" in page
    history = page.split('id="historique-titre"')[1]
    assert history.index("Réception") < history.index("Arrivé avec le lot")
    assert client.get(f"/inventaire/appareils/{d.id + 1000}").status_code == 404


def test_the_handover_desks_moves_are_not_made_from_the_workshop(client, login, staff) -> None:  # type: ignore[no-untyped-def]
    lent = device(staff[Role.TECHNICIAN].organisation_id, "DESK1")
    db.session.execute(update(Device).where(Device.id == lent.id).values(state=State.ON_LOAN))
    db.session.commit()
    login(staff[Role.MANAGER])
    page = client.get(f"/inventaire/appareils/{lent.id}").get_data(as_text=True)
    assert "se fait au comptoir des prêts et ventes" in page
    assert "Passer à" not in page and "Autre changement" not in page
    # Marked "returned" here, the loan would stay open at the desk: refused, explained.
    refused = client.post(f"/inventaire/appareils/{lent.id}/etat", data={"to_state": "returned"})
    assert refused.status_code == 200
    assert "ce changement se fait au comptoir des prêts et ventes" in refused.get_data(as_text=True)
    token = accounts.create_api_token(staff[Role.MANAGER], "essai")
    api = client.post(
        f"/api/v1/devices/{lent.id}/transitions",
        json={"to_state": "sold"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 422 and "comptoir" in api.json["error"]["message"]
    db.session.expire_all()
    assert db.session.get(Device, lent.id).state is State.ON_LOAN
    assert [e.to_state for e in device_records.history(db.session.get(Device, lent.id))] == [
        State.RECEIVED
    ]  # the intake only


def test_validating_a_phone_grade_keeps_its_adjustment(client, login, staff) -> None:  # type: ignore[no-untyped-def]
    org_id = staff[Role.TECHNICIAN].organisation_id
    phone = device_records.create_device(
        org_id,
        device_records.DeviceInput(
            DeviceType.SMARTPHONE, brand="Samsung", model="Galaxy A52", ram_gb=6, storage_gb=128
        ),
    )
    login(staff[Role.TECHNICIAN])
    grade_page = client.get(f"/inventaire/appareils/{phone.id}/note").get_data(as_text=True)
    assert "Ajustement (téléphones et tablettes)" in grade_page
    assert "Changer la note (facultatif)" not in grade_page  # managers only
    adjusted = client.post(f"/inventaire/appareils/{phone.id}/note", data={"adjustment": "-1"})
    assert adjusted.status_code == 302
    db.session.expire_all()
    first = db.session.get(Device, phone.id)
    assert first.grade_adjustment == -1
    graded = first.grade
    # The device page's one-click button validates again without losing the adjustment.
    page = client.get(f"/inventaire/appareils/{phone.id}").get_data(as_text=True)
    assert 'name="adjustment" value="-1"' in page
    assert (
        client.post(f"/inventaire/appareils/{phone.id}/note", data={"adjustment": "-1"}).status_code
        == 302
    )
    db.session.expire_all()
    again = db.session.get(Device, phone.id)
    assert again.grade_adjustment == -1 and again.grade == graded
    login(staff[Role.MANAGER])
    assert "Changer la note (facultatif)" in client.get(
        f"/inventaire/appareils/{phone.id}/note"
    ).get_data(as_text=True)


def test_exports_in_csv_and_xlsx_read_back(client, login, staff) -> None:  # type: ignore[no-untyped-def]
    org_id = staff[Role.TECHNICIAN].organisation_id
    a = device(org_id, "EXP1")
    b = device(org_id, "EXP2")
    workshop.apply_transition(b, State.TRIAGE, None)
    login(staff[Role.FRONT_DESK])
    csv = client.get("/inventaire/export.csv?state=triage")
    assert csv.data.startswith("\ufeff".encode())
    frame = pd.read_csv(io.BytesIO(csv.data), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(frame["Étiquette"]) == [b.asset_tag]
    assert frame.loc[0, "RAM (Go)"] == 8.0 and frame.loc[0, "État"] == "En tri"
    xlsx = client.get("/inventaire/export.xlsx")
    frame = pd.read_excel(io.BytesIO(xlsx.data))
    assert sorted(frame["Étiquette"]) == sorted([a.asset_tag, b.asset_tag])


def test_erasure_certificates(client, login, staff) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    tech = staff[Role.TECHNICIAN]
    batch = donations.create_batch(tech.organisation_id, None)
    d = device_records.create_device(
        tech.organisation_id,
        device_records.DeviceInput(DeviceType.LAPTOP, serial="CERT1"),
        batch=batch,
    )
    login(tech)
    form = {
        "medium": "hdd",
        "level": "clear",
        "method": "overwrite",
        "passes": "1",
        "tool": "nwipe",
        "tool_version": "0.37",
        "verification": "Lecture de vérification complète",
        "started_at": "2026-11-20T09:00",
        "ended_at": "2026-11-20T11:30",
        "result": "erased",
        "technician_name": "Lucie Marchal",
        "signature": "Lucie Marchal",
        "disk_serial": "S3Z9NB0K",
    }
    assert client.post(f"/inventaire/appareils/{d.id}/effacement", data=form).status_code == 302
    erasure_id = erasure_records.erasures(d)[0].id
    pdf = client.get(f"/inventaire/effacements/{erasure_id}/certificat.pdf")
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Certificat d'effacement des données" in text
    assert d.asset_tag in text and "S3Z9NB0K" in text and "nwipe 0.37" in text
    batch_pdf = client.get(f"/inventaire/lots/{batch.id}/certificats.pdf")
    assert len(PdfReader(io.BytesIO(batch_pdf.data)).pages) == 2  # the list, then the certificate


def test_api_devices(client, staff) -> None:  # type: ignore[no-untyped-def]
    token = accounts.create_api_token(staff[Role.TECHNICIAN], "test")
    reader = accounts.create_api_token(staff[Role.FRONT_DESK], "test")
    auth = {"Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/v1/devices",
        json={"device_type": "smartphone", "brand": "Samsung", "model": "Galaxy A52",
              "imei": "356938035643809", "ram_gb": 6, "storage_gb": 128},
        headers=auth,
    )  # fmt: skip
    assert created.status_code == 201, created.json
    body = created.json
    assert body["state"] == "received" and body["url"].endswith(f"/d/{body['asset_tag']}")
    assert body["grade_computed"] in ("a", "premium", "b")
    bad = client.post("/api/v1/devices", json={"device_type": "toaster"}, headers=auth)
    assert bad.status_code == 422 and bad.json["error"]["fields"][0]["field"] == "device_type"
    listed = client.get("/api/v1/devices?limit=1", headers={"Authorization": f"Bearer {reader}"})
    assert [d["id"] for d in listed.json["items"]] == [body["id"]]
    url = f"/api/v1/devices/{body['id']}/transitions"
    illegal = client.post(url, json={"to_state": "on_loan"}, headers=auth)
    assert illegal.status_code == 422 and "ne peut pas passer" in illegal.json["error"]["message"]
    moved = client.post(url, json={"to_state": "triage", "reason": "Tri"}, headers=auth)
    assert moved.status_code == 200 and moved.json["event"]["from_state"] == "received"
    stale = client.post(
        url, json={"to_state": "reconditioning", "expected_state": "received"}, headers=auth
    )
    assert stale.status_code == 409
    read_only = client.post(
        url, json={"to_state": "reconditioning"}, headers={"Authorization": f"Bearer {reader}"}
    )
    assert read_only.status_code == 403
    stranger = accounts.create_api_token(factories.create_user(Role.TECHNICIAN), "x")
    hidden = client.get(
        f"/api/v1/devices/{body['id']}", headers={"Authorization": f"Bearer {stranger}"}
    )
    assert hidden.status_code == 404
    spec = client.get("/api/v1/openapi.json").json
    assert {"/api/v1/devices", "/api/v1/devices/{device_id}/transitions"} <= set(spec["paths"])


PHONE = {"device_type": "smartphone", "brand": "Samsung", "model": "Galaxy A40",
         "condition": "untested", "storage_type": "", "batch_id": ""}  # fmt: skip


def _field_error(html: str, field: str) -> str:
    """The message shown under a field (the form's own error paragraph)."""
    import re

    found = re.search(rf'id="{field}-erreur"[^>]*>(.*?)</', html, re.S)
    return " ".join(found.group(1).split()) if found else ""


def test_intake_checks_the_imei_and_refuses_duplicates(client, login, staff) -> None:  # type: ignore[no-untyped-def]
    from app.inventory.models import DeviceEvent

    tech, manager = staff[Role.TECHNICIAN], staff[Role.MANAGER]
    login(tech)
    bad = client.post("/inventaire/reception", data=dict(PHONE, imei="356938035643808"))
    assert bad.status_code == 200
    assert "contrôle de Luhn" in _field_error(bad.get_data(as_text=True), "imei")
    short = client.post("/inventaire/reception", data=dict(PHONE, imei="35693803564380"))
    assert "15 chiffres attendus" in _field_error(short.get_data(as_text=True), "imei")
    ok = client.post("/inventaire/reception", data=dict(PHONE, imei="35 693803 564380 9"))
    assert ok.status_code == 302
    first = db.session.scalar(select(Device))
    assert first.imei == "356938035643809"
    # The same IMEI again (typed with dashes), then the same serial: refused on the field,
    # a technician's reason is not enough (the form does not even offer it).
    again = dict(PHONE, imei="356938-03-564380-9", serial="R58B1", duplicate_reason="voulu")
    html = client.post("/inventaire/reception", data=again).get_data(as_text=True)
    assert "Cet IMEI est déjà en stock (appareil " + first.asset_tag in _field_error(html, "imei")
    assert 'name="duplicate_reason"' not in html
    laptop = dict(PHONE, device_type="laptop", serial="PF0DUP1")
    assert client.post("/inventaire/reception", data=laptop).status_code == 302
    html = client.post("/inventaire/reception", data=laptop).get_data(as_text=True)
    assert "Ce numéro de série est déjà en stock" in _field_error(html, "serial")
    assert db.session.scalar(select(func.count()).select_from(Device)) == 2
    # A manager may accept it, with a reason kept in the history.
    login(manager)
    html = client.post("/inventaire/reception", data=dict(again, duplicate_reason="")).get_data(
        as_text=True
    )
    assert 'name="duplicate_reason"' in html and "déjà en stock" in _field_error(html, "imei")
    accepted = client.post(
        "/inventaire/reception", data=dict(again, duplicate_reason="Carte mère remplacée")
    )
    assert accepted.status_code == 302
    second = db.session.scalars(select(Device).order_by(Device.id.desc())).first()
    assert second.imei == first.imei and second.id != first.id
    event = db.session.scalar(select(DeviceEvent).where(DeviceEvent.device_id == second.id))
    assert event.context["override_reason"] == "Carte mère remplacée"


def test_the_edit_form_checks_the_imei_and_keeps_the_imported_fields(client, login, staff) -> None:  # type: ignore[no-untyped-def]
    tech = staff[Role.TECHNICIAN]
    org = tech.organisation_id
    one = device(org, "PF0ONE")
    other = device_records.create_device(
        org,
        device_records.DeviceInput(
            DeviceType.LAPTOP, serial="PF0TWO", imei="356938035643809", external_ref="ASSET-0042",
            supplier="Dell Direct", purchase_cost=1190.5, notes="Batterie à 80 %",
        ),
    )  # fmt: skip
    login(tech)
    url = f"/inventaire/appareils/{other.id}/modifier"
    html = client.get(url).get_data(as_text=True)
    for text in ('value="ASSET-0042"', 'value="Dell Direct"', 'value="1190,50"', "Batterie à 80 %"):
        assert text in html, text
    form = {"device_type": "laptop", "serial": "PF0TWO", "condition": "untested", "storage_type": "",
            "external_ref": "ASSET-0043", "purchase_date": "2019-04-03",
            "purchase_cost": "1 200,00", "supplier": "Dell", "notes": "Revu"}  # fmt: skip
    taken = client.post(url, data=dict(form, serial="pf0one")).get_data(as_text=True)
    assert "Ce numéro de série est déjà en stock (appareil " + one.asset_tag in _field_error(
        taken, "serial"
    )
    luhn = client.post(url, data=dict(form, imei="356938035643808")).get_data(as_text=True)
    assert "contrôle de Luhn" in _field_error(luhn, "imei")
    assert client.post(url, data=dict(form, imei="356938035643809")).status_code == 302
    db.session.expire_all()
    assert other.external_ref == "ASSET-0043" and other.supplier == "Dell"
    assert other.purchase_cost == 1200.0 and other.notes == "Revu"
    assert other.purchase_date.isoformat() == "2019-04-03" and other.imei == "356938035643809"
    assert device_records.find_by_tag("ASSET-0043", org).id == other.id


def test_api_checks_the_imei_and_returns_the_imported_fields(client, staff) -> None:  # type: ignore[no-untyped-def]
    auth = {"Authorization": f"Bearer {accounts.create_api_token(staff[Role.MANAGER], 't')}"}
    phone = {"device_type": "smartphone", "imei": "356938035643808"}
    bad = client.post("/api/v1/devices", json=phone, headers=auth)
    assert bad.status_code == 422 and bad.json["error"]["fields"][0]["field"] == "imei"
    assert "Luhn" in bad.json["error"]["fields"][0]["message"]
    made = client.post("/api/v1/devices", json=dict(phone, imei="356938035643809"), headers=auth)
    assert made.status_code == 201
    twice = client.post(
        "/api/v1/devices", json=dict(phone, imei="356938035643809", serial="X"), headers=auth
    )
    assert twice.status_code == 422 and twice.json["error"]["fields"] == [
        {
            "field": "imei",
            "message": f"Cet IMEI est déjà en stock (appareil {made.json['asset_tag']}).",
        }
    ]
    serial = client.post(
        "/api/v1/devices", json={"device_type": "laptop", "serial": "S1"}, headers=auth
    )
    assert serial.status_code == 201
    again = client.post(
        "/api/v1/devices", json={"device_type": "laptop", "serial": "s1"}, headers=auth
    )
    assert again.status_code == 422 and again.json["error"]["fields"][0]["field"] == "serial"
    imported = device_records.create_device(
        staff[Role.MANAGER].organisation_id,
        device_records.DeviceInput(
            DeviceType.LAPTOP, external_ref="ASSET-0017", supplier="Dell Direct",
            purchase_cost=1190.0, notes="Batterie à 80 %",
            purchase_date=datetime.date(2019, 4, 3),
        ),
    )  # fmt: skip
    body = client.get(f"/api/v1/devices/{imported.id}", headers=auth).json
    assert body["external_ref"] == "ASSET-0017" and body["supplier"] == "Dell Direct"
    assert body["purchase_date"] == "2019-04-03" and body["purchase_cost"] == 1190.0
    assert body["notes"] == "Batterie à 80 %"
