"""Training actions: sessions, diagnostics, matching, bookings, waiting lists, attendance.

Seats are taken with a conditional UPDATE on the session's ``booked`` counter as the first
write of the transaction (docs/CONTRIBUTING.md, "Races"): two people booking the last
seat at the same moment cannot both get it, on PostgreSQL and on SQLite alike. Every
action that changes seats (book, cancel) writes the session row first, so they are
serialised per session and never deadlock.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from babel.dates import format_datetime
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Organisation
from app.audit.services import record
from app.authz.policy import OrgKind
from app.core.clock import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.households.models import Household
from app.notify import gsm7 as gsm
from app.notify.models import Channel
from app.notify.phone import is_mobile_fr, to_e164
from app.notify.services import enqueue
from app.training import diagnostic as dg
from app.training import matching as mt
from app.training import recurrence
from app.training.models import (
    Attendance,
    Booking,
    BookingStatus,
    Diagnostic,
    SessionFormat,
    SessionStatus,
    TrainingCourse,
    TrainingPlace,
    TrainingSession,
)

# How far ahead matching looks for slots.
MATCH_HORIZON = timedelta(weeks=8)
REMINDER_BEFORE = timedelta(hours=48)


MAX_ID = 2**31  # ids are 32-bit integers in PostgreSQL: beyond, nothing can be found


def fetch(model: Any, ident: int) -> Any:
    """``db.session.get`` for an identifier from a URL or a body (None when out of range)."""
    return db.session.get(model, ident) if 0 < ident < MAX_ID else None


# --- places and sessions ---------------------------------------------------------------


def place_for(org: Organisation) -> TrainingPlace:
    """The place details of a training organisation (created empty on first use)."""
    place = db.session.scalar(select(TrainingPlace).where(TrainingPlace.organisation_id == org.id))
    if place is None:
        place = TrainingPlace(organisation_id=org.id, organisation=org, services=[])
        db.session.add(place)
        db.session.flush()
    return place


@dataclass
class SessionData:
    """What a trainer fills in for a session or a weekly series."""

    title: str
    themes: list[str]
    levels: list[str] = field(default_factory=list)
    format: SessionFormat = SessionFormat.GROUP
    capacity: int = 8
    duration_minutes: int = 60
    price_kind: mt.PriceKind = mt.PriceKind.FREE
    price_note: str = ""
    publics: list[str] = field(default_factory=list)
    accessible: bool = False
    accessibility_note: str = ""
    bring_own_device: bool = False
    description: str = ""
    address: str = ""
    postcode: str = ""
    commune: str = ""
    course_id: int | None = None


def _check(data: SessionData) -> None:
    if not data.title.strip():
        raise DomainError(_("Indiquez un titre."), field="title")
    unknown = set(data.themes) - {t.value for t in dg.Theme}
    if not data.themes or unknown:
        raise DomainError(_("Choisissez au moins un thème du catalogue."), field="themes")
    if data.format is SessionFormat.INDIVIDUAL and data.capacity != 1:
        data.capacity = 1  # one-to-one: one seat, whatever was typed
    if not 1 <= data.capacity <= 200:
        raise DomainError(_("La capacité va de 1 à 200 places."), field="capacity")
    if not 15 <= data.duration_minutes <= 8 * 60:
        raise DomainError(_("La durée va de 15 minutes à 8 heures."), field="duration_minutes")


def holidays_in(first_day: date, start: time, weeks: int = 1) -> list[date]:
    """The French public holidays a weekly series falls on (the directory's calendar:
    opening-hours-py with country FR, app/directory/hours.py, one source)."""
    from app.directory.hours import is_holiday

    try:
        starts = recurrence.weekly(first_day, start, weeks)
    except ValueError:
        return []
    return [d for d in (s_.date() for s_ in map(recurrence.to_local, starts)) if is_holiday(d)]


def create_sessions(
    org: Organisation,
    data: SessionData,
    first_day: date,
    start: time,
    weeks: int = 1,
    *,
    commit: bool = True,
    skip_holidays: bool = False,
) -> list[TrainingSession]:
    """One session, or a weekly series of ``weeks`` sessions at the same local time
    (without the French public holidays when ``skip_holidays``)."""
    _check(data)
    if data.course_id is not None:
        course = db.session.get(TrainingCourse, data.course_id)
        if course is None or course.organisation_id != org.id:
            raise DomainError(_("Ce parcours n'existe pas."), field="course_id")
    try:
        starts = recurrence.weekly(first_day, start, weeks)
    except ValueError:
        raise DomainError(
            _("Le nombre de semaines va de 1 à %(n)s.", n=recurrence.MAX_WEEKS), field="weeks"
        ) from None
    if starts[0] < utcnow():
        raise DomainError(_("La première séance doit être dans le futur."), field="first_day")
    if skip_holidays:
        off = set(holidays_in(first_day, start, weeks))
        starts = [s_ for s_ in starts if recurrence.to_local(s_).date() not in off]
        if not starts:
            raise DomainError(_("Toutes les séances tombent un jour férié."), field="first_day")
    key = uuid.uuid4().hex
    sessions = []
    for starts_at in starts:
        session = TrainingSession(
            organisation_id=org.id,
            title=data.title.strip(),
            description=data.description,
            themes=list(data.themes),
            levels=list(data.levels),
            format=data.format,
            capacity=data.capacity,
            booked=0,
            waiting_seq=0,
            starts_at=starts_at,
            duration_minutes=data.duration_minutes,
            series_key=key,
            weekly=len(starts) > 1,
            price_kind=data.price_kind,
            price_note=data.price_note,
            publics=list(data.publics),
            accessible=data.accessible,
            accessibility_note=data.accessibility_note,
            bring_own_device=data.bring_own_device,
            address=data.address or org.address,
            postcode=data.postcode or org.postcode,
            commune=data.commune or org.commune,
            course_id=data.course_id,
            status=SessionStatus.PUBLISHED,
        )
        db.session.add(session)
        sessions.append(session)
    db.session.flush()
    record(
        "training.session.create",
        "training_session",
        sessions[0].id,
        detail={"title": data.title, "weeks": weeks, "series": key, "held": len(starts)},
        organisation_id=org.id,
    )
    if commit:
        db.session.commit()
    return sessions


def update_session(
    session: TrainingSession, data: SessionData, starts_at: datetime | None = None
) -> list[Booking]:
    """Change a session. The capacity never goes below the seats taken (a conditional
    UPDATE, so a booking at the same moment cannot slip under it); more seats go to the
    people waiting, in order. A new date or time is told to everyone booked.

    Returns the bookings moved in from the waiting list.
    """
    _check(data)
    session_id, old_start = session.id, session.starts_at
    moved = starts_at is not None and starts_at != old_start
    if moved and starts_at is not None and starts_at < utcnow():
        raise DomainError(_("La séance doit rester dans le futur."), field="first_day")
    db.session.commit()
    resized = db.session.execute(
        update(TrainingSession)
        .where(TrainingSession.id == session_id, TrainingSession.booked <= data.capacity)
        .values(capacity=data.capacity)
        .execution_options(synchronize_session=False)
    )
    if resized.rowcount != 1:  # type: ignore[attr-defined]
        booked = db.session.scalar(
            select(TrainingSession.booked).where(TrainingSession.id == session_id)
        )
        db.session.rollback()
        raise DomainError(
            _(
                "%(n)s places sont déjà prises : la capacité ne peut pas être plus petite.",
                n=booked,
            ),
            field="capacity",
        )
    session = db.session.get(TrainingSession, session_id)  # type: ignore[assignment]
    db.session.refresh(session)
    for name in (
        "title", "description", "themes", "levels", "format", "duration_minutes",
        "price_kind", "price_note", "publics", "accessible", "accessibility_note",
        "bring_own_device", "address", "postcode", "commune", "course_id",
    ):  # fmt: skip
        setattr(session, name, getattr(data, name))
    if moved and starts_at is not None:
        session.starts_at = starts_at
    db.session.flush()
    promoted = _fill_from_waiting_list(session_id)
    record("training.session.update", "training_session", session_id,
           detail={"moved": moved, "promoted": promoted},
           organisation_id=session.organisation_id)  # fmt: skip
    db.session.commit()
    db.session.expire_all()
    moved_in = [b for b in (db.session.get(Booking, i) for i in promoted) if b is not None]
    for booking in moved_in:
        _notify(booking, "promoted")
    if moved:
        refreshed = db.session.get(TrainingSession, session_id)
        assert refreshed is not None
        for booking in refreshed.bookings:
            if booking.status is not BookingStatus.CANCELLED:
                _notify(booking, "moved", key=f"moved-{refreshed.starts_at:%Y%m%d%H%M}")
    return moved_in


def _fill_from_waiting_list(session_id: int) -> list[int]:
    """Give free seats to the people waiting, first come first served (in the caller's
    transaction, after its write on the session row)."""
    promoted: list[int] = []
    now = utcnow()
    while True:
        first = db.session.scalar(
            select(Booking.id)
            .where(Booking.session_id == session_id, Booking.status == BookingStatus.WAITING)
            .order_by(Booking.waiting_number, Booking.id)
            .limit(1)
        )
        if first is None:
            return promoted
        seat = db.session.execute(
            update(TrainingSession)
            .where(
                TrainingSession.id == session_id, TrainingSession.booked < TrainingSession.capacity
            )
            .values(booked=TrainingSession.booked + 1)
            .execution_options(synchronize_session=False)
        )
        if seat.rowcount != 1:  # type: ignore[attr-defined]
            return promoted
        db.session.execute(
            update(Booking)
            .where(Booking.id == first, Booking.status == BookingStatus.WAITING)
            .values(status=BookingStatus.BOOKED, promoted_at=now)
            .execution_options(synchronize_session=False)
        )
        promoted.append(first)


def create_course(org: Organisation, title: str, description: str = "") -> TrainingCourse:
    if not title.strip():
        raise DomainError(_("Indiquez un titre."), field="title")
    course = TrainingCourse(organisation_id=org.id, title=title.strip(), description=description)
    db.session.add(course)
    db.session.flush()
    record("training.course.create", "training_course", course.id, organisation_id=org.id)
    db.session.commit()
    return course


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


# --- the diagnostic -----------------------------------------------------------------------


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


# --- matching -----------------------------------------------------------------------------


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


# --- bookings -----------------------------------------------------------------------------


def contact_for(household: Household) -> tuple[Channel, str] | None:
    """SMS or e-mail, after the household's preference; the other one when it cannot be used."""
    mobile = to_e164(household.phone or "")
    sms = (Channel.SMS, mobile) if mobile and is_mobile_fr(mobile) else None
    email = (Channel.EMAIL, household.email) if household.email else None
    preferred = getattr(household.contact_channel, "value", household.contact_channel)
    order = [email, sms] if preferred == "email" else [sms, email]
    return next((c for c in order if c is not None), None)


