"""Family links that end (issue 19): when the household's page (``/f/<token>``) is alive.

A link is alive while the household has an open loan, and for ``FAMILY_LINK_DAYS`` (90)
after its last loan is returned or ceded, or its last sale made. It ends at once when the
household is anonymised or the association cuts it. An ended link is told apart from an
unknown one: its page says whom to call (the association's name and phone).

Links are made only by an action (the handover, the "Donner le lien" button, printing the
sheet or receipt), never by viewing a page, and never for an anonymised household.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import func, select

from app.accounts.models import Organisation
from app.core.clock import utcnow
from app.extensions import db
from app.households.models import Household
from app.loans.models import FamilyAccessToken, Loan, LoanStatus, Sale


class LinkState(StrEnum):
    LIVE = "live"
    ENDED = "ended"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class LinkCheck:
    state: LinkState
    household: Household | None = None  # only when LIVE
    organisation: Organisation | None = None  # whom to call (LIVE or ENDED)


def link_days() -> int:
    return max(0, int(current_app.config.get("FAMILY_LINK_DAYS", 90)))


def last_closed_at(household_id: int) -> datetime | None:
    """When the household's last closed loan or sale was closed (None: there is none)."""
    loan_end = db.session.scalar(
        select(func.max(func.coalesce(Loan.returned_at, Loan.ceded_at, Loan.created_at))).where(
            Loan.household_id == household_id, Loan.status != LoanStatus.OPEN
        )
    )
    sale_end = db.session.scalar(
        select(func.max(Sale.sold_at)).where(Sale.household_id == household_id)
    )
    ends = [x for x in (loan_end, sale_end) if x is not None]
    return max(ends) if ends else None


def link_ends_at(household_id: int, made_at: datetime) -> datetime | None:
    """When the household's link ends by time (None: not while a loan is open)."""
    if (
        db.session.scalar(
            select(Loan.id)
            .where(Loan.household_id == household_id, Loan.status == LoanStatus.OPEN)
            .limit(1)
        )
        is not None
    ):
        return None
    closed = last_closed_at(household_id) or made_at
    return closed + timedelta(days=link_days())


def link_alive(household: Household, made_at: datetime | None = None) -> bool:
    if household.anonymised_at is not None:
        return False
    ends = link_ends_at(household.id, made_at or utcnow())
    return ends is None or utcnow() < ends


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def check(raw: str) -> LinkCheck:
    """What a visitor of ``/f/<raw>`` gets: the household, an ended link, or nothing."""
    if not raw or len(raw) > 100:
        return LinkCheck(LinkState.UNKNOWN)
    token = db.session.scalar(
        select(FamilyAccessToken).where(FamilyAccessToken.token_hash == _hash(raw))
    )
    if token is None:
        return LinkCheck(LinkState.UNKNOWN)
    org = db.session.get(Organisation, token.organisation_id)
    household = db.session.get(Household, token.household_id)
    now = utcnow()
    if token.revoked_at is not None or household is None:
        return LinkCheck(LinkState.ENDED, organisation=org)
    if not link_alive(household, token.created_at):
        # Ended for good: a later loan gives a new link, never this one back.
        token.revoked_at = now
        db.session.commit()
        return LinkCheck(LinkState.ENDED, organisation=org)
    token.last_seen_at = now
    db.session.commit()
    return LinkCheck(LinkState.LIVE, household=household, organisation=org)
