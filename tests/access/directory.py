"""Access table of "Où aller" (issue 15): the public search, and its staff view on a household."""

from __future__ import annotations

from flask import url_for

from app.authz.policy import Role
from app.extensions import db
from app.households.models import Household
from tests.access.table import PUBLIC, Ctx, Route, roles

# The household belongs to the prescriber's organisation: others get a 404.
HOUSEHOLD = roles(Role.ADMIN, Role.PRESCRIBER)


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
]
