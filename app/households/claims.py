"""A household's place in a programme's quota and in its envelope, taken in the
submission's transaction so that two prescribers at the same moment cannot both have
the last one, and given back when the prescription is refused, cancelled or expires."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.core.errors import Conflict
from app.core.i18n import translate as _
from app.eligibility.engine import Decision
from app.eligibility.models import EnvelopeClaim, EnvelopeCounter
from app.eligibility.programme import Resolver, quota_period
from app.extensions import db
from app.households.models import (
    Household,
    Prescription,
    QuotaClaim,
)


def claim_quota(prescription: Prescription, household: Household, decision: Decision) -> None:
    """Take the household's place in the programme's quota: a row under a unique constraint.
    Two prescribers submitting at the same moment both try the same slot; one loses."""
    quota = decision.programme.quota()
    if quota is None:
        return
    on = decision.on
    period = quota_period(quota.per, on)
    limit = int(Resolver(decision.programme.parameters, on).value(quota.max))
    taken = set(
        db.session.scalars(
            select(QuotaClaim.slot).where(
                QuotaClaim.household_id == household.id,
                QuotaClaim.quota_key == quota.key,
                QuotaClaim.period == period,
            )
        )
    )
    free = next((slot for slot in range(1, limit + 1) if slot not in taken), None)
    if free is None:
        raise Conflict(_("Ce foyer a déjà reçu le maximum prévu par ce programme pour la période."))
    db.session.add(
        QuotaClaim(
            household_id=household.id,
            quota_key=quota.key,
            period=period,
            slot=free,
            prescription_id=prescription.id,
        )
    )
    db.session.flush()


def claim_envelope(prescription: Prescription, decision: Decision) -> None:
    """Take one grant (and its euros) from the programme's envelope, if it has one: a
    conditional UPDATE of the period's counter, so that simultaneous submissions cannot
    give more than the envelope holds. Conflict when it is used up."""
    programme = decision.programme
    envelope = getattr(programme, "envelope", None)
    if envelope is None:
        return
    resolver = Resolver(programme.parameters, decision.on)

    def resolved(name: str) -> int | None:
        value = getattr(envelope, name, None)
        return None if value is None else int(resolver.value(value))

    max_grants, max_eur = resolved("max_grants"), resolved("max_eur")
    grant_eur = resolved("grant_eur") or 0
    period = quota_period(getattr(envelope, "per", "ever"), decision.on)
    here = (EnvelopeCounter.programme_code == programme.code, EnvelopeCounter.period == period)
    if db.session.scalar(select(EnvelopeCounter.id).where(*here)) is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    EnvelopeCounter(programme_code=programme.code, period=period, grants=0, eur=0)
                )
        except IntegrityError:
            pass  # a simultaneous submission created it
    stmt = update(EnvelopeCounter).where(*here)
    if max_grants is not None:
        stmt = stmt.where(EnvelopeCounter.grants + 1 <= max_grants)
    if max_eur is not None:
        stmt = stmt.where(EnvelopeCounter.eur + grant_eur <= max_eur)
    result = db.session.execute(
        stmt.values(
            grants=EnvelopeCounter.grants + 1, eur=EnvelopeCounter.eur + grant_eur
        ).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        used = db.session.scalar(select(EnvelopeCounter.grants).where(*here)) or 0
        raise Conflict(
            _(
                "L'enveloppe de ce programme est épuisée : %(used)s attribution(s) sur %(max)s.",
                used=used,
                max=max_grants if max_grants is not None else used,
            )
        )
    db.session.add(
        EnvelopeClaim(
            prescription_id=prescription.id,
            programme_code=programme.code,
            period=period,
            eur=grant_eur,
        )
    )
    db.session.flush()


def release_envelope(prescription: Prescription) -> None:
    claim = db.session.scalar(
        select(EnvelopeClaim).where(EnvelopeClaim.prescription_id == prescription.id)
    )
    if claim is None:
        return
    db.session.execute(
        update(EnvelopeCounter)
        .where(
            EnvelopeCounter.programme_code == claim.programme_code,
            EnvelopeCounter.period == claim.period,
        )
        .values(grants=EnvelopeCounter.grants - 1, eur=EnvelopeCounter.eur - claim.eur)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(claim)


def release_quota(prescription: Prescription) -> None:
    """Give back the household's quota place and the programme envelope's grant."""
    db.session.execute(delete(QuotaClaim).where(QuotaClaim.prescription_id == prescription.id))
    release_envelope(prescription)


class SlotTaken(Exception):
    """Another submission took the same quota slot at the same moment."""
