"""Behind a reverse proxy the visitor's address is used; gettext works outside requests."""

from __future__ import annotations

from flask_babel import gettext

from app.accounts.models import LoginAttempt
from app.extensions import db


def test_forwarded_address_is_used_behind_one_proxy(new_app) -> None:  # type: ignore[no-untyped-def]
    app = new_app(PROXY_COUNT=1)
    app.test_client().post(
        "/connexion",
        data={"email": "x@y.fr", "password": "whatever-123"},
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert db.session.query(LoginAttempt.ip).one()[0] == "203.0.113.7"


def test_forwarded_address_is_ignored_without_a_proxy(client) -> None:  # type: ignore[no-untyped-def]
    client.post(
        "/connexion",
        data={"email": "x@y.fr", "password": "whatever-123"},
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert db.session.query(LoginAttempt.ip).one()[0] == "127.0.0.1"


def test_gettext_outside_a_request_is_french(app) -> None:  # type: ignore[no-untyped-def]
    assert gettext("Accès refusé") == "Accès refusé"
