"""The counter (handover, reservations, returns), loans, sales, and the family's own page."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app.audit.services import record
from app.auth.forms import EmptyForm
from app.authz.guards import ensure_record_access, permission_required
from app.authz.policy import Permission
from app.core.clock import today
from app.core.converters import year_number
from app.core.errors import DomainError, NotFound
from app.extensions import db
from app.households.models import Household, Prescription
from app.inventory.lifecycle import STATE_LABELS, State
from app.loans import family_links, printing, services
from app.loans import terms as rules
from app.loans.forms import (
    RETURN_CHECK_LABELS,
    HandoverForm,
    ReserveForm,
    ReturnForm,
    ScanForm,
)
from app.loans.models import Loan, LoanStatus, Sale, SignatureKind
from app.loans.terms import Mode, PaymentMethod, TermsError

bp = Blueprint("loans", __name__)

H = Permission.HANDOVER


def _my_org() -> int:
    return int(current_user.organisation_id)


def _prescription(prescription_id: int) -> Prescription:
    prescription = db.session.get(Prescription, prescription_id) or abort(404)
    ensure_record_access(H, prescription.association_org_id)
    return prescription


def _loan(loan_id: int) -> Loan:
    loan = db.session.get(Loan, loan_id) or abort(404)
    ensure_record_access(H, loan.organisation_id)
    return loan


def _sale(sale_id: int) -> Sale:
    sale = db.session.get(Sale, sale_id) or abort(404)
    ensure_record_access(H, sale.organisation_id)
    return sale


def _pdf(data: bytes, filename: str) -> Response:
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# ---------------------------------------------------------------- the counter


@bp.get("/comptoir")
@permission_required(H)
def counter() -> str:
    org_id = _my_org()
    services.expire_reservations(organisation_id=org_id)
    queue = services.awaiting_handover(org_id)
    terms = {}
    for p in queue:
        try:
            terms[p.id] = services.terms_for(p)
        except DomainError:
            terms[p.id] = None
    return render_template(
        "loans/counter.html",
        queue=queue,
        terms=terms,
        reservations={r.prescription_id: r for r in services.reservations(org_id)},
        return_form=ScanForm(prefix="retour"),
        overdue=services.overdue_count(org_id),
        format_eur=rules.format_eur,
        wanted_label=services.wanted_label,
        programme_of=services.prescription_programme,
    )


@bp.post("/comptoir/retour")
@permission_required(H)
def return_scan() -> BaseResponse | str:
    form = ScanForm(prefix="retour")
    if form.validate_on_submit():
        try:
            loan = services.open_loan_for_scan(form.scanned.data or "", _my_org())
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
    p = _prescription(prescription_id)
    form = ScanForm()
    reserve_form = ReserveForm(prefix="reserve")
    reservation = services.active_reservation(p.id)
    if form.validate_on_submit():
        try:
            device = services.device_for_counter(form.scanned.data or "", p.association_org_id)
            services.check_device_fits(device, p)
            if device.state not in (State.READY, State.RESERVED):
                raise services.unavailable(device)
        except DomainError as exc:
            form.scanned.errors = [exc.message]
        else:
            return redirect(
                url_for("loans.handover", prescription_id=p.id, appareil=device.asset_tag)
            )
    try:
        terms = services.terms_for(p)
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
        programme=services.prescription_programme(p),
        wanted=services.wanted_label(p.device_type),
        format_eur=rules.format_eur,
        cancel_form=EmptyForm(),
    )


@bp.post("/comptoir/prescriptions/<int:prescription_id>/reserver")
@permission_required(H)
def reserve(prescription_id: int) -> BaseResponse:
    p = _prescription(prescription_id)
    form = ReserveForm(prefix="reserve")
    if form.validate_on_submit():
        try:
            r = services.reserve(
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
    p = _prescription(prescription_id)
    form = HandoverForm()
    tag = request.args.get("appareil", "") or (form.scanned.data or "")
    if request.method == "GET":
        form.scanned.data = tag
        form.signer_name.data = p.household.reference_name
        form.accessories.data = [rules.Accessory.CHARGER.value]
    try:
        device = services.device_for_counter(tag, p.association_org_id)
        if request.method == "GET" and device.state not in (State.READY, State.RESERVED):
            raise services.unavailable(device)
        terms = services.terms_for(p, device)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("loans.prescription", prescription_id=p.id))
    if form.validate_on_submit():
        try:
            signature_png = None
            kind = SignatureKind(form.signature_kind.data) if form.signature_kind.data else None
            if kind is SignatureKind.SCREEN:
                signature_png = services.decode_signature(form.signature_data.data or "")
            data = services.HandoverInput(
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
            done = services.handover(current_user, p.association_org_id, data)
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
        device_kind=services.device_kind(device),
        state_label=_(STATE_LABELS[device.state]) if device.state in STATE_LABELS else "",
        terms=terms,
        Mode=Mode,
        due=rules.due_date(today(), terms) if terms.mode is Mode.LOAN else None,
        format_eur=rules.format_eur,
    )


@bp.get("/comptoir/reservations")
@permission_required(H)
def reservations() -> str:
    services.expire_reservations(organisation_id=_my_org())
    return render_template(
        "loans/reservations.html",
        rows=services.reservations(_my_org()),
        cancel_form=EmptyForm(),
    )


@bp.post("/comptoir/reservations/<int:reservation_id>/annuler")
@permission_required(H)
def reservation_cancel(reservation_id: int) -> BaseResponse:
    try:
        r = services.get_reservation(reservation_id)
    except NotFound:
        abort(404)
    ensure_record_access(H, r.organisation_id)
    if EmptyForm().validate_on_submit():
        try:
            services.cancel_reservation(current_user, r)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Réservation annulée : l'appareil est de nouveau disponible."), "success")
    return redirect(url_for("loans.reservations"))


# ---------------------------------------------------------------- loans


@bp.get("/prets")
@permission_required(H)
def loans() -> str:
    status = request.args.get("statut", "open")
    if status not in {"open", "overdue", "returned", "ceded", "all"}:
        status = "open"
    rows = services.list_loans(_my_org(), services.LoanFilter(status=status))
    return render_template(
        "loans/loans.html",
        rows=rows,
        status=status,
        today=today(),
        days_overdue=rules.days_overdue,
    )


@bp.get("/prets/<int:loan_id>")
@permission_required(H)
def loan_detail(loan_id: int) -> str:
    loan = _loan(loan_id)
    record("loan.view", "loan", loan.id, organisation_id=loan.organisation_id)
    db.session.commit()
    return render_template(
        "loans/loan_detail.html",
        loan=loan,
        today=today(),
        format_eur=rules.format_eur,
        accessories=printing.accessory_labels(loan.accessories),
        device_kind=services.device_kind(loan.device),
        cession=services.cession_of(loan),
        check_labels=RETURN_CHECK_LABELS,
        post_form=EmptyForm(),
        LoanStatus=LoanStatus,
        overdue=rules.days_overdue(loan.due_on, today()),
        family_link=_family_link(loan.household),
    )


@bp.get("/prets/<int:loan_id>/convention.pdf")
@permission_required(H)
def loan_sheet(loan_id: int) -> Response:
    loan = _loan(loan_id)
    pdf = printing.loan_sheet(loan, current_user)
    record("loan.print", "loan", loan.id, organisation_id=loan.organisation_id)
    db.session.commit()
    return _pdf(pdf, f"convention-{loan.number}.pdf")


@bp.post("/prets/<int:loan_id>/prolonger")
@permission_required(H)
def loan_extend(loan_id: int) -> BaseResponse:
    loan = _loan(loan_id)
    if EmptyForm().validate_on_submit():
        try:
            new_due = services.extend_loan(current_user, loan)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(
                _("Prêt prolongé : à rendre le %(d)s.", d=new_due.strftime("%d/%m/%Y")), "success"
            )
    return redirect(url_for("loans.loan_detail", loan_id=loan.id))


@bp.route("/prets/<int:loan_id>/retour", methods=["GET", "POST"])
@permission_required(H)
def loan_return(loan_id: int) -> BaseResponse | str:
    loan = _loan(loan_id)
    if loan.status is not LoanStatus.OPEN:
        flash(_("Ce prêt est déjà terminé."), "warning")
        return redirect(url_for("loans.loan_detail", loan_id=loan.id))
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            retained = rules.euros_to_cents(form.retained.data or "0")
        except TermsError as exc:
            form.retained.errors = [exc.message]
        else:
            try:
                services.return_loan(
                    current_user,
                    loan,
                    services.ReturnInput(
                        checklist={key: True for key in form.checklist.data or []},
                        damage_notes=form.damage_notes.data or "",
                        retained_cents=retained,
                    ),
                )
            except DomainError as exc:
                db.session.rollback()
                field = {"retained": form.retained, "damage_notes": form.damage_notes}.get(
                    exc.field or ""
                )
                if field is not None:
                    field.errors = [exc.message]
                else:
                    flash(exc.message, "error")
                    return redirect(url_for("loans.loan_detail", loan_id=loan.id))
            else:
                db.session.refresh(loan)
                flash(
                    _(
                        "Retour enregistré. Caution à rendre : %(eur)s. L'appareil repart au tri.",
                        eur=rules.format_eur(loan.deposit_refunded_cents or 0),
                    ),
                    "success",
                )
                return redirect(url_for("loans.loan_detail", loan_id=loan.id))
    return render_template(
        "loans/return.html",
        loan=loan,
        form=form,
        device_kind=services.device_kind(loan.device),
        format_eur=rules.format_eur,
        accessories=printing.accessory_labels(loan.accessories),
    )


@bp.post("/prets/<int:loan_id>/ceder")
@permission_required(H)
def loan_cede(loan_id: int) -> BaseResponse:
    loan = _loan(loan_id)
    if EmptyForm().validate_on_submit():
        try:
            services.cede_loan(current_user, loan)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(
                _("L'appareil appartient maintenant au foyer. Imprimez l'attestation."), "success"
            )
    return redirect(url_for("loans.loan_detail", loan_id=loan.id))


@bp.get("/prets/<int:loan_id>/cession.pdf")
@permission_required(H)
def cession_pdf(loan_id: int) -> Response:
    loan = _loan(loan_id)
    cession = services.cession_of(loan) or abort(404)
    pdf = printing.cession_certificate(cession, current_user)
    record("cession.print", "loan", loan.id, organisation_id=loan.organisation_id)
    db.session.commit()
    return _pdf(pdf, f"cession-{cession.number}.pdf")


def _family_link(household: Household) -> str | None:
    """The household's link as it is: viewing a page never makes one (issue 19)."""
    raw = services.family_token(household)
    return services.family_url(raw) if raw else None