def _when(session: TrainingSession) -> str:
    local = recurrence.to_local(session.starts_at)
    return str(format_datetime(local, "EEEE d MMMM 'à' H'h'mm", locale="fr"))


def _notify(
    booking: Booking,
    kind: str,
    due_at: datetime | None = None,
    key: str = "",
    extra: Mapping[str, str] | None = None,
) -> bool:
    """Queue the message of ``kind`` for this booking once (the outbox key is unique)."""
    household = booking.household
    contact = contact_for(household)
    if contact is None:
        return False
    with force_locale("fr"):  # households read French, whoever triggers the message
        return _queue(booking, kind, contact, due_at, key or kind, extra)


def _when_short(session: TrainingSession) -> str:
    """ "mar. 12/05 9h30": the date in an SMS."""
    local = recurrence.to_local(session.starts_at)
    return str(format_datetime(local, "EEE d/MM H'h'mm", locale="fr"))


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


def _who_to_call(booking: Booking) -> tuple[str, str]:
    """(name, phone) the household calls: the structure that booked it, else the place."""
    for org in (
        db.session.get(Organisation, booking.organisation_id),
        booking.session.organisation,
    ):
        if org is not None and org.phone:
            return org.name, org.phone
    return booking.session.organisation.name, ""


def _sms_texts(booking: Booking, kind: str, extra: Mapping[str, str]) -> str:
    """The SMS of ``kind``: GSM-7, one message (tests/unit/test_sms_segments.py). The title,
    the place and the address are shortened to what fits, never the date or the number."""
    session = booking.session
    when = _when_short(session)
    address = ", ".join(p for p in (session.address, session.commune) if p)
    ats = [
        ", ".join(
            x for x in (gsm.shorten(session.organisation.name, n), gsm.shorten(address, m)) if x
        )
        for n, m in ((30, 40), (22, 30), (0, 30), (18, 0))
    ]
    at = "{at}"
    templates = {
        "confirm": [f'Ordilien : inscription confirmée à "{{t}}" le {when}{at}.'],
        "waiting": [
            f'Ordilien : "{{t}}" le {when} est complet. Place sur la liste d\'attente, rang {extra.get("pos", "1")}. '
            "Nous vous prévenons si une place se libère.",
        ],
        "promoted": [
            f'Ordilien : une place s\'est libérée, inscription confirmée à "{{t}}" le {when}{at}.',
        ],
        "48h": [
            f'Rappel Ordilien : "{{t}}" le {when}{at}. Empêchement ? Prévenez la structure '
            "qui a fait l'inscription.",
            f'Rappel Ordilien : "{{t}}" le {when}{at}. Empêchement ? Prévenez-nous.',
        ],
        "moved": [f'Ordilien : "{{t}}" change d\'horaire. Nouveau rendez-vous : {when}{at}.'],
        "session_cancelled": [],
    }
    if kind == "session_cancelled":
        reason = extra.get("reason", "")
        then = (
            f"Prochaine séance : {extra['next_short']}."
            if extra.get("next_short")
            else "Pas d'autre date prévue."
        )
        call = f" Infos : {extra['call_phone']}." if extra.get("call_phone") else ""
        for budget in (50, 30, 0):
            why = f" ({gsm.shorten(reason, budget)})" if reason and budget else ""
            templates[kind].append(f'Ordilien : "{{t}}" du {when} est annulée{why}. {then}{call}')
    last = ""
    for here in ats if "{at}" in "".join(templates[kind]) else [""]:
        for template in templates[kind]:
            text = template.replace("{at}", f", {here}" if here else "")
            fixed = gsm.gsm7_length(gsm.to_gsm7(text.replace("{t}", ""))) or 0
            budget = gsm.SMS_LIMIT - fixed
            last = gsm.to_gsm7(text.replace("{t}", gsm.shorten(session.title, max(budget, 20))))
            if budget >= 20 and gsm.fits(last):
                return last
    return last


