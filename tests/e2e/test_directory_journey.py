"""In Chromium at 320 px, logged out: a family of Metz-Borny (57070, a priority
neighbourhood) looks for the nearest free place, open on Saturday morning, to learn;
reads its hours in words and its distance, and follows the map link. Then "Autour de
moi" with the browser's position."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.accounts.cli import seed_demo
from tests.e2e.a11y import axe_violations

NARROW = {"width": 320, "height": 640}
BORNY = "Médiathèque Jean-Macé (Borny) : docteur numérique"


@pytest.fixture
def demo(app):  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(seed_demo)
    assert result.exit_code == 0, result.output


@pytest.fixture
def narrow_page(browser, live_server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server, locale="fr-FR", viewport=NARROW, is_mobile=True, has_touch=True,
        geolocation={"latitude": 49.1105, "longitude": 6.2262},  # boulevard de Provence, Borny
        permissions=["geolocation"],
    )  # fmt: skip
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_a_family_finds_a_free_saturday_morning_place_to_learn(narrow_page, demo) -> None:  # type: ignore[no-untyped-def]
    page = narrow_page
    page.goto("/ou-aller")
    expect(page.get_by_role("heading", level=1)).to_have_text("Où aller ?")
    assert axe_violations(page) == []
    # Nothing overflows sideways at 320 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # By keyboard for the need, as someone who does not use a touch screen would.
    page.get_by_label("Apprendre").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Apprendre")).to_be_checked()
    page.get_by_label("Votre commune ou votre code postal").fill("57070")
    page.get_by_label("Gratuit").check()
    page.get_by_label("Ouvert le samedi").check()
    page.get_by_role("button", name="Chercher").click()

    expect(
        page.get_by_role("heading", name=re.compile(r"lieux? près de Metz \(57070\)"))
    ).to_be_visible()
    cards = page.locator("li.place-card")
    first = cards.first
    # The nearest free Saturday place is the Borny médiathèque, not the paid club of
    # Bellecroix (nearer, but not free) nor the free space of Maizières (farther).
    expect(first.get_by_role("heading", level=3)).to_have_text(BORNY)
    expect(page.get_by_text("Club informatique de Bellecroix")).to_have_count(0)
    expect(cards.nth(1)).to_contain_text("Maizières-lès-Metz")
    expect(first.locator(".place-distance")).to_have_text("à 4 km")
    expect(first).to_contain_text("Ouvert le samedi matin")
    first.get_by_text("Horaires de la semaine").click()
    expect(first.get_by_text("Samedi : 10 h – 12 h 30")).to_be_visible()
    expect(first.get_by_text("Lundi : Fermé")).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # The map link: a plain link to openstreetmap.org on the place's point.
    link = first.get_by_role("link", name=re.compile("Voir sur la carte"))
    href = link.get_attribute("href") or ""
    assert href.startswith("https://www.openstreetmap.org/?mlat=49.10980&mlon=6.22900")
    assert href.endswith("#map=17/49.10980/6.22900")
    # Follow it without leaving the test machine: the request is answered here.
    page.route("https://www.openstreetmap.org/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>OpenStreetMap</title>carte"))  # fmt: skip
    link.click()
    page.wait_for_url(
        re.compile(r"^https://www\.openstreetmap\.org/\?mlat=49\.10980&mlon=6\.22900")
    )


def test_near_me_uses_the_position_only_when_asked(narrow_page, demo) -> None:  # type: ignore[no-untyped-def]
    page = narrow_page
    page.goto("/ou-aller")
    page.get_by_label("Apprendre").check()
    page.get_by_role("button", name="Autour de moi").click()
    expect(page.get_by_role("heading", name=re.compile("près de votre position"))).to_be_visible()
    assert "lat=49.11050" in page.url and "lon=6.22620" in page.url
    # Famille lorraine, boulevard de Provence, is the nearest learning place.
    expect(page.locator("li.place-card").first).to_contain_text("Famille lorraine de Borny")
    expect(page.locator("li.place-card").first.locator(".place-distance")).to_have_text(
        re.compile(r"à \d+ m")
    )