@bp.post("/foyers/<int:household_id>/lien-famille")
@permission_required(H)
def family_give(household_id: int) -> BaseResponse:
    """The "Donner le lien" button: with the handover and printing, what makes a link."""
    household = db.session.get(Household, household_id) or abort(404)
    org_id = services.association_of_household(household, _my_org())
    if org_id is None:
        abort(404)
    ensure_record_access(H, org_id)
    if EmptyForm().validate_on_submit():
        try:
            services.ensure_family_token(household, org_id, current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash(_("Le lien de la page du foyer est prêt."), "success")
    return redirect(request.referrer or url_for("loans.counter"))


@bp.post("/foyers/<int:household_id>/lien-famille/revoquer")
@permission_required(H)
def family_revoke(household_id: int) -> BaseResponse:
    household = db.session.get(Household, household_id) or abort(404)
    # The association may act on a household it lent or sold a device to.
    org_id = services.association_of_household(household, _my_org())
    if org_id is None:
        abort(404)
    ensure_record_access(H, org_id)
    if EmptyForm().validate_on_submit():
        services.revoke_family_tokens(household, org_id, current_user)
        flash(
            _(
                "L'ancien lien de la page du foyer ne marche plus. Réimprimez la convention "
                "ou le reçu pour donner le nouveau."
            ),
            "success",
        )
    return redirect(request.referrer or url_for("loans.counter"))


# ---------------------------------------------------------------- sales


@bp.get("/ventes")
@permission_required(H)
def sales() -> str:
    year = year_number(request.args.get("annee"))
    return render_template(
        "loans/sales.html",
        rows=services.list_sales(_my_org(), year),
        year=year,
        format_eur=rules.format_eur,
        payment_label=printing.payment_label,
    )


@bp.get("/ventes/<int:sale_id>")
@permission_required(H)
def sale_detail(sale_id: int) -> str:
    sale = _sale(sale_id)
    record("sale.view", "sale", sale.id, organisation_id=sale.organisation_id)
    db.session.commit()
    return render_template(
        "loans/sale_detail.html",
        sale=sale,
        format_eur=rules.format_eur,
        payment_label=printing.payment_label,
        accessories=printing.accessory_labels(sale.accessories),
        device_kind=services.device_kind(sale.device),
        post_form=EmptyForm(),
        family_link=_family_link(sale.household),
    )


@bp.get("/ventes/<int:sale_id>/recu.pdf")
@permission_required(H)
def sale_receipt(sale_id: int) -> Response:
    sale = _sale(sale_id)
    pdf = printing.receipt(sale, current_user)
    record("sale.print", "sale", sale.id, organisation_id=sale.organisation_id)
    db.session.commit()
    return _pdf(pdf, f"recu-{sale.receipt_number}.pdf")


# ---------------------------------------------------------------- the family's page (public)


@bp.get("/f/<token>")
def family_page(token: str) -> BaseResponse | tuple[str, int, dict[str, str]] | str:
    ip = request.remote_addr or ""
    decision = services.family_rate_check(ip)
    if not decision.allowed:
        return (
            render_template("family/limited.html"),
            429,
            {"Retry-After": str(decision.retry_after)},
        )
    link = family_links.check(token)
    services.record_family_hit(ip, ok=link.state is family_links.LinkState.LIVE)
    if link.state is family_links.LinkState.ENDED:
        # Ended (time, erasure, cut): say whom to call, 410 Gone.
        return (
            render_template("family/ended.html", org=link.organisation),
            410,
            {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"},
        )
    household = link.household
    if household is None:
        return render_template("family/unknown.html"), 404, {"X-Robots-Tag": "noindex"}
    view = services.family_view(household)
    response = make_response(
        render_template(
            "family/page.html",
            view=view,
            today=today(),
            format_eur=rules.format_eur,
            device_kind=services.device_kind,
            commitments=printing.commitment_lines,  # the same words as on the receipt
            LoanStatus=LoanStatus,
        )
    )
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


family_page.public = True  # type: ignore[attr-defined]
