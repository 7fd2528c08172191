"""The ``training`` blueprint and what its pages share: the template helpers (also for
the households' and the family's pages), the record lookups with their access checks,
the trainer's place. The views are in session_routes.py (catalogue, sessions,
cancellation, attendance), booking_routes.py (bookings, diagnostic and suggestions, a
household's calendar) and place_routes.py (the trainer's place, courses, the place's
calendar, the old open-data addresses), gathered by routes.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import Organisation
from app.authz.guards import can, ensure_record_access
from app.authz.policy import OrgKind, Permission
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.extensions import db
from app.households.models import Household
from app.training import courses, feed_routes
from app.training.catalogue import bookings_for_household, fetch, place_facts, waiting_position
from app.training.forms import (
    ATTENDANCE_LABELS,
    BOOKING_STATUS_LABELS,
    DOMAIN_LABELS,
    FORMAT_LABELS,
    LEVEL_LABELS,
    PATH_LABELS,
    PRICE_LABELS,
    PUBLIC_LABELS,
    THEME_LABELS,
)
from app.training.models import TrainingSession
from app.training.recurrence import to_local

bp = Blueprint("training", __name__, url_prefix="/formation")
bp.register_blueprint(feed_routes.bp)  # calendar subscriptions: training.feeds.*


@bp.app_context_processor
def training_helpers() -> dict[str, Any]:
    """For every template, including the households' and the family's pages."""
    return {
        "training_bookings": bookings_for_household,
        "training_ended_with_session": courses.ended_with_session,
        "training_courses": courses.household_courses,
        "training_labels": {
            "themes": THEME_LABELS,
            "levels": LEVEL_LABELS,
            "paths": PATH_LABELS,
            "domains": DOMAIN_LABELS,
            "formats": FORMAT_LABELS,
            "prices": PRICE_LABELS,
            "publics": PUBLIC_LABELS,
            "attendance": ATTENDANCE_LABELS,
            "status": BOOKING_STATUS_LABELS,
        },
        "training_local": to_local,
        "training_now": utcnow,
        "training_can_book": lambda household: can(
            Permission.TRAINING_BOOK, household.organisation_id
        ),
        "training_waiting_position": waiting_position,
        "training_place_facts": place_facts,
        "training_can_read": lambda: can(Permission.TRAINING_READ),
        "training_household_url": household_url,
    }


def household_url(household: Household) -> str | None:
    """The households domain's page of this household, when it exists."""
    for endpoint in ("households.detail", "households.household_detail", "households.show"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint, household_id=household.id)
    return None


def household_to_book(household_id: int) -> Household:
    household = fetch(Household, household_id)
    if household is None or household.anonymised_at is not None:
        abort(404)
    ensure_record_access(Permission.TRAINING_BOOK, household.organisation_id)
    return household


def session_or_404(session_id: int) -> TrainingSession:
    return fetch(TrainingSession, session_id) or abort(404)


def own_session(session_id: int) -> TrainingSession:
    session = session_or_404(session_id)
    ensure_record_access(Permission.TRAINING_MANAGE, session.organisation_id)
    return session


def flash_error(exc: DomainError) -> None:
    db.session.rollback()
    flash(exc.message, "error")


def bookable_households() -> list[Household]:
    """Households the current user may book for (their organisation's; all for admins)."""
    query = select(Household).where(Household.anonymised_at.is_(None))
    if not can(Permission.TRAINING_BOOK, -1):  # not cross-organisation: own households
        query = query.where(Household.organisation_id == current_user.organisation_id)
    return list(db.session.scalars(query.order_by(Household.reference_name).limit(300)))


def place_org() -> Organisation:
    org = current_user.organisation
    if org.kind is not OrgKind.TRAINING_PLACE:
        flash(_("Votre organisation n'est pas un lieu de formation."), "error")
        abort(403)
    return org  # type: ignore[no-any-return]


def ics_response(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
