"""Each demo role logs in in Chromium, sees its home page, switches language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.accounts.cli import seed_demo
from app.accounts.demo import DEMO_PASSWORD, USERS
from tests.e2e.conftest import browser_login

# What each role must find on its home page (a link of its own work), in French.
HOME_LINK = {
    "admin": "Comptes",
    "manager": "Journal",
}


@pytest.fixture
def demo(app):  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(seed_demo)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "email,name,role",
    [(email, name, role.value) for email, name, role, _org in USERS],
    ids=[email for email, *_ in USERS],
)
def test_each_demo_role_lands_on_its_home_page(
    page, demo, email: str, name: str, role: str
) -> None:  # type: ignore[no-untyped-def]
    browser_login(page, email, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {name}")
    if role in HOME_LINK:
        expect(page.get_by_role("main").get_by_role("link", name=HOME_LINK[role])).to_be_visible()
    # The footer says who is logged in, and the page offers to log out.
    expect(page.get_by_role("contentinfo")).to_contain_text(name)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_language_switch(page, demo) -> None:  # type: ignore[no-untyped-def]
    browser_login(page, "admin@ordilien.local", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


def test_wrong_password_shows_french_message_and_keeps_email(page, demo) -> None:  # type: ignore[no-untyped-def]
    browser_login(page, "prescripteur@ccas-metz.local", "pas-le-bon")
    expect(page.get_by_role("alert")).to_contain_text("Adresse e-mail ou mot de passe incorrect.")
    expect(page.get_by_label("Adresse e-mail")).to_have_value("prescripteur@ccas-metz.local")
    expect(page.get_by_label("Mot de passe")).to_have_value("")
