"""The counter: the queue of validated prescriptions, the scan, reservations and the
handover (URLs under /comptoir)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app.audit.services import record
from app.auth.forms import EmptyForm
from app.authz.guards import ensure_record_access, permission_required
from app.core.clock import today
from app.core.errors import DomainError, NotFound
from app.extensions import db
from app.inventory.lifecycle import STATE_LABELS, State
from app.loans import handover as handover_service
from app.loans import reservations as reservation_service
from app.loans import terms as rules
from app.loans.counter import (
    active_reservation,
    awaiting_handover,
    check_device_fits,
    device_for_counter,
    device_kind,
    prescription_programme,
    terms_for,
    wanted_label,
)
from app.loans.forms import HandoverForm, ReserveForm, ScanForm
from app.loans.handover import HandoverInput
from app.loans.models import Loan, SignatureKind
from app.loans.queries import overdue_count
from app.loans.reservations import cancel_reservation, expire_reservations, get_reservation
from app.loans.returns import open_loan_for_scan
from app.loans.signatures import decode_signature
from app.loans.terms import Mode, PaymentMethod
from app.loans.unavailable import unavailable
from app.loans.web import H, bp, my_org, own_prescription


@bp.get("/comptoir")
@permission_required(H)
def counter() -> str:
    org_id = my_org()
    expire_reservations(organisation_id=org_id)
    queue = awaiting_handover(org_id)
    terms = {}
    for p in queue:
        try:
            terms[p.id] = terms_for(p)
        except DomainError:
            terms[p.id] = None
    return render_template(
        "loans/counter.html",
        queue=queue,
        terms=terms,
        reservations={r.prescription_id: r for r in reservation_service.reservations(org_id)},
        return_form=ScanForm(prefix="retour"),
        overdue=overdue_count(org_id),
        format_eur=rules.format_eur,
        wanted_label=wanted_label,
        programme_of=prescription_programme,
    )


@bp.post("/comptoir/retour")
@permission_required(H)
def return_scan() -> BaseResponse | str:
    form = ScanForm(prefix="retour")
    if form.validate_on_submit():
        try:
            loan = open_loan_for_scan(form.scanned.data or "", my_org())
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            return redirect(url_for("loans.loan_return", loan_id=loan.id))
    else:
        flash(_("Scannez l'étiquette ou tapez le numéro de l'appareil."), "error")
    return redirect(url_for("loans.counter"))


@bp.route("/comptoir/prescriptions/<int:prescription_id>", methods=["GET", "POST"])
@permission_required(H)
def prescription(prescription_id: int) -> BaseResponse | str:
    p = own_prescription(prescription_id)
    form = ScanForm()
    reserve_form = ReserveForm(prefix="reserve")
    reservation = active_reservation(p.id)
    if form.validate_on_submit():
        try:
            device = device_for_counter(form.scanned.data or "", p.association_org_id)
            check_device_fits(device, p)
            if device.state not in (State.READY, State.RESERVED):
                raise unavailable(device)
        except DomainError as exc:
            form.scanned.errors = [exc.message]
        else:
            return redirect(
                url_for("loans.handover", prescription_id=p.id, appareil=device.asset_tag)
            )
    try:
        terms = terms_for(p)
        terms_error = None
    except DomainError as exc:
        terms, terms_error = None, exc.message
    if reservation is not None and request.method == "GET" and not form.scanned.data:
        form.scanned.data = reservation.device.asset_tag
    record(
        "prescription.view_counter",
        "prescription",
        p.id,
        organisation_id=p.association_org_id,
    )
    db.session.commit()
    return render_template(
        "loans/prescription.html",
        p=p,
        form=form,
        reserve_form=reserve_form,
        reservation=reservation,
        terms=terms,
        terms_error=terms_error,
        programme=prescription_programme(p),
        wanted=wanted_label(p.device_type),
        format_eur=rules.format_eur,
        cancel_form=EmptyForm(),
    )


@bp.post("/comptoir/prescriptions/<int:prescription_id>/reserver")
@permission_required(H)
def reserve(prescription_id: int) -> BaseResponse:
    p = own_prescription(prescription_id)
    form = ReserveForm(prefix="reserve")
    if form.validate_on_submit():
        try:
            r = reservation_service.reserve(
                current_user,
                p.association_org_id,
                p.id,
                form.scanned.data or "",
                form.days.data or rules.DEFAULT_RESERVATION_DAYS,
            )
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(
                _(
                    "Appareil %(tag)s réservé jusqu'au %(d)s.",
                    tag=r.device.asset_tag,
                    d=r.expires_at.strftime("%d/%m/%Y"),
                ),
                "success",
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("loans.prescription", prescription_id=p.id))


@bp.route("/comptoir/prescriptions/<int:prescription_id>/remise", methods=["GET", "POST"])
@permission_required(H)
def handover(prescription_id: int) -> BaseResponse | str:
    p = own_prescription(prescription_id)
    form = HandoverForm()
    tag = request.args.get("appareil", "") or (form.scanned.data or "")
    if request.method == "GET":
        form.scanned.data = tag
        form.signer_name.data = p.household.reference_name
        form.accessories.data = [rules.Accessory.CHARGER.value]
    try:
        device = device_for_counter(tag, p.association_org_id)
        if request.method == "GET" and device.state not in (State.READY, State.RESERVED):
            raise unavailable(device)
        terms = terms_for(p, device)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("loans.prescription", prescription_id=p.id))
    if form.validate_on_submit():
        try:
            signature_png = None
            kind = SignatureKind(form.signature_kind.data) if form.signature_kind.data else None
            if kind is SignatureKind.SCREEN:
                signature_png = decode_signature(form.signature_data.data or "")
            data = HandoverInput(
                prescription_id=p.id,
                scanned=form.scanned.data or "",
                accessories=list(form.accessories.data or []),
                condition_note=form.condition_note.data or "",
                signature_kind=kind,
                signature_png=signature_png,
                signer_name=form.signer_name.data or "",
                payment_method=PaymentMethod(form.payment_method.data)
                if form.payment_method.data
                else None,
            )
            done = handover_service.handover(current_user, p.association_org_id, data)
        except DomainError as exc:
            db.session.rollback()
            target = getattr(form, exc.field or "", None)
            if exc.field == "signature":
                target = form.signature_kind
            if target is not None and exc.field != "scanned":
                target.errors = [exc.message]
            else:
                flash(exc.message, "error")
                return redirect(url_for("loans.prescription", prescription_id=p.id))
        else:
            if isinstance(done, Loan):
                flash(
                    _(
                        "Prêt enregistré : %(tag)s, à rendre le %(d)s. Imprimez la convention.",
                        tag=device.asset_tag,
                        d=done.due_on.strftime("%d/%m/%Y"),
                    ),
                    "success",
                )
                return redirect(url_for("loans.loan_detail", loan_id=done.id))
            message = (
                _(
                    "Remise gratuite enregistrée : n° %(n)s. Imprimez le reçu.",
                    n=done.receipt_number,
                )
                if done.is_gift
                else _(
                    "Vente enregistrée : reçu n° %(n)s. Imprimez le reçu.", n=done.receipt_number
                )
            )
            flash(message, "success")
            return redirect(url_for("loans.sale_detail", sale_id=done.id))
    return render_template(
        "loans/handover.html",
        p=p,
        form=form,
        device=device,
        device_kind=device_kind(device),
        state_label=_(STATE_LABELS[device.state]) if device.state in STATE_LABELS else "",
        terms=terms,
        Mode=Mode,
        due=rules.due_date(today(), terms) if terms.mode is Mode.LOAN else None,
        format_eur=rules.format_eur,
    )


@bp.get("/comptoir/reservations")
@permission_required(H)
def reservations() -> str:
    expire_reservations(organisation_id=my_org())
    return render_template(
        "loans/reservations.html",
        rows=reservation_service.reservations(my_org()),
        cancel_form=EmptyForm(),
    )


@bp.post("/comptoir/reservations/<int:reservation_id>/annuler")
@permission_required(H)
def reservation_cancel(reservation_id: int) -> BaseResponse:
    try:
        r = get_reservation(reservation_id)
    except NotFound:
        abort(404)
    ensure_record_access(H, r.organisation_id)
    if EmptyForm().validate_on_submit():
        try:
            cancel_reservation(current_user, r)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Réservation annulée : l'appareil est de nouveau disponible."), "success")
    return redirect(url_for("loans.reservations"))
