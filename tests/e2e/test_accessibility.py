"""The foundation's pages pass axe-core's WCAG 2.1 A/AA rules, on a phone and a desktop."""

from __future__ import annotations

import pytest

from app.accounts.cli import seed_demo
from app.accounts.demo import DEMO_PASSWORD
from tests.e2e.a11y import AXE, axe_violations
from tests.e2e.conftest import browser_login

PAGES = [
    "/",
    "/compte",
    "/admin/organisations",
    "/admin/comptes",
    "/admin/comptes/nouveau",
    "/journal",
]


@pytest.fixture
def demo(app):  # type: ignore[no-untyped-def]
    assert app.test_cli_runner().invoke(seed_demo).exit_code == 0


def test_login_page_is_accessible(phone_page) -> None:  # type: ignore[no-untyped-def]
    if not AXE.exists():
        pytest.fail("axe-core missing: run `npm install` (make test does)")
    phone_page.goto("/connexion")
    assert axe_violations(phone_page) == []
    # An error state too: the message is announced and tied to the form.
    phone_page.get_by_role("button", name="Se connecter").click()
    assert axe_violations(phone_page) == []


@pytest.mark.parametrize("path", PAGES)
def test_admin_pages_are_accessible(page, demo, path: str) -> None:  # type: ignore[no-untyped-def]
    browser_login(page, "admin@ordilien.local", DEMO_PASSWORD)
    page.goto(path)
    assert axe_violations(page) == []


def test_skip_link_reaches_the_content(page, demo) -> None:  # type: ignore[no-untyped-def]
    browser_login(page, "admin@ordilien.local", DEMO_PASSWORD)
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
