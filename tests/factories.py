"""Factories for tests: plain functions that build records through the services."""

from __future__ import annotations

import itertools

from app.accounts import services
from app.accounts.models import Organisation, User
from app.authz.policy import DEFAULT_ORG_KIND, OrgKind, Role

PASSWORD = "mot-de-passe-de-test"
_seq = itertools.count(1)


def create_org(
    kind: OrgKind = OrgKind.ASSOCIATION, slug: str | None = None, **fields: str
) -> Organisation:
    n = next(_seq)
    slug = slug or f"{kind.value.replace('_', '-')}-{n}"
    name = fields.pop("name", f"Organisation {n}")
    return services.create_organisation(slug, name, kind, **fields)


def create_user(
    role: Role = Role.MANAGER,
    org: Organisation | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    full_name: str = "",
) -> User:
    org = org or create_org(DEFAULT_ORG_KIND[role])
    email = email or f"{role.value}-{next(_seq)}@test.local"
    return services.create_user(email, password, role, org, full_name=full_name or email)
