"""Booking a household: on a session (or its waiting list), on a whole course, a
booking cancelled; the diagnostic and the sessions it suggests; the household's
calendar."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WResponse

from app.audit.services import record
from app.auth.forms import EmptyForm
from app.authz.guards import ensure_record_access, permission_required
from app.authz.policy import Permission
from app.core.errors import DomainError
from app.core.routes import safe_next
from app.extensions import db
from app.notify.models import Channel
from app.notify.phone import display_fr, to_e164
from app.training import diagnostic as dg
from app.training import ical
from app.training.bookings import book, book_course
from app.training.cancellations import cancel_booking
from app.training.catalogue import bookings_for_household, fetch, waiting_position
from app.training.forms import ANSWER_LABELS, diagnostic_form_class, reason_label
from app.training.messages import contact_for
from app.training.models import Booking, BookingStatus, Diagnostic, TrainingCourse
from app.training.suggestions import (
    diagnostics_for,
    progress_of,
    record_diagnostic,
    suggestions_for,
)
from app.training.web import (
    bp,
    flash_error,
    household_to_book,
    household_url,
    ics_response,
    session_or_404,
)


@bp.post("/seances/<int:session_id>/reserver")
@permission_required(Permission.TRAINING_BOOK)
def session_book(session_id: int) -> WResponse:
    session = session_or_404(session_id)
    raw = request.form.get("household_id", "")
    if not raw.isdigit():
        flash(_("Choisissez un foyer."), "error")
        return redirect(url_for("training.session_detail", session_id=session.id))
    household = household_to_book(int(raw))
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        booking = book(session.id, household, current_user)
    except DomainError as exc:
        flash_error(exc)
        return redirect(url_for("training.session_detail", session_id=session_id))
    contact = contact_for(household)
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
              name=household.reference_name, pos=waiting_position(booking)),
            "warning",
        )  # fmt: skip
    fallback = household_url(household) or url_for("training.session_detail", session_id=session_id)
    return redirect(safe_next(request.form.get("next_url"), fallback))


@bp.post("/reservations/<int:booking_id>/annuler")
@permission_required(Permission.TRAINING_BOOK)
def booking_cancel(booking_id: int) -> WResponse:
    booking = fetch(Booking, booking_id) or abort(404)
    ensure_record_access(Permission.TRAINING_BOOK, booking.organisation_id)
    back = safe_next(
        request.form.get("next_url"),
        url_for("training.session_detail", session_id=booking.session_id),
    )
    if EmptyForm().validate_on_submit():
        try:
            promoted = cancel_booking(booking.id, current_user)
        except DomainError as exc:
            flash_error(exc)
        else:
            flash(_("Inscription annulée."), "success")
            if promoted is not None:
                flash(
                    _("La première personne en attente a eu la place et est prévenue."), "success"
                )
    return redirect(back)


@bp.post("/parcours/<int:course_id>/inscrire")
@permission_required(Permission.TRAINING_BOOK)
def course_book(course_id: int) -> WResponse:
    course = fetch(TrainingCourse, course_id) or abort(404)
    raw = request.form.get("household_id", "")
    if not raw.isdigit():
        flash(_("Choisissez un foyer."), "error")
        return redirect(url_for("training.course_detail", course_id=course.id))
    household = household_to_book(int(raw))
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        bookings = book_course(course, household, current_user)
    except DomainError as exc:
        flash_error(exc)
    else:
        flash(_("%(name)s est inscrit au parcours (%(n)s séance(s)).",
                name=household.reference_name, n=len(bookings)), "success")  # fmt: skip
    return redirect(url_for("training.course_detail", course_id=course_id))


@bp.route("/foyers/<int:household_id>/diagnostic", methods=["GET", "POST"])
@permission_required(Permission.TRAINING_BOOK)
def diagnostic_new(household_id: int) -> str | WResponse:
    household = household_to_book(household_id)
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
            diagnostic = record_diagnostic(
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
    previous = diagnostics_for(household)
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
    diagnostic = fetch(Diagnostic, diagnostic_id) or abort(404)
    household = household_to_book(diagnostic.household_id)
    suggestions = suggestions_for(diagnostic, household)
    record("household.read", "household", household.id,
           detail={"page": "training.diagnostic", "diagnostic": diagnostic.id},
           organisation_id=household.organisation_id)  # fmt: skip
    db.session.commit()
    return render_template(
        "training/diagnostic.html",
        diagnostic=diagnostic,
        household=household,
        suggestions=suggestions,
        progress=progress_of(diagnostic),
        reason_label=reason_label,
        domains=list(dg.Domain),
        answer_labels=ANSWER_LABELS,
        questions=dg.QUESTIONS,
        empty_form=EmptyForm(),
    )


@bp.get("/foyers/<int:household_id>/agenda.ics")
@permission_required(Permission.TRAINING_BOOK)
def household_ics(household_id: int) -> Response:
    household = household_to_book(household_id)
    sessions = [
        b.session for b in bookings_for_household(household) if b.status is BookingStatus.BOOKED
    ]
    record("household.export.ics", "household", household.id,
           organisation_id=household.organisation_id)  # fmt: skip
    db.session.commit()
    return ics_response(
        ical.calendar(sessions, _("Ateliers de %(name)s", name=household.reference_name)),
        f"ateliers-foyer-{household.id}.ics",
    )
