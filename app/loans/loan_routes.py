"""Loans and their returns: the list, a loan's page, extending, taking the device back and
ceding it to the household (URLs under /prets)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app.audit.services import record
from app.auth.forms import EmptyForm
from app.authz.guards import permission_required
from app.core.clock import today
from app.core.errors import DomainError
from app.extensions import db
from app.family.links import family_link
from app.loans import printing
from app.loans import terms as rules
from app.loans.counter import device_kind
from app.loans.forms import RETURN_CHECK_LABELS, ReturnForm
from app.loans.models import LoanStatus
from app.loans.queries import LoanFilter, list_loans
from app.loans.returns import ReturnInput, cede_loan, cession_of, extend_loan, return_loan
from app.loans.terms import TermsError
from app.loans.web import H, bp, my_org, own_loan


@bp.get("/prets")
@permission_required(H)
def loans() -> str:
    status = request.args.get("statut", "open")
    if status not in {"open", "overdue", "returned", "ceded", "all"}:
        status = "open"
    rows = list_loans(my_org(), LoanFilter(status=status))
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
    loan = own_loan(loan_id)
    record("loan.view", "loan", loan.id, organisation_id=loan.organisation_id)
    db.session.commit()
    return render_template(
        "loans/loan_detail.html",
        loan=loan,
        today=today(),
        format_eur=rules.format_eur,
        accessories=printing.accessory_labels(loan.accessories),
        device_kind=device_kind(loan.device),
        cession=cession_of(loan),
        check_labels=RETURN_CHECK_LABELS,
        post_form=EmptyForm(),
        LoanStatus=LoanStatus,
        overdue=rules.days_overdue(loan.due_on, today()),
        family_link=family_link(loan.household),
    )


@bp.post("/prets/<int:loan_id>/prolonger")
@permission_required(H)
def loan_extend(loan_id: int) -> BaseResponse:
    loan = own_loan(loan_id)
    if EmptyForm().validate_on_submit():
        try:
            new_due = extend_loan(current_user, loan)
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
    loan = own_loan(loan_id)
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
                return_loan(
                    current_user,
                    loan,
                    ReturnInput(
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
        device_kind=device_kind(loan.device),
        format_eur=rules.format_eur,
        accessories=printing.accessory_labels(loan.accessories),
    )


@bp.post("/prets/<int:loan_id>/ceder")
@permission_required(H)
def loan_cede(loan_id: int) -> BaseResponse:
    loan = own_loan(loan_id)
    if EmptyForm().validate_on_submit():
        try:
            cede_loan(current_user, loan)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(
                _("L'appareil appartient maintenant au foyer. Imprimez l'attestation."), "success"
            )
    return redirect(url_for("loans.loan_detail", loan_id=loan.id))