def _queue(
    booking: Booking,
    kind: str,
    contact: tuple[Channel, str],
    due_at: datetime | None,
    key: str,
    extra: Mapping[str, str] | None = None,
) -> bool:
    session = booking.session
    place = session.organisation.name
    where = ", ".join(p for p in (session.address, session.commune) if p)
    extra = dict(extra or {})
    if kind == "waiting":
        extra["pos"] = str(waiting_position(booking) or 1)
    if kind == "session_cancelled":
        following = next_in_series(session)
        extra["next"] = _when(following) if following else ""
        extra["next_short"] = _when_short(following) if following else ""
        extra["call_name"], extra["call_phone"] = _who_to_call(booking)
    channel, recipient = contact
    if channel is Channel.SMS:
        body = _sms_texts(booking, kind, extra)
    else:
        body = _email_text(booking, kind, extra, place, where)
    return enqueue(
        f"booking:{booking.id}:{key}",
        channel,
        recipient,
        body,
        subject=_("Votre atelier numérique"),
        due_at=due_at,
        organisation_id=booking.organisation_id,
        object_type="training_booking",
        object_id=booking.id,
    )


def _email_text(
    booking: Booking, kind: str, extra: Mapping[str, str], place: str, where: str
) -> str:
    session = booking.session
    if kind == "session_cancelled":
        lines = [
            _(
                "Ordilien : la séance « %(title)s » du %(when)s est annulée. Excusez-nous.",
                title=session.title,
                when=_when(session),
            ),
        ]
        if extra.get("reason"):
            lines.append(_("Motif : %(reason)s", reason=extra["reason"]))
        if extra.get("next"):
            lines.append(
                _("La prochaine séance de la série a lieu le %(when)s.", when=extra["next"])
            )
        else:
            lines.append(_("Aucune autre date n'est prévue pour le moment."))
        if extra.get("call_phone"):
            lines.append(
                _(
                    "Pour vous inscrire à une autre date : %(name)s, %(phone)s.",
                    name=extra["call_name"],
                    phone=extra["call_phone"],
                )
            )
        return "\n".join(lines)
    texts = {
        "confirm": _(
            "Ordilien : votre inscription est confirmée à « %(title)s » %(when)s, "
            "%(place)s (%(where)s).",
            title=session.title, when=_when(session), place=place, where=where,
        ),
        "waiting": _(
            "Ordilien : « %(title)s » %(when)s est complet. Vous êtes sur la liste d'attente "
            "(n° %(pos)s). Nous vous prévenons si une place se libère.",
            title=session.title, when=_when(session), pos=extra.get("pos", "1"),
        ),
        "promoted": _(
            "Ordilien : bonne nouvelle, une place s'est libérée. Votre inscription est "
            "confirmée à « %(title)s » %(when)s, %(place)s (%(where)s).",
            title=session.title, when=_when(session), place=place, where=where,
        ),
        "48h": _(
            "Rappel Ordilien : « %(title)s » %(when)s, %(place)s (%(where)s). "
            "Si vous ne pouvez pas venir, prévenez la structure qui a fait l'inscription.",
            title=session.title, when=_when(session), place=place, where=where,
        ),
        "moved": _(
            "Ordilien : « %(title)s » change d'horaire. Nouveau rendez-vous : %(when)s, "
            "%(place)s (%(where)s).",
            title=session.title, when=_when(session), place=place, where=where,
        ),
    }  # fmt: skip
    return str(texts[kind])


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


