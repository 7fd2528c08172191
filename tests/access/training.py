"""Access table of the training routes (issue 7)."""

from __future__ import annotations

from datetime import time, timedelta

from flask import url_for

from app.authz.policy import Role
from app.core.clock import utcnow
from app.extensions import db
from app.households.models import Household
from app.training import bookings, feeds, sessions, suggestions
from app.training.recurrence import to_local
from tests.access.table import PUBLIC, Ctx, Route, roles

READ = roles(
    Role.ADMIN, Role.MANAGER, Role.TECHNICIAN, Role.FRONT_DESK, Role.PRESCRIBER, Role.TRAINER
)
BOOK = roles(Role.ADMIN, Role.MANAGER, Role.FRONT_DESK, Role.PRESCRIBER)
# Households belong to the prescriber's organisation: others get a 404.
HOUSEHOLD = roles(Role.ADMIN, Role.PRESCRIBER)
OWN_PLACE = roles(Role.ADMIN, Role.TRAINER)  # a session of the trainer's own place
PLACE = roles(Role.TRAINER)  # pages of "my place": only a training place's own staff


def setup(ctx: Ctx) -> None:
    place = ctx.org(Role.TRAINER)
    day = to_local(utcnow()).date() + timedelta(days=4)
    course = sessions.create_course(place, "Parcours premiers pas")
    data = sessions.SessionData(title="Découvrir", themes=["decouvrir"], course_id=course.id)
    session = sessions.create_sessions(place, data, day, time(9), 2)[0]
    household = Household(
        organisation_id=ctx.org(Role.PRESCRIBER).id,
        reference_name="Foyer accès",
        phone="0612345678",
        commune="Metz",
        postcode="57000",
    )
    db.session.add(household)
    db.session.commit()
    diagnostic = suggestions.record_diagnostic(household, dict.fromkeys(
        ("device", "search", "create_email", "use_mailbox", "attach_file", "appointment",
         "accounts", "form", "taxes", "job"), 1))  # fmt: skip
    booking = bookings.book(session.id, household, notify=False)
    ctx.records.update(
        training_session=session.id,
        training_course=course.id,
        training_household=household.id,
        training_diagnostic=diagnostic.id,
        training_booking=booking.id,
        training_place=place.id,
        training_feed=feeds.open_feed(feeds.Owner.place(place), None),
    )


def _s(endpoint: str) -> object:
    return lambda ctx: url_for(endpoint, session_id=ctx.records["training_session"])


def _h(endpoint: str) -> object:
    return lambda ctx: url_for(endpoint, household_id=ctx.records["training_household"])


def _household_form(ctx: Ctx) -> dict[str, object]:
    return {"household_id": ctx.records["training_household"]}


