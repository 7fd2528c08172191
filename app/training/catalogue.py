"""What is on offer: the training places, the upcoming sessions, their seats and waiting
lists, a series' next date and a household's bookings (read only: what the pages, the
messages and the API look up)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Organisation
from app.authz.policy import OrgKind
from app.core.clock import utcnow
from app.extensions import db
from app.households.models import Household
from app.training.models import (
    OPENING_HOURS_MAX,
    Booking,
    BookingStatus,
    SessionStatus,
    TrainingPlace,
    TrainingSession,
)

MAX_ID = 2**31  # ids are 32-bit integers in PostgreSQL: beyond, nothing can be found


def fetch(model: Any, ident: int) -> Any:
    """``db.session.get`` for an identifier from a URL or a body (None when out of range)."""
    return db.session.get(model, ident) if 0 < ident < MAX_ID else None


def place_for(org: Organisation) -> TrainingPlace:
    """The place details of a training organisation (created empty on first use)."""
    place = db.session.scalar(select(TrainingPlace).where(TrainingPlace.organisation_id == org.id))
    if place is None:
        place = TrainingPlace(organisation_id=org.id, organisation=org, services=[])
        db.session.add(place)
        db.session.flush()
    return place


def hours_too_long(value: str) -> str | None:
    """Why OSM hours (the directory's grid) cannot be kept on a training place's record, or
    None: it holds OPENING_HOURS_MAX characters, and cut hours would publish wrong ones."""
    if len(value) <= OPENING_HOURS_MAX:
        return None
    return _(
        "Ces horaires font %(length)s caractères : le lieu d'ateliers en enregistre "
        "%(max)s au plus. Rien n'est enregistré. Regroupez les jours qui ont les mêmes "
        "horaires (ils s'écrivent ensemble, « Mo-Fr 09:00-12:00 »), puis enregistrez.",
        length=len(value),
        max=OPENING_HOURS_MAX,
    )


@dataclass(frozen=True)
class PlaceFacts:
    """What a training place tells the people who come: its presentation and its opening
    hours, day by day in the reader's words (``hours_lines``, "Mardi : 9 h – 12 h"), or as
    typed when they cannot be read (``hours_as_typed``: older records, imports)."""

    description: str = ""
    opening_hours: str = ""  # OSM opening_hours, as stored
    hours_lines: list[str] = field(default_factory=list)
    hours_as_typed: str = ""

    def __bool__(self) -> bool:
        return bool(self.description or self.opening_hours)


def place_facts(org_id: int) -> PlaceFacts:
    """The facts of the training place of ``org_id`` (empty when it published none).

    The hours are those of the coming seven days (today included), so a public holiday
    closed by "PH off" shows as one (app.directory.hours.week)."""
    from app.directory import hours
    from app.eligibility.display import speaker
    from app.training.recurrence import to_local

    place = db.session.scalar(select(TrainingPlace).where(TrainingPlace.organisation_id == org_id))
    if place is None:
        return PlaceFacts()
    value = (place.opening_hours or "").strip()
    s = speaker()
    lines = (
        [day.line_in(s) for day in hours.week(value, to_local(utcnow()).date())] if value else []
    )
    return PlaceFacts(
        description=(place.description or "").strip(),
        opening_hours=value,
        hours_lines=lines,
        hours_as_typed="" if lines else value,
    )


def training_place_orgs() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.TRAINING_PLACE, Organisation.active.is_(True))
            .order_by(Organisation.name)
        )
    )


def upcoming_sessions(
    org_id: int | None = None, theme: str = "", commune: str = "", limit: int = 200
) -> list[TrainingSession]:
    query = select(TrainingSession).where(
        TrainingSession.status == SessionStatus.PUBLISHED, TrainingSession.starts_at >= utcnow()
    )
    if org_id is not None:
        query = query.where(TrainingSession.organisation_id == org_id)
    commune = commune.replace("\x00", "").strip()[:120]  # PostgreSQL refuses NUL bytes
    if commune:
        query = query.where(func.lower(TrainingSession.commune) == commune.lower())
    rows = db.session.scalars(query.order_by(TrainingSession.starts_at).limit(limit * 3)).all()
    if theme:  # JSON lists: filtered here, the same way on both databases
        rows = [s for s in rows if theme in s.themes]
    return list(rows[:limit])


def waiting_counts(session_ids: Iterable[int]) -> dict[int, int]:
    ids = list(session_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Booking.session_id, func.count())
        .where(Booking.session_id.in_(ids), Booking.status == BookingStatus.WAITING)
        .group_by(Booking.session_id)
    ).all()
    return {sid: int(n) for sid, n in rows}


def waiting_position(booking: Booking) -> int | None:
    """1 for the first person waiting; None when not waiting."""
    if booking.status is not BookingStatus.WAITING or booking.waiting_number is None:
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            Booking.session_id == booking.session_id,
            Booking.status == BookingStatus.WAITING,
            Booking.waiting_number < booking.waiting_number,
        )
    )
    return int(ahead or 0) + 1


def next_in_series(session: TrainingSession) -> TrainingSession | None:
    """The series' next session still open after ``session`` (what to do after a cancel)."""
    if not session.weekly:
        return None
    return db.session.scalar(
        select(TrainingSession)
        .where(
            TrainingSession.series_key == session.series_key,
            TrainingSession.status == SessionStatus.PUBLISHED,
            TrainingSession.starts_at > max(session.starts_at, utcnow()),
        )
        .order_by(TrainingSession.starts_at)
        .limit(1)
    )


def bookings_for_household(household: Household) -> list[Booking]:
    """A household's bookings (cancelled ones too), soonest session first.

    For the household's page and the family's page (templates/training/_household_bookings.html).
    """
    return list(
        db.session.scalars(
            select(Booking)
            .join(Booking.session)
            .where(Booking.household_id == household.id)
            .order_by(TrainingSession.starts_at, Booking.id)
        )
    )
