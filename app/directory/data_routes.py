"""The directory's open data (``/ou-aller/donnees-ouvertes``), nested in ``directory``.

Staff read the exports (La MedNum v1.0.2 CSV, data·inclusion JSON) and the page;
administrators import, with a row-by-row report (``flask directory import-mednum`` does
the same from a shell). An organisation's directory place (weekly hours, labels, RNA) is
edited by its own managers or trainers and by administrators; a training place's sessions
download as La Coop activity reports.
"""

from __future__ import annotations

import json
from datetime import time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from werkzeug.wrappers import Response as WResponse

from app.accounts.models import Organisation
from app.audit.services import record
from app.authz.guards import can, permission_required
from app.authz.policy import OrgKind, Permission
from app.core import jsonsafe
from app.core.clock import today
from app.directory import coop_export, imports, services, timetable
from app.directory.data_forms import DAY_LABELS, DirectoryPlaceForm, OpenDataImportForm
from app.directory.rows import Report
from app.eligibility import display
from app.extensions import db

bp = Blueprint("data", __name__, url_prefix="/donnees-ouvertes")


def _page(form: OpenDataImportForm | None, report: Report | None = None, file_error: str = "") -> str:  # fmt: skip
    _csv, left_out = imports.mednum_export(sync=False)  # reads only: a page writes nothing
    # speaker: the report's messages in the reader's words (rows.Message)
    return render_template("directory/open_data.html", form=form, report=report,
                           file_error=file_error, left_out=left_out,
                           speaker=display.speaker())  # fmt: skip


@bp.get("")
@permission_required(Permission.TRAINING_READ)
def page() -> str:
    return _page(OpenDataImportForm() if can(Permission.ADMIN_ORGS) else None)


@bp.get("/lieux-mediation-numerique.csv")
@permission_required(Permission.TRAINING_READ)
def export_mednum() -> Response:
    body, _left_out = imports.mednum_export()
    db.session.commit()
    name = f"{today():%Y-%m-%d}_lieux-de-mediation-numerique.csv"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@bp.get("/data-inclusion.json")
@permission_required(Permission.TRAINING_READ)
def export_data_inclusion() -> Response:
    body = json.dumps(imports.data_inclusion_export(), ensure_ascii=False, indent=2)
    db.session.commit()
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="data-inclusion.json"'})  # fmt: skip


@bp.post("/import")
@permission_required(Permission.ADMIN_ORGS)
def import_file() -> str | tuple[str, int]:
    form = OpenDataImportForm()
    if not form.validate_on_submit():
        return _page(form)
    try:
        text = form.file.data.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return _page(form, file_error=_("Le fichier doit être encodé en UTF-8."))
    dry_run = bool(form.dry_run.data)
    if form.kind.data == "mednum":
        with services.batched_points():  # the rows' addresses geocoded together
            report = imports.import_mednum(text, dry_run=dry_run, actor=current_user)
    else:
        try:
            payload = jsonsafe.loads(text)  # deep nesting refused, never a RecursionError
        except jsonsafe.JsonRefused as exc:
            if exc.message == jsonsafe.TOO_DEEP:
                deep = _("Ce JSON est imbriqué trop profondément (plus de %(n)s niveaux) : il est refusé.", n=jsonsafe.MAX_DEPTH)  # fmt: skip
                return _page(form, file_error=deep), 422
            return _page(form, file_error=_("Le fichier n'est pas du JSON lisible.")), 422
        with services.batched_points():
            report = imports.import_data_inclusion(payload, dry_run=dry_run, actor=current_user)
    return _page(form, report)


# --- an organisation's directory place -----------------------------------------------------


def _org_for_owner(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id) or abort(404)
    if not (
        can(Permission.ADMIN_ORGS)
        or can(Permission.TRAINING_MANAGE, org.id)
        or can(Permission.INVENTORY_MANAGE, org.id)
    ):
        abort(404)
    return org


