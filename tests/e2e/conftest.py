"""Browser journeys: the app served on a local port, driven in Debian's Chromium.

The live app has CSRF protection on, as in production.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from tests.conftest import IsolatedClient, dispose_app, make_test_config

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_app(database_url: str, app: Flask) -> Iterator[Flask]:
    live = create_app(make_test_config(database_url, WTF_CSRF_ENABLED=True))
    live.test_client_class = IsolatedClient
    yield live
    dispose_app(live)


def _read_whole_body(wsgi_app: Callable[..., Iterable[bytes]]) -> Callable[..., list[bytes]]:
    """Read each response whole and close it before Werkzeug writes it.

    When Chromium drops a connection (a favicon fetch cut short), Werkzeug's
    development server raises in its clean-up before it closes the response,
    so a static file stays open and Python reports an unclosed file. Reading
    the body first closes it whatever the browser does.
    """

    def app(environ: dict[str, object], start_response: Callable[..., object]) -> list[bytes]:
        body = wsgi_app(environ, start_response)
        try:
            return list(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return app


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, _read_whole_body(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (Debian package 'chromium').")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, locale="fr-FR", accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A phone-sized page (390 x 844, touch), for the journeys done on a smartphone."""
    context = browser.new_context(
        base_url=live_server,
        locale="fr-FR",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def browser_login(page, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    # Wait until the browser has left the login page and the landing page has
    # loaded: a test that types or presses keys straight after the click would
    # otherwise race the navigation.
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("load")
