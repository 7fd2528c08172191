"""Access table of a programme's preview (issue 14): only its writers open it.

The shipped programmes belong to the administrator: the administrator alone previews them.
"""

from __future__ import annotations

from flask import url_for

from app.authz.policy import Role
from tests.access.table import Route, roles

ROUTES = [
    Route(
        "eligibility.programme_preview",
        allow=roles(Role.ADMIN),
        path=lambda ctx: url_for("eligibility.programme_preview", code="rsa-ordinateur-15"),
    ),
]
