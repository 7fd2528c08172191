"""Stock-wide tools: the file import (upload and confirmation; the mapping step is
import_routes.py), the stock count by place, the test checklists per device type; on the
inventory blueprint of routes.py."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app.auth.forms import EmptyForm
from app.authz.guards import can, permission_required
from app.authz.policy import Permission
from app.core.converters import parse_id
from app.core.errors import DomainError
from app.extensions import db
from app.inventory import donations, import_routes, importing, stock, workshop
from app.inventory.forms import ChecklistTemplateForm, ImportForm, StockCountForm
from app.inventory.lifecycle import DEVICE_TYPE_LABELS, DeviceType
from app.inventory.models import Device, Location
from app.inventory.routes import P, bp, donor_choices, org_id

# ---------------------------------------------------------------- import


@bp.route(f"{P}/import", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_MANAGE)
def import_upload() -> str | Response:
    """The upload; the mapping step (import_routes.py) follows on the same response."""
    form = ImportForm()
    form.donor_id.choices = donor_choices(blank=_("Sans donateur"))
    file_error = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            return import_routes.after_upload(
                upload.read(),
                upload.filename or "import.csv",
                form.donor_id.data or "",
                form.reference.data or "",
            )
        except importing.ImportFileError as exc:
            file_error = exc.message
    return render_template(
        "inventory/import.html",
        form=form,
        result=None,
        token="",
        file_error=file_error,
        confirm_form=EmptyForm(),
    )


@bp.post(f"{P}/import/confirmer")
@permission_required(Permission.INVENTORY_MANAGE)
def import_confirm() -> str | Response:
    return import_routes.confirm(request.form.get("token", ""))


# ---------------------------------------------------------------- stock count


@bp.route(f"{P}/comptage", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_READ)
def stock_count() -> str:
    form = StockCountForm()
    places = donations.locations(org_id())
    form.location_id.choices = [SelectChoice(str(p.id), p.name) for p in places]
    result = None
    if form.validate_on_submit():
        location = db.session.get(Location, parse_id(form.location_id.data) or 0)
        if location is None or location.organisation_id != org_id():
            form.location_id.errors = [_("Choisissez un emplacement de la liste.")]
        else:
            result = stock.stock_count(org_id(), location, (form.tags.data or "").splitlines())
    return render_template(
        "inventory/stock_count.html",
        form=form,
        result=result,
        has_places=bool(places),
        move_form=EmptyForm(),
        can_write=can(Permission.INVENTORY_WRITE),
    )


@bp.post(f"{P}/comptage/ranger")
@permission_required(Permission.INVENTORY_WRITE)
def stock_move() -> Response:
    form = EmptyForm()
    location = db.session.get(Location, parse_id(request.form.get("location_id")) or 0)
    if form.validate_on_submit() and location and location.organisation_id == org_id():
        ids = [i for i in (parse_id(x) for x in request.form.getlist("device_id")) if i]
        devices = db.session.scalars(select(Device).where(Device.id.in_(ids))).all() if ids else []
        moved = stock.move_to_location(org_id(), location, devices, actor=current_user)
        flash(_("%(n)s appareils rangés à « %(place)s ».", n=moved, place=location.name), "success")
    return redirect(url_for("inventory.stock_count"))


# ---------------------------------------------------------------- checklist templates


@bp.route(f"{P}/listes-de-tests", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_MANAGE)
def checklist_templates() -> str | Response:
    kind = request.values.get("device_type", DeviceType.LAPTOP.value)
    if kind not in [t.value for t in DeviceType]:
        kind = DeviceType.LAPTOP.value
    items = workshop.checklist_items(org_id(), DeviceType(kind))
    form = ChecklistTemplateForm(data={"device_type": kind, "items": "\n".join(items)})
    if request.method == "POST":
        form = ChecklistTemplateForm()
    if form.validate_on_submit():
        try:
            workshop.save_checklist_template(
                org_id(),
                DeviceType(form.device_type.data),
                (form.items.data or "").splitlines(),
                actor=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            form.items.errors = [exc.message]
        else:
            flash(_("Liste de tests enregistrée."), "success")
            return redirect(
                url_for("inventory.checklist_templates", device_type=form.device_type.data)
            )
    return render_template(
        "inventory/checklist_templates.html", form=form, kind=kind, types=DEVICE_TYPE_LABELS
    )
