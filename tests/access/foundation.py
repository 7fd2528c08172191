"""Access table of the foundation's routes."""

from flask import url_for

from app.authz.policy import Role
from tests.access.table import ANY_USER, PUBLIC, Ctx, Route, roles

ADMIN = roles(Role.ADMIN)
AUDIT = roles(Role.ADMIN, Role.MANAGER)


def _first_token_id(ctx: Ctx) -> str:
    return url_for("auth.revoke_token", token_id=ctx.records["own_token_id"])


ROUTES = [
    Route("core.home", allow=ANY_USER),
    Route("core.set_language", "POST", allow=PUBLIC, data={"lang": "en"}),
    Route("core.health", allow=PUBLIC),
    Route("auth.login", allow=PUBLIC),
    Route("auth.login", "POST", allow=PUBLIC, data={"email": "x@y.z", "password": "nope"}),
    Route("auth.logout", "POST", allow=ANY_USER),
    Route("auth.account", allow=ANY_USER),
    Route("auth.account", "POST", allow=ANY_USER),
    # Each user revokes only their own token: the URL is built for the requesting user.
    Route("auth.revoke_token", "POST", allow=ANY_USER, path=_first_token_id),
    Route("admin.organisations", allow=ADMIN),
    Route("admin.organisation_new", allow=ADMIN),
    Route("admin.organisation_new", "POST", allow=ADMIN),
    Route(
        "admin.organisation_edit",
        allow=ADMIN,
        path=lambda ctx: url_for("admin.organisation_edit", org_id=ctx.org(Role.MANAGER).id),
    ),
    Route(
        "admin.organisation_edit",
        "POST",
        allow=ADMIN,
        path=lambda ctx: url_for("admin.organisation_edit", org_id=ctx.org(Role.MANAGER).id),
    ),
    # A manager sees and resets (unlocks, logs out) the accounts of their organisation.
    Route("admin.users", allow=AUDIT),
    Route("admin.user_new", allow=ADMIN),
    Route("admin.user_new", "POST", allow=ADMIN),
    Route(
        "admin.user_detail",
        allow=AUDIT,
        path=lambda ctx: url_for("admin.user_detail", user_id=ctx.users[Role.TECHNICIAN].id),
    ),
    Route(
        "admin.user_detail",
        "POST",
        allow=AUDIT,
        path=lambda ctx: url_for("admin.user_detail", user_id=ctx.users[Role.TECHNICIAN].id),
    ),
    Route(
        "admin.user_toggle",
        "POST",
        allow=ADMIN,
        fresh_per_role=True,
        path=lambda ctx: url_for("admin.user_toggle", user_id=ctx.users[Role.TECHNICIAN].id),
    ),
    # The manager ends the sessions of a person of their own organisation.
    Route(
        "admin.user_end_sessions",
        "POST",
        allow=AUDIT,
        fresh_per_role=True,
        path=lambda ctx: url_for("admin.user_end_sessions", user_id=ctx.users[Role.TECHNICIAN].id),
    ),
    Route("auth.end_sessions", "POST", allow=ANY_USER, fresh_per_role=True),
    Route("audit.journal", allow=AUDIT),
    Route("api.openapi", allow=PUBLIC),
    Route("api.me", allow=ANY_USER),
]
