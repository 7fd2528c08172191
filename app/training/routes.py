"""Training pages: catalogue, sessions, diagnostic and matching, bookings, attendance, open data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_date
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WResponse
from wtforms import SelectChoice

from app.accounts.models import Organisation
from app.audit.services import record
from app.auth.forms import EmptyForm
from app.authz.guards import can, ensure_record_access, permission_required
from app.authz.policy import OrgKind, Permission
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.core.routes import safe_next
from app.directory.services import sync_org_place_quietly
from app.extensions import db
from app.households.models import Household
from app.notify.models import Channel
from app.notify.phone import display_fr, to_e164
from app.training import courses, feed_routes, ical, services
from app.training import diagnostic as dg
from app.training.forms import (
    ANSWER_LABELS,
    ATTENDANCE_LABELS,
    BOOKING_STATUS_LABELS,
    DOMAIN_LABELS,
    FORMAT_LABELS,
    LEVEL_LABELS,
    PATH_LABELS,
    PRICE_LABELS,
    PUBLIC_LABELS,
    THEME_LABELS,
    BookForm,
    CancelSessionForm,
    CourseForm,
    PlaceForm,
    SessionForm,
    diagnostic_form_class,
    reason_label,
)
from app.training.matching import PriceKind
from app.training.models import (
    Attendance,
    Booking,
    BookingStatus,
    Diagnostic,
    SessionFormat,
    SessionStatus,
    TrainingCourse,
    TrainingSession,
)
from app.training.recurrence import to_local, to_utc

bp = Blueprint("training", __name__, url_prefix="/formation")
bp.register_blueprint(feed_routes.bp)  # calendar subscriptions: training.feeds.*


@bp.app_context_processor
def training_helpers() -> dict[str, Any]:
    """For every template, including the households' and the family's pages."""
    return {
        "training_bookings": services.bookings_for_household,
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
        "training_waiting_position": services.waiting_position,
        "training_household_url": household_url,
    }


def household_url(household: Household) -> str | None:
    """The households domain's page of this household, when it exists."""
    for endpoint in ("households.detail", "households.household_detail", "households.show"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint, household_id=household.id)
    return None


def _household(household_id: int) -> Household:
    household = services.fetch(Household, household_id)
    if household is None or household.anonymised_at is not None:
        abort(404)
    ensure_record_access(Permission.TRAINING_BOOK, household.organisation_id)
    return household


def _session(session_id: int) -> TrainingSession:
    return services.fetch(TrainingSession, session_id) or abort(404)


def _own_session(session_id: int) -> TrainingSession:
    session = _session(session_id)
    ensure_record_access(Permission.TRAINING_MANAGE, session.organisation_id)
    return session


def _flash_error(exc: DomainError) -> None:
    db.session.rollback()
    flash(exc.message, "error")


def _bookable_households() -> list[Household]:
    """Households the current user may book for (their organisation's; all for admins)."""
    query = select(Household).where(Household.anonymised_at.is_(None))
    if not can(Permission.TRAINING_BOOK, -1):  # not cross-organisation: own households
        query = query.where(Household.organisation_id == current_user.organisation_id)
    return list(db.session.scalars(query.order_by(Household.reference_name).limit(300)))


# --- catalogue and sessions ------------------------------------------------------------


@bp.get("/")
@permission_required(Permission.TRAINING_READ)
def catalogue() -> str:
    theme = request.args.get("theme", "")
    commune = request.args.get("commune", "").strip()
    sessions = services.upcoming_sessions(theme=theme, commune=commune, limit=100)
    return render_template(
        "training/catalogue.html",
        sessions=sessions,
        waiting=services.waiting_counts(s.id for s in sessions),
        theme=theme,
        commune=commune,
    )


