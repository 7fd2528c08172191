"""Moving in from Snipe-IT in Chromium (issue 16): a manager uploads a Snipe-IT export,
changes one proposed mapping, maps an unknown category, imports; at the counter, the old
Snipe-IT label of one device, scanned, opens it for the household."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from app.core.clock import utcnow
from app.extensions import db
from app.inventory.grading import Grade
from app.inventory.lifecycle import State
from app.inventory.models import (
    Device,
    DeviceChecklist,
    ErasureLevel,
    ErasureMethod,
    ErasureRecord,
    ErasureResult,
)
from tests.e2e.a11y import axe_violations
from tests.e2e.conftest import browser_login
from tests.factories import PASSWORD
from tests.integration.test_loans_factories import RSA, make_counter, validated_prescription

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "inventory" / "snipeit_export.csv"
SCAN_LABEL = "Étiquette de l'appareil (scannez le QR code ou tapez le numéro)"
KIOSK = (
    "22,Fondation Lorraine,KI-22,ASSET-0022,OptiPlex 3080,D13S,Kiosks,Dell,8KEXP22,2021-05-02,"
    "540.00,2025-05-02,,Dell Direct,,Hall,Hall,Pending,36,2024-05-02,Borne d'accueil,"
    "2021-05-03 09:00:00,2024-02-01 16:20:05\n"
)


def _make_ready(external_ref: str) -> Device:
    """What the workshop does next in Ordilien (erasure, tests, grade), done here directly."""
    device = db.session.scalar(select(Device).where(Device.external_ref == external_ref))
    now = utcnow()
    db.session.add(
        ErasureRecord(
            device_id=device.id, organisation_id=device.organisation_id,
            level=ErasureLevel.PURGE, method=ErasureMethod.OVERWRITE, tool="nwipe",
            started_at=now, ended_at=now, result=ErasureResult.ERASED,
            technician_name="Lucie Marchal", signature="Lucie Marchal",
        )
    )  # fmt: skip
    db.session.add(
        DeviceChecklist(
            device_id=device.id, organisation_id=device.organisation_id,
            results=[{"label": "Écran", "result": "ok", "note": ""}], completed=True,
        )
    )  # fmt: skip
    device.state, device.grade = State.READY, Grade.B
    db.session.commit()
    return device


def test_snipeit_export_mapped_imported_and_old_label_scanned(page) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter("emmenagement")
    validated_prescription(counter, RSA, name="Nadia Haddad")
    db.session.commit()
    browser_login(page, counter.manager.email, PASSWORD)

    page.goto("/inventaire/import")
    export = FIXTURE.read_bytes() + KIOSK.encode()
    page.get_by_label("Fichier CSV ou Excel (.xlsx)").set_input_files(
        files=[{"name": "assets-export.csv", "mimeType": "text/csv", "buffer": export}]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()

    # Proposed: Snipe-IT recognised, ignored columns named with their reason.
    expect(page.get_by_text("Fichier lu comme un export de Snipe-IT")).to_be_visible()
    checked_out = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Checked Out To")
    )
    expect(checked_out).to_contain_text("Ignorée : Nom d'une personne")
    expect(page.get_by_role("alert")).to_contain_text("Type « Kiosks » inconnu (ligne 7)")
    assert axe_violations(page) == []

    # One proposed mapping changed, the unknown category mapped, then checked again.
    page.get_by_role("combobox", name="Notes", exact=True).select_option("condition_notes")
    page.get_by_role("combobox", name="Kiosks", exact=True).select_option("desktop")
    page.get_by_role("button", name="Vérifier avec ces choix").click()
    expect(
        page.get_by_role("heading", name="Aperçu : 6 appareils prêts à importer")
    ).to_be_visible()
    page.get_by_role("button", name="Tout importer (6 appareils)").click()
    expect(page.get_by_text("6 appareils importés dans le lot")).to_be_visible()

    kiosk = db.session.scalar(select(Device).where(Device.external_ref == "ASSET-0022"))
    assert kiosk.device_type.value == "desktop" and kiosk.condition_notes == "Borne d'accueil"
    laptop = _make_ready("ASSET-0017")

    # At the counter, the household's laptop: the old Snipe-IT label is scanned.
    page.get_by_role("link", name="Comptoir").first.click()
    row = page.get_by_role("row").filter(has_text="Nadia Haddad")
    row.get_by_role("link", name="Remettre un appareil").click()
    field = page.get_by_label(SCAN_LABEL)
    expect(field).to_be_focused()
    page.keyboard.type("ASSET-0017")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/remise?appareil={laptop.asset_tag}")
    expect(page.get_by_text(laptop.asset_tag).first).to_be_visible()
