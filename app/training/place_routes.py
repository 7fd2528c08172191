"""The trainer's place: its sessions, its details, its courses (created, and their
page), its calendar; and the old open-data addresses, now the directory's."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as WResponse
from wtforms import SelectChoice

from app.accounts.models import Organisation
from app.audit.services import record
from app.authz.guards import can, permission_required
from app.authz.policy import Permission
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.directory.services import sync_org_place_quietly
from app.extensions import db
from app.training import courses, ical
from app.training.catalogue import fetch, place_for, upcoming_sessions, waiting_counts
from app.training.forms import BookForm, CourseForm, PlaceForm
from app.training.models import TrainingCourse, TrainingSession
from app.training.sessions import create_course
from app.training.web import bookable_households, bp, ics_response, place_org


@bp.get("/mon-lieu")
@permission_required(Permission.TRAINING_MANAGE)
def my_sessions() -> str:
    org = place_org()
    sessions = upcoming_sessions(org_id=org.id, limit=200)
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
        waiting=waiting_counts(s.id for s in sessions),
    )


@bp.route("/mon-lieu/fiche", methods=["GET", "POST"])
@permission_required(Permission.TRAINING_MANAGE)
def place_edit() -> str | WResponse:
    org = place_org()
    place = place_for(org)
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
    org = place_org()
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = create_course(org, form.title.data or "", form.description.data or "")
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
    course = fetch(TrainingCourse, course_id) or abort(404)
    book_form = None
    if can(Permission.TRAINING_BOOK):
        book_form = BookForm()
        book_form.household_id.choices = [
            SelectChoice(str(h.id), f"{h.reference_name} ({h.commune})")
            for h in bookable_households()
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


@bp.get("/lieux/<int:org_id>/agenda.ics")
@permission_required(Permission.TRAINING_READ)
def place_ics(org_id: int) -> Response:
    org = fetch(Organisation, org_id) or abort(404)
    sessions = upcoming_sessions(org_id=org.id, limit=500)
    return ics_response(ical.calendar(sessions, org.name), f"ateliers-{org.slug}.ics")


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
