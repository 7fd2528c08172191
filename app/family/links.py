"""The family's link: its token (made, reprinted, revoked) and when it is alive (issue 19).

The household's page is ``/f/<token>``; the token is an HMAC of a random salt, so only
its hash is stored and the same link can be reprinted.

A link is alive while the household has an open loan, and for ``FAMILY_LINK_DAYS`` (90)
after its last loan is returned or ceded, or its last sale made. It ends at once when the
household is anonymised or the association cuts it. An ended link is told apart from an
unknown one: its page says whom to call (the association's name and phone).

Links are made only by an action (the handover, the "Donner le lien" button, printing the
sheet or receipt), never by viewing a page, and never for an anonymised household.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from flask import current_app, has_request_context, url_for
from sqlalchemy import func, select, update

from app.accounts.models import Organisation
from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import Conflict
from app.core.i18n import translate as _
from app.extensions import db
from app.households.models import Household
from app.loans.models import FamilyAccessToken, Loan, LoanStatus, Sale


def _derive_token(salt: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, b"family-page:" + salt.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _current_token(household: Household) -> FamilyAccessToken | None:
    """The household's newest link that nobody revoked."""
    return db.session.scalar(
        select(FamilyAccessToken)
        .where(
            FamilyAccessToken.household_id == household.id,
            FamilyAccessToken.revoked_at.is_(None),
        )
        .order_by(FamilyAccessToken.id.desc())
    )


def ensure_family_token(
    household: Household, organisation_id: int, actor: Any, *, commit: bool = True
) -> str:
    """The household's page token (created once, reprinted as is). Returns the raw token.

    If the secret key changed since it was made, the old token cannot be rebuilt: it is
    revoked and a new one made (older printed QR codes then stop working). Called by
    actions only (handover, "Donner le lien", printing), never by viewing a page; an
    anonymised household gets none (issue 19).
    """
    if household.anonymised_at is not None:
        raise Conflict(_("Ce foyer a été anonymisé : il n'a plus de page."))
    token = _current_token(household)
    if token is not None:
        raw = _derive_token(token.salt)
        if hmac.compare_digest(_hash_token(raw), token.token_hash):
            return raw
        token.revoked_at = utcnow()
    salt = secrets.token_hex(16)
    raw = _derive_token(salt)
    token = FamilyAccessToken(
        household_id=household.id,
        organisation_id=organisation_id,
        salt=salt,
        token_hash=_hash_token(raw),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(token)
    db.session.flush()
    record(
        "family_token.create",
        "household",
        household.id,
        detail={"token_id": token.id},
        organisation_id=organisation_id,
        actor=actor,
    )
    if commit:
        db.session.commit()
    return raw


def family_token(household: Household) -> str | None:
    """The household's current link, if it has one: never makes one (viewing a page)."""
    if household.anonymised_at is not None:
        return None
    token = _current_token(household)
    if token is None:
        return None
    raw = _derive_token(token.salt)
    return raw if hmac.compare_digest(_hash_token(raw), token.token_hash) else None


def revoke_family_tokens(household: Household, organisation_id: int, actor: Any) -> int:
    """Kill every link to the household's page (a lost sheet, a stolen phone)."""
    result = db.session.execute(
        update(FamilyAccessToken)
        .where(
            FamilyAccessToken.household_id == household.id,
            FamilyAccessToken.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    record(
        "family_token.revoke",
        "household",
        household.id,
        detail={"revoked": count},
        organisation_id=organisation_id,
        actor=actor,
    )
    db.session.commit()
    return count


def association_of_household(household: Household, preferred: int | None) -> int | None:
    """The association that lent or sold to this household (``preferred`` if it did)."""
    org_ids = set(
        db.session.scalars(select(Loan.organisation_id).where(Loan.household_id == household.id))
    ) | set(
        db.session.scalars(select(Sale.organisation_id).where(Sale.household_id == household.id))
    )
    if preferred in org_ids:
        return preferred
    return min(org_ids) if org_ids else None


def family_url(raw: str) -> str:
    return public_url("loans.family_page", token=raw)


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for QR codes and messages: PUBLIC_BASE_URL, else the request's host."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if has_request_context() and not base:
        return url_for(endpoint, _external=True, **values)
    # Outside a request (cron) url_for needs SERVER_NAME: build the path from the URL map.
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return (base or "http://localhost") + path


def family_link(household: Household) -> str | None:
    """The household's link as it is, for the loan and sale pages: viewing a page never
    makes one (issue 19)."""
    raw = family_token(household)
    return family_url(raw) if raw else None


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


def check(raw: str) -> LinkCheck:
    """What a visitor of ``/f/<raw>`` gets: the household, an ended link, or nothing."""
    if not raw or len(raw) > 100:
        return LinkCheck(LinkState.UNKNOWN)
    token = db.session.scalar(
        select(FamilyAccessToken).where(FamilyAccessToken.token_hash == _hash_token(raw))
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
