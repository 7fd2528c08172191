"""The catalogue and the sessions: a session's page, publishing a session or a weekly
series (the French public holidays asked about), changing one, cancelling one (who is
told, whom to telephone), and marking attendance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_date
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WResponse
from wtforms import SelectChoice

from app.audit.services import record
from app.auth.forms import EmptyForm
from app.authz.guards import can, permission_required
from app.authz.policy import Permission
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.extensions import db
from app.notify.phone import display_fr, to_e164
from app.training.cancellations import cancel_session, cancellation_of
from app.training.catalogue import next_in_series, upcoming_sessions, waiting_counts
from app.training.courses import set_attendance
from app.training.forms import BookForm, CancelSessionForm, SessionForm
from app.training.matching import PriceKind
from app.training.messages import ToCall, unreachable, when_text
from app.training.models import (
    Attendance,
    BookingStatus,
    SessionFormat,
    SessionStatus,
    TrainingCourse,
    TrainingSession,
)
from app.training.recurrence import to_local, to_utc
from app.training.sessions import SessionData, create_sessions, holidays_in, update_session
from app.training.web import (
    bookable_households,
    bp,
    flash_error,
    own_session,
    place_org,
    session_or_404,
)


@bp.get("/")
@permission_required(Permission.TRAINING_READ)
def catalogue() -> str:
    theme = request.args.get("theme", "")
    commune = request.args.get("commune", "").strip()
    sessions = upcoming_sessions(theme=theme, commune=commune, limit=100)
    return render_template(
        "training/catalogue.html",
        sessions=sessions,
        waiting=waiting_counts(s.id for s in sessions),
        theme=theme,
        commune=commune,
    )


@bp.get("/seances/<int:session_id>")
@permission_required(Permission.TRAINING_READ)
def session_detail(session_id: int) -> str:
    session = session_or_404(session_id)
    manage = can(Permission.TRAINING_MANAGE, session.organisation_id)
    book_form = None
    if can(Permission.TRAINING_BOOK):
        book_form = BookForm()
        book_form.household_id.choices = [
            SelectChoice(str(h.id), f"{h.reference_name} ({h.commune})")
            for h in bookable_households()
        ]
        if request.args.get("foyer", "").isdigit():
            book_form.household_id.data = int(request.args["foyer"])
    bookings = [b for b in session.bookings if b.status is not BookingStatus.CANCELLED]
    if manage and bookings:
        record("training.session.bookings.read", "training_session", session.id,
               organisation_id=session.organisation_id)  # fmt: skip
        db.session.commit()
    return render_template(
        "training/session.html",
        session=session,
        manage=manage,
        bookings=sorted(bookings, key=lambda b: (b.status.value, b.waiting_number or 0, b.id)),
        book_form=book_form,
        empty_form=EmptyForm(),
        started=session.starts_at <= utcnow(),
        waiting=waiting_counts([session.id]).get(session.id, 0),
        to_call=unreachable(bookings) if manage else [],
        cancellation=_cancellation(session) if manage else {},
    )


def _cancellation(session: TrainingSession) -> dict[str, Any]:
    """The reason and the households to telephone kept by the journal of the cancellation."""
    if session.status is not SessionStatus.CANCELLED:
        return {}
    kept = cancellation_of(session)
    ids = set(kept.get("to_call", []))
    kept["to_call"] = unreachable([b for b in session.bookings if b.id in ids]) or [
        ToCall(b.id, b.household.reference_name, b.household.phone or "", "")
        for b in session.bookings
        if b.id in ids
    ]
    return kept


def _session_data(form: SessionForm) -> SessionData:
    return SessionData(
        title=form.title.data or "",
        description=form.description.data or "",
        themes=list(form.themes.data or []),
        levels=list(form.levels.data or []),
        format=SessionFormat(form.format.data),
        capacity=form.capacity.data or 1,
        duration_minutes=form.duration_minutes.data or 60,
        price_kind=PriceKind(form.price_kind.data),
        price_note=form.price_note.data or "",
        publics=list(form.publics.data or []),
        accessible=bool(form.accessible.data),
        accessibility_note=form.accessibility_note.data or "",
        bring_own_device=bool(form.bring_own_device.data),
        address=form.address.data or "",
        postcode=form.postcode.data or "",
        commune=form.commune.data or "",
        course_id=form.course_id.data or None,
    )


def _course_choices(org_id: int) -> list[SelectChoice]:
    courses = db.session.scalars(
        select(TrainingCourse).where(TrainingCourse.organisation_id == org_id)
    ).all()
    return [SelectChoice(0, _("Aucun (séance seule)"))] + [
        SelectChoice(c.id, c.title) for c in courses
    ]


@bp.route("/seances/nouvelle", methods=["GET", "POST"])
@permission_required(Permission.TRAINING_MANAGE)
def session_new() -> str | WResponse:
    org = place_org()
    form = SessionForm()
    form.course_id.choices = _course_choices(org.id)
    holiday_dates: list[str] = []
    if form.validate_on_submit():
        first_day, start = form.first_day.data, form.start_time.data
        weeks = form.weeks.data or 1
        holidays = holidays_in(first_day, start, weeks)  # type: ignore[arg-type]
        holiday_dates = [str(format_date(d, "EEEE d MMMM y", locale="fr")) for d in holidays]
        if holidays and form.on_holidays.data not in ("skip", "keep"):
            form.on_holidays.errors = [
                _("Cette série tombe sur %(n)s jour(s) férié(s) : %(days)s. Choisissez de "
                  "ne pas créer ces séances ou de les garder.",
                  n=len(holidays), days=", ".join(holiday_dates))
            ]  # fmt: skip
            return render_template(
                "training/session_form.html", form=form, session=None, holiday_dates=holiday_dates
            )
        try:
            sessions = create_sessions(
                org,
                _session_data(form),
                first_day,  # type: ignore[arg-type]
                start,  # type: ignore[arg-type]
                weeks,
                skip_holidays=bool(holidays) and form.on_holidays.data == "skip",
            )
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field or "title").errors = [exc.message]
        else:
            flash(_("%(n)s séance(s) publiée(s).", n=len(sessions)), "success")
            if holidays and form.on_holidays.data == "skip":
                flash(_("Pas de séance les jours fériés : %(days)s.",
                        days=", ".join(holiday_dates)), "info")  # fmt: skip
            elif holidays:
                flash(_("Des séances ont lieu un jour férié : %(days)s.",
                        days=", ".join(holiday_dates)), "warning")  # fmt: skip
            return redirect(url_for("training.session_detail", session_id=sessions[0].id))
    return render_template(
        "training/session_form.html", form=form, session=None, holiday_dates=holiday_dates
    )


@bp.route("/seances/<int:session_id>/modifier", methods=["GET", "POST"])
@permission_required(Permission.TRAINING_MANAGE)
def session_edit(session_id: int) -> str | WResponse:
    session = own_session(session_id)
    form = SessionForm(obj=session)
    form.course_id.choices = _course_choices(session.organisation_id)
    del form.weeks  # one session at a time here
    del form.on_holidays
    if request.method == "GET":
        local = to_local(session.starts_at)
        form.first_day.data, form.start_time.data = local.date(), local.time()
        form.format.data = session.format.value
        form.price_kind.data = session.price_kind.value
        form.course_id.data = session.course_id or 0
    if form.validate_on_submit():
        try:
            starts_at = to_utc(
                datetime.combine(form.first_day.data, form.start_time.data)  # type: ignore[arg-type]
            )
            promoted = update_session(session, _session_data(form), starts_at)
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field or "title").errors = [exc.message]
        else:
            flash(_("Séance enregistrée."), "success")
            if promoted:
                flash(_("%(n)s personne(s) de la liste d'attente ont eu une place et sont "
                        "prévenues.", n=len(promoted)), "success")  # fmt: skip
            return redirect(url_for("training.session_detail", session_id=session_id))
    return render_template("training/session_form.html", form=form, session=session)


def _to_call_text(to_call: list[ToCall]) -> str:
    return ", ".join(
        f"{c.name} ({display_fr(to_e164(c.phone) or c.phone) if c.phone else _('numéro inconnu')})"
        for c in to_call
    )


@bp.route("/seances/<int:session_id>/annuler", methods=["GET", "POST"])
@permission_required(Permission.TRAINING_MANAGE)
def session_cancel(session_id: int) -> str | WResponse:
    """Asks for confirmation and a reason; tells the households (reason, next date, whom
    to call) and names those no SMS or e-mail reaches, to telephone."""
    session = own_session(session_id)
    active = [b for b in session.bookings if b.status is not BookingStatus.CANCELLED]
    to_call = unreachable(active)
    form = CancelSessionForm()
    if session.status is SessionStatus.PUBLISHED and form.validate_on_submit():
        try:
            told = cancel_session(session, current_user, reason=form.reason.data or "")
        except DomainError as exc:
            flash_error(exc)
        else:
            flash(_("Séance annulée ; %(n)s foyer(s) prévenu(s) par SMS ou e-mail.", n=told),
                  "success")  # fmt: skip
            if to_call:
                flash(_("Aucun message ne joint %(n)s foyer(s) : appelez %(who)s.",
                        n=len(to_call), who=_to_call_text(to_call)), "warning")  # fmt: skip
        return redirect(url_for("training.session_detail", session_id=session_id))
    following = next_in_series(session)
    if request.method == "POST" and session.status is SessionStatus.CANCELLED:
        flash(_("Cette séance est déjà annulée."), "error")
        return redirect(url_for("training.session_detail", session_id=session_id))
    return render_template(
        "training/session_cancel.html",
        session=session,
        form=form,
        bookings=active,
        to_call=to_call,
        next_when=when_text(following) if following else "",
    )


@bp.post("/seances/<int:session_id>/presences")
@permission_required(Permission.TRAINING_MANAGE)
def attendance(session_id: int) -> WResponse:
    session = own_session(session_id)
    if EmptyForm().validate_on_submit():
        marks = {}
        for booking in session.bookings:
            value = request.form.get(f"presence-{booking.id}", "")
            if value in {a.value for a in Attendance}:
                marks[booking.id] = Attendance(value)
        try:
            changed = set_attendance(session, marks, current_user)
        except DomainError as exc:
            flash_error(exc)
        else:
            flash(_("Présences enregistrées (%(n)s changement(s)).", n=changed), "success")
    return redirect(url_for("training.session_detail", session_id=session_id))
