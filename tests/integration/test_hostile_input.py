"""Hostile input on every HTML form: huge, empty, malformed, Unicode, injection strings.

Driven by the access tables (tests/access/): every POST route is sent generated values in
the fields its page shows, by a role allowed to use it. Never a 500; and when the input
is rejected (4xx), nothing changes in the database.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import url_for
from hypothesis import example, given
from hypothesis import strategies as st

from app.authz.policy import Role
from tests.access.table import ANY_USER, PUBLIC, Route
from tests.conftest import login_client
from tests.fuzzing import fuzz_settings, table_digest
from tests.integration.test_route_access import ALL_ROUTES, _build_ctx

NASTY = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "99999999999999999999999",
        "1e309",
        "NaN",
        "3,14",
        "2026-13-45",
        "31/02/2026",
        "' OR 1=1 --",
        "'; DROP TABLE device; --",
        '<script>alert("x")</script>',
        "{{ 7*7 }}",
        "../../etc/passwd",
        "\x00",
        "é" * 300,
        "👩🏽‍💻🇫🇷",
        "\u202eRTL",
        "a" * 20_000,
        "null",
        "true",
        "[]",
    ]
)
VALUES = st.one_of(NASTY, st.text(max_size=60))
HUGE = "99999999999999999999999"  # beyond any INTEGER column


# Every query parameter the application reads (grep request.args in app/), fuzzed on
# every page beside the fields of the page's own search forms.
QUERY_NAMES = [
    "a_verifier",
    "annee",
    "appareil",
    "apres",
    "batch_id",
    "besoin",
    "commune",
    "country",
    "current",
    "etat",
    "foyer",
    "household_id",
    "id",
    "ids",
    "kind",
    "need",
    "next",
    "nouveau",
    "organisation",
    "page",
    "pays",
    "place_id",
    "programme",
    "q",
    "state",
    "status",
    "statut",
    "theme",
    "to_verify",
    "type",
    "year",
    "lang",
]


class _FormFields(HTMLParser):
    """The field names of the page's forms of one method (post, or get for search forms)."""

    def __init__(self, method: str = "post") -> None:
        super().__init__()
        self.method = method
        self.names: set[str] = set()
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._in_form = (a.get("method") or "get").lower() == self.method
        elif self._in_form and tag in {"input", "select", "textarea"}:
            name = a.get("name")
            if name and name != "csrf_token" and a.get("type") not in {"file"}:
                self.names.add(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False


def _role_for(route: Route) -> Role | None:
    if route.allow in (PUBLIC,):
        return None
    if route.allow == ANY_USER:
        return Role.MANAGER
    assert isinstance(route.allow, frozenset)
    for preferred in (
        Role.MANAGER,
        Role.PRESCRIBER,
        Role.TRAINER,
        Role.FRONT_DESK,
        Role.TECHNICIAN,
        Role.VIEWER,
        Role.ADMIN,
    ):
        if preferred in route.allow:
            return preferred
    return None


FORM_ROUTES = [
    r
    for r in ALL_ROUTES
    if r.method == "POST"
    and not (r.path is None and r.endpoint.startswith("api"))
    and "api" not in r.endpoint.split(".")[0]
]


def _rejected(response) -> bool:  # type: ignore[no-untyped-def]
    """A refusal: a 4xx, or the form shown again with its errors (what a clerk sees)."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code != 200 or response.mimetype != "text/html":
        return False
    body = response.get_data(as_text=True)
    return 'aria-invalid="true"' in body or 'class="error-summary"' in body


@pytest.mark.parametrize("route", FORM_ROUTES, ids=[r.endpoint for r in FORM_ROUTES])
def test_forms_survive_hostile_input(app, route: Route, role_users) -> None:  # type: ignore[no-untyped-def]
    ctx = _build_ctx(role_users)
    role = _role_for(route)
    with app.test_request_context():
        if role is not None:
            ctx.records["own_token_id"] = ctx.users[role].api_tokens[0].id
        else:
            ctx.records["own_token_id"] = ctx.users[Role.ADMIN].api_tokens[0].id
        path = route.path(ctx) if route.path else url_for(route.endpoint)
    if path.startswith("/api/"):
        pytest.skip("API bodies are fuzzed by schemathesis")
    client = app.test_client()
    if role is not None:
        login_client(client, ctx.users[role])
    page = client.get(path)
    parser = _FormFields()
    if page.status_code == 200:
        parser.feed(page.get_data(as_text=True))
    base = route.data(ctx) if callable(route.data) else dict(route.data or {})
    names = sorted(parser.names | set(base))
    if not names:
        names = ["q"]

    @given(values=st.fixed_dictionaries({name: VALUES for name in names}))
    @fuzz_settings(8)
    def run(values: dict[str, str]) -> None:
        before = table_digest()
        response = client.post(path, data=values)
        assert response.status_code < 500, f"{response.status_code} on POST {path} with {values!r}"
        after = table_digest()
        if _rejected(response):
            assert after == before, f"rejected POST {path} changed the database"

    run()


GET_ROUTES = [r for r in ALL_ROUTES if r.method == "GET"]


@pytest.mark.parametrize("route", GET_ROUTES, ids=[r.endpoint for r in GET_ROUTES])
def test_pages_survive_hostile_query_strings(app, route: Route, role_users) -> None:  # type: ignore[no-untyped-def]
    ctx = _build_ctx(role_users)
    role = _role_for(route)
    with app.test_request_context():
        owner = ctx.users[role] if role is not None else ctx.users[Role.ADMIN]
        ctx.records["own_token_id"] = owner.api_tokens[0].id
        path = route.path(ctx) if route.path else url_for(route.endpoint)
    client = app.test_client()
    headers = {}
    if path.startswith("/api/"):
        headers["Authorization"] = f"Bearer {ctx.tokens[role or Role.ADMIN]}"
    elif role is not None:
        login_client(client, ctx.users[role])
    page = client.get(path, headers=headers)
    parser = _FormFields("get")
    if page.status_code == 200 and page.mimetype == "text/html":
        parser.feed(page.get_data(as_text=True))
    names = sorted(parser.names | set(QUERY_NAMES))
    base = path.split("?", 1)[0]

    @given(values=st.dictionaries(st.sampled_from(names), VALUES, max_size=4))
    @example(values={name: HUGE for name in ("page", "annee", "year", "foyer", "id")})
    @example(values={"ids": f"1,{HUGE},-3", "batch_id": HUGE, "household_id": HUGE})
    @fuzz_settings(4)
    def run(values: dict[str, str]) -> None:
        before = table_digest()
        response = client.get(base, query_string=values, headers=headers)
        assert response.status_code < 500, f"{response.status_code} on GET {base} {values!r}"
        assert table_digest() == before, f"GET {base} changed the database"

    run()
