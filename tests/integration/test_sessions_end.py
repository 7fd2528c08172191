"""Sessions that can be ended (issue 19): a copy of the cookie taken before the session
ended opens nothing after logout, "log out everywhere", a password change or reset, an
administrator's or manager's action, or the idle limit; the CSRF token changes at login."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import UserSession
from app.accounts.sessions import summarise_user_agent
from app.authz.policy import OrgKind, Role
from app.core import clock
from app.extensions import db
from tests import factories
from tests.factories import PASSWORD

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _log_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/connexion", data={"email": email, "password": password}, headers={"User-Agent": FIREFOX}
    )
    assert response.status_code == 302 and "/connexion" not in response.headers["Location"]


def _copy(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of this one's session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _opens_inventory(client: FlaskClient) -> bool:
    response = client.get("/inventaire/")
    if response.status_code == 302:
        assert "/connexion" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def _staff(role: Role = Role.MANAGER, org=None):  # type: ignore[no-untyped-def]
    org = org or factories.create_org(OrgKind.ASSOCIATION)
    return factories.create_user(role, org)


def test_a_cookie_copied_before_logout_is_refused_after(app: Flask) -> None:
    user = _staff()
    browser = app.test_client()
    _log_in(browser, user.email)
    copy = _copy(app, browser)
    assert _opens_inventory(copy)
    browser.post("/deconnexion")
    assert not _opens_inventory(copy)
    assert not _opens_inventory(browser)
    ended = db.session.scalars(db.select(UserSession)).one()
    assert ended.end_reason == "logout" and ended.ended_at is not None


def test_log_out_everywhere_ends_every_device(app: Flask) -> None:
    user = _staff()
    office, counter = app.test_client(), app.test_client()
    _log_in(office, user.email)
    _log_in(counter, user.email)
    copy = _copy(app, counter)
    page = office.get("/compte").get_data(as_text=True)
    assert "Mes sessions ouvertes" in page and "Firefox, Windows" in page
    assert page.count("Firefox, Windows") == 2 and "cette session" in page
    response = office.post("/compte/sessions/terminer")
    assert "/connexion" in response.headers["Location"]
    for client in (office, counter, copy):
        assert not _opens_inventory(client)


def test_a_password_change_ends_the_other_sessions(app: Flask) -> None:
    user = _staff()
    office, counter = app.test_client(), app.test_client()
    _log_in(office, user.email)
    _log_in(counter, user.email)
    copy_office, copy_counter = _copy(app, office), _copy(app, counter)
    new = "un-tout-autre-mot-de-passe"
    response = office.post(
        "/compte",
        data={
            "pw-current": PASSWORD,
            "pw-password": new,
            "pw-confirm": new,
            "pw-submit": "1",
        },
    )
    assert response.status_code == 302
    assert _opens_inventory(office)  # the one who changed it stays
    assert not _opens_inventory(counter)
    assert not _opens_inventory(copy_counter)
    # The office cookie before the change named the old session version: refused too.
    assert not _opens_inventory(copy_office)


def test_an_administrator_reset_and_a_manager_end_the_sessions(app: Flask) -> None:
    org = factories.create_org(OrgKind.ASSOCIATION)
    desk = _staff(Role.FRONT_DESK, org)
    manager = _staff(Role.MANAGER, org)
    other_manager = _staff(Role.MANAGER)
    admin = _staff(Role.ADMIN, factories.create_org(OrgKind.COORDINATOR))
    desk_browser = app.test_client()
    _log_in(desk_browser, desk.email)
    # A manager of another organisation cannot; one of the same organisation can.
    stranger = app.test_client()
    _log_in(stranger, other_manager.email)
    assert stranger.post(f"/admin/comptes/{desk.id}/sessions/terminer").status_code == 404
    assert _opens_inventory(desk_browser)
    boss = app.test_client()
    _log_in(boss, manager.email)
    assert boss.post(f"/admin/comptes/{desk.id}/sessions/terminer").status_code == 302
    assert not _opens_inventory(desk_browser)
    # The administrator sees the open sessions and a reset ends them.
    _log_in(desk_browser, desk.email)
    root = app.test_client()
    _log_in(root, admin.email)
    page = root.get(f"/admin/comptes/{desk.id}").get_data(as_text=True)
    assert "Firefox, Windows" in page and "Terminer toutes ses sessions" in page
    root.post(f"/admin/comptes/{desk.id}", data={"password": "nouveau-mot-de-passe-1"})
    assert not _opens_inventory(desk_browser)


def test_a_manager_ends_one_persons_sessions_from_their_page(app: Flask) -> None:
    """The manager's button on the person's page: every copy of the person's cookie is
    refused afterwards, the journal says who did it; the manager stays logged in."""
    from app.audit.models import AuditEntry

    org = factories.create_org(OrgKind.ASSOCIATION)
    desk = _staff(Role.FRONT_DESK, org)
    manager = _staff(Role.MANAGER, org)
    counter, home = app.test_client(), app.test_client()
    _log_in(counter, desk.email)
    _log_in(home, desk.email)
    copies = [_copy(app, counter), _copy(app, home)]
    boss = app.test_client()
    _log_in(boss, manager.email)
    page = boss.get(f"/admin/comptes/{desk.id}").get_data(as_text=True)
    assert page.count("Firefox, Windows") == 2 and "Terminer toutes ses sessions" in page
    response = boss.post(f"/admin/comptes/{desk.id}/sessions/terminer")
    assert response.headers["Location"].endswith(f"/admin/comptes/{desk.id}")
    page = boss.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 session(s) terminée(s)" in page and "Aucune session ouverte." in page
    for client in (counter, home, *copies):
        assert not _opens_inventory(client)
    assert _opens_inventory(boss)
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "user.sessions_end")
    ).one()
    assert entry.actor_id == manager.id and entry.object_id == str(desk.id)
    assert entry.detail == {"reason": "admin", "count": 2}


def test_a_session_left_alone_ends_at_the_idle_limit(app: Flask, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    user = _staff()
    browser = app.test_client()
    _log_in(browser, user.email)
    real = clock.utcnow
    limit = app.config["SESSION_IDLE_MINUTES"]
    assert limit == 30
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(minutes=limit - 1))
    assert _opens_inventory(browser)  # used within the limit: still open, seen again
    copy = _copy(app, browser)
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(minutes=2 * limit + 1))
    assert not _opens_inventory(copy)
    assert not _opens_inventory(browser)
    rec = db.session.scalars(db.select(UserSession)).one()
    assert rec.end_reason == "idle"
    monkeypatch.setattr(clock, "utcnow", real)
    assert not _opens_inventory(copy)  # ended for good, even "back in time"


def test_the_csrf_token_changes_at_login(new_app) -> None:  # type: ignore[no-untyped-def]
    app = new_app(WTF_CSRF_ENABLED=True)
    user = _staff()
    client = app.test_client()

    def token(path: str) -> str:
        page = client.get(path).get_data(as_text=True)
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page
        )
        assert found, page[:500]
        return found.group(1)

    before = token("/connexion")
    response = client.post(
        "/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": before}
    )
    assert response.status_code == 302
    after = token("/compte")
    assert after != before
    # The token from before login no longer passes.
    response = client.post("/compte/sessions/terminer", data={"csrf_token": before})
    assert response.status_code == 400
    assert _opens_inventory(client)


def test_user_agent_summary() -> None:
    assert summarise_user_agent(FIREFOX) == "Firefox, Windows"
    android = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
    assert summarise_user_agent(android) == "Chrome, Android"
    assert summarise_user_agent("") == ""
