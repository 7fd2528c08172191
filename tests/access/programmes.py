"""Access table of the programmes API (issue 14).

The records: the shipped programmes (owned by the administrator) and a draft owned by the
manager's association, which its managers and the administrator may edit and publish.
"""

from __future__ import annotations

from typing import Any

from app.authz.policy import Role
from app.core.clock import today
from tests.access.table import ANY_USER, Ctx, Route, roles

WRITE = roles(Role.ADMIN, Role.MANAGER)

YAML = """\
code: {code}
name: Aide de test
summary: Un ordinateur à petit prix pour les allocataires du RSA.
device_types: [laptop]
valid_from: 2020-01-01
source: {{citation: "test:1"}}
conditions:
  - statuses: {{any_of: [rsa], proof: declared}}
outcome: {{kind: sale, price_eur: 20}}
"""


def definition(code: str) -> dict[str, Any]:
    from app.eligibility.loader import definition_from_yaml

    return definition_from_yaml(YAML.format(code=code), "test.yaml")


def setup(ctx: Ctx) -> None:
    from app.eligibility import catalogue, services

    # The shipped programmes first: they are made only while the table is empty. (The
    # request-wide list may be stale here, after a wipe between roles.)
    catalogue.invalidate()
    services.all_programmes()
    services.create_programme(
        "aide-acces", ctx.org(Role.MANAGER).id, definition("aide-acces"), None
    )


ROUTES = [
    Route("programmes_api.programme_list", allow=ANY_USER),
    Route(
        "programmes_api.programme_detail",
        allow=ANY_USER,
        path=lambda ctx: "/api/v1/programmes/rsa-ordinateur-15",
    ),
    Route(
        "programmes_api.programme_create",
        "POST",
        allow=WRITE,
        data={"definition": definition("aide-nouvelle")},
        ok=(201,),
        fresh_per_role=True,
    ),
    Route(
        "programmes_api.programme_draft",
        "PUT",
        allow=WRITE,
        path=lambda ctx: "/api/v1/programmes/aide-acces/draft",
        data={"yaml": YAML.format(code="aide-acces").replace("20}", "25}")},
        ok=(200,),
    ),
    Route(
        "programmes_api.programme_publish",
        "POST",
        allow=WRITE,
        path=lambda ctx: "/api/v1/programmes/aide-acces/publish",
        data=lambda ctx: {"effective_from": today().isoformat()},
        ok=(200,),
        fresh_per_role=True,
    ),
]
