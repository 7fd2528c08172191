"""Prescriptions: written, sent to the association (checked again, quota and envelope
taken), validated or refused, fulfilled by a loan or sale, expired when left too long.
Each change is a conditional UPDATE; the prescriber is told by e-mail (state_mail.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Organisation
from app.audit.services import record
from app.authz.policy import OrgKind
from app.core.clock import today, utcnow
from app.core.errors import Conflict, DomainError
from app.core.i18n import translate as _
from app.eligibility import catalogue, display
from app.eligibility.engine import Decision, Eligibility, evaluate
from app.eligibility.vocabulary import (
    Commitment,
    DeviceType,
    Purpose,
)
from app.extensions import db
from app.households import notices
from app.households.claims import (
    SlotTaken,
    claim_envelope,
    claim_quota,
    release_quota,
)
from app.households.household_facts import envelope_uses, facts_for
from app.households.lifecycle import (
    Action,
    PrescriptionState,
    TransitionError,
    next_state,
)
from app.households.models import (
    Household,
    Prescription,
)
from app.households.state_mail import queue_state_email

# A validated prescription not collected after this many days expires (the device goes
# back to the pool); a submitted one the association never answered, likewise.
VALIDATED_DAYS = 90
SUBMITTED_DAYS = 60

# ------------------------------------------------------------------------- prescriptions


@dataclass(frozen=True)
class PrescriptionInput:
    programme_code: str
    association_org_id: int
    device_type: DeviceType
    purposes: tuple[Purpose, ...] = ()
    justification: str = ""
    commitments: tuple[Commitment, ...] = field(default_factory=tuple)


def _decide(
    household: Household,
    programme_code: str,
    device_type: DeviceType,
    commitments: Iterable[Commitment],
) -> Decision:
    programme = catalogue.find(programme_code)
    if programme is None:
        raise DomainError(_("Programme inconnu."), field="programme_code")
    if device_type not in programme.device_types:
        raise DomainError(_("Ce programme ne fournit pas ce type d'appareil."), field="device_type")
    on = today()
    return evaluate(
        programme,
        facts_for(household, on, commitments=commitments),
        on,
        device_type,
        envelope_uses(on).get(programme.code),
    )


def create_prescription(
    household: Household, data: PrescriptionInput, actor: Any, *, submit: bool = False
) -> Prescription:
    """A draft (or, with ``submit``, a prescription sent at once to the association)."""
    association = db.session.get(Organisation, data.association_org_id)
    if association is None or association.kind is not OrgKind.ASSOCIATION or not association.active:
        raise DomainError(_("Choisissez une association."), field="association_org_id")
    decision = _decide(household, data.programme_code, data.device_type, data.commitments)
    if submit and decision.eligibility is not Eligibility.ELIGIBLE:
        # Nothing is recorded: the form says what is missing and keeps what was chosen.
        commitment_missing = any(
            r.kind == "commitment" and r.met is False for r in decision.conditions
        )
        raise DomainError(
            _("Pas encore possible : %(reason)s", reason=display.reason_text(decision)),
            field="commitments" if commitment_missing else None,
        )
    prescription = Prescription(
        household_id=household.id,
        prescriber_org_id=household.organisation_id,
        association_org_id=association.id,
        prescriber_id=actor.id,
        programme_code=data.programme_code,
        programme_version=decision.programme.version or None,
        device_type=data.device_type,
        purposes=[p.value for p in data.purposes],
        justification=data.justification.strip(),
        outcome=decision.outcome_dict() or {},
        decision={**decision.as_dict(), "commitments": [c.value for c in data.commitments]},
    )
    db.session.add(prescription)
    household.last_activity_at = utcnow()
    db.session.flush()
    record(
        "prescription.create",
        "household",
        household.id,
        detail={"prescription": prescription.id, "programme": data.programme_code},
        actor=actor,
    )
    db.session.commit()
    if submit:
        try:
            submit_prescription(prescription, actor)
        except DomainError:
            # Sent at once and refused (the last place taken by someone else meanwhile):
            # nothing stays behind, as when the check refuses before anything is written.
            _withdraw(prescription, actor)
            raise
    return prescription


def _withdraw(prescription: Prescription, actor: Any) -> None:
    db.session.rollback()
    kept = db.session.get(Prescription, prescription.id)
    if kept is None or kept.state is not PrescriptionState.DRAFT:
        return
    household_id = kept.household_id
    db.session.delete(kept)
    record(
        "prescription.withdraw",
        "household",
        household_id,
        detail={"prescription": prescription.id, "programme": prescription.programme_code},
        actor=actor,
    )
    db.session.commit()


def _transition(
    prescription: Prescription,
    action: Action,
    actor: Any,
    *,
    reason: str = "",
    values: dict[str, Any] | None = None,
) -> PrescriptionState:
    """Move the prescription with a conditional UPDATE (the first write of the transaction):
    two people acting at once cannot both succeed."""
    try:
        target = next_state(prescription.state, action, reason=reason)
    except TransitionError as exc:
        raise Conflict(exc.message) from None
    source, version = prescription.state, prescription.version
    result = db.session.execute(
        update(Prescription)
        .where(
            Prescription.id == prescription.id,
            Prescription.state == source,
            Prescription.version == version,
        )
        .values(state=target, version=version + 1, **(values or {}))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(
            _("Cette prescription vient d'être modifiée par quelqu'un d'autre. Rechargez la page.")
        )
    db.session.refresh(prescription)
    record(
        f"prescription.{action.value}",
        "household",
        prescription.household_id,
        detail={
            "prescription": prescription.id,
            "from": source.value,
            "to": target.value,
            **({"reason": reason} if reason else {}),
        },
        actor=actor,
        organisation_id=getattr(actor, "organisation_id", None) or prescription.prescriber_org_id,
    )
    queue_state_email(prescription)
    return target


# Losing a slot to a simultaneous submission: try again (the next free slot, or a clear
# "quota reached" once the winner's claim is visible).
SUBMIT_ATTEMPTS = 3


def submit_prescription(prescription: Prescription, actor: Any) -> Prescription:
    """Send to the association: checked again today, and the quota taken (race-safe)."""
    for _attempt in range(SUBMIT_ATTEMPTS):
        try:
            return _submit_once(prescription, actor)
        except SlotTaken:
            continue
    raise Conflict(
        _(
            "D'autres prescriptions pour ce foyer arrivent en même temps. Rien n'a été "
            "envoyé : réessayez dans un instant."
        )
    )


def _submit_once(prescription: Prescription, actor: Any) -> Prescription:
    db.session.commit()  # nothing pending may ride along with the race-safe writes
    household = prescription.household
    commitments = [Commitment(c) for c in prescription.decision.get("commitments", [])]
    decision = _decide(
        household, prescription.programme_code, prescription.device_type, commitments
    )
    if decision.eligibility is not Eligibility.ELIGIBLE:
        raise DomainError(
            _("Pas encore possible : %(reason)s", reason=display.reason_text(decision))
        )
    now = utcnow()
    _transition(
        prescription,
        Action.SUBMIT,
        actor,
        values={
            "submitted_at": now,
            "programme_version": decision.programme.version or None,
            "outcome": decision.outcome_dict() or {},
            "decision": {**decision.as_dict(), "commitments": [c.value for c in commitments]},
        },
    )
    try:
        claim_quota(prescription, household, decision)
        claim_envelope(prescription, decision)
    except IntegrityError:
        db.session.rollback()
        raise SlotTaken from None
    except Conflict:
        db.session.rollback()
        raise
    household.last_activity_at = now
    db.session.commit()
    return prescription


def validate_prescription(prescription: Prescription, actor: Any) -> Prescription:
    db.session.commit()
    _transition(
        prescription,
        Action.VALIDATE,
        actor,
        values={"decided_at": utcnow(), "decided_by_id": actor.id},
    )
    notices.queue_validated(prescription)  # the household, by the channel it chose
    db.session.commit()
    return prescription


def refuse_prescription(prescription: Prescription, actor: Any, reason: str) -> Prescription:
    db.session.commit()
    _transition(
        prescription,
        Action.REFUSE,
        actor,
        reason=reason,
        values={
            "decided_at": utcnow(),
            "decided_by_id": actor.id,
            "refusal_reason": reason.strip(),
            "closed_at": utcnow(),
        },
    )
    release_quota(prescription)
    db.session.commit()
    return prescription


def cancel_prescription(prescription: Prescription, actor: Any) -> Prescription:
    db.session.commit()
    _transition(prescription, Action.CANCEL, actor, values={"closed_at": utcnow()})
    release_quota(prescription)
    db.session.commit()
    return prescription


def mark_fulfilled(
    prescription: Prescription, reference: str, actor: Any = None, *, commit: bool = False
) -> Prescription:
    """Called by loans and sales when the device is handed over: validated -> fulfilled.

    ``reference`` says what fulfilled it, e.g. "loan:12" or "sale:7". Runs inside the
    caller's transaction (no commit unless asked); raises Conflict if the prescription is
    not validated any more (cancelled, expired, or fulfilled by someone else meanwhile).
    """
    _transition(
        prescription,
        Action.FULFIL,
        actor,
        values={"closed_at": utcnow(), "fulfilled_by": reference[:60]},
    )
    if commit:
        db.session.commit()
    return prescription


def expire_stale(now: datetime | None = None) -> int:
    """Expire prescriptions left too long (validated and never collected, or never
    answered). Releases their quota. Returns how many expired."""
    now = now or utcnow()
    stale = list(
        db.session.scalars(
            select(Prescription).where(
                or_(
                    (Prescription.state == PrescriptionState.VALIDATED)
                    & (Prescription.decided_at < now - timedelta(days=VALIDATED_DAYS)),
                    (Prescription.state == PrescriptionState.SUBMITTED)
                    & (Prescription.submitted_at < now - timedelta(days=SUBMITTED_DAYS)),
                )
            )
        )
    )
    count = 0
    for prescription in stale:
        try:
            _transition(prescription, Action.EXPIRE, None, values={"closed_at": now})
        except Conflict:
            continue
        release_quota(prescription)
        db.session.commit()
        count += 1
    return count
