"""Labels: the sheets to print, a device's QR code, and the public page a label's QR code
opens; on the inventory blueprint of routes.py."""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.authz.guards import can, permission_required
from app.authz.policy import Permission
from app.core.converters import parse_id
from app.documents.qr import qr_png
from app.extensions import db
from app.inventory import device_records, stock
from app.inventory.forms import LabelsForm
from app.inventory.labels import SHEETS, LabelError
from app.inventory.models import Device
from app.inventory.pdfs import device_url, labels_pdf
from app.inventory.routes import (
    P,
    base_url,
    batch_choices,
    bp,
    filter_args,
    filter_from_args,
    org_id,
    own_batch,
    own_device,
    pdf_response,
)

MAX_LABELS = 5000


# ---------------------------------------------------------------- labels


@bp.get(f"{P}/etiquettes")
@permission_required(Permission.INVENTORY_READ)
def labels() -> str | Response:
    form = LabelsForm(request.args, meta={"csrf": False})
    form.batch_id.choices = batch_choices(
        blank=_("— Appareils du filtre ou de la liste —"), selected=request.args.get("batch_id")
    )
    _filter_form, flt = filter_from_args()
    ids = [i for i in (parse_id(x) for x in request.args.get("ids", "").split(",")) if i]
    wants_pdf = "sheet" in request.args
    if wants_pdf and form.validate():
        devices = _label_devices(flt, ids)
        if not devices:
            form.batch_id.errors = [_("Aucun appareil à étiqueter.")]
        elif len(devices) > MAX_LABELS:
            form.batch_id.errors = [
                _("Trop d'étiquettes (%(n)s) : filtrez davantage.", n=len(devices))
            ]
        else:
            try:
                pdf = labels_pdf(
                    devices,
                    form.sheet.data or "L7160",
                    base_url(),
                    start=form.start.data or 1,
                    org_name=current_user.organisation.name,
                    outlines=bool(form.outlines.data),
                )
            except LabelError as exc:
                form.start.errors = [exc.message]
            else:
                return pdf_response(pdf, f"etiquettes-{form.sheet.data}.pdf")
    return render_template(
        "inventory/labels.html",
        form=form,
        sheets=SHEETS,
        filter_args=filter_args(flt),
        ids=request.args.get("ids", ""),
    )


def _label_devices(flt: stock.DeviceFilter, ids: list[int]) -> list[Device]:
    if ids:
        rows = db.session.scalars(
            select(Device).where(Device.id.in_(ids[:MAX_LABELS])).order_by(Device.id)
        ).all()
        return [d for d in rows if can(Permission.INVENTORY_READ, d.organisation_id)]
    batch = own_batch(parse_id(request.args.get("batch_id")))
    if request.args.get("batch_id") and batch is None:
        return []
    return list(stock.iter_filtered(org_id(), flt))


@bp.get(f"{P}/appareils/<int:device_id>/qr.png")
@permission_required(Permission.INVENTORY_READ)
def device_qr(device_id: int) -> Response:
    device = own_device(device_id)
    png = qr_png(device_url(base_url(), device.asset_tag), module_px=6)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=3600"})


# ---------------------------------------------------------------- the label's public page


def _scan_limited() -> int:
    """Seconds to wait (0: go on): the family page's limits (FAMILY_PAGE_PER_MINUTE visits a
    minute, FAMILY_PAGE_FAILURES unknown tags in 15 minutes) in a bucket of its own, keyed
    by a hash of the address (issue 19)."""
    from app.family.rate_limit import rate_check

    config = current_app.config
    decision = rate_check(
        _scan_key(),
        int(config.get("FAMILY_PAGE_PER_MINUTE", 30)),
        int(config.get("FAMILY_PAGE_FAILURES", 10)),
    )
    return 0 if decision.allowed else decision.retry_after


def _scan_key() -> str:
    import hashlib

    return "d:" + hashlib.sha256((request.remote_addr or "").encode()).hexdigest()[:32]


def _scan_hit(ok: bool) -> None:
    from app.family.rate_limit import record_hit

    record_hit(_scan_key(), ok)


@bp.get("/d/<tag>")
def scan(tag: str) -> str | Response | tuple[str, int, dict[str, str]]:
    """What a label's QR code opens. Public on purpose (no permission_required): staff of
    the device's association go to its page; anyone else learns only where to return it.
    Rate-limited per address like the family page."""
    wait = _scan_limited()
    if wait:
        return render_template("family/limited.html"), 429, {"Retry-After": str(wait)}
    device = device_records.find_by_tag(tag)
    if device is None:
        # A former label (issue 16): the staff's own association first, else the one
        # association that has it.
        own = getattr(current_user, "organisation_id", None)
        if own is not None and can(Permission.INVENTORY_READ, own):
            device = device_records.find_by_former_label(tag, own)
        device = device or device_records.find_by_former_label(tag)
    _scan_hit(device is not None)
    if device is None:
        abort(404)
    if can(Permission.INVENTORY_READ, device.organisation_id):
        return redirect(url_for("inventory.device_detail", device_id=device.id))
    from app.accounts.models import Organisation

    org = db.session.get(Organisation, device.organisation_id)
    return render_template("inventory/public_device.html", device=device, org=org)
