"""Cross-organisation access on every record type, in the HTML pages and the API.

The records of the route tables (tests/access/) belong to one association, one
prescribing structure, one training place. The same roles in *other* organisations of the
same kinds then try every route that names one of those records, by id, tag or token:
each answer must be a refusal (403 or 404, the same as for an id that does not exist, so
ids cannot be probed), and nothing may change in the database. List pages must not show
the other organisations' households or devices either.

Some records are shared on purpose (the training offer of the territory, the tariff
catalogue): those routes are listed in SHARED with the reason.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask, url_for
from sqlalchemy import select

from app.accounts import services
from app.authz.policy import DEFAULT_ORG_KIND, Role
from app.extensions import db
from app.households.models import Household
from app.inventory.models import Device
from tests import factories
from tests.access.table import ANY_USER, PUBLIC, Ctx, Route
from tests.conftest import login_client
from tests.fuzzing import table_digest
from tests.integration.test_route_access import ALL_ROUTES, _build_ctx

# Routes whose records every organisation of the role may reach, by design.
SHARED: dict[str, str] = {
    "tariffs.detail": "the social-tariff catalogue is the instance's, national offers",
    "tariffs.edit": "the coordinator's managers keep the common catalogue (issue 17); every "
    "change is a dated revision with its author",
    "tariffs.checked": "same: marking an offer checked is a revision of the common catalogue",
    "tariffs.propose": "issue 17: any manager or prescriber of the territory proposes a change "
    "to (or reports the end of) an offer of the common catalogue; only its owner decides",
    "tariffs_governance_api.propose": "same, through the API",
    "training.session_detail": "the territory's training offer is public to all staff: a "
    "prescriber books a place for a household on any session",
    "training.course_detail": "same: courses are published for the whole territory",
    "training.place_ics": "a place's public agenda (its published sessions)",
    "training_api.session": "same, through the API",
}

# A record of another organisation named in a query string is treated like one that does
# not exist: the page answers as for a missing record, with this message.
SAME_AS_MISSING: dict[str, str] = {
    "inventory.labels": "Aucun appareil à étiqueter.",
}

# Every role but the instance's administrator, who sees everything by design.
HOME_KIND = {r: k for r, k in DEFAULT_ORG_KIND.items() if r is not Role.ADMIN}


class _Tracking(dict):  # type: ignore[type-arg]
    """ctx.records that remembers which records a route's URL or body uses."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.used: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.used.add(key)
        return super().__getitem__(key)


def _uses_records(app: Flask, route: Route, ctx: Ctx) -> bool:
    tracking = _Tracking(ctx.records)
    probe = Ctx(users=ctx.users, tokens=ctx.tokens, records=tracking)
    with app.test_request_context():
        if route.path:
            route.path(probe)
        if callable(route.data):
            route.data(probe)
    return bool(tracking.used - {"own_token_id"})


def _roles(route: Route) -> list[Role]:
    if route.allow == PUBLIC:
        return []
    allowed = set(Role) if route.allow == ANY_USER else set(route.allow)
    return [r for r in Role if r in allowed and r in HOME_KIND]


def _intruders() -> tuple[dict[Role, Any], dict[Role, str]]:
    orgs = {
        kind: factories.create_org(kind, slug=f"intrus-{kind.value}".replace("_", "-"))
        for kind in set(HOME_KIND.values())
    }
    users = {
        role: factories.create_user(role, orgs[kind], email=f"intrus-{role.value}@test.local")
        for role, kind in HOME_KIND.items()
    }
    tokens = {role: services.create_api_token(user, "intrus") for role, user in users.items()}
    db.session.commit()
    return users, tokens


def _call(app: Flask, route: Route, ctx: Ctx, user: Any, token: str) -> tuple[str, Any]:
    with app.test_request_context():
        path = route.path(ctx) if route.path else url_for(route.endpoint)
    data = route.data(ctx) if callable(route.data) else route.data
    client = app.test_client()
    kwargs: dict[str, Any] = {}
    if path.startswith("/api/"):
        kwargs["headers"] = {"Authorization": f"Bearer {token}"}
        if route.method != "GET":
            kwargs["json"] = data or {}
    else:
        login_client(client, user)
        if route.method != "GET":
            kwargs["data"] = data or {}
    return path, client.open(path, method=route.method, **kwargs)