def book(
    session_id: int,
    household: Household,
    actor: Any = None,
    *,
    course_id: int | None = None,
    notify: bool = True,
) -> Booking:
    """Book a seat, or a place on the waiting list when the session is full."""
    household_id, household_org = household.id, household.organisation_id
    actor_id = getattr(actor, "id", None)
    now = utcnow()
    # The conditional UPDATE must be the transaction's first write (and, on SQLite, its
    # first statement after a commit), so nothing read before can be stale.
    db.session.commit()
    bookable = (
        (TrainingSession.id == session_id)
        & (TrainingSession.status == SessionStatus.PUBLISHED)
        & (TrainingSession.starts_at > now)
    )
    took_seat = db.session.execute(
        update(TrainingSession)
        .where(bookable, TrainingSession.booked < TrainingSession.capacity)
        .values(booked=TrainingSession.booked + 1)
        .execution_options(synchronize_session=False)
    )
    waiting_number = None
    if took_seat.rowcount != 1:  # type: ignore[attr-defined]
        queued = db.session.execute(
            update(TrainingSession)
            .where(bookable)
            .values(waiting_seq=TrainingSession.waiting_seq + 1)
            .execution_options(synchronize_session=False)
        )
        if queued.rowcount != 1:  # type: ignore[attr-defined]
            db.session.rollback()
            raise DomainError(_("Cette séance n'est plus ouverte aux inscriptions."))
        waiting_number = db.session.scalar(
            select(TrainingSession.waiting_seq).where(TrainingSession.id == session_id)
        )
    status = BookingStatus.BOOKED if waiting_number is None else BookingStatus.WAITING
    if course_id is None:  # a session of a course booked on its own still belongs to it
        course_id = db.session.scalar(
            select(TrainingSession.course_id).where(TrainingSession.id == session_id)
        )
    booking = db.session.scalar(
        select(Booking).where(
            Booking.session_id == session_id, Booking.household_id == household_id
        )
    )
    if booking is not None and booking.status is not BookingStatus.CANCELLED:
        db.session.rollback()
        raise Conflict(_("Ce foyer est déjà inscrit à cette séance."))
    if booking is None:
        booking = Booking(session_id=session_id, household_id=household_id)
        db.session.add(booking)
    booking.organisation_id = household_org
    booking.course_id = course_id
    booking.status = status
    booking.waiting_number = waiting_number
    booking.attendance = None
    booking.booked_by_id = actor_id
    booking.created_at = now
    booking.cancelled_at = None
    booking.promoted_at = None
    try:
        db.session.flush()
        record(
            "training.booking.create",
            "training_booking",
            booking.id,
            detail={"session": session_id, "household": household_id, "status": status.value},
            organisation_id=household_org,
            actor=actor,
        )
        db.session.commit()
    except IntegrityError:  # the same household booked twice at the same moment
        db.session.rollback()
        raise Conflict(_("Ce foyer est déjà inscrit à cette séance.")) from None
    if notify:
        _notify(booking, "confirm" if status is BookingStatus.BOOKED else "waiting")
    return booking


