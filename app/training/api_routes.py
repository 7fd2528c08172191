"""Training API: sessions, bookings and slot matching under /api/v1/training."""

from __future__ import annotations

from typing import Annotated

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlalchemy import select

from app.api.auth import api_auth
from app.api.errors import ApiError, parse_body
from app.api.openapi import operation
from app.api.types import RecordId, UtcDateTime
from app.audit.services import record
from app.authz.guards import can
from app.authz.policy import Permission
from app.core.clock import utcnow
from app.extensions import db
from app.households.models import Household
from app.training import courses
from app.training import diagnostic as dg
from app.training import matching as mt
from app.training.bookings import book
from app.training.cancellations import cancel_booking
from app.training.catalogue import (
    bookings_for_household,
    fetch,
    upcoming_sessions,
    waiting_counts,
    waiting_position,
)
from app.training.forms import reason_label
from app.training.models import Booking, TrainingSession
from app.training.recurrence import to_local
from app.training.suggestions import slot_of

api_bp = Blueprint("training_api", __name__, url_prefix="/api/v1/training")


class SessionOut(BaseModel):
    id: int
    title: str
    place: str
    place_id: RecordId
    starts_at: UtcDateTime = Field(description="UTC")
    duration_minutes: int
    format: str
    themes: list[str]
    levels: list[str]
    capacity: int
    booked: int
    seats_left: int
    price_kind: str
    publics: list[str]
    accessible: bool
    bring_own_device: bool
    address: str
    postcode: str
    commune: str
    weekly: bool
    course_id: RecordId | None
    status: str


class BookingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    household_id: RecordId


class BookingOut(BaseModel):
    id: int
    session_id: RecordId
    household_id: RecordId
    status: str
    waiting_position: int | None
    attendance: str | None
    course_id: RecordId | None


Answers = create_model(  # the ten questions, each 0 (non), 1 (avec de l'aide), 2 (seul)
    "Answers",
    __config__=ConfigDict(extra="forbid"),
    **{key: (int, Field(ge=0, le=2)) for key in dg.QUESTION_KEYS},  # type: ignore[call-overload]
)


class MatchIn(BaseModel):
    """Either the ten diagnostic answers, or a field level (débutant when neither) and themes."""

    model_config = ConfigDict(extra="forbid")
    answers: Answers | None = None  # type: ignore[valid-type]
    field_level: dg.FieldLevel | None = None
    themes: list[dg.Theme] = Field(default_factory=list, max_length=7)
    path: dg.Path | None = None
    commune: str = Field("", max_length=120)
    postcode: str = Field("", max_length=10)
    has_device: bool = True
    needs_accessibility: bool = False
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(default_factory=list, max_length=7)
    prices: list[mt.PriceKind] = Field(default_factory=lambda: list(mt.PriceKind))
    limit: int = Field(5, ge=1, le=50)


class Reason(BaseModel):
    code: str
    detail: str
    text: str


class MatchOut(BaseModel):
    session: SessionOut
    score: int
    reasons: list[Reason]


class MatchResult(BaseModel):
    field_level: str
    path: str
    themes: list[str]
    profile: dict[str, int] | None
    matches: list[MatchOut]


def _session_out(s: TrainingSession) -> SessionOut:
    return SessionOut(
        id=s.id, title=s.title, place=s.organisation.name, place_id=s.organisation_id,
        starts_at=s.starts_at, duration_minutes=s.duration_minutes, format=s.format.value,
        themes=s.themes, levels=s.levels, capacity=s.capacity, booked=s.booked,
        seats_left=s.seats_left, price_kind=s.price_kind.value, publics=s.publics,
        accessible=s.accessible, bring_own_device=s.bring_own_device, address=s.address,
        postcode=s.postcode, commune=s.commune, weekly=s.weekly, course_id=s.course_id,
        status=s.status.value,
    )  # fmt: skip


def _booking_out(b: Booking) -> BookingOut:
    return BookingOut(
        id=b.id, session_id=b.session_id, household_id=b.household_id,
        # a cancelled session's bookings ended with it
        status="cancelled" if courses.ended_with_session(b) else b.status.value,
        waiting_position=None if courses.ended_with_session(b) else waiting_position(b),
        attendance=b.attendance.value if b.attendance else None, course_id=b.course_id,
    )  # fmt: skip


def _household(household_id: int) -> Household | None:
    """The household, if it exists and the caller may book for it."""
    household = fetch(Household, household_id)
    if household is None or not can(Permission.TRAINING_BOOK, household.organisation_id):
        return None
    return household  # type: ignore[no-any-return]


@api_bp.get("/sessions")
@operation(
    "Séances à venir", response=SessionOut, list_response=True, tags=["formation"],
    query={"theme": "code de thème", "commune": "commune", "place_id": "lieu"},
)  # fmt: skip
@api_auth(Permission.TRAINING_READ)
def sessions() -> ResponseReturnValue:
    place = request.args.get("place_id", "")
    rows = upcoming_sessions(
        org_id=int(place) if place.isdigit() else None,
        theme=request.args.get("theme", ""),
        commune=request.args.get("commune", ""),
    )
    return jsonify([_session_out(s).model_dump(mode="json") for s in rows])


