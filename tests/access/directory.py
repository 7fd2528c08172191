"""Access table of "Où aller" (issue 15): the public search, and its staff view on a household."""

from __future__ import annotations

from flask import url_for

from app.authz.policy import Role
from app.extensions import db
from app.households.models import Household
from tests.access.table import PUBLIC, Ctx, Route, roles

# The household belongs to the prescriber's organisation: others get a 404.
HOUSEHOLD = roles(Role.ADMIN, Role.PRESCRIBER)
STAFF = roles(Role.ADMIN, Role.MANAGER, Role.TECHNICIAN, Role.FRONT_DESK, Role.PRESCRIBER,
              Role.TRAINER)  # fmt: skip


def setup(ctx: Ctx) -> None:
    household = Household(
        organisation_id=ctx.org(Role.PRESCRIBER).id,
        reference_name="Foyer annuaire",
        phone="0612345678",
        commune="Metz",
        postcode="57070",
    )
    db.session.add(household)
    db.session.commit()
    ctx.records["directory_household"] = household.id


ROUTES = [
    Route("directory.search_page", allow=PUBLIC),
    Route(
        "directory.for_household",
        allow=HOUSEHOLD,
        path=lambda c: url_for(
            "directory.for_household", household_id=c.records["directory_household"]
        ),
    ),
    # Open data (issue 15): exports for staff, imports for administrators.
    Route("directory.data.page", allow=STAFF),
    Route("directory.data.export_mednum", allow=STAFF),
    Route("directory.data.export_data_inclusion", allow=STAFF),
    Route("directory.data.import_file", "POST", allow=roles(Role.ADMIN)),
    # An organisation's directory place: its own managers (here the association) and admins.
    Route(
        "directory.data.place_form",
        allow=roles(Role.ADMIN, Role.MANAGER),
        path=lambda c: url_for("directory.data.place_form", org_id=c.org(Role.MANAGER).id),
    ),
    Route(
        "directory.data.place_form",
        "POST",
        allow=roles(Role.ADMIN, Role.MANAGER),
        path=lambda c: url_for("directory.data.place_form", org_id=c.org(Role.MANAGER).id),
    ),
    # A training place's sessions as La Coop activity reports: its trainers and admins.
    Route(
        "directory.data.coop_activities",
        allow=roles(Role.ADMIN, Role.TRAINER),
        path=lambda c: url_for("directory.data.coop_activities", org_id=c.org(Role.TRAINER).id),
    ),
]
