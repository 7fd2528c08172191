"""A technician records a donated batch of three laptops at the counter, prints their
labels, scans each QR code back to its device, takes one to "ready", and meets the
French message of an illegal move. Real Chromium, real PDF, real QR decoding."""

from __future__ import annotations

import pypdfium2 as pdfium
import zxingcpp
from playwright.sync_api import expect

from app.authz.policy import Role
from tests import factories
from tests.e2e.a11y import axe_violations
from tests.e2e.conftest import browser_login


def decode_labels(pdf: bytes) -> list[str]:
    urls: list[str] = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            image = page.render(scale=300 / 72).to_pil()
            urls += [barcode.text for barcode in zxingcpp.read_barcodes(image)]
            page.close()
    finally:
        document.close()
    return urls


def test_batch_intake_labels_scan_and_ready(page, live_server) -> None:  # type: ignore[no-untyped-def]
    org = factories.create_org(slug="atelier-e2e", name="Atelier E2E")
    tech = factories.create_user(
        Role.TECHNICIAN, org, email="tech@e2e.local", full_name="Lucie Marchal"
    )
    browser_login(page, tech.email, factories.PASSWORD)

    # A new donation batch, then the counter form.
    page.get_by_role("link", name="Réception").first.click()
    page.get_by_role("link", name="Nouveau lot de don").click()
    page.get_by_label("Ou nouveau donateur : nom").fill("Lorraine Logistique")
    page.get_by_role("button", name="Créer le lot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réception d'appareils")

    # First laptop: everything typed, Enter to save.
    expect(page.get_by_label("Type", exact=True)).to_be_focused()
    page.get_by_label("Marque", exact=True).fill("Lenovo")
    page.get_by_label("Modèle", exact=True).fill("ThinkPad T470")
    page.get_by_label("Numéro de série").fill("PF0E2E01")
    page.get_by_label("Indice processeur (PassMark)").fill("3700")
    page.get_by_label("Mémoire vive (Go)").fill("8")
    page.get_by_label("Type de stockage").select_option("ssd")
    page.get_by_label("Stockage (Go)").fill("256")
    page.get_by_label("Emplacement").fill("Étagère A")
    page.get_by_label("Emplacement").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("enregistré (Lenovo ThinkPad T470)")

    # Same as previous: only the serial number to type, the cursor is already there.
    for serial in ("PF0E2E02", "PF0E2E03"):
        expect(page.get_by_text("Identique au précédent : Lenovo ThinkPad T470")).to_be_visible()
        expect(page.get_by_label("Numéro de série")).to_be_focused()
        page.keyboard.type(serial)
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_contain_text("enregistré")
    rows = page.get_by_role("table", name="Derniers appareils enregistrés dans ce lot")
    expect(rows.get_by_role("row")).to_have_count(4)  # header + 3 laptops

    # Labels of the batch, on an Avery L7160 sheet.
    page.get_by_role("link", name="Imprimer les étiquettes du lot").click()
    page.get_by_label("Planche d'étiquettes").select_option("L7160")
    # The PDF opens in the browser's viewer, ready to print; fetch the same URL with the
    # browser's own session to read its bytes.
    page.get_by_role("button", name="Imprimer les étiquettes (PDF)").click()
    page.wait_for_url("**/inventaire/etiquettes?*sheet=L7160*")
    answer = page.context.request.get(page.url)
    assert answer.headers["content-type"] == "application/pdf"
    pdf = answer.body()
    urls = decode_labels(pdf)
    assert len(urls) == 3
    assert all(url.startswith(f"{live_server}/d/") for url in urls)

    # Each QR code opens its own device page.
    tags = []
    for url in urls:
        tag = url.rsplit("/", 1)[1]
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_contain_text(tag)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Lenovo ThinkPad T470")
        tags.append(tag)
    assert len(set(tags)) == 3

    # One of them, all the way to "ready".
    page.goto(urls[0])
    page.get_by_role("button", name="Passer à « En tri »").click()
    expect(page.locator("#etat-actuel")).to_have_text("En tri")
    page.get_by_role("button", name="Passer à « En reconditionnement »").click()
    expect(page.locator("#etat-actuel")).to_have_text("En reconditionnement")
    # Too early: the guard explains what is missing.
    page.get_by_role("button", name="Passer à « Prêt à distribuer »").click()
    expect(page.get_by_role("alert")).to_contain_text("il manque un effacement des données réussi")
    assert axe_violations(page) == []  # the state page, with its error

    # The refusal's page links each missing step.
    page.get_by_role("link", name="effacement des données à faire").click()
    page.get_by_label("Outil", exact=True).fill("nwipe")
    page.get_by_label("Vérification", exact=True).fill("lecture de vérification complète")
    page.get_by_label("Signature : recopiez le nom du technicien ou de la technicienne").fill(
        "Lucie Marchal"
    )
    page.get_by_role("button", name="Enregistrer l'effacement").click()
    expect(page.get_by_role("status")).to_contain_text("Effacement enregistré")

    page.get_by_role("link", name="Faire les tests").click()
    for radio in page.get_by_role("radio", name="OK", exact=True).all():
        radio.check()
    page.get_by_role("button", name="Enregistrer les tests").click()
    expect(page.get_by_role("status")).to_contain_text("liste complète")

    assert axe_violations(page) == []  # the device page
    page.get_by_role("link", name="Ajuster ou changer la note…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Note (grade)")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Retour à l'appareil").click()
    page.get_by_role("button", name="Valider la note calculée").click()
    expect(page.get_by_role("status")).to_contain_text("Note validée : B")

    page.get_by_role("button", name="Passer à « Prêt à distribuer »").click()
    expect(page.locator("#etat-actuel")).to_have_text("Prêt à distribuer")
    history = page.get_by_role("table", name="Changements d'état, du plus ancien au plus récent")
    expect(history.get_by_role("row")).to_have_count(5)  # header + 4 events

    # An illegal move: the French message, and the state does not change.
    page.get_by_role("link", name="Autre changement d'état…").click()
    page.get_by_label("Nouvel état").select_option(label="Reçu")
    page.get_by_role("button", name="Changer l'état").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Un appareil « Prêt à distribuer » ne peut pas passer à « Reçu »."
    )
    expect(page.locator("#etat-actuel")).to_have_text("Prêt à distribuer")


def test_a_stranger_scanning_a_label_sees_where_to_return_it(page) -> None:  # type: ignore[no-untyped-def]
    from app.inventory import device_records
    from app.inventory.lifecycle import DeviceType

    org = factories.create_org(
        slug="ressourcerie-e2e", name="Ressourcerie E2E", phone="03 22 00 00 02", commune="Amiens"
    )
    device = device_records.create_device(
        org.id,
        device_records.DeviceInput(DeviceType.SMARTPHONE, brand="Samsung", serial="R58SECRET"),
    )
    page.goto(f"/d/{device.asset_tag}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cet appareil appartient à Ressourcerie E2E"
    )
    expect(page.get_by_role("main")).to_contain_text("03 22 00 00 02")
    expect(page.get_by_role("main")).not_to_contain_text("R58SECRET")
