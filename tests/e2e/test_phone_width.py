"""Every page a phone reaches fits 360 px (issue 18).

At 360 x 740, in Chromium: the device page a QR code opens (/d/<tag>, logged in and
logged out, and /inventaire/appareils/<id> with its history), the family page, the public
directory, the counter's scan and handover pages, the household and prescription pages,
and the referral answer link. Nothing scrolls sideways: the page is no wider than the
screen.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.family.links import ensure_family_token
from app.loans.handover import HandoverInput, handover
from app.loans.terms import PaymentMethod
from app.referrals import links
from tests.e2e.a11y import axe_violations
from tests.e2e.conftest import browser_login
from tests.factories import PASSWORD
from tests.integration.test_loans_factories import (
    RSA,
    make_counter,
    ready_device,
    validated_prescription,
)
from tests.integration.test_referrals import _referral, _send, _world

SMALL = {"width": 360, "height": 740}

# The widest elements, to say what overflows when something does.
WIDEST = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > 360.5)
    .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
    .slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}.${e.className} right=${Math.round(
        e.getBoundingClientRect().right)}`)"""


@pytest.fixture
def small_page(browser, live_server: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A 360 x 740 phone (touch), the narrowest common Android screen."""
    context = browser.new_context(
        base_url=live_server, locale="fr-FR", viewport=SMALL, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _too_wide(page, path: str) -> str | None:  # type: ignore[no-untyped-def]
    response = page.goto(path)
    assert response is not None and response.status < 400, (path, response and response.status)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= SMALL["width"]:
        return None
    return f"{path}: {width} px ({page.evaluate(WIDEST)})"


def test_every_page_a_phone_reaches_fits_360_px(small_page, app) -> None:  # type: ignore[no-untyped-def]
    page = small_page
    counter = make_counter()
    sold_for = validated_prescription(counter, RSA, name="Maximilienne-Apolline Durand-Kowalczyk")
    waiting = validated_prescription(counter, RSA, name="Fatima Benali")
    sold = ready_device(
        counter.association, serial="PF1XYZ99-LONGSERIALNUMBER-0000000042", model="ThinkPad T470s"
    )
    shelf = ready_device(counter.association)
    handover(
        counter.front_desk,
        counter.association.id,
        HandoverInput(
            prescription_id=sold_for.id,
            scanned=sold.asset_tag,
            accessories=["charger"],
            payment_method=PaymentMethod.CASH,
        ),
    )
    token = ensure_family_token(sold_for.household, counter.association.id, counter.front_desk)
    world = _world()
    sent = _send(app, world, to_name="Espace France Services", to_email="efs@example.org")
    assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
    db.session.commit()  # a fresh snapshot: the referral was made by another session
    answer_token = links.make_token(_referral())
    db.session.commit()

    problems: list[str | None] = []
    # Logged out: what a family, a passer-by or a structure without an account opens.
    problems.append(_too_wide(page, f"/d/{sold.asset_tag}"))
    problems.append(_too_wide(page, f"/f/{token}"))
    problems.append(_too_wide(page, "/ou-aller"))
    problems.append(_too_wide(page, "/ou-aller?lieu=57070"))
    problems.append(_too_wide(page, f"/orientations/r/{answer_token}"))

    # The association's staff: the QR code opens the device page with its history.
    browser_login(page, counter.manager.email, PASSWORD)
    problems.append(_too_wide(page, f"/d/{sold.asset_tag}"))
    problems.append(_too_wide(page, f"/inventaire/appareils/{sold.id}"))
    # The history table scrolls inside itself, and stays readable and reachable.
    expect(page.get_by_role("cell", name="Vente (prescription n°").first).to_be_attached()
    assert axe_violations(page) == []
    problems.append(_too_wide(page, f"/inventaire/appareils/{shelf.id}"))
    problems.append(_too_wide(page, "/comptoir"))
    problems.append(_too_wide(page, f"/comptoir/prescriptions/{waiting.id}"))
    problems.append(
        _too_wide(page, f"/comptoir/prescriptions/{waiting.id}/remise?appareil={shelf.asset_tag}")
    )
    page.context.clear_cookies()

    # The prescriber: the household and its prescription.
    browser_login(page, counter.prescriber.email, PASSWORD)
    problems.append(_too_wide(page, f"/foyers/{sold_for.household_id}"))
    problems.append(_too_wide(page, f"/prescriptions/{sold_for.id}"))
    problems.append(_too_wide(page, f"/prescriptions/{waiting.id}"))

    found = [p for p in problems if p]
    assert found == [], "\n".join(found)
