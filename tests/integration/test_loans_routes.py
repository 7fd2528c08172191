"""The counter through its pages and API, the printed PDFs, and the family's page."""

from __future__ import annotations

import base64
import io
import re

import pypdfium2
import zxingcpp
from pypdf import PdfReader

from app.accounts import services as accounts
from app.extensions import db
from app.inventory.lifecycle import State
from app.inventory.models import Device
from app.loans.models import Loan, LoanStatus, Sale
from tests.conftest import login_client
from tests.integration.test_loans_factories import (
    PRE,
    RSA,
    make_counter,
    ready_device,
    validated_prescription,
)
from tests.integration.test_loans_services import signature_png


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_qr(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    found = [
        r.text for page in document for r in zxingcpp.read_barcodes(page.render(scale=2).to_pil())
    ]
    document.close()
    assert len(found) == 1, found
    return found[0]


def test_sale_at_the_counter_receipt_and_family_page(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    p = validated_prescription(counter, RSA, name="Fatima Benali")
    other = validated_prescription(counter, RSA, name="Autre Foyer")
    device = ready_device(counter.association, serial="PF1XYZ99")
    desk = login_client(app.test_client(), counter.front_desk)

    page = desk.get("/comptoir").get_data(as_text=True)
    assert "Fatima Benali" in page and "Vente à 15,00" in page
    scanned = desk.post(
        f"/comptoir/prescriptions/{p.id}", data={"scanned": f"https://x.org/d/{device.asset_tag}"}
    )
    assert scanned.status_code == 302 and device.asset_tag in scanned.headers["Location"]
    form = desk.get(scanned.headers["Location"]).get_data(as_text=True)
    assert "15,00" in form and "Espèces" in form
    done = desk.post(
        f"/comptoir/prescriptions/{p.id}/remise",
        data={"scanned": device.asset_tag, "payment_method": "cash", "accessories": ["charger"]},
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    db.session.expire_all()
    sale = db.session.scalars(db.select(Sale)).one()
    assert done.headers["Location"].endswith(f"/ventes/{sale.id}")
    receipt = desk.get(f"/ventes/{sale.id}/recu.pdf")
    assert receipt.headers["Content-Type"] == "application/pdf"
    text = pdf_text(receipt.data)
    assert sale.receipt_number in text and "15,00" in text and "PF1XYZ99" in text
    url = pdf_qr(receipt.data)
    path = re.sub(r"^https?://[^/]+", "", url)
    assert path.startswith("/f/")

    # The family's page: no account, their device, nothing of anyone else.
    family = app.test_client().get(path)
    body = family.get_data(as_text=True)
    assert family.status_code == 200
    assert device.asset_tag in body and "Cet appareil est à vous" in body
    assert "Autre Foyer" not in body and "Fatima" not in body
    assert family.headers["X-Robots-Tag"] == "noindex"
    assert other.household_id != p.household_id


def test_loan_with_screen_signature_then_return_by_scan(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    p = validated_prescription(counter, PRE, name="Famille Diallo")
    device = ready_device(counter.association)
    desk = login_client(app.test_client(), counter.front_desk)
    data_url = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    empty = desk.post(
        f"/comptoir/prescriptions/{p.id}/remise",
        data={"scanned": device.asset_tag, "signature_kind": "screen", "signer_name": "A. Diallo"},
    )
    assert empty.status_code == 200 and "Faites signer" in empty.get_data(as_text=True)
    done = desk.post(
        f"/comptoir/prescriptions/{p.id}/remise",
        data={
            "scanned": device.asset_tag,
            "signature_kind": "screen",
            "signature_data": data_url,
            "signer_name": "A. Diallo",
            "accessories": ["charger", "bag"],
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    loan = db.session.scalars(db.select(Loan)).one()
    sheet = pdf_text(desk.get(f"/prets/{loan.id}/convention.pdf").data)
    assert "Signé sur écran" in sheet and loan.number in sheet and "Sacoche" in sheet

    back = desk.post("/comptoir/retour", data={"retour-scanned": device.asset_tag})
    assert back.headers["Location"].endswith(f"/prets/{loan.id}/retour")
    returned = desk.post(
        f"/prets/{loan.id}/retour",
        data={"checklist": ["powers_on", "screen_ok"], "damage_notes": "", "retained": "0"},
    )
    assert returned.status_code == 302
    db.session.expire_all()
    assert db.session.get(Loan, loan.id).status is LoanStatus.RETURNED
    assert db.session.get(Device, device.id).state is State.TRIAGE


def test_other_association_sees_nothing(app) -> None:  # type: ignore[no-untyped-def]
    counter, other = make_counter("a"), make_counter("b")
    p = validated_prescription(counter, RSA)
    desk_b = login_client(app.test_client(), other.front_desk)
    assert desk_b.get(f"/comptoir/prescriptions/{p.id}").status_code == 404
    device = ready_device(counter.association)
    refused = desk_b.post(
        f"/comptoir/prescriptions/{p.id}/remise",
        data={"scanned": device.asset_tag, "payment_method": "cash"},
    )
    assert refused.status_code == 404
    assert "Fatima" not in desk_b.get("/comptoir").get_data(as_text=True)


def test_family_link_revoked_unknown_and_rate_limited(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    p = validated_prescription(counter, RSA)
    desk = login_client(app.test_client(), counter.front_desk)
    desk.post(
        f"/comptoir/prescriptions/{p.id}/remise",
        data={"scanned": ready_device(counter.association).asset_tag, "payment_method": "card"},
    )
    db.session.expire_all()
    sale = db.session.scalars(db.select(Sale)).one()
    path = re.sub(r"^https?://[^/]+", "", pdf_qr(desk.get(f"/ventes/{sale.id}/recu.pdf").data))
    visitor = app.test_client()
    assert visitor.get(path).status_code == 200
    assert visitor.get("/f/not-a-real-token").status_code == 404
    desk.post(f"/foyers/{sale.household_id}/lien-famille/revoquer")
    cut = visitor.get(path)  # a cut link is ended, not unknown: it says whom to call
    assert cut.status_code == 410 and "plus valable" in cut.get_data(as_text=True)
    new_path = re.sub(r"^https?://[^/]+", "", pdf_qr(desk.get(f"/ventes/{sale.id}/recu.pdf").data))
    assert new_path != path and visitor.get(new_path).status_code == 200
    # Too many unknown links from one address: even a good link waits.
    old = app.config.get("FAMILY_PAGE_FAILURES")
    app.config["FAMILY_PAGE_FAILURES"] = 2  # the unknown and the revoked link
    try:
        limited = visitor.get(new_path)
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "900"
    finally:
        app.config.pop("FAMILY_PAGE_FAILURES") if old is None else app.config.update(
            FAMILY_PAGE_FAILURES=old
        )


def test_api_handover_conflict_and_lists(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    p1 = validated_prescription(counter, RSA, name="Foyer Un")
    p2 = validated_prescription(counter, RSA, name="Foyer Deux")
    device = ready_device(counter.association)
    token = accounts.create_api_token(counter.front_desk, "test")
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    first = api.post(
        "/api/v1/handovers",
        json={"prescription_id": p1.id, "asset_tag": device.asset_tag, "payment_method": "voucher"},
        headers=headers,
    )
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["sale"]["price_cents"] == 1500
    second = api.post(
        "/api/v1/handovers",
        json={"prescription_id": p2.id, "asset_tag": device.asset_tag, "payment_method": "cash"},
        headers=headers,
    )
    assert second.status_code == 409
    assert "n'est plus disponible" in second.get_json()["error"]["message"]
    sales = api.get("/api/v1/sales", headers=headers).get_json()
    assert [s["device"]["asset_tag"] for s in sales] == [device.asset_tag]
    assert api.get("/api/v1/loans", headers=headers).get_json() == []
    spec = api.get("/api/v1/openapi.json").get_json()
    assert (
        "/api/v1/handovers" in spec["paths"] and "/api/v1/loans/{loan_id}/return" in spec["paths"]
    )


def test_training_booked_on_the_loan_sheet_and_the_family_page(app) -> None:  # type: ignore[no-untyped-def]
    from datetime import time, timedelta

    from app.authz.policy import OrgKind
    from app.core.clock import today
    from app.training import bookings, sessions
    from app.training.diagnostic import Theme
    from tests import factories

    counter = make_counter()
    p = validated_prescription(counter, PRE, name="Famille Atelier")
    place = factories.create_org(OrgKind.TRAINING_PLACE, slug="mjc-test", name="MJC Test")
    session = sessions.create_sessions(
        place,
        sessions.SessionData(
            title="Découvrir son ordinateur",
            themes=[Theme.DISCOVER.value],
            address="2 rue Gargan",
            postcode="57050",
            commune="Metz",
        ),
        today() + timedelta(days=10),
        time(9, 0),
    )[0]
    bookings.book(session.id, p.household, counter.front_desk, notify=False)
    desk = login_client(app.test_client(), counter.front_desk)
    desk.post(
        f"/comptoir/prescriptions/{p.id}/remise",
        data={
            "scanned": ready_device(counter.association).asset_tag,
            "signature_kind": "paper",
            "signer_name": "Famille Atelier",
        },
    )
    db.session.expire_all()
    loan = db.session.scalars(db.select(Loan)).one()
    pdf = desk.get(f"/prets/{loan.id}/convention.pdf").data
    assert "Découvrir son ordinateur" in pdf_text(pdf) and "MJC Test" in pdf_text(pdf)
    path = re.sub(r"^https?://[^/]+", "", pdf_qr(pdf))
    page = app.test_client().get(path).get_data(as_text=True)
    assert "Découvrir son ordinateur" in page and "MJC Test" in page
