"""Access table of the programme editor's pages (issue 14).

The shipped programmes belong to the administrator: only the administrator edits them;
managers may create programmes of their own organisation; every reader may export.
"""

from __future__ import annotations

from flask import url_for

from app.authz.policy import Role
from tests.access.table import Route, roles

READ = roles(Role.ADMIN, Role.MANAGER, Role.FRONT_DESK, Role.PRESCRIBER)
WRITE = roles(Role.ADMIN, Role.MANAGER)
OWNER = roles(Role.ADMIN)  # the shipped programmes are the administrator's


def _code(endpoint: str) -> object:
    return lambda ctx: url_for(endpoint, code="rsa-ordinateur-15")


ROUTES = [
    Route("eligibility.editor.programme_new", allow=WRITE),
    Route(
        "eligibility.editor.programme_new",
        "POST",
        allow=WRITE,
        data={"name": ""},  # refused form: redrawn with its faults (200)
    ),
    Route("eligibility.editor.programme_import", allow=WRITE),
    Route("eligibility.editor.programme_import", "POST", allow=WRITE, data={}),
    Route(
        "eligibility.editor.programme_draft",
        allow=OWNER,
        path=_code("eligibility.editor.programme_draft"),
    ),
    Route(
        "eligibility.editor.programme_draft",
        "POST",
        allow=OWNER,
        path=_code("eligibility.editor.programme_draft"),
        data={"name": ""},
    ),
    Route(
        "eligibility.editor.programme_publish",
        "POST",
        allow=OWNER,
        path=_code("eligibility.editor.programme_publish"),
        data={},
    ),
    Route(
        "eligibility.editor.programme_end",
        "POST",
        allow=OWNER,
        path=_code("eligibility.editor.programme_end"),
        data={},
    ),
    Route(
        "eligibility.editor.programme_discard",
        "POST",
        allow=OWNER,
        path=_code("eligibility.editor.programme_discard"),
    ),
    Route(
        "eligibility.editor.programme_export",
        allow=READ,
        path=_code("eligibility.editor.programme_export"),
    ),
]