@api_bp.get("/sessions/<int:session_id>")
@operation("Une séance", response=SessionOut, tags=["formation"])
@api_auth(Permission.TRAINING_READ)
def session(session_id: int) -> ResponseReturnValue:
    found = fetch(TrainingSession, session_id)
    if found is None:
        raise ApiError(404, "Séance introuvable.")
    return jsonify(_session_out(found).model_dump(mode="json"))


@api_bp.get("/bookings")
@operation(
    "Inscriptions (des foyers de votre structure)", response=BookingOut, list_response=True,
    tags=["formation"], query={"household_id": "un foyer"},
)  # fmt: skip
@api_auth(Permission.TRAINING_BOOK)
def bookings() -> ResponseReturnValue:
    raw = request.args.get("household_id", "")
    if raw:
        household = _household(int(raw)) if raw.isdigit() else None
        if household is None:  # unknown, or another structure's: nothing to show
            return jsonify([])
        rows = bookings_for_household(household)
        record("household.read", "household", household.id,
               detail={"api": "training.bookings"}, organisation_id=household.organisation_id)  # fmt: skip
        db.session.commit()
    else:
        query = select(Booking).order_by(Booking.id.desc()).limit(500)
        if not can(Permission.TRAINING_BOOK, -1):
            query = query.where(Booking.organisation_id == current_user.organisation_id)
        rows = list(db.session.scalars(query))
    return jsonify([_booking_out(b).model_dump(mode="json") for b in rows])


@api_bp.post("/sessions/<int:session_id>/bookings")
@operation(
    "Inscrire un foyer à une séance (ou en liste d'attente si elle est complète)",
    request=BookingIn, response=BookingOut, tags=["formation"], status=201,
)  # fmt: skip
@api_auth(Permission.TRAINING_BOOK)
def booking_create(session_id: int) -> ResponseReturnValue:
    body = parse_body(BookingIn)
    if fetch(TrainingSession, session_id) is None:
        raise ApiError(404, "Séance introuvable.")
    household = _household(body.household_id)
    if household is None:
        raise ApiError(404, "Foyer introuvable.")
    booking = book(session_id, household, current_user)
    return jsonify(_booking_out(booking).model_dump(mode="json")), 201


@api_bp.post("/bookings/<int:booking_id>/cancel")
@operation("Annuler une inscription", response=BookingOut, tags=["formation"])
@api_auth(Permission.TRAINING_BOOK)
def booking_cancel(booking_id: int) -> ResponseReturnValue:
    booking = fetch(Booking, booking_id)
    if booking is None or not can(Permission.TRAINING_BOOK, booking.organisation_id):
        raise ApiError(404, "Inscription introuvable.")
    cancel_booking(booking.id, current_user)
    db.session.expire_all()
    refreshed = fetch(Booking, booking_id)
    assert refreshed is not None
    return jsonify(_booking_out(refreshed).model_dump(mode="json"))


@api_bp.post("/match")
@operation(
    "Créneaux conseillés pour un profil, une commune, des besoins et des contraintes",
    request=MatchIn, response=MatchResult, tags=["formation"],
)  # fmt: skip
@api_auth(Permission.TRAINING_READ)
def match() -> ResponseReturnValue:
    body = parse_body(MatchIn)
    profile = None
    if body.answers is not None:
        try:
            result = dg.evaluate(dg.parse_answers(body.answers.model_dump()))
        except dg.DiagnosticError as exc:
            raise ApiError(
                422, "Réponses incomplètes.",
                [{"field": f"answers.{exc}", "message": "réponse 0, 1 ou 2 attendue"}],
            ) from None  # fmt: skip
        level, path, themes = result.field_level, result.path, list(result.themes)
        profile = {d.value: v for d, v in result.profile.items()}
    else:
        level = body.field_level or dg.FieldLevel.BEGINNER
        path = body.path or dg.PATH_FOR_LEVEL[level]
        themes = list(body.themes)
    need = mt.Need(
        field_level=level.value, themes=tuple(t.value for t in themes), commune=body.commune,
        postcode=body.postcode, path=path.value, has_device=body.has_device,
        needs_accessibility=body.needs_accessibility,
        weekdays=frozenset(body.weekdays) if body.weekdays else None,
        prices=frozenset(body.prices),
    )  # fmt: skip
    now = utcnow()
    upcoming = upcoming_sessions(limit=2000)
    waiting = waiting_counts(s.id for s in upcoming)
    by_id = {s.id: s for s in upcoming}
    index = mt.SlotIndex(slot_of(s, waiting.get(s.id, 0)) for s in upcoming)
    found = mt.match(need, index, to_local(now), body.limit)
    out = MatchResult(
        field_level=level.value, path=path.value, themes=[t.value for t in themes],
        profile=profile,
        matches=[
            MatchOut(
                session=_session_out(by_id[m.slot.id]), score=m.score,
                reasons=[Reason(code=c.value, detail=d, text=reason_label(c, d))
                         for c, d in m.reasons],
            )
            for m in found
        ],
    )  # fmt: skip
    return jsonify(out.model_dump(mode="json"))
