"""The workshop's steps on a device: edit, change of state, erasure (and its
certificate), tests, grade; on the inventory blueprint of routes.py."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import to_user_timezone, to_utc
from flask_login import current_user
from wtforms import SelectChoice

from app.auth.forms import EmptyForm
from app.authz.guards import can, ensure_record_access, permission_required
from app.authz.policy import Permission
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.extensions import db
from app.inventory import device_records, donations, erasure_records, erasure_rules, workshop
from app.inventory.forms import (
    LEVEL_LABELS,
    METHOD_LABELS,
    DeviceEditForm,
    ErasureForm,
    GradeForm,
    TransitionForm,
)
from app.inventory.grading import GRADE_LABELS, Grade
from app.inventory.lifecycle import (
    HANDOVER_TARGETS,
    STATE_LABELS,
    State,
    allowed_targets,
    workshop_targets,
)
from app.inventory.models import Device, ErasureLevel, ErasureMethod, ErasureRecord, ErasureResult
from app.inventory.pdfs import certificates_pdf
from app.inventory.routes import (
    REMEMBERED,
    P,
    bp,
    device_input,
    duplicate_reason,
    missing_for_grade,
    number,
    own_device,
    pdf_response,
    put_error,
    translated_names,
)

# ---------------------------------------------------------------- edit and state


@bp.route(f"{P}/appareils/<int:device_id>/modifier", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def device_edit(device_id: int) -> str | Response:
    device = own_device(device_id, Permission.INVENTORY_WRITE)
    data = None
    if request.method == "GET":
        data = {
            name: getattr(device, name)
            for name in (
                *REMEMBERED,
                "serial",
                "imei",
                "battery_health_pct",
                "condition_notes",
                *device_records.ORIGIN_FIELDS,
            )
            if name != "location"
        }
        for name in (
            "cpu_score",
            "ram_gb",
            "storage_gb",
            "screen_inches",
            "battery_health_pct",
        ):
            data[name] = number(data[name]) if data[name] is not None else ""
        cost = data["purchase_cost"]  # cents kept: "1190,50"
        data["purchase_cost"] = f"{cost:.2f}".replace(".", ",") if cost is not None else ""
        for name in ("device_type", "storage_type", "condition"):
            data[name] = data[name].value if data[name] is not None else ""
        data["location"] = device.location.name if device.location else ""
    form = DeviceEditForm(data=data)
    if form.validate_on_submit():
        try:
            device_records.update_device(
                device,
                device_input(form),
                actor=current_user,
                origin=True,
                duplicate_reason=duplicate_reason(form),
            )
        except DomainError as exc:
            db.session.rollback()
            put_error(form, exc, "serial")
        else:
            flash(_("Appareil enregistré."), "success")
            return redirect(url_for("inventory.device_detail", device_id=device.id))
    return render_template(
        "inventory/device_form.html",
        form=form,
        device=device,
        locations=donations.locations(device.organisation_id),
        can_accept_duplicate=can(Permission.INVENTORY_MANAGE),
    )


@bp.route(f"{P}/appareils/<int:device_id>/etat", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def device_transition(device_id: int) -> str | Response:
    """Any change of state, with a reason; the device page's buttons post here too."""
    device = own_device(device_id, Permission.INVENTORY_WRITE)
    form = TransitionForm()
    if request.method == "POST":
        form.to_state.choices = [SelectChoice(s.value, s.value) for s in State]
        if form.validate_on_submit():
            target = State(form.to_state.data)
            try:
                workshop.apply_transition(
                    device, target, current_user, form.reason.data or "", workshop=True
                )
            except DomainError as exc:
                db.session.rollback()
                form.to_state.errors = [exc.message]
            else:
                flash(
                    _("État changé : %(state)s.", state=_(STATE_LABELS[target])),
                    "success",
                )
                return redirect(url_for("inventory.device_detail", device_id=device.id))
    return _render_transition(device, form)


# The usual method for each medium, with the level it reaches (erasure_rules).


