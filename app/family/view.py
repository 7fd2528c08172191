"""What the family page shows: this household's own loans and sales, nothing else."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select

from app.accounts.models import Organisation
from app.extensions import db
from app.households.models import Household
from app.loans import neighbours
from app.loans.models import Loan, LoanStatus, Sale


@dataclass(frozen=True)
class FamilyView:
    household: Household
    loans: list[Loan]
    sales: list[Sale]
    organisations: dict[int, Organisation]
    training: list[neighbours.BookedSession]
    tariffs: list[neighbours.TariffTip]


def family_view(household: Household) -> FamilyView:
    """What the family page shows: this household's own loans and sales, nothing else."""
    loans = db.session.scalars(
        select(Loan)
        .where(Loan.household_id == household.id)
        .where(
            and_(
                Loan.status.in_([LoanStatus.OPEN, LoanStatus.CEDED]),
            )
        )
        .order_by(Loan.id.desc())
    ).all()
    sales = db.session.scalars(
        select(Sale).where(Sale.household_id == household.id).order_by(Sale.id.desc())
    ).all()
    org_ids = {x.organisation_id for x in [*loans, *sales]}
    orgs = {
        o.id: o
        for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(org_ids))).all()
    }
    return FamilyView(
        household,
        list(loans),
        list(sales),
        orgs,
        neighbours.training_bookings(household),
        neighbours.tariff_tips(household),
    )
