"""The counter in Chromium: an RSA sale at 15 EUR with its receipt and the family's page on a
phone, and a loan signed on screen, then its return."""

from __future__ import annotations

import io
import re

import pypdfium2
import zxingcpp
from playwright.sync_api import expect
from pypdf import PdfReader

from app.extensions import db
from app.loans.models import Loan, LoanStatus, Sale
from tests.e2e.a11y import axe_violations
from tests.e2e.conftest import PHONE, browser_login
from tests.factories import PASSWORD
from tests.integration.test_loans_factories import (
    PRE,
    RSA,
    make_counter,
    ready_device,
    validated_prescription,
)

SCAN_LABEL = "Étiquette de l'appareil (scannez le QR code ou tapez le numéro)"


def scan_like_a_usb_reader(page, live_server: str, tag: str) -> None:  # type: ignore[no-untyped-def]
    """A USB scanner types the label's URL into the focused field, then Enter."""
    field = page.get_by_label(SCAN_LABEL)
    expect(field).to_be_focused()
    page.keyboard.type(f"{live_server}/d/{tag}")
    page.keyboard.press("Enter")


def test_rsa_sale_receipt_and_family_page_on_a_phone(page, phone_page, live_server) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    validated_prescription(counter, RSA, name="Fatima Benali")
    laptop = ready_device(counter.association, serial="PF-RSA-0042", model="ThinkPad T470")
    db.session.commit()

    browser_login(page, counter.front_desk.email, PASSWORD)
    page.get_by_role("link", name="Comptoir").first.click()
    assert axe_violations(page) == []
    row = page.get_by_role("row").filter(has_text="Fatima Benali")
    expect(row).to_contain_text("Vente à 15,00")
    row.get_by_role("link", name="Remettre un appareil").click()
    scan_like_a_usb_reader(page, live_server, laptop.asset_tag)

    expect(page.get_by_role("heading", level=1)).to_have_text("Vente à Fatima Benali")
    expect(page.get_by_text("15,00 €").first).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Espèces").check()
    page.get_by_role("button", name="Valider la remise").click()
    expect(page.get_by_role("status")).to_contain_text("Vente enregistrée")

    db.session.expire_all()
    sale = db.session.scalars(db.select(Sale)).one()
    href = page.get_by_role("link", name="Imprimer le reçu (PDF)").get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    text = "\n".join(pg.extract_text() for pg in PdfReader(io.BytesIO(pdf)).pages)
    assert sale.receipt_number in text
    assert "15,00" in text
    assert "PF-RSA-0042" in text

    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=150 / 72).to_pil()
    document.close()
    codes = [r.text for r in zxingcpp.read_barcodes(image)]
    assert len(codes) == 1 and re.match(rf"{re.escape(live_server)}/f/[\w-]+$", codes[0]), codes

    # The family scans the receipt's QR code with their phone: no account, plain French.
    phone_page.goto(codes[0])
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Mon appareil")
    expect(phone_page.get_by_text("Cet appareil est à vous.").first).to_be_visible()
    expect(phone_page.get_by_text(laptop.asset_tag).first).to_be_visible()
    expect(phone_page.get_by_role("heading", name="S'il ne marche plus")).to_be_visible()
    expect(
        phone_page.get_by_role("heading", name="Si vous le perdez ou si on vous le vole")
    ).to_be_visible()
    expect(phone_page.get_by_role("link", name=re.compile("Appeler"))).to_be_visible()
    assert phone_page.viewport_size == PHONE
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page wider than the phone: {width}px"
    assert phone_page.locator("svg.pictogram").count() >= 4
    assert "Fatima" not in phone_page.content()
    assert axe_violations(phone_page) == []


def test_loan_signed_on_screen_then_returned(page, live_server) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    p = validated_prescription(counter, PRE, name="Famille Diallo")
    laptop = ready_device(counter.association, serial="PF-PRE-0007")
    db.session.commit()

    browser_login(page, counter.front_desk.email, PASSWORD)
    page.goto(f"/comptoir/prescriptions/{p.id}")
    scan_like_a_usb_reader(page, live_server, laptop.asset_tag)
    expect(page.get_by_role("heading", level=1)).to_have_text("Prêt à Famille Diallo")
    page.get_by_label("Sacoche").check()
    page.get_by_label("Signature sur l'écran, ici").check()

    canvas = page.get_by_test_id("signature-pad")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(x + w * (0.1 + 0.04 * i), y + h * (0.7 - 0.4 * (i % 2)), steps=3)
    page.mouse.up()
    expect(page.get_by_text("Signature enregistrée.")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Valider la remise").click()
    expect(page.get_by_role("status")).to_contain_text("Prêt enregistré")

    db.session.expire_all()
    loan = db.session.scalars(db.select(Loan)).one()
    assert loan.signature_png and loan.signature_png.startswith(b"\x89PNG")
    sheet = page.request.get(f"/prets/{loan.id}/convention.pdf").body()
    reader = PdfReader(io.BytesIO(sheet))
    text = "\n".join(pg.extract_text() for pg in reader.pages)
    assert "Signé sur écran" in text and "PF-PRE-0007" in text and "Sacoche" in text
    assert sum(len(pg.images) for pg in reader.pages) >= 1  # the drawn signature

    # Back at the counter, months later: the family brings it back.
    page.get_by_role("link", name="Comptoir").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comptoir")
    scan_like_a_usb_reader(page, live_server, laptop.asset_tag)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Retour du prêt {loan.number}")
    assert axe_violations(page) == []
    page.get_by_label("L'appareil s'allume").check()
    page.get_by_label("Le chargeur est rendu").check()
    page.get_by_label("Dégâts constatés").fill("Une rayure sur le capot.")
    page.get_by_role("button", name="Enregistrer le retour").click()
    expect(page.get_by_role("status")).to_contain_text("Retour enregistré")
    db.session.expire_all()
    returned = db.session.get(Loan, loan.id)
    assert returned.status is LoanStatus.RETURNED
    assert returned.damage_notes == "Une rayure sur le capot."