def _fill(form: DirectoryPlaceForm, value: str) -> bool:
    """Put the saved hours in the grid; False when they are not of a form it can hold."""
    table = timetable.read(value)
    if table is None:
        return False
    form.closed_on_holidays.data = table.closed_on_holidays
    for day, ranges in zip(timetable.DAYS, table.days, strict=True):
        for n, r in enumerate(ranges, start=1):
            getattr(form, f"{day.lower()}_{n}_start").data = r.start
            getattr(form, f"{day.lower()}_{n}_end").data = r.end
    return True


def _table(form: DirectoryPlaceForm) -> timetable.Timetable:
    table = timetable.Timetable(closed_on_holidays=bool(form.closed_on_holidays.data))
    for index, day in enumerate(timetable.DAYS):
        for n in range(1, timetable.MAX_RANGES + 1):
            start: time | None = getattr(form, f"{day.lower()}_{n}_start").data
            end: time | None = getattr(form, f"{day.lower()}_{n}_end").data
            if start is None and end is None:
                continue
            if start is None or end is None:
                raise timetable.TimetableError(index, _("Indiquez l'ouverture et la fermeture."))
            table.days[index].append(timetable.Range(start, end))
    return table


@bp.route("/lieux/<int:org_id>/fiche", methods=["GET", "POST"])
@permission_required(Permission.TRAINING_READ)
def place_form(org_id: int) -> str | WResponse:
    org = _org_for_owner(org_id)
    place = services.sync_org_place(org) or abort(404)
    db.session.commit()
    form = DirectoryPlaceForm()
    kept = ""
    if request.method == "GET":
        form.labels.data = ", ".join(place.labels or [])
        form.rna.data = place.rna
        if not _fill(form, place.opening_hours):
            kept = place.opening_hours
    elif form.validate_on_submit():
        try:
            value = timetable.build(_table(form))
        except timetable.TimetableError as exc:
            flash(f"{DAY_LABELS[exc.day]} : {exc.message}", "error")
        else:
            from app.training.catalogue import hours_too_long  # as _save's place_for

            too_long = hours_too_long(value) if org.kind is OrgKind.TRAINING_PLACE else None
            if too_long:
                flash(too_long, "error")  # nothing stored, the grid keeps what was typed
            else:
                _save(org, value, form)
                flash(_("Fiche de l'annuaire enregistrée."), "success")
                return redirect(url_for("directory.data.place_form", org_id=org.id))
    return render_template("directory/place_form.html", org=org, place=place, form=form,
                           days=list(zip(timetable.DAYS, DAY_LABELS, strict=True)), kept=kept,
                           problems=services.owner_problems(place))  # fmt: skip


def _save(org: Organisation, value: str, form: DirectoryPlaceForm) -> None:
    place = services.own_place(org) or abort(404)
    place.labels = [v.strip() for v in (form.labels.data or "").split(",") if v.strip()]
    place.rna = (form.rna.data or "").strip().upper()
    if org.kind is OrgKind.TRAINING_PLACE:
        from app.training.catalogue import place_for

        place_for(org).opening_hours = value  # the training place's record owns them
    place.opening_hours = value
    record("directory.place.update", "place", place.id, organisation_id=org.id,
           detail={"opening_hours": value})  # fmt: skip
    services.sync_org_place(org)
    db.session.commit()


@bp.get("/lieux/<int:org_id>/activites-coop.xlsx")
@permission_required(Permission.TRAINING_MANAGE)
def coop_activities(org_id: int) -> Response:
    org = db.session.get(Organisation, org_id)
    if org is None or org.kind is not OrgKind.TRAINING_PLACE or not can(Permission.TRAINING_MANAGE, org.id):  # fmt: skip
        abort(404)
    body = coop_export.workbook(org.id)
    name = f"activites-coop-{org.slug}-{today():%Y-%m-%d}.xlsx"
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
