"""The vocabulary of the route-access tables.

Each domain lists its routes in ``tests/access/<domain>.py`` as ``ROUTES`` (and may give a
``setup(ctx)`` that creates the records its URLs need). test_route_access.py walks the
whole URL map: a route missing from every table fails the suite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.accounts.models import Organisation, User
from app.authz.policy import Role

PUBLIC = "public"  # anyone, logged in or not
ANY_USER = "any"  # any logged-in user


@dataclass
class Ctx:
    """What URL builders can use: a user and an API token per role, plus domain records."""

    users: dict[Role, User]
    tokens: dict[Role, str]
    records: dict[str, Any] = field(default_factory=dict)

    def org(self, role: Role) -> Organisation:
        return self.users[role].organisation


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str = "GET"
    # frozenset of Role, or PUBLIC, or ANY_USER
    allow: frozenset[Role] | str = ANY_USER
    # builds the URL; default: url_for(endpoint) with no arguments
    path: Callable[[Ctx], str] | None = None
    # form fields (HTML) or JSON body (API) for POST/PUT/PATCH
    data: dict[str, Any] | Callable[[Ctx], dict[str, Any]] | None = None
    # statuses that mean "allowed"
    ok: tuple[int, ...] = (200, 302)
    # a stateful action that changes what the next role sees: run with fresh records per role
    fresh_per_role: bool = False


def roles(*names: Role) -> frozenset[Role]:
    return frozenset(names)
