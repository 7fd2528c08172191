"""Shared fixtures: one app per run, a clean database per test (SQLite or PostgreSQL).

TEST_DATABASE_URL selects PostgreSQL (``make test`` sets it for the second run).
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

os.environ.setdefault("ORDILIEN_ENV", "testing")

from app import create_app  # noqa: E402
from app.accounts.models import Organisation, User  # noqa: E402
from app.authz.policy import OrgKind, Role  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.extensions import db  # noqa: E402
from tests import factories  # noqa: E402


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "ordilien-test.db")


def make_test_config(database_url: str, **extra: Any) -> dict[str, Any]:
    config = {
        "TESTING": True,
        "SECRET_KEY": "tests-only-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",  # fast for tests; real cost elsewhere
        "SERVER_NAME": None,
        "MAIL_BACKEND": "console",
        "SMS_BACKEND": "console",
    }
    config.update(extra)
    return config


class IsolatedClient(FlaskClient):
    """Each request runs in an empty context, as in production: its own app context,
    its own ``g`` and its own database session, even while a test holds one open."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)

    def session_transaction(self, *args: Any, **kwargs: Any) -> Any:
        return _IsolatedTransaction(super().session_transaction, args, kwargs)


class _IsolatedTransaction:
    def __init__(self, factory: Any, args: Any, kwargs: Any) -> None:
        self._ctx = contextvars.Context()
        self._cm = self._ctx.run(factory, *args, **kwargs)

    def __enter__(self) -> Any:
        return self._ctx.run(self._cm.__enter__)

    def __exit__(self, *exc: Any) -> Any:
        return self._ctx.run(self._cm.__exit__, *exc)


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    application = create_app(make_test_config(database_url))
    application.test_client_class = IsolatedClient
    with application.app_context():
        db.drop_all()
        db.create_all()
    yield application
    dispose_app(application)


def wipe_database() -> None:
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def _app_context(request: pytest.FixtureRequest) -> Iterator[None]:
    """Unit tests of pure modules need no app; everything else gets a clean database."""
    if "tests/unit/" in str(request.node.path).replace(os.sep, "/"):
        yield
        return
    application: Flask = request.getfixturevalue("app")
    with application.app_context():
        yield
        db.session.remove()
        wipe_database()
        db.session.remove()


def dispose_app(application: Flask) -> None:
    """Close an app's database connections (psycopg warns about connections left open)."""
    with application.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def new_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build another app on the same database with other settings; closed after the test."""
    made: list[Flask] = []

    def build(**config: Any) -> Flask:
        application = create_app(make_test_config(database_url, **config))
        application.test_client_class = IsolatedClient
        made.append(application)
        return application

    yield build
    for application in made:
        dispose_app(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def make_org() -> Callable[..., Organisation]:
    return factories.create_org


@pytest.fixture
def make_user() -> Callable[..., User]:
    return factories.create_user


def login_client(client: FlaskClient, user: User) -> FlaskClient:
    """Log a test client in without a request (Flask-Login's session key, and the
    server-side session record every logged-in cookie needs: app/accounts/sessions.py)."""
    from app.accounts.sessions import SESSION_KEY, create_record

    raw = create_record(user, "pytest")
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session[SESSION_KEY] = raw
    return client


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], FlaskClient]:
    return lambda user: login_client(client, user)


@pytest.fixture
def role_users() -> Callable[[], dict[Role, User]]:
    """One user of every role, each in an organisation of the matching kind."""

    def build() -> dict[Role, User]:
        asso = factories.create_org(OrgKind.ASSOCIATION, slug="asso-test", name="Asso Test")
        presc = factories.create_org(OrgKind.PRESCRIBER, slug="ccas-test", name="CCAS Test")
        place = factories.create_org(OrgKind.TRAINING_PLACE, slug="lieu-test", name="Lieu Test")
        coord = factories.create_org(OrgKind.COORDINATOR, slug="coord-test", name="Coord Test")
        home = {
            Role.ADMIN: coord,
            Role.MANAGER: asso,
            Role.TECHNICIAN: asso,
            Role.FRONT_DESK: asso,
            Role.PRESCRIBER: presc,
            Role.TRAINER: place,
            Role.VIEWER: coord,
        }
        return {
            role: factories.create_user(role, org, email=f"{role.value}@test.local")
            for role, org in home.items()
        }

    return build
