"""Issue 19: family links that end, erasure that sticks, access that follows need."""

from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import func, select

from app.core.clock import utcnow
from app.extensions import db
from app.family.links import family_token
from app.households.models import Household
from app.loans.models import FamilyAccessToken, Loan
from app.loans.returns import ReturnInput, return_loan
from app.reports.gdpr import erasure
from tests.conftest import login_client
from tests.integration.test_loans_factories import (
    PRE,
    RSA,
    make_counter,
    ready_device,
    validated_prescription,
)
from tests.integration.test_loans_services import lend, sell

ENDED = "ce lien n'est plus valable"


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True)).lower()


def _returned_loan_link(counter):  # type: ignore[no-untyped-def]
    p = validated_prescription(counter, PRE, name="Awa Traoré")
    loan = lend(counter, p, ready_device(counter.association))
    raw = family_token(loan.household)
    assert raw is not None  # the handover made it
    return_loan(
        counter.front_desk,
        loan,
        ReturnInput(checklist={"powers_on": True, "charger_back": True}),
    )
    return loan, "/f/" + raw


def test_family_link_of_a_returned_loan_ends_after_the_grace_period(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    counter.association.phone = "03 87 00 00 00"
    db.session.commit()
    loan, path = _returned_loan_link(counter)
    visitor = app.test_client()
    assert visitor.get(path).status_code == 200  # returned yesterday: still within 90 days

    db.session.expire_all()
    loan = db.session.get(Loan, loan.id)
    loan.returned_at = utcnow() - timedelta(days=app.config["FAMILY_LINK_DAYS"] + 1)
    db.session.commit()
    ended = visitor.get(path)
    assert ended.status_code == 410
    body = _text(ended)
    assert ENDED in body
    assert counter.association.name.lower() in body and "03 87 00 00 00" in body
    assert (
        "awa traoré" not in body and "traoré" not in body
    )  # nothing of the household (a bare "awa" can sit in the random link)
    # Ended for good: it does not come back.
    assert visitor.get(path).status_code == 410


def test_family_link_ends_at_once_when_the_household_is_anonymised(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    loan, path = _returned_loan_link(counter)
    visitor = app.test_client()
    assert visitor.get(path).status_code == 200
    household = db.session.get(Household, loan.household_id)
    erasure.erase_on_request(household)
    ended = visitor.get(path)
    assert ended.status_code == 410 and ENDED in _text(ended)


def test_viewing_the_sale_page_after_an_erasure_creates_nothing(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    p = validated_prescription(counter, RSA, name="Sandrine Martin")
    sale = sell(counter, p, ready_device(counter.association))
    household = db.session.get(Household, sale.household_id)
    erasure.erase_on_request(household)
    before = db.session.scalar(select(func.count()).select_from(FamilyAccessToken))

    manager = login_client(app.test_client(), counter.manager)
    page = manager.get(f"/ventes/{sale.id}")
    assert page.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(FamilyAccessToken)) == before
    live = db.session.scalar(
        select(func.count())
        .select_from(FamilyAccessToken)
        .where(
            FamilyAccessToken.household_id == sale.household_id,
            FamilyAccessToken.revoked_at.is_(None),
        )
    )
    assert live == 0
    assert "/f/" not in page.get_data(as_text=True)
    # Nor does the "give the link" action: an anonymised household has no page.
    manager.post(f"/foyers/{sale.household_id}/lien-famille", data={})
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(FamilyAccessToken)) == before


def test_a_page_view_never_makes_a_link_the_button_does(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    p = validated_prescription(counter, RSA, name="Lina Haddad")
    sale = sell(counter, p, ready_device(counter.association))
    desk = login_client(app.test_client(), counter.front_desk)
    desk.post(f"/foyers/{sale.household_id}/lien-famille/revoquer")
    desk.get(f"/ventes/{sale.id}")
    db.session.expire_all()
    live = (
        select(func.count())
        .select_from(FamilyAccessToken)
        .where(
            FamilyAccessToken.household_id == sale.household_id,
            FamilyAccessToken.revoked_at.is_(None),
        )
    )
    assert db.session.scalar(live) == 0
    desk.post(f"/foyers/{sale.household_id}/lien-famille")
    db.session.expire_all()
    assert db.session.scalar(live) == 1


def test_the_scan_page_is_rate_limited(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    device = ready_device(counter.association)
    visitor = app.test_client()
    old = app.config.get("FAMILY_PAGE_FAILURES")
    app.config["FAMILY_PAGE_FAILURES"] = 3
    try:
        for _ in range(3):
            assert visitor.get("/d/NOPE-0000").status_code == 404
        limited = visitor.get(f"/d/{device.asset_tag}")
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "900"
    finally:
        app.config.update(FAMILY_PAGE_FAILURES=old if old is not None else 10)


def _submitted(counter, name: str):  # type: ignore[no-untyped-def]
    from app.eligibility.vocabulary import Commitment
    from app.eligibility.vocabulary import DeviceType as WantedType
    from app.households import services as households
    from tests.integration.test_loans_factories import household_input

    h = households.create_household(household_input(RSA, name), counter.prescriber)
    return households.create_prescription(
        h,
        households.PrescriptionInput(
            programme_code=RSA,
            association_org_id=counter.association.id,
            device_type=WantedType.LAPTOP,
            commitments=(Commitment.PIX_TEST,),
        ),
        counter.prescriber,
        submit=True,
    )


def test_an_association_loses_access_once_it_refuses_the_prescription(app) -> None:  # type: ignore[no-untyped-def]
    from app.households import services as households

    counter = make_counter()
    p = _submitted(counter, "Karim Refusé")
    hid, pid = p.household_id, p.id
    manager = login_client(app.test_client(), counter.manager)
    assert manager.get(f"/foyers/{hid}").status_code == 200  # submitted: it must decide
    assert "Karim Refusé" in manager.get("/foyers").get_data(as_text=True)
    households.refuse_prescription(p, counter.manager, "Hors de notre secteur.")
    assert manager.get(f"/foyers/{hid}").status_code == 404
    assert manager.get(f"/prescriptions/{pid}").status_code == 404
    assert "Karim Refusé" not in manager.get("/foyers").get_data(as_text=True)
    assert "Karim Refusé" not in manager.get("/prescriptions").get_data(as_text=True)
    # The prescriber keeps its own household.
    prescriber = login_client(app.test_client(), counter.prescriber)
    assert prescriber.get(f"/foyers/{hid}").status_code == 200


def test_an_association_sees_a_served_household_for_the_stated_time_only(app) -> None:  # type: ignore[no-untyped-def]
    counter = make_counter()
    loan, _path = _returned_loan_link(counter)
    manager = login_client(app.test_client(), counter.manager)
    assert manager.get(f"/foyers/{loan.household_id}").status_code == 200  # returned today
    days = app.config["ASSOCIATION_ACCESS_DAYS"] + 1
    db.session.expire_all()
    loan = db.session.get(Loan, loan.id)
    loan.returned_at = utcnow() - timedelta(days=days)
    from app.households.models import Prescription

    served = db.session.get(Prescription, loan.prescription_id)
    served.closed_at = utcnow() - timedelta(days=days)
    db.session.commit()
    assert manager.get(f"/foyers/{loan.household_id}").status_code == 404


def test_a_viewer_of_an_association_sees_its_own_dashboard_only(app) -> None:  # type: ignore[no-untyped-def]
    from app.accounts import services as accounts
    from app.authz.policy import Role

    counter = make_counter()
    other = make_counter("autre-atelier")
    for _ in range(6):
        ready_device(other.association)
    viewer = accounts.create_user(
        "financeur@atelier.local", "un mot de passe long 2026", Role.VIEWER, counter.association
    )
    client = login_client(app.test_client(), viewer)
    page = client.get("/rapports/").get_data(as_text=True)
    assert "Tout le territoire" not in page and 'name="organisation"' not in page
    assert html.unescape(counter.association.name) in html.unescape(page)
    csv = client.get(f"/rapports/export/stock_etat.csv?organisation={other.association.id}")
    assert csv.status_code == 200
    assert "6" not in csv.get_data(as_text=True).splitlines()[1:]  # none of the other's stock
    assert ";6" not in csv.get_data(as_text=True)


def test_a_count_of_three_shows_as_under_five(app) -> None:  # type: ignore[no-untyped-def]
    import io

    import pandas as pd
    from pypdf import PdfReader

    counter = make_counter()
    for _ in range(3):
        ready_device(counter.association)
    manager = login_client(app.test_client(), counter.manager)
    page = html.unescape(manager.get("/rapports/").get_data(as_text=True))
    assert "< 5" in page
    csv = manager.get("/rapports/export/stock_etat.csv").get_data(as_text=True)
    assert "< 5" in csv and ";3" not in csv
    book = pd.read_excel(io.BytesIO(manager.get("/rapports/export.xlsx").data), sheet_name=None)
    assert any((frame == "< 5").any().any() for frame in book.values())
    pdf = manager.get("/rapports/rapport.pdf").data
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "< 5" in text


def test_the_association_exports_and_passes_an_erasure_request_journalled(app) -> None:  # type: ignore[no-untyped-def]
    from app.audit.models import AuditEntry
    from app.notify.models import OutboundMessage

    counter = make_counter()
    p = validated_prescription(counter, RSA, name="Nadia Efface")
    sale = sell(counter, p, ready_device(counter.association))
    hid = sale.household_id
    manager = login_client(app.test_client(), counter.manager)
    page = manager.get(f"/foyers/{hid}").get_data(as_text=True)
    assert f"/rapports/donnees-personnelles/foyers/{hid}/demande-effacement" in page
    exported = manager.get(f"/rapports/donnees-personnelles/foyers/{hid}/export.json")
    assert exported.status_code == 200 and "Nadia Efface" in exported.get_data(as_text=True)
    assert manager.post(f"/rapports/donnees-personnelles/foyers/{hid}/effacement").status_code in (
        403,
        404,
    )  # erasing is the holder's
    passed = manager.post(f"/rapports/donnees-personnelles/foyers/{hid}/demande-effacement")
    assert passed.status_code == 302
    db.session.expire_all()
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "household.erasure_request")
    ).one()
    assert (
        entry.object_id == str(hid) and entry.detail["from_organisation"] == counter.association.id
    )
    told = db.session.scalars(
        select(OutboundMessage).where(OutboundMessage.object_type == "household")
    ).all()
    assert counter.prescriber.email in {m.recipient for m in told}
    assert all("Nadia" not in m.body for m in told)  # the number, never the name
    # The holder then erases: it is done everywhere.
    holder = login_client(app.test_client(), counter.prescriber)
    assert holder.get(f"/rapports/donnees-personnelles/foyers/{hid}").status_code == 200


def test_an_erased_household_keeps_no_booking_and_no_seat_and_nobody_is_told(app) -> None:  # type: ignore[no-untyped-def]
    from app.authz.policy import OrgKind
    from app.notify.models import OutboundMessage
    from app.training import bookings
    from app.training.models import Booking, BookingStatus, TrainingSession
    from tests import factories
    from tests.integration.test_training_support import make_household, make_place, make_session

    ccas = factories.create_org(OrgKind.PRESCRIBER)
    first, second = make_session(make_place(), capacity=1, weeks=2)
    erased, waiting = make_household(ccas), make_household(ccas, reference_name="Mme Attente")
    seat = bookings.book(first.id, erased)
    other_seat = bookings.book(second.id, erased)
    queued = bookings.book(first.id, waiting)
    assert queued.status is BookingStatus.WAITING
    sent = db.session.scalar(select(func.count()).select_from(OutboundMessage))

    erasure.erase_on_request(db.session.get(Household, erased.id))
    db.session.expire_all()
    assert db.session.get(Booking, seat.id).status is BookingStatus.CANCELLED
    assert db.session.get(Booking, other_seat.id).status is BookingStatus.CANCELLED
    assert db.session.get(TrainingSession, second.id).booked == 0  # the seat is given back
    assert db.session.get(Booking, queued.id).status is BookingStatus.BOOKED  # promoted
    assert db.session.scalar(select(func.count()).select_from(OutboundMessage)) == sent
