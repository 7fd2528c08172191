"""Passwords per ASVS 2.1 (issue 19): 12 characters at least, up to 128, any character,
never truncated; common and breached passwords refused with a clear French message."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from app.authz.policy import Role
from tests import factories
from tests.factories import PASSWORD

COMMON = "figure parmi les mots de passe courants ou déjà divulgués"


def _change(client: FlaskClient, new: str, current: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(
        "/compte",
        data={"pw-current": current, "pw-password": new, "pw-confirm": new, "pw-submit": "1"},
    )


def _logged_in(app: Flask, email: str, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    response = client.post("/connexion", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def test_common_and_short_passwords_are_refused_on_the_account_page(app: Flask) -> None:
    user = factories.create_user(Role.FRONT_DESK, email="nadia.haddad@asso.fr")
    client = _logged_in(app, user.email)
    page = client.get("/compte").get_data(as_text=True)
    assert "Au moins 12 caractères (jusqu&#39;à 128)" in page
    for common in (
        "aaaaaaaaaaaa",
        "azertyuiop123",
        "motdepasse123",
        "Password1234",
        "abababababab",
    ):
        page = _change(client, common).get_data(as_text=True)
        assert COMMON in page, common
    page = _change(client, "onze-signes").get_data(as_text=True)  # 11 characters
    assert "Le mot de passe doit faire au moins 12 caractères." in page
    # Runs of spaces count as one (ASVS 2.1.1).
    page = _change(client, "chat      noir").get_data(as_text=True)
    assert "au moins 12 caractères" in page
    page = _change(client, "x" + "é" * 128).get_data(as_text=True)
    assert "Le mot de passe ne peut pas dépasser 128 caractères." in page
    page = _change(client, "Nadia.Haddad2026").get_data(as_text=True)
    assert "ne doit pas reprendre l&#39;adresse e-mail" in page
    # Nothing was changed: the old password still opens the account.
    _logged_in(app, user.email)


def test_a_long_passphrase_of_any_characters_is_kept_whole(app: Flask) -> None:
    user = factories.create_user(Role.TECHNICIAN)
    client = _logged_in(app, user.email)
    phrase = ("Le café du coin ouvre à 7 h 30 ☕ et ferme tard, même le dimanche ! " * 2)[:128]
    assert len(phrase) == 128
    assert _change(client, phrase).status_code == 302
    other = app.test_client()
    # Not truncated: the same phrase less its last character is wrong.
    page = other.post("/connexion", data={"email": user.email, "password": phrase[:-1]}).get_data(
        as_text=True
    )
    assert "Adresse e-mail ou mot de passe incorrect." in page
    _logged_in(app, user.email, phrase)


def test_the_administrator_cannot_hand_out_a_common_password(app: Flask) -> None:
    admin = factories.create_user(Role.ADMIN)
    tech = factories.create_user(Role.TECHNICIAN)
    client = _logged_in(app, admin.email)
    page = client.post(f"/admin/comptes/{tech.id}", data={"password": "bienvenue123"}).get_data(
        as_text=True
    )
    assert COMMON in page
    page = client.post(
        "/admin/comptes/nouveau",
        data={
            "email": "nouvelle@asso.fr",
            "role": "technician",
            "organisation_id": str(tech.organisation_id),
            "password": "123456789012",
        },
    ).get_data(as_text=True)
    assert COMMON in page
