"""What the family's page and the loan sheet borrow from training and tariffs.

Called through their services (not their staff templates, which carry staff actions).
A failure there is logged and leaves the block empty: the family's page and the counter
must keep working whatever a neighbouring module does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from app.accounts.models import Organisation
from app.core.clock import utcnow
from app.extensions import db


@dataclass(frozen=True)
class BookedSession:
    starts_at: datetime  # naive UTC, as stored
    title: str
    place: str
    address: str
    waiting: bool
    cancelled: bool = False  # the place cancelled the session: the booking ended with it
    organisation_id: int | None = None  # the training place (its public hours)


@dataclass(frozen=True)
class TariffTip:
    provider: str
    name: str
    monthly_cents: int
    how: str  # the offer's own words, only when they name no social status
    with_proof: bool = False  # say "avec un justificatif de vos droits" (no status named)


def training_bookings(household: Any) -> list[BookedSession]:
    """The household's upcoming training sessions (booked, waiting, or cancelled by the place)."""
    try:
        from app.training.catalogue import bookings_for_household

        bookings = bookings_for_household(household)
    except Exception:  # noqa: BLE001
        current_app.logger.warning("Training bookings unavailable", exc_info=True)
        return []
    now = utcnow()
    out = []
    for booking in bookings:
        status = str(getattr(booking.status, "value", booking.status))
        session = booking.session
        if status == "cancelled" or session.starts_at < now:
            continue
        org = db.session.get(Organisation, session.organisation_id)
        place = org.name if org is not None else ""
        address = " ".join(x for x in (session.address, session.postcode, session.commune) if x)
        ended = str(getattr(session.status, "value", session.status)) == "cancelled"
        out.append(
            BookedSession(
                session.starts_at,
                session.title,
                place,
                address,
                status == "waiting" and not ended,
                cancelled=ended,
                organisation_id=session.organisation_id,
            )
        )
    return out


def tariff_tips(household: Any, limit: int = 3) -> list[TariffTip]:
    """The social tariffs the household may get now, cheapest first (tariffs' matching):
    only offers verified lately and in force today, told without naming a status (the
    page opens without login: app.tariffs.public)."""
    try:
        from app.tariffs import public
        from app.tariffs.household_matches import matches_for_household

        matches = matches_for_household(household, limit=limit)
        told = matches.told if matches.told is not None else matches.result
        proposals = list(told.eligible)
    except Exception:  # noqa: BLE001
        current_app.logger.warning("Tariff advice unavailable", exc_info=True)
        return []
    return [
        TariffTip(
            provider=p.offer.provider,
            name=p.offer.name,
            monthly_cents=p.monthly_cost_cents,
            how=public.family_how(p.offer),
            with_proof=public.asks_proof(p.offer),
        )
        for p in proposals
    ]
