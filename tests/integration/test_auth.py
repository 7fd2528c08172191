"""Logging in and out, throttling, sessions that end when they must."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts import services
from app.audit.models import AuditEntry
from app.authz.policy import Role
from app.extensions import db
from tests.factories import PASSWORD


def _login(client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/connexion", data={"email": email, "password": password})


def test_login_lands_on_home_and_logout_ends_session(client, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.PRESCRIBER, full_name="Nadia Haddad")
    response = _login(client, user.email.upper(), PASSWORD)  # e-mail case does not matter
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Bonjour Nadia Haddad" in page
    client.post("/deconnexion")
    assert client.get("/").status_code == 302


def test_wrong_password_says_so_in_french_and_keeps_email(client, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.TECHNICIAN)
    page = _login(client, user.email, "mauvais-mot-de-passe").get_data(as_text=True)
    assert "Adresse e-mail ou mot de passe incorrect." in page
    assert f'value="{user.email}"' in page
    assert "mauvais-mot-de-passe" not in page


def test_unknown_email_gets_the_same_message(client) -> None:  # type: ignore[no-untyped-def]
    page = _login(client, "personne@nulle-part.fr", "whatever-123").get_data(as_text=True)
    assert "Adresse e-mail ou mot de passe incorrect." in page


def test_login_is_throttled_and_journalled(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.MANAGER)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        _login(client, user.email, "mauvais-mot-de-passe")
    # Even the right password is refused while throttled.
    page = _login(client, user.email, PASSWORD).get_data(as_text=True)
    assert "Trop de tentatives de connexion" in page
    assert client.get("/").status_code == 302
    failed = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login.failed")
    )
    throttled = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login.throttled")
    )
    assert failed == limit and throttled == 1


def test_deactivated_account_cannot_log_in_and_loses_its_session(client, make_user, login) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.FRONT_DESK)
    login(user)
    assert client.get("/").status_code == 200
    services.set_active(user, False)
    assert client.get("/").status_code == 302  # the old session no longer works
    page = _login(client, user.email, PASSWORD).get_data(as_text=True)
    assert "désactivé" in page


def test_password_reset_ends_other_sessions(client, make_user, login) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.TRAINER)
    login(user)
    assert client.get("/compte").status_code == 200
    services.set_password(user, "un-nouveau-mot-de-passe")
    assert client.get("/compte").status_code == 302
    assert _login(client, user.email, "un-nouveau-mot-de-passe").status_code == 302


def test_next_parameter_cannot_redirect_off_site(client, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.VIEWER)
    response = client.post(
        "/connexion?next=https://evil.example/phish",
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"
    response = client.post(
        "/connexion?next=//evil.example", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_changing_own_password(client, make_user, login) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.PRESCRIBER)
    login(user)
    page = client.post(
        "/compte",
        data={
            "pw-current": "faux",
            "pw-password": "nouveau-mot-de-passe",
            "pw-confirm": "nouveau-mot-de-passe",
            "pw-submit": "1",
        },
    ).get_data(as_text=True)
    assert "Le mot de passe actuel est incorrect." in page
    response = client.post(
        "/compte",
        data={
            "pw-current": PASSWORD,
            "pw-password": "nouveau-mot-de-passe",
            "pw-confirm": "nouveau-mot-de-passe",
            "pw-submit": "1",
        },
    )
    assert response.status_code == 302
    assert client.get("/compte").status_code == 200  # still logged in here
    client.post("/deconnexion")
    assert _login(client, user.email, "nouveau-mot-de-passe").status_code == 302
