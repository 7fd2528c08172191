"""In Chromium: a prescriber runs the diagnostic with a household on a phone, books the best
slot; the booking shows on the household's page and the family's page; the trainer marks
attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.cli import seed_demo
from app.accounts.demo import DEMO_PASSWORD
from app.accounts.services import find_user
from app.core.clock import utcnow
from app.extensions import db
from app.family.links import ensure_family_token
from app.households.models import Household
from app.training.models import Attendance, Booking, BookingStatus
from tests.e2e.a11y import axe_violations
from tests.e2e.conftest import browser_login

TRAINERS = {
    "mjc-4-bornes": "formateur@mjc-4-bornes.local",
    "mediatheque-verlaine": "formatrice@mediatheque-verlaine.local",
}


@pytest.fixture
def demo(app):  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(seed_demo)
    assert result.exit_code == 0, result.output


def test_diagnostic_booking_household_and_family_pages_then_attendance(
    phone_page, page, demo
) -> None:  # type: ignore[no-untyped-def]
    household = db.session.scalar(select(Household).where(Household.reference_name == "Fatima B."))
    assert household is not None
    household_id = household.id

    # The prescriber, on a phone, from the household's page.
    browser_login(phone_page, "prescripteur@ccas-metz.local", DEMO_PASSWORD)
    phone_page.goto(f"/foyers/{household_id}")
    phone_page.get_by_role("link", name="Diagnostic et créneaux").click()
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Diagnostic numérique")
    questions = phone_page.locator("fieldset.question")
    expect(questions).to_have_count(10)
    assert axe_violations(phone_page) == []
    for n in range(10):
        # Mostly "Non": someone who starts from scratch; two tasks done with help.
        answer = "Avec de l'aide" if n in (0, 3) else "Non"
        questions.nth(n).get_by_label(answer, exact=True).check()
    phone_page.get_by_role("button", name="Voir le résultat et les créneaux").click()

    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Résultat du diagnostic")
    expect(phone_page.get_by_text("Grand débutant")).to_be_visible()
    expect(phone_page.get_by_text("Découvrir les outils numériques").first).to_be_visible()
    assert axe_violations(phone_page) == []
    best = phone_page.locator("li.suggestion").first
    expect(best).to_contain_text("Thème utile")
    title = best.get_by_role("heading", level=3).inner_text()
    best.get_by_role("button").click()

    # Back on the household's page: the booking is there.
    expect(phone_page).to_have_url(f"{phone_page.url.split('/foyers')[0]}/foyers/{household_id}")
    expect(phone_page.get_by_role("status")).to_contain_text("Inscription confirmée pour Fatima B.")
    bookings = phone_page.locator("section.training-bookings")
    expect(bookings).to_contain_text(title)
    expect(bookings).to_contain_text("Inscrit")

    db.session.expire_all()
    booking = db.session.scalar(select(Booking).where(Booking.household_id == household_id))
    assert booking is not None and booking.status is BookingStatus.BOOKED
    session = booking.session
    assert session.title == title
    place_slug = session.organisation.slug

    # The family's own page (the QR code on the loan sheet) shows the session too.
    token = ensure_family_token(household, household.organisation_id, None)
    phone_page.goto(f"/f/{token}")
    expect(phone_page.get_by_role("main")).to_contain_text(title)

    # The session starts (attendance is taken only then); its trainer marks them present.
    session.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert place_slug in TRAINERS, place_slug
    browser_login(page, TRAINERS[place_slug], DEMO_PASSWORD)
    page.get_by_role("link", name="Mon lieu").first.click()
    page.get_by_role("link", name=title).first.wait_for()
    page.goto(f"/formation/seances/{session.id}")
    assert axe_violations(page) == []
    row = page.get_by_role("row", name="Fatima B.")
    row.get_by_label("Présent", exact=True).check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_role("status")).to_contain_text("Présences enregistrées")
    expect(
        page.get_by_role("row", name="Fatima B.").get_by_label("Présent", exact=True)
    ).to_be_checked()
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).attendance is Attendance.PRESENT  # type: ignore[union-attr]
    assert find_user(TRAINERS[place_slug]) is not None
