"""Loan sheet, receipt and cession PDFs: the text a person reads and the QR code a phone scans."""

from __future__ import annotations

import io
from datetime import date

import pypdfium2
import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PdfReader

from app.loans import documents as d

LENDER = d.Party(
    "Atelier Numérique Solidaire de Metz", "12 rue des Allemands, 57000 Metz", "03 87 00 00 01"
)
FAMILY = d.Party("Fatima Benali", "3 rue du Lac, 57000 Metz", "06 12 34 56 78")
DEVICE = d.DeviceInfo(
    "Ordinateur portable",
    "Lenovo",
    "ThinkPad T480",
    "PF1ABC23",
    "ORD-00042",
    "B",
    "rayures légères",
)
URL = "http://127.0.0.1:5000/f/AbCdEf0123456789AbCdEf0123456789AbCdEf01234"


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_qr_codes(pdf: bytes, dpi: int = 150) -> list[str]:
    found = []
    document = pypdfium2.PdfDocument(pdf)
    for page in document:
        image = page.render(scale=dpi / 72).to_pil()
        found += [result.text for result in zxingcpp.read_barcodes(image)]
    document.close()
    return found


def signature_png() -> bytes:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(20, 150), (200, 40), (380, 160), (580, 30)], fill=(0, 0, 0, 255), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def loan_data(signature: bytes | None) -> d.LoanSheetData:
    return d.LoanSheetData(
        number="P-2026-0007",
        lender=LENDER,
        borrower=FAMILY,
        device=DEVICE,
        accessories=["Chargeur", "Souris", "Sacoche"],
        start=date(2026, 11, 23),
        due=date(2027, 5, 23),
        deposit_cents=3000,
        programme="Prêt PRE Metz",
        family_url=URL,
        support=["Atelier : 03 87 00 00 01, du mardi au samedi"],
        training=["Mardi 1 décembre 2026, 9 h, MJC 4 Bornes : découvrir l'ordinateur"],
        signature_png=signature,
        signer_name="Fatima Benali",
    )


def test_loan_sheet_has_every_section_and_a_scannable_qr() -> None:
    pdf = d.loan_sheet_pdf(loan_data(signature_png()))
    text = pdf_text(pdf)
    for expected in [
        "Convention de prêt",
        "P-2026-0007",
        "Atelier Numérique Solidaire de Metz",
        "Fatima Benali",
        "Lenovo ThinkPad T480",
        "PF1ABC23",
        "ORD-00042",
        "Chargeur, Souris, Sacoche",
        "23/11/2026",
        "23/05/2027",
        "30,00",
        "usage personnel",
        "ni vendu",
        "panne",
        "vol",
        "MJC 4 Bornes",
        "Signé sur écran",
    ]:
        assert expected in text, expected
    assert pdf_qr_codes(pdf) == [URL]


def test_loan_sheet_signed_on_paper() -> None:
    text = pdf_text(d.loan_sheet_pdf(loan_data(None)))
    assert "Signé sur papier" in text
    assert "Signé sur écran" not in text


def test_receipt_number_price_serial_warranty_and_qr() -> None:
    pdf = d.receipt_pdf(
        d.ReceiptData(
            number="2026-00001",
            sold_on=date(2026, 11, 23),
            seller=LENDER,
            buyer=FAMILY,
            device=DEVICE,
            accessories=["Chargeur"],
            price_cents=1500,
            programme="Ordinateur solidaire RSA",
            payment_method="Espèces",
            warranty_months=12,
            warranty_until=date(2027, 11, 23),
            family_url=URL,
        )
    )
    text = pdf_text(pdf)
    for expected in [
        "Reçu de vente",
        "2026-00001",
        "15,00",
        "PF1ABC23",
        "Espèces",
        "12 mois",
        "23/11/2027",
        "Ordinateur solidaire RSA",
    ]:
        assert expected in text, expected
    assert pdf_qr_codes(pdf) == [URL]


def test_cession_certificate() -> None:
    pdf = d.cession_pdf(
        d.CessionData(
            number="C-2026-0001",
            ceded_on=date(2027, 6, 1),
            association=LENDER,
            beneficiary=FAMILY,
            device=DEVICE,
            loan_number="P-2026-0007",
            loan_start=date(2026, 11, 23),
            programme="Prêt PRE Metz",
            price_cents=0,
            family_url=URL,
        )
    )
    text = pdf_text(pdf)
    assert "Attestation de cession" in text
    assert "P-2026-0007" in text and "gratuit" in text and "PF1ABC23" in text
    assert pdf_qr_codes(pdf) == [URL]
