"""Headers, CSRF, cookies and error pages."""

from __future__ import annotations

import pytest

from app.authz.policy import Role
from tests.factories import PASSWORD


@pytest.fixture
def csrf_app(new_app):  # type: ignore[no-untyped-def]
    return lambda **extra: new_app(**{"WTF_CSRF_ENABLED": True, **extra})


def test_security_headers_on_every_page(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/connexion")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_post_without_csrf_token_is_refused_in_french(csrf_app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.MANAGER)
    client = csrf_app().test_client()
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in


def test_login_with_csrf_token_works(csrf_app, make_user) -> None:  # type: ignore[no-untyped-def]
    import re

    user = make_user(Role.MANAGER)
    client = csrf_app().test_client()
    page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_production_cookies_are_secure(csrf_app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.MANAGER)
    app = csrf_app(
        WTF_CSRF_ENABLED=False,
        SESSION_COOKIE_SECURE=True,
        REMEMBER_COOKIE_SECURE=True,
    )
    response = app.test_client().post(
        "/connexion", data={"email": user.email, "password": PASSWORD}
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Strict-Transport-Security" in response.headers


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.config import build_config

    monkeypatch.setenv("ORDILIEN_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        build_config(str(tmp_path))
    for serving in (
        ["gunicorn", "wsgi:app"],
        ["/usr/bin/flask", "--app", "wsgi", "run"],
        ["flask", "--app", "db", "run"],  # an app named "db" is not the migrations
    ):
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            build_config(str(tmp_path), serving)


def test_migrations_run_in_production_without_secret_key(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`flask db upgrade` / `db check` sign nothing: a deploy can migrate before the key is set."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from app.config import build_config

    monkeypatch.setenv("ORDILIEN_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert build_config(str(tmp_path), ["flask", "--app", "wsgi", "db", "check"])["SECRET_KEY"]
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ORDILIEN_ENV")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'prod.db'}"
    flask = str(Path(sys.executable).with_name("flask"))
    root = Path(__file__).resolve().parents[2]
    for command in (["db", "upgrade"], ["db", "check"]):
        done = subprocess.run(
            [flask, "--app", "wsgi", *command],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    assert "No new upgrade operations detected" in done.stdout + done.stderr


def test_not_found_page_is_french(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/cette-page-n-existe-pas")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_server_error_shows_french_page_without_traceback(csrf_app) -> None:  # type: ignore[no-untyped-def]
    app = csrf_app()

    @app.get("/boom-test-only")
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    app.testing = False  # as in production: the error handler answers
    response = app.test_client().get("/boom-test-only")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Erreur du serveur" in body
    assert "Traceback" not in body and "secret internal detail" not in body


def test_api_errors_are_json_in_french(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["title"] == "Page introuvable"
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer ordi_nope"})
    assert response.status_code == 401
    assert "Jeton" in response.get_json()["error"]["message"]


def test_health_check(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/sante").get_json() == {"status": "ok"}