def _render_transition(device: Device, form: TransitionForm) -> str:
    targets = workshop_targets(device.state)
    # The workshop's next steps first; the select still lists every state, and an
    # impossible one (or the handover desk's) is explained rather than hidden.
    names = translated_names("state")
    form.to_state.choices = [SelectChoice(s.value, names[s.value]) for s in targets] + [
        SelectChoice(s.value, names[s.value])
        for s in State
        if s not in targets and s is not device.state
    ]
    facts = workshop.readiness(device, erasure_list=erasure_records.erasures(device))
    return render_template(
        "inventory/device_state.html",
        device=device,
        form=form,
        facts=facts,
        can_write=True,
        at_desk=device.state in HANDOVER_TARGETS,
        final=not allowed_targets(device.state),
    )


# ---------------------------------------------------------------- erasure


_DEFAULT_METHOD = {
    erasure_rules.Medium.HDD: ErasureMethod.OVERWRITE,
    erasure_rules.Medium.SSD: ErasureMethod.ATA_SANITIZE,
    erasure_rules.Medium.NVME: ErasureMethod.NVME_SANITIZE,
    erasure_rules.Medium.EMMC: ErasureMethod.OVERWRITE,
    erasure_rules.Medium.MOBILE: ErasureMethod.FACTORY_RESET,
}
_LEVEL_NAMES = {
    ErasureLevel.CLEAR: "Clear",
    ErasureLevel.PURGE: "Purge",
    ErasureLevel.DESTROY: "Destroy",
}


def _erasure_choices(
    form: ErasureForm, device: Device, known: erasure_rules.Medium | None
) -> erasure_rules.Medium | None:
    """Offer the media of the device, and the methods and levels of the chosen medium.

    Each method says the level it reaches there; the medium read is returned.
    """
    Medium = erasure_rules.Medium
    if known is Medium.MOBILE:
        media = [Medium.MOBILE]
    else:
        media = [m for m in Medium if m is not Medium.MOBILE]
    form.medium.choices = ([] if known else [SelectChoice("", _("— à préciser —"))]) + [
        SelectChoice(m.value, erasure_rules.MEDIUM_LABELS[m]) for m in media
    ]
    try:
        medium: erasure_rules.Medium | None = Medium(form.medium.data) if form.medium.data else None
    except ValueError:
        medium = None
    if medium not in media:
        medium = known
    form.medium.data = medium.value if medium else ""
    methods = erasure_rules.methods_for(medium)
    form.method.choices = [
        SelectChoice(
            m.value,
            f"{METHOD_LABELS[m]} : {_LEVEL_NAMES[level]}"
            if medium and (level := erasure_rules.reaches(medium, m))
            else str(METHOD_LABELS[m]),
        )
        for m in methods
    ]
    form.level.choices = [
        SelectChoice(lv.value, LEVEL_LABELS[lv]) for lv in erasure_rules.levels_for(medium)
    ]
    return medium


