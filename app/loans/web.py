"""The ``loans`` blueprint and what its views share: the counter's permission and the
records a view may open (404 when missing, 403 outside one's association).

The views live by journey: counter_routes.py, loan_routes.py, sale_routes.py,
document_routes.py and app/family/routes.py; routes.py gathers them.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, make_response
from flask_login import current_user

from app.authz.guards import ensure_record_access
from app.authz.policy import Permission
from app.extensions import db
from app.households.models import Prescription
from app.loans.models import Loan, Sale

bp = Blueprint("loans", __name__)

H = Permission.HANDOVER


def my_org() -> int:
    return int(current_user.organisation_id)


def own_prescription(prescription_id: int) -> Prescription:
    prescription = db.session.get(Prescription, prescription_id) or abort(404)
    ensure_record_access(H, prescription.association_org_id)
    return prescription


def own_loan(loan_id: int) -> Loan:
    loan = db.session.get(Loan, loan_id) or abort(404)
    ensure_record_access(H, loan.organisation_id)
    return loan


def own_sale(sale_id: int) -> Sale:
    sale = db.session.get(Sale, sale_id) or abort(404)
    ensure_record_access(H, sale.organisation_id)
    return sale


def pdf_response(data: bytes, filename: str) -> Response:
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