ROUTES = [
    Route("training.catalogue", allow=READ),
    Route("training.session_detail", allow=READ, path=_s("training.session_detail")),  # type: ignore[arg-type]
    Route("training.session_new", allow=PLACE),
    Route("training.session_new", "POST", allow=PLACE),
    Route("training.session_edit", allow=OWN_PLACE, path=_s("training.session_edit")),  # type: ignore[arg-type]
    Route("training.session_edit", "POST", allow=OWN_PLACE, path=_s("training.session_edit")),  # type: ignore[arg-type]
    Route("training.session_cancel", allow=OWN_PLACE, path=_s("training.session_cancel")),  # type: ignore[arg-type]
    Route("training.session_cancel", "POST", allow=OWN_PLACE, path=_s("training.session_cancel")),  # type: ignore[arg-type]
    Route("training.attendance", "POST", allow=OWN_PLACE, path=_s("training.attendance")),  # type: ignore[arg-type]
    Route(
        "training.session_book", "POST", allow=HOUSEHOLD, path=_s("training.session_book"),  # type: ignore[arg-type]
        data=_household_form,
    ),
    Route(
        "training.booking_cancel", "POST", allow=HOUSEHOLD,
        path=lambda ctx: url_for("training.booking_cancel",
                                 booking_id=ctx.records["training_booking"]),
    ),
    Route("training.my_sessions", allow=PLACE),
    Route("training.place_edit", allow=PLACE),
    Route("training.place_edit", "POST", allow=PLACE),
    Route("training.course_new", allow=PLACE),
    Route("training.course_new", "POST", allow=PLACE),
    Route(
        "training.course_detail", allow=READ,
        path=lambda ctx: url_for("training.course_detail", course_id=ctx.records["training_course"]),
    ),
    Route(
        "training.course_book", "POST", allow=HOUSEHOLD, data=_household_form,
        path=lambda ctx: url_for("training.course_book", course_id=ctx.records["training_course"]),
    ),
    Route("training.diagnostic_new", allow=HOUSEHOLD, path=_h("training.diagnostic_new")),  # type: ignore[arg-type]
    Route("training.diagnostic_new", "POST", allow=HOUSEHOLD, path=_h("training.diagnostic_new")),  # type: ignore[arg-type]
    Route(
        "training.diagnostic_detail", allow=HOUSEHOLD,
        path=lambda ctx: url_for("training.diagnostic_detail",
                                 diagnostic_id=ctx.records["training_diagnostic"]),
    ),
    Route(
        "training.place_ics", allow=READ,
        path=lambda ctx: url_for("training.place_ics", org_id=ctx.records["training_place"]),
    ),
    Route("training.household_ics", allow=HOUSEHOLD, path=_h("training.household_ics")),  # type: ignore[arg-type]
    Route(
        "training.feeds.subscription", allow=PUBLIC,
        path=lambda ctx: url_for("training.feeds.subscription", token=ctx.records["training_feed"]),
    ),
    Route(
        "training.feeds.place_open", "POST", allow=OWN_PLACE,
        path=lambda ctx: url_for("training.feeds.place_open", org_id=ctx.records["training_place"]),
    ),
    Route(
        "training.feeds.place_revoke", "POST", allow=OWN_PLACE,
        path=lambda ctx: url_for("training.feeds.place_revoke",
                                 org_id=ctx.records["training_place"]),
    ),
    Route("training.feeds.household_open", "POST", allow=HOUSEHOLD, path=_h("training.feeds.household_open")),  # type: ignore[arg-type]
    Route("training.feeds.household_revoke", "POST", allow=HOUSEHOLD, path=_h("training.feeds.household_revoke")),  # type: ignore[arg-type]
    # Former open-data addresses: they lead to the directory's (issue 15).
    Route("training.open_data", allow=READ, ok=(301,)),
    Route("training.export_data_inclusion", allow=READ, ok=(301,)),
    Route("training.export_mednum", allow=READ, ok=(301,)),
    Route("training.import_open_data", "POST", allow=roles(Role.ADMIN), ok=(308,)),
    Route("training_api.sessions", allow=READ),
    Route(
        "training_api.session", allow=READ,
        path=lambda ctx: url_for("training_api.session",
                                 session_id=ctx.records["training_session"]),
    ),
    Route("training_api.bookings", allow=BOOK),
    Route(
        "training_api.booking_create", "POST", allow=HOUSEHOLD, ok=(201,), fresh_per_role=True,
        path=lambda ctx: url_for("training_api.booking_create",
                                 session_id=ctx.records["training_session"] + 1),
        data=lambda ctx: {"household_id": ctx.records["training_household"]},
    ),
    Route(
        "training_api.booking_cancel", "POST", allow=HOUSEHOLD, fresh_per_role=True,
        path=lambda ctx: url_for("training_api.booking_cancel",
                                 booking_id=ctx.records["training_booking"]),
    ),
    Route(
        "training_api.match", "POST", allow=READ,
        data={"field_level": "debutant", "themes": ["decouvrir"], "postcode": "57000"},
    ),
]  # fmt: skip
