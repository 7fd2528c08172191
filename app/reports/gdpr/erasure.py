"""Erasure of households' personal data: the retention purge (households inactive for
RETENTION_DAYS), the erasure a person asks for, the request passed on by an association
that served the household, and the privacy page's list of households and due dates.
Each anonymises through anonymise.py."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import DateTime, or_, select

from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.extensions import db
from app.reports.gdpr.anonymise import anonymise, like_escape, tables_pointing_to_household


def retention_days() -> int:
    return int(current_app.config["RETENTION_DAYS"])


@dataclass(frozen=True)
class PurgeReport:
    cutoff: datetime
    count: int
    household_ids: tuple[int, ...]


def expired_households(days: int, now: datetime | None = None) -> tuple[datetime, list[Any]]:
    from app.households.models import Household

    cutoff = (now or utcnow()) - timedelta(days=days)
    rows = db.session.scalars(
        select(Household)
        .where(Household.anonymised_at.is_(None), Household.last_activity_at < cutoff)
        .order_by(Household.id)
    ).all()
    return cutoff, [h for h in rows if not _has_open_business(h) and not _active_since(h, cutoff)]


def _has_open_business(household: Any) -> bool:
    """A device still out on loan keeps the contact details: it must come back."""
    try:
        from app.loans.models import Loan, LoanStatus
    except ImportError:
        return False
    query = select(Loan.id).where(Loan.household_id == household.id, Loan.status == LoanStatus.OPEN)
    return db.session.scalar(query.limit(1)) is not None


def _active_since(household: Any, cutoff: datetime) -> bool:
    """Any record of the household (loan, booking, prescription...) touched after cutoff.

    Other domains may not bump ``last_activity_at``: their own timestamps count too.
    """
    for table, column in tables_pointing_to_household():
        stamps = [c for c in table.columns if isinstance(c.type, DateTime)]
        if not stamps:
            continue
        recent = or_(*[c >= cutoff for c in stamps])
        found = db.session.execute(
            select(column).where(column == household.id, recent).limit(1)
        ).first()
        if found is not None:
            return True
    return False


def purge_expired(days: int, *, dry_run: bool = False, now: datetime | None = None) -> PurgeReport:
    """Anonymise every household inactive for more than ``days`` days. Commits."""
    if days < 1:
        raise DomainError("La durée de conservation doit être d'au moins un jour.")
    try:
        cutoff, households = expired_households(days, now)
    except ImportError:
        return PurgeReport((now or utcnow()) - timedelta(days=days), 0, ())
    ids = tuple(h.id for h in households)
    if dry_run:
        return PurgeReport(cutoff, len(ids), ids)
    for household in households:
        anonymise(household, reason="retention")
        # One transaction per household: a long purge never holds every lock at once.
        db.session.commit()
        release_household(household.id)
    return PurgeReport(cutoff, len(ids), ids)


def erase_on_request(household: Any) -> None:
    """The person asked for erasure: anonymise now, whatever the retention period. Commits."""
    if household.anonymised_at is not None:
        raise DomainError("Les données de ce foyer sont déjà effacées.")
    if _has_open_business(household):
        raise DomainError(
            "Un appareil est encore prêté à ce foyer : enregistrez son retour "
            "avant d'effacer les coordonnées."
        )
    anonymise(household, reason="request")
    db.session.commit()
    release_household(household.id)


def request_erasure(household: Any, actor: Any) -> int:
    """An association that served the household passes the person's erasure request to
    the organisation that holds the record (issue 19): journalled on the household, and
    an e-mail to that organisation (its address, its managers and prescribers). Commits;
    returns how many addresses were told (0: the journal entry is the only trace)."""
    from app.accounts.models import Organisation, User
    from app.authz.policy import Role
    from app.notify.models import Channel
    from app.notify.services import enqueue

    if household.anonymised_at is not None:
        raise DomainError("Les données de ce foyer sont déjà effacées.")
    holder = db.session.get(Organisation, household.organisation_id)
    sender = db.session.get(Organisation, actor.organisation_id)
    entry = record(
        "household.erasure_request",
        "household",
        household.id,
        detail={"from_organisation": actor.organisation_id},
        organisation_id=household.organisation_id,
        actor=actor,
    )
    db.session.flush()
    db.session.commit()
    emails = {holder.email} if holder is not None and holder.email else set()
    emails |= set(
        db.session.scalars(
            select(User.email).where(
                User.organisation_id == household.organisation_id,
                User.active.is_(True),
                User.role.in_([Role.MANAGER, Role.PRESCRIBER]),
            )
        )
    )
    who = sender.name if sender is not None else "Une association"
    body = (
        f"Bonjour,\n\n{who} transmet une demande d'effacement des données personnelles "
        f"du foyer n° {household.id}, suivi par votre structure. La personne a fait cette "
        "demande à l'association qui lui a remis un appareil.\n\n"
        "Ouvrez Ordilien, menu « Données personnelles », foyer n° "
        f"{household.id}, pour effacer ses données (ou répondre à l'association si un prêt "
        "est encore en cours).\n\nOrdilien\n"
    )
    told = 0
    for email in sorted(e for e in emails if e):
        told += enqueue(
            f"household:{household.id}:erasure-request:{entry.id}:"
            + hashlib.sha256(email.encode()).hexdigest()[:16],
            Channel.EMAIL,
            email,
            body,
            subject=f"Demande d'effacement : foyer n° {household.id}",
            organisation_id=household.organisation_id,
            object_type="household",
            object_id=household.id,
        )
    return told


def release_household(household_id: int) -> None:
    """After anonymisation: no booking, no seat (its links were revoked with it)."""
    try:
        from app.training.cancellations import release_bookings
    except ImportError:
        return
    release_bookings(household_id)


# ---------------------------------------------------------------- listing

PAGE_SIZE = 50


def households_page(org_id: int | None, text: str, page: int) -> tuple[list[Any], bool]:
    """Households of an organisation (all for None), least recently active first."""
    from app.households.models import Household

    query = select(Household).order_by(Household.last_activity_at, Household.id)
    if org_id is not None:
        query = query.where(Household.organisation_id == org_id)
    if text:
        if text.isdigit():
            query = query.where(Household.id == int(text))
        else:
            query = query.where(
                Household.reference_name.ilike(f"%{like_escape(text)}%", escape="!")
            )
    rows = list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def expiry_of(household: Any) -> datetime:
    return household.last_activity_at + timedelta(days=retention_days())


def due_within(org_id: int | None, days: int) -> int:
    """Households the purge will anonymise within ``days`` days (if nothing happens)."""
    from sqlalchemy import func

    from app.households.models import Household

    limit = utcnow() - timedelta(days=retention_days() - days)
    query = (
        select(func.count())
        .select_from(Household)
        .where(Household.anonymised_at.is_(None), Household.last_activity_at < limit)
    )
    if org_id is not None:
        query = query.where(Household.organisation_id == org_id)
    return int(db.session.scalar(query) or 0)
