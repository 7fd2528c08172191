"""Who sees a household and its prescriptions (DOMAIN.md section 9), and the lists
they may open: the prescribing organisation that recorded it, and an association only
through a prescription sent to it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import false, func, or_, select, union
from sqlalchemy.orm import selectinload

from app.accounts.models import Organisation
from app.audit.services import record
from app.authz.guards import can
from app.authz.policy import OrgKind, Permission, Role
from app.core.clock import utcnow
from app.core.converters import page_number
from app.core.errors import NotFound
from app.core.i18n import translate as _
from app.extensions import db
from app.households.lifecycle import (
    PrescriptionState,
)
from app.households.models import (
    Household,
    Prescription,
)

# ------------------------------------------------------------------------- access


# What gives an association a household to see (issue 19): a prescription waiting for it
# or validated, a loan still open; then ASSOCIATION_ACCESS_DAYS after what it served
# closed (a fulfilled prescription, a returned or ceded loan, a sale). A refused, expired
# or cancelled prescription gives nothing.
NEEDED = (PrescriptionState.SUBMITTED, PrescriptionState.VALIDATED)


def access_days() -> int:
    return max(0, int(current_app.config.get("ASSOCIATION_ACCESS_DAYS", 90)))


def needed_by(org_id: int) -> Any:
    """A SELECT of the ids of the households association ``org_id`` needs to see now."""
    from app.loans.models import Loan, LoanStatus, Sale

    cutoff = utcnow() - timedelta(days=access_days())
    return union(
        select(Prescription.household_id).where(
            Prescription.association_org_id == org_id,
            or_(
                Prescription.state.in_(NEEDED),
                (Prescription.state == PrescriptionState.FULFILLED)
                & (Prescription.closed_at >= cutoff),
            ),
        ),
        select(Loan.household_id).where(
            Loan.organisation_id == org_id,
            or_(
                Loan.status == LoanStatus.OPEN,
                func.coalesce(Loan.returned_at, Loan.ceded_at) >= cutoff,
            ),
        ),
        select(Sale.household_id).where(Sale.organisation_id == org_id, Sale.sold_at >= cutoff),
    )


def association_sees(household_id: int, org_id: int | None) -> bool:
    """An association sees a household while it needs to (``needed_by``), no longer."""
    if org_id is None:
        return False
    ids = needed_by(org_id).subquery()
    found = db.session.scalar(select(ids.c[0]).where(ids.c[0] == household_id).limit(1))
    return found is not None


def household_record_org(household: Household, user: Any) -> int:
    """The organisation the policy should compare with the user's for this household."""
    if user.organisation_id != household.organisation_id and association_sees(
        household.id, user.organisation_id
    ):
        return int(user.organisation_id)
    return household.organisation_id


def may_read_household(household: Household, user: Any) -> bool:
    return can(Permission.HOUSEHOLD_READ, household_record_org(household, user))


def may_write_household(household: Household) -> bool:
    return can(Permission.HOUSEHOLD_WRITE, household.organisation_id)


def may_read_prescription(prescription: Prescription, user: Any) -> bool:
    if can(Permission.PRESCRIPTION_SUBMIT, prescription.prescriber_org_id):
        return True
    if prescription.state is PrescriptionState.DRAFT and user.role is not Role.ADMIN:
        return False  # a draft is the prescriber's own until sent
    if user.role is Role.ADMIN:
        return True
    # The association: while the prescription waits for it or is validated, then while it
    # needs the household (issue 19); a refused one is no longer its to read.
    return (
        can(Permission.HOUSEHOLD_READ, prescription.association_org_id)
        and user.organisation_id == prescription.association_org_id
        and (
            prescription.state in NEEDED
            or association_sees(prescription.household_id, user.organisation_id)
        )
    )


def get_household(
    household_id: int, user: Any, *, write: bool = False, journal: bool | None = None
) -> Household:
    """The household, or NotFound when it does not exist or is not the user's to see.

    The read is journalled (by default when reading, not when about to write: the change
    is journalled then): every read of household data leaves a trace.
    """
    household = db.session.get(Household, household_id)
    if household is None or household.anonymised_at is not None:
        raise NotFound(_("Foyer introuvable."))
    allowed = may_write_household(household) if write else may_read_household(household, user)
    if not allowed:
        raise NotFound(_("Foyer introuvable."))
    if journal if journal is not None else not write:
        record(
            "household.read",
            "household",
            household.id,
            organisation_id=user.organisation_id,
            actor=user,
        )
        db.session.commit()
    return household


def get_prescription(prescription_id: int, user: Any, *, journal: bool = False) -> Prescription:
    """The prescription, or NotFound; with ``journal``, the read of the household data it
    shows is journalled."""
    prescription = db.session.get(Prescription, prescription_id)
    if prescription is None or not may_read_prescription(prescription, user):
        raise NotFound(_("Prescription introuvable."))
    if journal:
        record(
            "household.read",
            "household",
            prescription.household_id,
            detail={"prescription": prescription.id},
            organisation_id=user.organisation_id,
            actor=user,
        )
        db.session.commit()
    return prescription


def households_for(
    user: Any, query: str = "", page: int = 1, per_page: int = 25
) -> list[Household]:
    """The households the user may see, most recent first; the listing is journalled."""
    stmt = select(Household).where(Household.anonymised_at.is_(None))
    if user.role is not Role.ADMIN:
        via_prescription = (
            needed_by(user.organisation_id)
            if user.organisation_id
            else select(Household.id).where(false())
        )
        stmt = stmt.where(
            or_(
                Household.organisation_id == user.organisation_id,
                Household.id.in_(via_prescription),
            )
        )
    if query.strip():
        like = f"%{query.strip()}%"
        stmt = stmt.where(
            or_(
                Household.reference_name.ilike(like),
                Household.commune.ilike(like),
                Household.postcode.ilike(like),
            )
        )
    page = page_number(page)
    ids = list(
        db.session.scalars(
            stmt.with_only_columns(Household.id)
            .order_by(Household.updated_at.desc(), Household.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page + 1)
        )
    )
    record(
        "household.list",
        "household",
        "",
        detail={"count": min(len(ids), per_page), "query": bool(query.strip())},
        actor=user,
    )
    db.session.commit()
    # Loaded after the commit (which expires what the session holds), with what the list
    # shows: one query per relationship instead of one per household and row.
    found = {
        h.id: h
        for h in db.session.scalars(
            select(Household)
            .where(Household.id.in_(ids))
            .options(selectinload(Household.members), selectinload(Household.attestations))
        )
    }
    return [found[i] for i in ids if i in found]


def prescriptions_for(
    user: Any, states: Iterable[PrescriptionState] | None = None, limit: int = 200
) -> list[Prescription]:
    """A prescriber's organisation's prescriptions, or those sent to an association."""
    stmt = select(Prescription)
    if user.role is not Role.ADMIN:
        stmt = stmt.where(
            or_(
                Prescription.prescriber_org_id == user.organisation_id,
                (Prescription.association_org_id == user.organisation_id)
                & (
                    Prescription.state.in_(NEEDED)
                    | Prescription.household_id.in_(needed_by(user.organisation_id))
                ),
            )
        )
    if states is not None:
        stmt = stmt.where(Prescription.state.in_(list(states)))
    return list(db.session.scalars(stmt.order_by(Prescription.id.desc()).limit(limit)))


def associations() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.ASSOCIATION, Organisation.active.is_(True))
            .order_by(Organisation.name)
        )
    )
