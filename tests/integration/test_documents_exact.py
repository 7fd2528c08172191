"""The counter's documents print what is true: names in every script, a phone's IMEI, the
grade once, the accessories lent, loan numbers without gaps, what an accountant asks."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from app.core.clock import today
from app.directory.models import Place
from app.extensions import db
from app.family.links import ensure_family_token
from app.inventory.lifecycle import DeviceType
from app.loans import printing
from app.loans.models import Loan
from app.loans.returns import cede_loan
from app.loans.terms import format_eur
from tests.integration.test_loans_factories import (
    PRE,
    RSA,
    make_counter,
    ready_device,
    validated_prescription,
)
from tests.integration.test_loans_services import lend, sell

NAMES = ["Ayşe Kaya", "Łukasz Wróbel", "Nguyễn Thị Ánh", "Ольга Иванова", "Νίκος Παππάς"]


def lines(pdf: bytes) -> list[str]:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return [line.strip() for line in text.splitlines()]


def cells(pdf: bytes) -> list[tuple[str, str]]:
    """Each extracted line with the next: a table's label and its value."""
    text = lines(pdf)
    return list(zip(text, text[1:], strict=False))


def fonts_of(pdf: bytes) -> set[str]:
    out = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            out.add(str(font.get_object()["/BaseFont"]))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_loan_sheet_receipt_and_cession_print_the_name_exactly(name: str) -> None:
    counter = make_counter()
    loan = lend(
        counter, validated_prescription(counter, PRE, name=name), ready_device(counter.association)
    )
    loan.cession_after_months = 6
    db.session.commit()
    sheet = printing.loan_sheet(loan, counter.front_desk)
    cession = cede_loan(counter.manager, loan, on=today() + timedelta(days=200))
    certificate = printing.cession_certificate(cession, counter.manager)
    sale = sell(
        counter, validated_prescription(counter, RSA, name=name), ready_device(counter.association)
    )
    receipt = printing.receipt(sale, counter.front_desk)
    for pdf in (sheet, certificate, receipt):
        assert name in lines(pdf)  # a line of the extracted text is the name, as typed
        assert not any("Helvetica" in f for f in fonts_of(pdf)), fonts_of(pdf)
    # The certificate lists what was lent with the device (lend() lends charger and bag).
    assert ("Accessoires", "Chargeur, Sacoche") in cells(certificate)


def test_a_phone_agreement_shows_its_imei_and_the_grade_once() -> None:
    counter = make_counter()
    device = ready_device(counter.association)
    loan = lend(
        counter,
        validated_prescription(counter, PRE, name="Famille Diallo"),
        device,
        condition_note="Légère rayure",
    )
    # No published programme lends phones yet: the same loan, of a phone.
    device.device_type = DeviceType.SMARTPHONE
    device.brand, device.model, device.serial = "Samsung", "Galaxy A52", ""
    device.imei = "356938035643809"
    db.session.commit()
    sheet = printing.loan_sheet(loan, counter.front_desk)
    assert ("IMEI", "356938035643809") in cells(sheet)
    assert "Numéro de série" not in lines(sheet)  # was "Numéro de série -"
    assert [value for label, value in cells(sheet) if label == "État"] == ["Note B · Légère rayure"]


def test_loan_numbers_follow_each_other_per_association_and_year() -> None:
    a, b = make_counter("a"), make_counter("b")
    first = lend(a, validated_prescription(a, PRE, name="Foyer A1"), ready_device(a.association))
    # Another association's loan between the two takes no number from this one.
    lend(b, validated_prescription(b, PRE, name="Foyer B1"), ready_device(b.association))
    second = lend(a, validated_prescription(a, PRE, name="Foyer A2"), ready_device(a.association))
    db.session.expire_all()
    year = today().year
    assert db.session.get(Loan, first.id).number == f"P-{year}-00001"
    assert db.session.get(Loan, second.id).number == f"P-{year}-00002"
    assert f"N° P-{year}-00002" in lines(
        printing.loan_sheet(db.session.get(Loan, second.id), a.front_desk)
    )


def test_receipt_has_siret_rna_vat_statement_ttc_and_the_commitment() -> None:
    counter = make_counter()
    counter.association.siret = "12345678900012"
    db.session.add(
        Place(
            name=counter.association.name, organisation_id=counter.association.id, rna="W572000123"
        )
    )
    db.session.commit()
    sale = sell(counter, validated_prescription(counter, RSA), ready_device(counter.association))
    receipt = printing.receipt(sale, counter.front_desk)
    text = lines(receipt)
    assert "SIRET : 12345678900012" in text
    assert "RNA : W572000123" in text
    assert "TVA non applicable, article 261-7-1°-b du CGI" in text
    # (DejaVu's no-break space comes out of the PDF as a space.)
    assert ("Prix payé TTC", format_eur(1500).replace("\u00a0", " ")) in cells(receipt)
    assert "• passer le test Pix" in text


def test_family_page_recalls_the_commitment(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    p = validated_prescription(counter, RSA)
    sell(counter, p, ready_device(counter.association))
    raw = ensure_family_token(p.household, counter.association.id, counter.front_desk)
    body = app.test_client().get(f"/f/{raw}").get_data(as_text=True)
    assert "Votre engagement pour ce programme :" in body and "passer le test Pix" in body


def test_a_name_in_arabic_script_is_refused_at_the_form(app) -> None:  # type: ignore[no-untyped-def]
    from werkzeug.datastructures import MultiDict

    from app.documents.pdf import PrintableName
    from app.households.forms import HouseholdForm

    with app.test_request_context():
        form = HouseholdForm(
            formdata=MultiDict({"reference_name": "فاطمة بن علي"}), meta={"csrf": False}
        )
        form.validate()
        assert PrintableName.message in form.reference_name.errors
        form = HouseholdForm(
            formdata=MultiDict({"reference_name": "Ayşe Kaya"}), meta={"csrf": False}
        )
        form.validate()
        assert not form.reference_name.errors
