"""Access table of the reports domain: dashboard, exports, report, personal data rights."""

from flask import url_for

from app.authz.policy import Role
from tests.access.table import PUBLIC, Ctx, Route, roles

READERS = roles(Role.ADMIN, Role.MANAGER, Role.VIEWER)
# A household belongs to the prescribing organisation that recorded it: its prescribers
# (and the administrator) reach its data; everyone else gets 404 or 403.
HOUSEHOLD_OWNERS = roles(Role.ADMIN, Role.PRESCRIBER)


def setup(ctx: Ctx) -> None:
    from app.extensions import db
    from app.households.models import Household

    household = Household(
        organisation_id=ctx.org(Role.PRESCRIBER).id,
        reference_name="Foyer Accès",
        phone="06 11 22 33 44",
    )
    db.session.add(household)
    db.session.flush()
    ctx.records["reports_household_id"] = household.id


def _household(endpoint: str):  # type: ignore[no-untyped-def]
    return lambda ctx: url_for(endpoint, household_id=ctx.records["reports_household_id"])


ROUTES = [
    Route("reports.dashboard", allow=READERS),
    Route(
        "reports.dashboard",
        allow=READERS,
        path=lambda ctx: url_for("reports.dashboard", debut="2026-01-01", fin="2026-06-30"),
    ),
    Route("reports.export_xlsx", allow=READERS),
    Route("reports.report_pdf", allow=READERS),
    Route(
        "reports.export_csv",
        allow=READERS,
        path=lambda ctx: url_for("reports.export_csv", key="flux_mensuels"),
    ),
    Route("reports.stylesheet", allow=PUBLIC),
    Route("reports.privacy_index", allow=HOUSEHOLD_OWNERS),
    Route(
        "reports.privacy_index",
        allow=HOUSEHOLD_OWNERS,
        path=lambda ctx: url_for("reports.privacy_index", q="Accès"),
    ),
    Route(
        "reports.household_privacy",
        allow=HOUSEHOLD_OWNERS,
        path=_household("reports.household_privacy"),
    ),
    Route(
        "reports.household_export_json",
        allow=HOUSEHOLD_OWNERS,
        path=_household("reports.household_export_json"),
    ),
    Route(
        "reports.household_export_pdf",
        allow=HOUSEHOLD_OWNERS,
        path=_household("reports.household_export_pdf"),
    ),
    Route(
        "reports.household_erase",
        "POST",
        allow=HOUSEHOLD_OWNERS,
        fresh_per_role=True,
        data={"confirm": "y"},
        path=_household("reports.household_erase"),
    ),
    # Passing an erasure request is for an association that serves the household (issue
    # 19, tests/integration/test_links_and_access.py): this one is served by none, and its
    # holder (and the administrator) erase it themselves.
    Route(
        "reports.household_pass_erasure",
        "POST",
        allow=roles(),
        path=_household("reports.household_pass_erasure"),
    ),
]