def book_course(course: TrainingCourse, household: Household, actor: Any = None) -> list[Booking]:
    """Book every upcoming session of a course: the household follows it as one path."""
    now = utcnow()
    upcoming = [
        s.id for s in course.sessions if s.status is SessionStatus.PUBLISHED and s.starts_at > now
    ]
    if not upcoming:
        raise DomainError(_("Ce parcours n'a plus de séance à venir."))
    done = []
    for session_id in upcoming:
        try:
            done.append(book(session_id, household, actor, course_id=course.id, notify=False))
        except Conflict:
            continue  # already booked on that one
    if done:
        first = min(done, key=lambda b: b.session.starts_at)
        _notify(first, "confirm" if first.status is BookingStatus.BOOKED else "waiting")
    return done


def cancel_booking(booking_id: int, actor: Any = None, *, notify: bool = True) -> Booking | None:
    """Cancel a booking; when it held a seat, the first person waiting gets it and is told
    (not with ``notify=False``: an erasure tells nobody about it).

    Returns the promoted booking, if any.
    """
    now = utcnow()
    db.session.commit()
    session_id = db.session.scalar(select(Booking.session_id).where(Booking.id == booking_id))
    if session_id is None:
        raise NotFound(_("Réservation introuvable."))
    if db.session.scalar(
        select(TrainingSession.status).where(TrainingSession.id == session_id)
    ) in (SessionStatus.CANCELLED, SessionStatus.CANCELLED.value):
        # Nothing to give back: nobody is promoted, nobody is told a place is free.
        db.session.rollback()
        raise Conflict(_("La séance est annulée : cette inscription a pris fin avec elle."))
    # First write: the session row, as every seat change does (one order: no deadlock).
    locked = db.session.execute(
        update(TrainingSession)
        .where(TrainingSession.id == session_id, TrainingSession.starts_at > now)
        .values(waiting_seq=TrainingSession.waiting_seq)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(_("La séance a déjà eu lieu : notez plutôt la présence."))
    before = db.session.scalar(select(Booking.status).where(Booking.id == booking_id))
    done = db.session.execute(
        update(Booking)
        .where(
            Booking.id == booking_id,
            Booking.status.in_([BookingStatus.BOOKED, BookingStatus.WAITING]),
        )
        .values(status=BookingStatus.CANCELLED, cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(_("Cette réservation est déjà annulée."))
    promoted_id = None
    if before is BookingStatus.BOOKED or before == BookingStatus.BOOKED.value:
        promoted_id = db.session.scalar(
            select(Booking.id)
            .where(Booking.session_id == session_id, Booking.status == BookingStatus.WAITING)
            .order_by(Booking.waiting_number, Booking.id)
            .limit(1)
        )
        if promoted_id is not None:  # the seat goes to them: the counter does not change
            db.session.execute(
                update(Booking)
                .where(Booking.id == promoted_id, Booking.status == BookingStatus.WAITING)
                .values(status=BookingStatus.BOOKED, promoted_at=now)
                .execution_options(synchronize_session=False)
            )
        else:
            db.session.execute(
                update(TrainingSession)
                .where(TrainingSession.id == session_id, TrainingSession.booked > 0)
                .values(booked=TrainingSession.booked - 1)
                .execution_options(synchronize_session=False)
            )
    org_id = db.session.scalar(select(Booking.organisation_id).where(Booking.id == booking_id))
    record(
        "training.booking.cancel",
        "training_booking",
        booking_id,
        detail={"session": session_id, "promoted": promoted_id},
        organisation_id=org_id,
        actor=actor,
    )
    if promoted_id is not None:
        record(
            "training.booking.promote",
            "training_booking",
            promoted_id,
            detail={"session": session_id, "freed_by": booking_id},
            organisation_id=org_id,
            actor=actor,
        )
    db.session.commit()
    db.session.expire_all()
    if promoted_id is None:
        return None
    promoted = db.session.get(Booking, promoted_id)
    assert promoted is not None
    if notify:
        _notify(promoted, "promoted")
    return promoted


def release_bookings(household_id: int) -> int:
    """An anonymised household keeps no booking and no seat (issue 19): its upcoming
    bookings are cancelled, their seats go to the waiting list, and nobody is sent a
    message about it. Commits; returns how many were cancelled."""
    ids = list(
        db.session.scalars(
            select(Booking.id)
            .join(TrainingSession, TrainingSession.id == Booking.session_id)
            .where(
                Booking.household_id == household_id,
                Booking.status.in_([BookingStatus.BOOKED, BookingStatus.WAITING]),
                TrainingSession.status != SessionStatus.CANCELLED,
                TrainingSession.starts_at > utcnow(),
            )
        )
    )
    done = 0
    for booking_id in ids:
        try:
            cancel_booking(booking_id, notify=False)
        except (Conflict, NotFound):
            continue  # already cancelled, or the session just started
        done += 1
    return done


@dataclass(frozen=True)
class ToCall:
    """A household no SMS or e-mail reaches: staff telephone it."""

    booking_id: int
    name: str
    phone: str  # as typed (a landline, or empty: then the structure that booked it knows)
    structure: str


def unreachable(bookings: Iterable[Booking]) -> list[ToCall]:
    """The households among ``bookings`` that neither an SMS nor an e-mail reaches."""
    out = []
    for booking in bookings:
        if contact_for(booking.household) is None:
            org = db.session.get(Organisation, booking.organisation_id)
            out.append(
                ToCall(
                    booking.id,
                    booking.household.reference_name,
                    booking.household.phone or "",
                    org.name if org is not None else "",
                )
            )
    return out


CANCEL_ACTION = "training.session.cancel"


def cancellation_of(session: TrainingSession) -> dict[str, Any]:
    """What the journal kept of a session's cancellation: the reason, who was told and the
    list of households to telephone (booking ids), for the session's page."""
    from app.audit.models import AuditEntry

    entry = db.session.scalar(
        select(AuditEntry)
        .where(
            AuditEntry.action == CANCEL_ACTION,
            AuditEntry.object_type == "training_session",
            AuditEntry.object_id == str(session.id),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return dict(entry.detail or {}) if entry is not None else {}


def cancel_session(session: TrainingSession, actor: Any = None, reason: str = "") -> int:
    """The trainer cancels a session: every booked or waiting household is told by SMS or
    e-mail (the reason, the series' next date, whom to call); the households no message
    reaches are kept in the journal entry of the cancellation (``cancellation_of``), to
    be telephoned. Returns how many households a message was queued for."""
    if session.status is SessionStatus.CANCELLED:
        raise Conflict(_("Cette séance est déjà annulée."))
    reason = " ".join(reason.split())[:200]
    active = [b for b in session.bookings if b.status is not BookingStatus.CANCELLED]
    to_call = unreachable(active)
    # The session row first (as every seat change). Its bookings end with it: they keep
    # what they were (booked or waiting: the household's calendar keeps the cancelled
    # event), but no seat is counted, given or promoted (see ended_with_session).
    session.status = SessionStatus.CANCELLED
    session.booked = 0
    record(CANCEL_ACTION, "training_session", session.id,
           detail={"reason": reason, "to_call": [c.booking_id for c in to_call]},
           organisation_id=session.organisation_id, actor=actor)  # fmt: skip
    db.session.commit()
    told = 0
    for booking in active:
        told += int(_notify(booking, "session_cancelled", extra={"reason": reason}))
    return told


def set_attendance(
    session: TrainingSession, marks: Mapping[int, Attendance], actor: Any = None
) -> int:
    """The trainer marks who came (present, absent, excused). Returns how many changed.

    Only once the session has started, and never on a cancelled session.
    """
    if session.status is SessionStatus.CANCELLED:
        raise DomainError(_("Cette séance est annulée : il n'y a pas de présence à noter."))
    if session.starts_at > utcnow():
        raise DomainError(
            _("La présence se note une fois la séance commencée (%(when)s).", when=_when(session))
        )
    changed = 0
    for booking in session.bookings:
        mark = marks.get(booking.id)
        if mark is None or booking.status is not BookingStatus.BOOKED:
            continue
        if booking.attendance is not mark:
            booking.attendance = mark
            changed += 1
            record(
                "training.attendance",
                "training_booking",
                booking.id,
                detail={"session": session.id, "attendance": mark.value},
                organisation_id=session.organisation_id,
                actor=actor,
            )
    db.session.commit()
    return changed


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


def course_progress(household_id: int, course_id: int) -> tuple[int, int]:
    """(sessions attended, sessions of the course held) for a household: courses.progress."""
    from app.training import courses

    household = db.session.get(Household, household_id)
    course = db.session.get(TrainingCourse, course_id)
    if household is None or course is None:
        raise NotFound(_("Parcours introuvable."))
    done = courses.progress(household, course)
    return done.attended, done.total


def training_place_orgs() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.TRAINING_PLACE, Organisation.active.is_(True))
            .order_by(Organisation.name)
        )
    )


def due_reminders(now: datetime) -> list[Booking]:
    """Booked seats whose session starts within 48 hours."""
    return list(
        db.session.scalars(
            select(Booking)
            .join(Booking.session)
            .where(
                Booking.status == BookingStatus.BOOKED,
                TrainingSession.status == SessionStatus.PUBLISHED,
                TrainingSession.starts_at > now,
                TrainingSession.starts_at <= now + REMINDER_BEFORE,
            )
        )
    )


def send_reminder(booking: Booking) -> bool:
    return _notify(booking, "48h")
