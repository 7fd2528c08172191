"""The printed documents: the loan sheet, the cession certificate and the sale receipt
(PDF, each print journalled)."""

from __future__ import annotations

from flask import Response, abort
from flask_login import current_user

from app.audit.services import record
from app.authz.guards import permission_required
from app.extensions import db
from app.loans import printing
from app.loans.returns import cession_of
from app.loans.web import H, bp, own_loan, own_sale, pdf_response


@bp.get("/prets/<int:loan_id>/convention.pdf")
@permission_required(H)
def loan_sheet(loan_id: int) -> Response:
    loan = own_loan(loan_id)
    pdf = printing.loan_sheet(loan, current_user)
    record("loan.print", "loan", loan.id, organisation_id=loan.organisation_id)
    db.session.commit()
    return pdf_response(pdf, f"convention-{loan.number}.pdf")


@bp.get("/prets/<int:loan_id>/cession.pdf")
@permission_required(H)
def cession_pdf(loan_id: int) -> Response:
    loan = own_loan(loan_id)
    cession = cession_of(loan) or abort(404)
    pdf = printing.cession_certificate(cession, current_user)
    record("cession.print", "loan", loan.id, organisation_id=loan.organisation_id)
    db.session.commit()
    return pdf_response(pdf, f"cession-{cession.number}.pdf")


@bp.get("/ventes/<int:sale_id>/recu.pdf")
@permission_required(H)
def sale_receipt(sale_id: int) -> Response:
    sale = own_sale(sale_id)
    pdf = printing.receipt(sale, current_user)
    record("sale.print", "sale", sale.id, organisation_id=sale.organisation_id)
    db.session.commit()
    return pdf_response(pdf, f"recu-{sale.receipt_number}.pdf")
