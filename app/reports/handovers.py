"""One definition of a handover, shared by every figure that counts one (issue 18).

A handover is a loan, a sale or a gift (a sale at 0 EUR) whose handover date is in the
period: ``Loan.start_on`` for a loan, ``Sale.sold_at`` for a sale or a gift, in the scope
of the organisation that handed the device over. A cession (a loan turned into a gift)
is not a second handover, and a return is not one either.

The monthly flows ("Remis aux foyers"), the tables by programme, household status,
commune and QPV, and the e-waste and CO2e avoided all read this one subquery, so the same
figure is the same number on the dashboard, in the CSV and XLSX exports and in the
funder's PDF. (Before, the flows and the impact counted device events, stamped when the
desk clicked, while the tables counted loans by their start date: a loan back-dated or
signed on paper the day before fell in two different months, or periods.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, literal, select, union_all

from app.extensions import db

LOAN, SALE, GIFT = "loan", "sale", "gift"


def handovers(f: Any) -> Any:
    """Subquery: one row per handover in ``f``'s period and scope, with its kind ('loan',
    'sale', 'gift'), device_id, household_id, programme, month ('YYYY-MM') and day."""
    from app.loans.models import Loan, Sale
    from app.reports.scope import month_of

    loans = select(
        literal(LOAN).label("kind"),
        Loan.device_id.label("device_id"),
        Loan.household_id.label("household_id"),
        func.coalesce(func.nullif(Loan.programme_name, ""), Loan.programme_code).label("programme"),
        month_of(Loan.start_on).label("month"),
        Loan.organisation_id.label("organisation_id"),
    ).where(
        f.scope.where(Loan.organisation_id),
        Loan.start_on >= f.period.start,
        Loan.start_on <= f.period.end,
    )
    sales = select(
        case((Sale.price_cents > 0, literal(SALE)), else_=literal(GIFT)),
        Sale.device_id,
        Sale.household_id,
        func.coalesce(func.nullif(Sale.programme_name, ""), Sale.programme_code),
        month_of(Sale.sold_at),
        Sale.organisation_id,
    ).where(
        f.scope.where(Sale.organisation_id),
        Sale.sold_at >= f.period.start_at,
        Sale.sold_at < f.period.end_before,
    )
    return union_all(loans, sales).subquery("handover")


def by_month(f: Any) -> dict[str, int]:
    """Handovers per month of the period."""
    h = handovers(f)
    return {
        str(m): int(n)
        for m, n in db.session.execute(select(h.c.month, func.count()).group_by(h.c.month))
    }


def by_device_type(f: Any) -> dict[str, int]:
    """Handovers per type of the device handed over."""
    from app.inventory.models import Device

    h = handovers(f)
    return {
        str(getattr(t, "value", t)): int(n)
        for t, n in db.session.execute(
            select(Device.device_type, func.count())
            .select_from(h)
            .join(Device, Device.id == h.c.device_id)
            .group_by(Device.device_type)
        ).all()
    }


def total(f: Any) -> int:
    h = handovers(f)
    return int(db.session.scalar(select(func.count()).select_from(h)) or 0)
