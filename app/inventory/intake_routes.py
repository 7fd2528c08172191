"""Intake at the counter, donors and donation batches (with their erasure certificates),
on the inventory blueprint of routes.py."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.authz.guards import can, ensure_record_access, permission_required
from app.authz.policy import Permission
from app.core.converters import parse_id
from app.core.errors import DomainError
from app.extensions import db
from app.inventory import device_records, donations
from app.inventory.forms import DONOR_KIND_LABELS, BatchForm, DonorForm, IntakeForm
from app.inventory.models import Device, DonationBatch, Donor, DonorKind, ErasureResult
from app.inventory.pdfs import certificates_pdf
from app.inventory.routes import (
    REMEMBERED,
    P,
    batch_choices,
    bp,
    device_input,
    donor_choices,
    duplicate_reason,
    org_id,
    own_batch,
    pdf_response,
    put_error,
)

# ---------------------------------------------------------------- intake


@bp.route(f"{P}/reception", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def intake() -> str | Response:
    remembered: dict[str, Any] = session.get("intake_last") or {}
    batch_id = session.get("intake_batch_id")
    if request.method == "GET" and request.args.get("nouveau"):
        remembered = {}
    data = None if request.method == "POST" else {**remembered, "batch_id": batch_id}
    form = IntakeForm(data=data)
    form.batch_id.choices = batch_choices(blank=_("Sans lot"), selected=batch_id)
    if form.validate_on_submit():
        batch = own_batch(parse_id(form.batch_id.data))
        try:
            device = device_records.create_device(
                org_id(),
                device_input(form),
                actor=current_user,
                batch=batch,
                duplicate_reason=duplicate_reason(form),
            )
        except DomainError as exc:
            db.session.rollback()
            put_error(form, exc, "serial")
        else:
            session["intake_batch_id"] = str(batch.id) if batch else ""
            session["intake_last"] = {
                name: form[name].data for name in REMEMBERED if form[name].data not in (None, "")
            }
            flash(
                _(
                    "Appareil %(tag)s enregistré (%(what)s).",
                    tag=device.asset_tag,
                    what=device.title,
                ),
                "success",
            )
            return redirect(url_for("inventory.intake"))
    # Keyboard-first: after a save, the cursor waits in the serial number field.
    first = form.serial if remembered and request.method == "GET" else form.device_type
    first.render_kw = {**(first.render_kw or {}), "autofocus": True}
    recent: list[Device] = []
    current_batch = own_batch(parse_id(form.batch_id.data or batch_id))
    if current_batch is not None:
        recent = list(
            db.session.scalars(
                select(Device)
                .where(Device.batch_id == current_batch.id)
                .order_by(Device.id.desc())
                .limit(15)
            )
        )
    return render_template(
        "inventory/intake.html",
        form=form,
        remembered=remembered,
        recent=recent,
        batch=current_batch,
        locations=donations.locations(org_id()),
        can_accept_duplicate=can(Permission.INVENTORY_MANAGE),
    )


# ---------------------------------------------------------------- donors and batches


@bp.get(f"{P}/lots")
@permission_required(Permission.INVENTORY_READ)
def batch_list() -> str:
    rows = donations.batches(org_id())
    counts = donations.batch_counts([b.id for b in rows])
    return render_template("inventory/batches.html", batches=rows, counts=counts)


@bp.route(f"{P}/lots/nouveau", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def batch_new() -> str | Response:
    form = BatchForm()
    form.donor_id.choices = donor_choices(blank=_("— Choisir —"))
    if form.validate_on_submit():
        try:
            donor = _donor_from_form(form)
            batch = donations.create_batch(
                org_id(),
                donor,
                reference=form.reference.data or "",
                received_on=form.received_on.data,
                notes=form.notes.data or "",
                actor=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            put_error(form, exc, "donor_id")
        else:
            session["intake_batch_id"] = str(batch.id)
            flash(_("Lot n° %(id)s créé. Enregistrez ses appareils.", id=batch.id), "success")
            return redirect(url_for("inventory.intake"))
    return render_template("inventory/batch_form.html", form=form)


def _donor_from_form(form: BatchForm) -> Donor | None:
    if (form.new_donor_name.data or "").strip():
        return donations.create_donor(
            org_id(),
            DonorKind(form.new_donor_kind.data),
            form.new_donor_name.data or "",
            commit=False,
        )
    donor_id = parse_id(form.donor_id.data)
    if donor_id is None:
        return None
    donor = db.session.get(Donor, donor_id)
    if donor is None or donor.organisation_id != org_id():
        raise DomainError(_("Choisissez un donateur de la liste."), field="donor_id")
    return donor


@bp.get(f"{P}/lots/<int:batch_id>")
@permission_required(Permission.INVENTORY_READ)
def batch_detail(batch_id: int) -> str:
    batch = db.session.get(DonationBatch, batch_id) or abort(404)
    ensure_record_access(Permission.INVENTORY_READ, batch.organisation_id)
    devices = db.session.scalars(
        select(Device).where(Device.batch_id == batch.id).order_by(Device.id)
    ).all()
    return render_template("inventory/batch.html", batch=batch, devices=devices)


@bp.get(f"{P}/lots/<int:batch_id>/certificats.pdf")
@permission_required(Permission.INVENTORY_READ)
def batch_certificates(batch_id: int) -> Response:
    batch = db.session.get(DonationBatch, batch_id) or abort(404)
    ensure_record_access(Permission.INVENTORY_READ, batch.organisation_id)
    media = donations.batch_media(batch)
    items = [(d, e) for d, e in media if e is not None and e.result is ErasureResult.ERASED]
    pdf = certificates_pdf(items, current_user.organisation, batch.label, media=media)
    return pdf_response(pdf, f"certificats-lot-{batch.id}.pdf")


@bp.get(f"{P}/donateurs")
@permission_required(Permission.INVENTORY_READ)
def donor_list() -> str:
    return render_template(
        "inventory/donors.html", donors=donations.donors(org_id()), kinds=DONOR_KIND_LABELS
    )


@bp.route(f"{P}/donateurs/nouveau", methods=["GET", "POST"])
@permission_required(Permission.INVENTORY_WRITE)
def donor_new() -> str | Response:
    form = DonorForm()
    if form.validate_on_submit():
        try:
            donations.create_donor(
                org_id(),
                DonorKind(form.kind.data),
                form.name.data or "",
                contact_name=form.contact_name.data or "",
                email=form.email.data or "",
                phone=form.phone.data or "",
                address=form.address.data or "",
                siret=form.siret.data or "",
            )
        except DomainError as exc:
            db.session.rollback()
            put_error(form, exc, "name")
        else:
            flash(_("Donateur enregistré."), "success")
            return redirect(url_for("inventory.donor_list"))
    return render_template("inventory/donor_form.html", form=form)
