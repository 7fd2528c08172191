"""Rate limits counted in the database (``FamilyPageHit`` rows), so every server process
shares them: the family page, the scan page ``/d/<tag>`` and the directory search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from app.core.clock import utcnow
from app.extensions import db
from app.loans.models import FamilyPageHit


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int = 0


def rate_check(key: str, per_minute: int, failures: int | None = None) -> RateDecision:
    """A rate limit per key (an address, or a bucket such as "ou-aller:<hash>"), shared by
    every server process: the hits are rows (``FamilyPageHit``), counted in the database.

    At most ``per_minute`` hits a minute and, when given, ``failures`` failed ones in 15
    minutes. Ask first, then ``record_hit``.
    """
    now = utcnow()
    recent = db.session.scalar(
        select(func.count())
        .select_from(FamilyPageHit)
        .where(FamilyPageHit.ip == key, FamilyPageHit.at >= now - timedelta(minutes=1))
    )
    if (recent or 0) >= per_minute:
        return RateDecision(False, 60)
    if failures is None:
        return RateDecision(True)
    failed = db.session.scalar(
        select(func.count())
        .select_from(FamilyPageHit)
        .where(
            FamilyPageHit.ip == key,
            FamilyPageHit.ok.is_(False),
            FamilyPageHit.at >= now - timedelta(minutes=15),
        )
    )
    if (failed or 0) >= failures:
        return RateDecision(False, 15 * 60)
    return RateDecision(True)


def record_hit(key: str, ok: bool = True) -> None:
    hit = FamilyPageHit(ip=key, ok=ok)  # a key fits String(45): an address, or a short bucket
    db.session.add(hit)
    db.session.flush()
    if hit.id % 200 == 0:  # now and then, forget what no limit looks at any more
        db.session.execute(
            delete(FamilyPageHit).where(FamilyPageHit.at < utcnow() - timedelta(days=1))
        )
    db.session.commit()


def family_rate_check(ip: str, ok: bool | None = None) -> RateDecision:
    """Rate limit of the family pages, per address, shared by every server process.

    At most FAMILY_PAGE_PER_MINUTE visits a minute and FAMILY_PAGE_FAILURES unknown
    tokens in 15 minutes. Call with ``ok=None`` to ask, then ``record_family_hit``.
    """
    config = current_app.config
    per_minute = int(config.get("FAMILY_PAGE_PER_MINUTE", 30))
    return rate_check(ip, per_minute, int(config.get("FAMILY_PAGE_FAILURES", 10)))


def record_family_hit(ip: str, ok: bool) -> None:
    record_hit(ip, ok)
