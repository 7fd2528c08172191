"""How much of each programme's envelope is used (all households together)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.core.clock import today
from app.eligibility import catalogue
from app.eligibility.models import EnvelopeCounter
from app.extensions import db


def envelope_usage(on: date | None = None) -> dict[str, tuple[int, int]]:
    """code -> (grants, EUR) used in each programme's envelope for the period of ``on``
    (per the programme's envelope ``per``: 'ever', the year or the month)."""
    from app.eligibility.programme import quota_period

    on = on or today()
    wanted: dict[str, str] = {}
    for programme in catalogue.programmes(on):
        envelope = getattr(programme, "envelope", None)
        if envelope is not None:
            wanted[programme.code] = quota_period(getattr(envelope, "per", "ever"), on)
    if not wanted:
        return {}
    rows = db.session.execute(
        select(
            EnvelopeCounter.programme_code,
            EnvelopeCounter.period,
            EnvelopeCounter.grants,
            EnvelopeCounter.eur,
        ).where(EnvelopeCounter.programme_code.in_(list(wanted)))
    )
    usage = {code: (0, 0) for code in wanted}
    for code, period, grants, eur in rows:
        if wanted.get(code) == period:
            usage[code] = (grants, eur)
    return usage
