"""The diagnostic and the sessions suggested: a household's answers recorded and scored
(diagnostic.py), its progress since the previous one, and the best upcoming slots for
it with the reasons (matching.py ranks them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.extensions import db
from app.households.models import Household
from app.training import diagnostic as dg
from app.training import matching as mt
from app.training import recurrence
from app.training.catalogue import waiting_counts
from app.training.models import (
    Booking,
    BookingStatus,
    Diagnostic,
    SessionFormat,
    SessionStatus,
    TrainingSession,
)

# How far ahead matching looks for slots.
MATCH_HORIZON = timedelta(weeks=8)


def record_diagnostic(
    household: Household,
    raw_answers: Mapping[str, object],
    *,
    has_device: bool = True,
    needs_accessibility: bool = False,
    weekdays: Sequence[int] = (),
    actor: Any = None,
) -> Diagnostic:
    try:
        answers = dg.parse_answers(raw_answers)
    except dg.DiagnosticError as exc:
        raise DomainError(_("Répondez à chaque question."), field=str(exc)) from None
    result = dg.evaluate(answers)
    diagnostic = Diagnostic(
        household_id=household.id,
        organisation_id=household.organisation_id,
        answers={k: int(v) for k, v in answers.items()},
        profile={d.value: level for d, level in result.profile.items()},
        score=result.score,
        field_level=result.field_level.value,
        path=result.path.value,
        themes=[t.value for t in result.themes],
        has_device=has_device,
        needs_accessibility=needs_accessibility,
        weekdays=sorted({int(d) for d in weekdays if 0 <= int(d) <= 6}),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(diagnostic)
    db.session.flush()
    record(
        "training.diagnostic.create",
        "household",
        household.id,
        detail={"diagnostic": diagnostic.id, "level": result.field_level.value},
        organisation_id=household.organisation_id,
        actor=actor,
    )
    db.session.commit()
    return diagnostic


def diagnostics_for(household: Household) -> list[Diagnostic]:
    """The household's diagnostics, latest first."""
    return list(
        db.session.scalars(
            select(Diagnostic)
            .where(Diagnostic.household_id == household.id)
            .order_by(Diagnostic.created_at.desc(), Diagnostic.id.desc())
        )
    )


def progress_of(diagnostic: Diagnostic) -> dict[str, int] | None:
    """Level change per CRCN domain since the household's previous diagnostic."""
    previous = db.session.scalar(
        select(Diagnostic)
        .where(Diagnostic.household_id == diagnostic.household_id, Diagnostic.id < diagnostic.id)
        .order_by(Diagnostic.id.desc())
        .limit(1)
    )
    if previous is None:
        return None
    before = {dg.Domain(k): v for k, v in previous.profile.items()}
    after = {dg.Domain(k): v for k, v in diagnostic.profile.items()}
    return {d.value: delta for d, delta in dg.progress(before, after).items()}


def slot_of(session: TrainingSession, waiting: int = 0) -> mt.Slot:
    return mt.Slot(
        id=session.id,
        commune=session.commune,
        postcode=session.postcode,
        themes=frozenset(session.themes),
        levels=frozenset(session.levels),
        individual=session.format is SessionFormat.INDIVIDUAL,
        capacity=session.capacity,
        booked=session.booked,
        starts_at=recurrence.to_local(session.starts_at),
        price_kind=session.price_kind,
        accessible=session.accessible,
        bring_own_device=session.bring_own_device,
        waiting=waiting,
        group=session.series_key,
    )


def need_of(diagnostic: Diagnostic, household: Household) -> mt.Need:
    return mt.Need(
        field_level=diagnostic.field_level,
        themes=tuple(diagnostic.themes),
        commune=household.commune,
        postcode=household.postcode,
        path=diagnostic.path,
        has_device=diagnostic.has_device,
        needs_accessibility=diagnostic.needs_accessibility,
        weekdays=frozenset(diagnostic.weekdays) if diagnostic.weekdays else None,
    )


@dataclass(frozen=True)
class Suggestion:
    session: TrainingSession
    match: mt.Match


def suggestions_for(
    diagnostic: Diagnostic, household: Household, limit: int = 5
) -> list[Suggestion]:
    """The best upcoming slots for the household, with the reasons."""
    now = utcnow()
    sessions = db.session.scalars(
        select(TrainingSession).where(
            TrainingSession.status == SessionStatus.PUBLISHED,
            TrainingSession.starts_at >= now,
            TrainingSession.starts_at <= now + MATCH_HORIZON,
        )
    ).all()
    already = set(
        db.session.scalars(
            select(Booking.session_id).where(
                Booking.household_id == household.id, Booking.status != BookingStatus.CANCELLED
            )
        )
    )
    sessions = [s for s in sessions if s.id not in already]
    waiting = waiting_counts(s.id for s in sessions)
    by_id = {s.id: s for s in sessions}
    index = mt.SlotIndex(slot_of(s, waiting.get(s.id, 0)) for s in sessions)
    found = mt.match(need_of(diagnostic, household), index, recurrence.to_local(now), limit)
    return [Suggestion(by_id[m.slot.id], m) for m in found]
