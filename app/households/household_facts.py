"""The household as the eligibility engine sees it on a day, and every programme checked
for it at once (with what each envelope has already given)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from app.core.clock import today
from app.eligibility import catalogue
from app.eligibility.engine import Decision, evaluate_all
from app.eligibility.envelopes import envelope_usage
from app.eligibility.facts import Facts, Proof, QuotaUse, StatusFact
from app.eligibility.programme import EnvelopeUse
from app.eligibility.vocabulary import (
    AttestationMethod,
    Commitment,
    DeviceType,
)
from app.extensions import db
from app.households.models import (
    Household,
    QuotaClaim,
)

# ------------------------------------------------------------------------- eligibility


def facts_for(
    household: Household,
    on: date | None = None,
    *,
    commitments: Iterable[Commitment] | None = None,
) -> Facts:
    """The household as the engine sees it on a day (ages grown, quota used)."""
    on = on or today()
    claims = db.session.execute(
        select(QuotaClaim.quota_key, QuotaClaim.period).where(
            QuotaClaim.household_id == household.id
        )
    ).all()
    ref = next((m for m in household.members if m.is_reference), None)
    return Facts(
        statuses=tuple(
            StatusFact(
                a.status,
                Proof.DOCUMENT_SEEN
                if a.method is AttestationMethod.DOCUMENT_SEEN
                else Proof.DECLARED,
                a.attested_on,
                a.valid_until,
            )
            for a in household.attestations
        ),
        ages=tuple(household.ages_on(on)),
        reference_age=ref.age_on(on) if ref else None,
        postcode=household.postcode,
        commune=household.commune,
        qpv=household.qpv,
        has_computer=household.has_computer,
        has_smartphone=household.has_smartphone,
        has_tablet=household.has_tablet,
        quota_uses=tuple(QuotaUse(key, period) for key, period in claims),
        commitments=frozenset(commitments) if commitments is not None else None,
        size=max(household.size, 1),
    )


def envelope_uses(on: date) -> dict[str, EnvelopeUse]:
    """What each programme's envelope has given in its period of ``on`` (the counters):
    a programme whose envelope is spent grants nothing more."""
    return {code: EnvelopeUse(grants, eur) for code, (grants, eur) in envelope_usage(on).items()}


def check_household(
    household: Household, need: DeviceType | None = None, on: date | None = None
) -> list[Decision]:
    """Every programme for this household, best offer first."""
    on = on or today()
    return evaluate_all(
        catalogue.programmes(on), facts_for(household, on), on, need, envelope_uses(on)
    )