@bp.route(f"{P}/appareils/<int:device_id>/effacement", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def erasure_new(device_id: int) -> str | Response:
    device = own_device(device_id, Permission.INVENTORY_WRITE)
    data = None
    known = erasure_records.erasure_medium(device)
    if request.method == "GET":
        # People type local times; the database keeps naive UTC (app/core/clock.py).
        now = to_user_timezone(utcnow()).replace(second=0, microsecond=0, tzinfo=None)
        method = _DEFAULT_METHOD[known] if known else ErasureMethod.OVERWRITE
        data = {
            "technician_name": current_user.display_name,
            "started_at": now,
            "ended_at": now,
            "disk_size_gb": device.storage_gb,
            "medium": known.value if known else "",
            "level": (erasure_rules.reaches(known, method) or ErasureLevel.CLEAR).value,
            "method": method.value,
            "passes": 1,
            "result": ErasureResult.ERASED.value,
        }
    form = ErasureForm(data=data)
    medium = _erasure_choices(form, device, known)
    if form.validate_on_submit():
        assert form.started_at.data is not None and form.ended_at.data is not None
        try:
            level = ErasureLevel(form.level.data)
        except ValueError:
            form.level.errors = [_("Choisissez un niveau.")]
            return render_template("inventory/erasure_form.html", form=form, device=device)
        try:
            method = ErasureMethod(form.method.data)
        except ValueError:
            form.method.errors = [_("Choisissez une méthode.")]
            return render_template("inventory/erasure_form.html", form=form, device=device)
        try:
            erasure_records.record_erasure(
                device,
                erasure_records.ErasureInput(
                    medium=medium,
                    level=level,
                    method=method,
                    tool=form.tool.data or "",
                    tool_version=form.tool_version.data or "",
                    started_at=to_utc(form.started_at.data),
                    ended_at=to_utc(form.ended_at.data),
                    result=ErasureResult(form.result.data),
                    technician_name=form.technician_name.data or "",
                    signature=form.signature.data or "",
                    disk_make=form.disk_make.data or "",
                    disk_model=form.disk_model.data or "",
                    disk_serial=form.disk_serial.data or "",
                    disk_size_gb=form.disk_size_gb.data,
                    passes=form.passes.data,
                    verification=form.verification.data or "",
                    notes=form.notes.data or "",
                ),
                actor=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            put_error(form, exc, "tool")
        else:
            flash(_("Effacement enregistré."), "success")
            return redirect(url_for("inventory.device_detail", device_id=device.id))
    return render_template("inventory/erasure_form.html", form=form, device=device)


@bp.get(f"{P}/effacements/<int:erasure_id>/certificat.pdf")
@permission_required(Permission.INVENTORY_READ)
def erasure_certificate(erasure_id: int) -> Response:
    erasure = db.session.get(ErasureRecord, erasure_id) or abort(404)
    ensure_record_access(Permission.INVENTORY_READ, erasure.organisation_id)
    device = db.session.get(Device, erasure.device_id) or abort(404)
    from app.accounts.models import Organisation

    org = db.session.get(Organisation, device.organisation_id)
    # A later erasure of the same disk replaces this one; of a replaced disk, it does not.
    warning = erasure_records.later_erasure_note(erasure)
    pdf = certificates_pdf([(device, erasure)], org, warning=warning)
    return pdf_response(pdf, f"certificat-effacement-{device.asset_tag}.pdf")


# ---------------------------------------------------------------- tests and grade


@bp.route(f"{P}/appareils/<int:device_id>/tests", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def checklist(device_id: int) -> str | Response:
    device = own_device(device_id, Permission.INVENTORY_WRITE)
    existing = workshop.checklist_of(device)
    if existing and existing.results:
        items = [dict(i) for i in existing.results]
    else:
        items = [
            {"label": label, "result": "", "note": ""}
            for label in workshop.checklist_items(device.organisation_id, device.device_type)
        ]
    form = EmptyForm()
    error = None
    if form.validate_on_submit():
        for index, item in enumerate(items):
            item["result"] = request.form.get(f"result-{index}", "")
            item["note"] = request.form.get(f"note-{index}", "")[:500]
        try:
            saved = workshop.save_checklist(device, items, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            flash(
                _("Tests enregistrés : liste complète.")
                if saved.completed
                else _("Tests enregistrés. La liste n'est pas encore complète."),
                "success" if saved.completed else "warning",
            )
            return redirect(url_for("inventory.device_detail", device_id=device.id))
    return render_template(
        "inventory/checklist.html", device=device, items=items, form=form, error=error
    )


@bp.route(f"{P}/appareils/<int:device_id>/note", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def device_grade(device_id: int) -> str | Response:
    """Validate the computed grade, adjust it (phones, tablets) or, for a manager, change it."""
    device = own_device(device_id, Permission.INVENTORY_WRITE)
    if request.method == "GET":
        return _render_grade(device, GradeForm(data={"adjustment": str(device.grade_adjustment)}))
    form = GradeForm()
    if form.validate_on_submit():
        override = Grade(form.override.data) if form.override.data else None
        if override is not None and not can(Permission.INVENTORY_MANAGE, device.organisation_id):
            form.override.errors = [_("Seul·e un·e responsable peut changer la note calculée.")]
            return _render_grade(device, form)
        try:
            grade = workshop.set_grade(
                device,
                override=override,
                reason=form.reason.data or "",
                adjustment=int(form.adjustment.data or 0),  # one of the choices
                actor=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            put_error(form, exc, "override")
            return _render_grade(device, form)
        flash(_("Note validée : %(grade)s.", grade=_(GRADE_LABELS[grade])), "success")
        return redirect(url_for("inventory.device_detail", device_id=device.id))
    return _render_grade(device, form)


def _render_grade(device: Device, form: GradeForm) -> str:
    return render_template(
        "inventory/device_grade.html",
        device=device,
        form=form,
        computed=device_records.computed_grade(device),
        missing=missing_for_grade(device),
        can_manage=can(Permission.INVENTORY_MANAGE, device.organisation_id),
    )