@bp.get("/seances/<int:session_id>")
@permission_required(Permission.TRAINING_READ)
def session_detail(session_id: int) -> str:
    session = _session(session_id)
    manage = can(Permission.TRAINING_MANAGE, session.organisation_id)
    book_form = None
    if can(Permission.TRAINING_BOOK):
        book_form = BookForm()
        book_form.household_id.choices = [
            SelectChoice(str(h.id), f"{h.reference_name} ({h.commune})")
            for h in _bookable_households()
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
        waiting=services.waiting_counts([session.id]).get(session.id, 0),
        to_call=services.unreachable(bookings) if manage else [],
        cancellation=_cancellation(session) if manage else {},
    )


def _cancellation(session: TrainingSession) -> dict[str, Any]:
    """The reason and the households to telephone kept by the journal of the cancellation."""
    if session.status is not SessionStatus.CANCELLED:
        return {}
    kept = services.cancellation_of(session)
    ids = set(kept.get("to_call", []))
    kept["to_call"] = services.unreachable([b for b in session.bookings if b.id in ids]) or [
        services.ToCall(b.id, b.household.reference_name, b.household.phone or "", "")
        for b in session.bookings
        if b.id in ids
    ]
    return kept


def _session_data(form: SessionForm) -> services.SessionData:
    return services.SessionData(
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


def _place_org() -> Organisation:
    org = current_user.organisation
    if org.kind is not OrgKind.TRAINING_PLACE:
        flash(_("Votre organisation n'est pas un lieu de formation."), "error")
        abort(403)
    return org  # type: ignore[no-any-return]


@bp.route("/seances/nouvelle", methods=["GET", "POST"])
@permission_required(Permission.TRAINING_MANAGE)
def session_new() -> str | WResponse:
    org = _place_org()
    form = SessionForm()
    form.course_id.choices = _course_choices(org.id)
    holiday_dates: list[str] = []
    if form.validate_on_submit():
        first_day, start = form.first_day.data, form.start_time.data
        weeks = form.weeks.data or 1
        holidays = services.holidays_in(first_day, start, weeks)  # type: ignore[arg-type]
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
            sessions = services.create_sessions(
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
    session = _own_session(session_id)
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
            promoted = services.update_session(session, _session_data(form), starts_at)
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


def _to_call_text(to_call: list[services.ToCall]) -> str:
    return ", ".join(
        f"{c.name} ({display_fr(to_e164(c.phone) or c.phone) if c.phone else _('numéro inconnu')})"
        for c in to_call
    )


@bp.route("/seances/<int:session_id>/annuler", methods=["GET", "POST"])
@permission_required(Permission.TRAINING_MANAGE)
def session_cancel(session_id: int) -> str | WResponse:
    """Asks for confirmation and a reason; tells the households (reason, next date, whom
    to call) and names those no SMS or e-mail reaches, to telephone."""
    session = _own_session(session_id)
    active = [b for b in session.bookings if b.status is not BookingStatus.CANCELLED]
    to_call = services.unreachable(active)
    form = CancelSessionForm()
    if session.status is SessionStatus.PUBLISHED and form.validate_on_submit():
        try:
            told = services.cancel_session(session, current_user, reason=form.reason.data or "")
        except DomainError as exc:
            _flash_error(exc)
        else:
            flash(_("Séance annulée ; %(n)s foyer(s) prévenu(s) par SMS ou e-mail.", n=told),
                  "success")  # fmt: skip
            if to_call:
                flash(_("Aucun message ne joint %(n)s foyer(s) : appelez %(who)s.",
                        n=len(to_call), who=_to_call_text(to_call)), "warning")  # fmt: skip
        return redirect(url_for("training.session_detail", session_id=session_id))
    following = services.next_in_series(session)
    if request.method == "POST" and session.status is SessionStatus.CANCELLED:
        flash(_("Cette séance est déjà annulée."), "error")
        return redirect(url_for("training.session_detail", session_id=session_id))
    return render_template(
        "training/session_cancel.html",
        session=session,
        form=form,
        bookings=active,
        to_call=to_call,
        next_when=services._when(following) if following else "",
    )


@bp.post("/seances/<int:session_id>/presences")
@permission_required(Permission.TRAINING_MANAGE)
def attendance(session_id: int) -> WResponse:
    session = _own_session(session_id)
    if EmptyForm().validate_on_submit():
        marks = {}
        for booking in session.bookings:
            value = request.form.get(f"presence-{booking.id}", "")
            if value in {a.value for a in Attendance}:
                marks[booking.id] = Attendance(value)
        try:
            changed = services.set_attendance(session, marks, current_user)
        except DomainError as exc:
            _flash_error(exc)
        else:
            flash(_("Présences enregistrées (%(n)s changement(s)).", n=changed), "success")
    return redirect(url_for("training.session_detail", session_id=session_id))


@bp.post("/seances/<int:session_id>/reserver")
@permission_required(Permission.TRAINING_BOOK)
def session_book(session_id: int) -> WResponse:
    session = _session(session_id)
    raw = request.form.get("household_id", "")
    if not raw.isdigit():
        flash(_("Choisissez un foyer."), "error")
        return redirect(url_for("training.session_detail", session_id=session.id))
    household = _household(int(raw))
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        booking = services.book(session.id, household, current_user)
    except DomainError as exc:
        _flash_error(exc)
        return redirect(url_for("training.session_detail", session_id=session_id))
    contact = services.contact_for(household)
    if contact is None:  # nothing was queued: say so, and whom to telephone
        if household.phone:
            flash(_("Inscription enregistrée pour %(name)s, mais aucun message ne part (ni "
                    "portable ni e-mail) : appelez ce foyer au %(phone)s.",
                    name=household.reference_name,
                    phone=display_fr(to_e164(household.phone) or household.phone)),
                  "warning")  # fmt: skip
        else:
            flash(_("Inscription enregistrée pour %(name)s, mais aucun message ne part et "
                    "aucun numéro n'est connu : prévenez ce foyer de vive voix.",
                    name=household.reference_name), "warning")  # fmt: skip
    if booking.status is BookingStatus.BOOKED:
        if contact is not None:
            flash(_("Inscription confirmée pour %(name)s. Un message de confirmation part par "
                    "%(channel)s à %(to)s.", name=household.reference_name,
                    channel=_("SMS") if contact[0] is Channel.SMS else _("e-mail"),
                    to=display_fr(contact[1])), "success")  # fmt: skip
    else:
        flash(
            _("Séance complète : %(name)s est sur la liste d'attente (n° %(pos)s).",
              name=household.reference_name, pos=services.waiting_position(booking)),
            "warning",
        )  # fmt: skip
    fallback = household_url(household) or url_for("training.session_detail", session_id=session_id)
    return redirect(safe_next(request.form.get("next_url"), fallback))


@bp.post("/reservations/<int:booking_id>/annuler")
@permission_required(Permission.TRAINING_BOOK)
def booking_cancel(booking_id: int) -> WResponse:
    booking = services.fetch(Booking, booking_id) or abort(404)
    ensure_record_access(Permission.TRAINING_BOOK, booking.organisation_id)
    back = safe_next(
        request.form.get("next_url"),
        url_for("training.session_detail", session_id=booking.session_id),
    )
    if EmptyForm().validate_on_submit():
        try:
            promoted = services.cancel_booking(booking.id, current_user)
        except DomainError as exc:
            _flash_error(exc)
        else:
            flash(_("Inscription annulée."), "success")
            if promoted is not None:
                flash(
                    _("La première personne en attente a eu la place et est prévenue."), "success"
                )
    return redirect(back)


# --- the trainer's place ---------------------------------------------------------------


@bp.get("/mon-lieu")
@permission_required(Permission.TRAINING_MANAGE)
def my_sessions() -> str:
    org = _place_org()
    sessions = services.upcoming_sessions(org_id=org.id, limit=200)
    past = db.session.scalars(
        select(TrainingSession)
        .where(TrainingSession.organisation_id == org.id, TrainingSession.starts_at < utcnow())
        .order_by(TrainingSession.starts_at.desc())
        .limit(20)
    ).all()
    courses = db.session.scalars(
        select(TrainingCourse).where(TrainingCourse.organisation_id == org.id)
    ).all()
    return render_template(
        "training/my_sessions.html",
        org=org,
        sessions=sessions,
        past=past,
        courses=courses,
        waiting=services.waiting_counts(s.id for s in sessions),
    )


@bp.route("/mon-lieu/fiche", methods=["GET", "POST"])
@permission_required(Permission.TRAINING_MANAGE)
def place_edit() -> str | WResponse:
    org = _place_org()
    place = services.place_for(org)
    db.session.commit()
    form = PlaceForm(obj=place)
    if form.validate_on_submit():
        form.populate_obj(place)
        record("training.place.update", "training_place", place.id, organisation_id=org.id)
        sync_org_place_quietly(org)  # its "Où aller" entry: hours, access, booking link
        db.session.commit()
        flash(_("Fiche du lieu enregistrée."), "success")
        return redirect(url_for("training.my_sessions"))
    return render_template("training/place_form.html", form=form, org=org)


@bp.route("/parcours/nouveau", methods=["GET", "POST"])
@permission_required(Permission.TRAINING_MANAGE)
def course_new() -> str | WResponse:
    org = _place_org()
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = services.create_course(org, form.title.data or "", form.description.data or "")
        except DomainError as exc:
            db.session.rollback()
            form.title.errors = [exc.message]
        else:
            flash(_("Parcours créé : ajoutez-lui des séances."), "success")
            return redirect(url_for("training.course_detail", course_id=course.id))
    return render_template("training/course_form.html", form=form)


@bp.get("/parcours/<int:course_id>")
@permission_required(Permission.TRAINING_READ)
def course_detail(course_id: int) -> str:
    course = services.fetch(TrainingCourse, course_id) or abort(404)
    book_form = None
    if can(Permission.TRAINING_BOOK):
        book_form = BookForm()
        book_form.household_id.choices = [
            SelectChoice(str(h.id), f"{h.reference_name} ({h.commune})")
            for h in _bookable_households()
        ]
    manage = can(Permission.TRAINING_MANAGE, course.organisation_id)
    followers = [  # the place sees everyone; a prescriber, the households it may book for
        p
        for p in courses.course_followers(course)
        if manage or can(Permission.TRAINING_BOOK, p.household.organisation_id)
    ]
    return render_template(
        "training/course.html",
        course=course,
        book_form=book_form,
        manage=manage,
        followers=followers,
    )


@bp.post("/parcours/<int:course_id>/inscrire")
@permission_required(Permission.TRAINING_BOOK)
def course_book(course_id: int) -> WResponse:
    course = services.fetch(TrainingCourse, course_id) or abort(404)
    raw = request.form.get("household_id", "")
    if not raw.isdigit():
        flash(_("Choisissez un foyer."), "error")
        return redirect(url_for("training.course_detail", course_id=course.id))
    household = _household(int(raw))
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        bookings = services.book_course(course, household, current_user)
    except DomainError as exc:
        _flash_error(exc)
    else:
        flash(_("%(name)s est inscrit au parcours (%(n)s séance(s)).",
                name=household.reference_name, n=len(bookings)), "success")  # fmt: skip
    return redirect(url_for("training.course_detail", course_id=course_id))


# --- diagnostic and matching -----------------------------------------------------------


@bp.route("/foyers/<int:household_id>/diagnostic", methods=["GET", "POST"])
@permission_required(Permission.TRAINING_BOOK)
def diagnostic_new(household_id: int) -> str | WResponse:
    household = _household(household_id)
    form = diagnostic_form_class()()
    if request.method == "GET":
        form.has_device.data = bool(
            household.has_computer or household.has_smartphone or household.has_tablet
        )
        record("household.read", "household", household.id,
               detail={"page": "training.diagnostic_form"},
               organisation_id=household.organisation_id)  # fmt: skip
        db.session.commit()
    if form.validate_on_submit():
        try:
            diagnostic = services.record_diagnostic(
                household,
                {q.key: getattr(form, q.key).data for q in dg.QUESTIONS},
                has_device=bool(form.has_device.data),
                needs_accessibility=bool(form.needs_accessibility.data),
                weekdays=[int(d) for d in form.weekdays.data or []],
                actor=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            return redirect(url_for("training.diagnostic_detail", diagnostic_id=diagnostic.id))
    previous = services.diagnostics_for(household)
    return render_template(
        "training/diagnostic_form.html",
        form=form,
        household=household,
        questions=dg.QUESTIONS,
        previous=previous[0] if previous else None,
    )


@bp.get("/diagnostics/<int:diagnostic_id>")
@permission_required(Permission.TRAINING_BOOK)
def diagnostic_detail(diagnostic_id: int) -> str:
    diagnostic = services.fetch(Diagnostic, diagnostic_id) or abort(404)
    household = _household(diagnostic.household_id)
    suggestions = services.suggestions_for(diagnostic, household)
    record("household.read", "household", household.id,
           detail={"page": "training.diagnostic", "diagnostic": diagnostic.id},
           organisation_id=household.organisation_id)  # fmt: skip
    db.session.commit()
    return render_template(
        "training/diagnostic.html",
        diagnostic=diagnostic,
        household=household,
        suggestions=suggestions,
        progress=services.progress_of(diagnostic),
        reason_label=reason_label,
        domains=list(dg.Domain),
        answer_labels=ANSWER_LABELS,
        questions=dg.QUESTIONS,
        empty_form=EmptyForm(),
    )


# --- calendars ---------------------------------------------------------------------------


def _ics(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/lieux/<int:org_id>/agenda.ics")
@permission_required(Permission.TRAINING_READ)
def place_ics(org_id: int) -> Response:
    org = services.fetch(Organisation, org_id) or abort(404)
    sessions = services.upcoming_sessions(org_id=org.id, limit=500)
    return _ics(ical.calendar(sessions, org.name), f"ateliers-{org.slug}.ics")


@bp.get("/foyers/<int:household_id>/agenda.ics")
@permission_required(Permission.TRAINING_BOOK)
def household_ics(household_id: int) -> Response:
    household = _household(household_id)
    sessions = [
        b.session
        for b in services.bookings_for_household(household)
        if b.status is BookingStatus.BOOKED
    ]
    record("household.export.ics", "household", household.id,
           organisation_id=household.organisation_id)  # fmt: skip
    db.session.commit()
    return _ics(
        ical.calendar(sessions, _("Ateliers de %(name)s", name=household.reference_name)),
        f"ateliers-foyer-{household.id}.ics",
    )


# --- open data ---------------------------------------------------------------------------


# The directory's open data replaced these pages (La MedNum v1.0.2, imports into "Où
# aller"): the old addresses lead there, so bookmarks and scripts keep working.


@bp.get("/donnees-ouvertes")
@permission_required(Permission.TRAINING_READ)
def open_data() -> WResponse:
    return redirect(url_for("directory.data.page"), code=301)


@bp.get("/donnees-ouvertes/data-inclusion.json")
@permission_required(Permission.TRAINING_READ)
def export_data_inclusion() -> WResponse:
    return redirect(url_for("directory.data.export_data_inclusion"), code=301)


@bp.get("/donnees-ouvertes/lieux-mediation-numerique.csv")
@permission_required(Permission.TRAINING_READ)
def export_mednum() -> WResponse:
    return redirect(url_for("directory.data.export_mednum"), code=301)


@bp.post("/donnees-ouvertes/import")
@permission_required(Permission.ADMIN_ORGS)
def import_open_data() -> WResponse:
    return redirect(url_for("directory.data.import_file"), code=308)  # keeps the POST