def _text_of(response: Any) -> str:
    """What a person would read in the answer: the text of a PDF or a workbook too."""
    data = response.get_data()
    if response.mimetype == "application/pdf":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    if data[:2] == b"PK":  # .xlsx
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return data.decode("utf-8", errors="replace")


RECORD_ROUTES = [r for r in ALL_ROUTES if r.path is not None and _roles(r)]


@pytest.mark.parametrize(
    "route", RECORD_ROUTES, ids=[f"{r.method}-{r.endpoint}" for r in RECORD_ROUTES]
)
def test_other_organisations_cannot_reach_the_record(app: Flask, route: Route, role_users) -> None:  # type: ignore[no-untyped-def]
    ctx = _build_ctx(role_users)
    ctx.records["own_token_id"] = ctx.users[Role.ADMIN].api_tokens[0].id
    if not _uses_records(app, route, ctx) or route.endpoint in SHARED:
        pytest.skip("no record of another organisation in this URL")
    intruders, tokens = _intruders()
    failures = []
    for role in _roles(route):
        intruder = intruders[role]
        ctx.records["own_token_id"] = intruder.api_tokens[0].id
        before = table_digest()
        path, response = _call(app, route, ctx, intruder, tokens[role])
        changed = [name for name, h in table_digest().items() if before.get(name) != h]
        if route.endpoint in SAME_AS_MISSING:
            if SAME_AS_MISSING[route.endpoint] not in _text_of(response):
                failures.append(f"{role.value} of another organisation: not as for a missing id")
        elif response.status_code not in (403, 404):
            failures.append(f"{role.value} of another organisation: {response.status_code}")
        if changed:
            failures.append(f"{role.value} of another organisation changed {changed}")
    assert not failures, f"{route.method} {path}: " + "; ".join(failures)


LIST_ROUTES = [r for r in ALL_ROUTES if r.method == "GET" and r.path is None and _roles(r)]


@pytest.mark.parametrize("route", LIST_ROUTES, ids=[r.endpoint for r in LIST_ROUTES])
def test_lists_do_not_show_other_organisations_records(
    app: Flask, route: Route, role_users
) -> None:  # type: ignore[no-untyped-def]
    _build_ctx(role_users)
    names = {h.reference_name for h in db.session.scalars(select(Household))}
    serials = {d.serial for d in db.session.scalars(select(Device)) if d.serial}
    secrets = {s for s in names | serials if len(s) >= 5}
    assert secrets, "the route tables' setups create households and devices"
    intruders, tokens = _intruders()
    ctx = Ctx(users=intruders, tokens=tokens)
    for role in _roles(route):
        path, response = _call(app, route, ctx, intruders[role], tokens[role])
        if response.status_code != 200:
            continue
        body = _text_of(response)
        shown = sorted(s for s in secrets if s in body)
        assert not shown, f"{role.value} of another organisation sees {shown} on {path}"


@pytest.mark.parametrize(
    ("endpoint", "role"),
    [
        ("households.household_list", Role.PRESCRIBER),
        ("households_api.household_list", Role.PRESCRIBER),
        ("inventory.device_list", Role.TECHNICIAN),
    ],
)
def test_the_owners_do_see_their_records(app: Flask, endpoint: str, role: Role, role_users) -> None:  # type: ignore[no-untyped-def]
    """The control of the test above: the same lists, read by the owners, show the records."""
    ctx = _build_ctx(role_users)
    names = {h.reference_name for h in db.session.scalars(select(Household))}
    serials = {d.serial for d in db.session.scalars(select(Device)) if d.serial}
    route = next(r for r in ALL_ROUTES if r.endpoint == endpoint and r.method == "GET")
    _path, response = _call(app, route, ctx, ctx.users[role], ctx.tokens[role])
    assert response.status_code == 200
    assert {s for s in names | serials if s in _text_of(response)}
