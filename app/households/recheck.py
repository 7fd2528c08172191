"""A prescription checked again with the rules in force today: what changed for this
household since it was decided (the programme's new version, a condition, the price)."""

from __future__ import annotations

from sqlalchemy import select

from app.core.clock import today
from app.eligibility import catalogue
from app.eligibility.engine import evaluate
from app.eligibility.explain import Phrase
from app.eligibility.facts import Facts, QuotaUse
from app.eligibility.recheck import changes
from app.eligibility.vocabulary import Commitment
from app.extensions import db
from app.households.lifecycle import PrescriptionState
from app.households.models import Prescription, QuotaClaim
from app.households.services import facts_for

OPEN = (PrescriptionState.DRAFT, PrescriptionState.SUBMITTED, PrescriptionState.VALIDATED)


def recheck(prescription: Prescription) -> list[Phrase] | None:
    """The differences (codes and data), [] when nothing changed, None when the
    prescription is closed or the programme is no longer in force."""
    if prescription.state not in OPEN or not prescription.decision:
        return None
    on = today()
    programme = catalogue.find(prescription.programme_code, on)
    if programme is None:
        return None
    commitments = [Commitment(c) for c in prescription.decision.get("commitments", [])]
    facts = facts_for(prescription.household, on, commitments=commitments)
    # The prescription's own place in the quota is not another grant.
    own = db.session.execute(
        select(QuotaClaim.quota_key, QuotaClaim.period).where(
            QuotaClaim.prescription_id == prescription.id
        )
    ).first()
    if own is not None:
        uses = list(facts.quota_uses)
        uses.remove(QuotaUse(own[0], own[1]))
        facts = _with_quota(facts, tuple(uses))
    decision = evaluate(programme, facts, on, prescription.device_type)
    fresh = decision.as_dict()
    # Its envelope place is already taken: only a change of its rules matters here.
    fresh["conditions"] = [c for c in fresh["conditions"] if c["kind"] != "envelope"]
    return changes(prescription.decision, fresh)


def _with_quota(facts: Facts, uses: tuple[QuotaUse, ...]) -> Facts:
    import dataclasses

    return dataclasses.replace(facts, quota_uses=uses)
