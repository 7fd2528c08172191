"""The lists and look-ups of loans and sales (the pages and the API read them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from app.core.clock import today
from app.core.errors import NotFound
from app.core.i18n import translate as _
from app.extensions import db
from app.loans.models import Loan, LoanStatus, Sale


@dataclass(frozen=True)
class LoanFilter:
    status: str = "open"  # open | overdue | returned | ceded | all


def list_loans(organisation_id: int, flt: LoanFilter, limit: int = 500) -> Sequence[Loan]:
    query = select(Loan).where(Loan.organisation_id == organisation_id)
    if flt.status == "open":
        query = query.where(Loan.status == LoanStatus.OPEN).order_by(Loan.due_on, Loan.id)
    elif flt.status == "overdue":
        query = query.where(Loan.status == LoanStatus.OPEN, Loan.due_on < today()).order_by(
            Loan.due_on, Loan.id
        )
    elif flt.status in {s.value for s in LoanStatus}:
        query = query.where(Loan.status == LoanStatus(flt.status)).order_by(Loan.id.desc())
    else:
        query = query.order_by(Loan.id.desc())
    return db.session.scalars(query.limit(limit)).all()


def overdue_count(organisation_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Loan)
            .where(
                Loan.organisation_id == organisation_id,
                Loan.status == LoanStatus.OPEN,
                Loan.due_on < today(),
            )
        )
        or 0
    )


def list_sales(organisation_id: int, year: int | None = None, limit: int = 500) -> Sequence[Sale]:
    query = select(Sale).where(Sale.organisation_id == organisation_id)
    if year:
        query = query.where(Sale.receipt_year == year)
    return db.session.scalars(
        query.order_by(Sale.receipt_year.desc(), Sale.receipt_seq.desc()).limit(limit)
    ).all()


def get_loan(loan_id: int) -> Loan:
    loan = db.session.get(Loan, loan_id)
    if loan is None:
        raise NotFound(_("Prêt introuvable."))
    return loan


def get_sale(sale_id: int) -> Sale:
    sale = db.session.get(Sale, sale_id)
    if sale is None:
        raise NotFound(_("Vente introuvable."))
    return sale
