"""Every route of the URL map, for every role and for anonymous visitors.

The tables live in tests/access/<domain>.py. A route of the app that no table lists
fails ``test_every_route_is_in_a_table``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

import tests.access
from app.accounts import services
from app.authz.policy import Role
from app.extensions import db
from tests.access.table import ANY_USER, PUBLIC, Ctx, Route
from tests.conftest import login_client


def _tables() -> Iterator[tuple[str, object]]:
    for info in pkgutil.iter_modules(tests.access.__path__):
        if info.name == "table":
            continue
        yield info.name, importlib.import_module(f"tests.access.{info.name}")


ALL_ROUTES: list[Route] = [route for _, module in _tables() for route in module.ROUTES]
SETUPS = [module.setup for _, module in _tables() if hasattr(module, "setup")]
WHO: list[Role | None] = [None, *Role]


def _build_ctx(role_users) -> Ctx:  # type: ignore[no-untyped-def]
    users = role_users()
    tokens = {role: services.create_api_token(user, "access-test") for role, user in users.items()}
    ctx = Ctx(users=users, tokens=tokens)
    for setup in SETUPS:
        setup(ctx)
    db.session.commit()
    return ctx


# Routes whose success ends the session: the login page is where they lead.
LOGS_OUT = ("auth.logout", "auth.end_sessions")


def _expected_allowed(route: Route, who: Role | None) -> bool:
    if route.allow == PUBLIC:
        return True
    if who is None:
        return False
    if route.allow == ANY_USER:
        return True
    assert isinstance(route.allow, frozenset)
    return who in route.allow


def _request(client: FlaskClient, route: Route, ctx: Ctx, who: Role | None):  # type: ignore[no-untyped-def]
    from flask import current_app

    with current_app.test_request_context():
        if who is not None:
            ctx.records["own_token_id"] = ctx.users[who].api_tokens[0].id
        else:
            ctx.records["own_token_id"] = ctx.users[Role.ADMIN].api_tokens[0].id
        path = route.path(ctx) if route.path else url_for(route.endpoint)
    data = route.data(ctx) if callable(route.data) else route.data
    is_api = path.startswith("/api/")
    headers = {}
    if is_api and who is not None:
        headers["Authorization"] = f"Bearer {ctx.tokens[who]}"
    elif who is not None:
        login_client(client, ctx.users[who])
    kwargs = {"headers": headers}
    if route.method in {"POST", "PUT", "PATCH", "DELETE"}:
        if is_api:
            kwargs["json"] = data or {}
        else:
            kwargs["data"] = data or {}
    return path, is_api, client.open(path, method=route.method, **kwargs)


def test_every_route_is_in_a_table(app: Flask) -> None:
    listed = {(r.endpoint, r.method) for r in ALL_ROUTES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in listed:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "Routes with no access rule in tests/access/: " + ", ".join(missing)


def test_tables_list_only_existing_routes(app: Flask) -> None:
    existing = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set())
    }
    stale = [
        f"{r.method} {r.endpoint}" for r in ALL_ROUTES if (r.endpoint, r.method) not in existing
    ]
    assert not stale, "Access rules for routes that do not exist: " + ", ".join(stale)


@pytest.mark.parametrize("route", ALL_ROUTES, ids=[f"{r.method}-{r.endpoint}" for r in ALL_ROUTES])
def test_route_access(app: Flask, route: Route, role_users) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import wipe_database

    ctx = _build_ctx(role_users)
    failures = []
    for who in WHO:
        if route.fresh_per_role and who is not WHO[0]:
            db.session.remove()
            wipe_database()
            ctx = _build_ctx(role_users)
        client = app.test_client()
        path, is_api, response = _request(client, route, ctx, who)
        status = response.status_code
        label = who.value if who else "anonymous"
        if status >= 500:
            failures.append(f"{label}: {status} (server error) on {route.method} {path}")
            continue
        to_login = status == 302 and "/connexion" in response.headers.get("Location", "")
        if _expected_allowed(route, who):
            if to_login and who is not None and route.endpoint not in LOGS_OUT:
                failures.append(f"{label}: sent to the login page on {route.method} {path}")
            elif status not in route.ok:
                failures.append(
                    f"{label}: expected {route.ok}, got {status} on {route.method} {path}"
                )
        elif who is None:
            if is_api:
                if status != 401:
                    failures.append(f"anonymous: expected 401, got {status} on {path}")
            elif not to_login:
                failures.append(f"anonymous: expected redirect to login, got {status} on {path}")
        elif status not in (403, 404):
            failures.append(
                f"{label}: expected 403, got {status} on {route.method} {path} -> {response.headers.get('Location')}"
            )
    assert not failures, "\n".join(failures)
