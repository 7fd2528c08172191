"""After the handover: extend a loan, take the device back, or cede it to the household."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update

from app.audit.services import record
from app.core.clock import today, utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.i18n import translate as _
from app.extensions import db
from app.inventory.lifecycle import STATE_LABELS, State
from app.loans import terms as rules
from app.loans.counter import device_for_counter, move_device
from app.loans.models import Cession, Loan, LoanStatus
from app.loans.terms import Mode, Terms, TermsError


def loan_terms(loan: Loan) -> Terms:
    return Terms(
        mode=Mode.LOAN,
        max_extensions=loan.max_extensions,
        extension_days=loan.extension_days,
        deposit_cents=loan.deposit_cents,
        cession_after_months=loan.cession_after_months,
        programme_code=loan.programme_code,
        programme_name=loan.programme_name,
    )


def _bump_loan(loan: Loan, **values: Any) -> None:
    """Conditional UPDATE on the loan's version: a concurrent change makes it a Conflict."""
    result = db.session.execute(
        update(Loan)
        .where(Loan.id == loan.id, Loan.version == loan.version, Loan.status == LoanStatus.OPEN)
        .values(version=Loan.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(_("Ce prêt a changé entre-temps : rechargez la page."))


def extend_loan(actor: Any, loan: Loan, on: date | None = None) -> date:
    db.session.commit()
    if loan.status is not LoanStatus.OPEN:
        raise DomainError(_("Ce prêt est terminé : il ne peut plus être prolongé."))
    try:
        new_due = rules.extend(loan.due_on, loan.extensions, loan_terms(loan), on or today())
    except TermsError as exc:
        raise DomainError(exc.message) from None
    old_due = loan.due_on
    _bump_loan(loan, due_on=new_due, extensions=Loan.extensions + 1)
    record(
        "loan.extend",
        "loan",
        loan.id,
        detail={"from": old_due.isoformat(), "to": new_due.isoformat()},
        organisation_id=loan.organisation_id,
        actor=actor,
    )
    db.session.commit()
    db.session.refresh(loan)
    return new_due


@dataclass(frozen=True)
class ReturnInput:
    checklist: dict[str, bool]
    damage_notes: str = ""
    retained_cents: int = 0


def open_loan_for_scan(scanned: str, organisation_id: int) -> Loan:
    device = device_for_counter(scanned, organisation_id)
    loan = db.session.scalar(select(Loan).where(Loan.open_device_id == device.id))
    if loan is None:
        raise NotFound(
            _(
                "L'appareil %(tag)s n'a pas de prêt en cours (état : %(state)s).",
                tag=device.asset_tag,
                state=_(STATE_LABELS.get(device.state, str(device.state))),
            )
        )
    return loan


def return_loan(actor: Any, loan: Loan, data: ReturnInput) -> Loan:
    """The device comes back: checklist, damage notes, deposit refund, then triage."""
    db.session.commit()
    if loan.status is not LoanStatus.OPEN:
        raise DomainError(_("Ce prêt est déjà terminé."))
    known = {c.value for c in rules.ReturnCheck}
    if any(key not in known for key in data.checklist):
        raise DomainError(_("Point de contrôle inconnu."), field="checklist")
    try:
        refund = rules.deposit_refund(loan.deposit_cents, data.retained_cents)
    except TermsError as exc:
        raise DomainError(exc.message, field="retained") from None
    if data.retained_cents and not data.damage_notes.strip():
        raise DomainError(
            _("Décrivez les dégâts qui justifient la retenue sur la caution."),
            field="damage_notes",
        )
    device = loan.device
    move_device(
        device,
        [
            (State.ON_LOAN, State.RETURNED, _("Retour du prêt %(n)s", n=loan.number)),
            (State.RETURNED, State.TRIAGE, _("Retour de prêt : à vérifier et effacer")),
        ],
        actor,
        loan_id=loan.id,
    )
    now = utcnow()
    checklist = {c.value: bool(data.checklist.get(c.value)) for c in rules.ReturnCheck}
    _bump_loan(
        loan,
        status=LoanStatus.RETURNED,
        open_device_id=None,
        returned_at=now,
        return_checklist=checklist,
        damage_notes=data.damage_notes.strip(),
        deposit_retained_cents=data.retained_cents,
        deposit_refunded_cents=refund,
        returned_by_id=getattr(actor, "id", None),
    )
    record(
        "loan.return",
        "loan",
        loan.id,
        detail={
            "device": device.asset_tag,
            "checklist": checklist,
            "damage": bool(data.damage_notes.strip()),
            "deposit_refunded_cents": refund,
        },
        organisation_id=loan.organisation_id,
        actor=actor,
    )
    db.session.commit()
    db.session.refresh(loan)
    return loan


def cede_loan(actor: Any, loan: Loan, on: date | None = None) -> Cession:
    """Turn the loan into ownership (free of charge), with its own certificate."""
    db.session.commit()
    if loan.status is not LoanStatus.OPEN:
        raise DomainError(_("Seul un prêt en cours peut être cédé."))
    day = on or today()
    try:
        rules.may_cede(loan.start_on, loan_terms(loan), day)
    except TermsError as exc:
        raise DomainError(exc.message) from None
    device = loan.device
    move_device(
        device,
        [(State.ON_LOAN, State.GIVEN, _("Cession du prêt %(n)s", n=loan.number))],
        actor,
        loan_id=loan.id,
    )
    _bump_loan(loan, status=LoanStatus.CEDED, open_device_id=None, ceded_at=utcnow())
    cession = Cession(
        organisation_id=loan.organisation_id,
        loan_id=loan.id,
        ceded_on=day,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(cession)
    db.session.flush()
    record(
        "loan.cede",
        "loan",
        loan.id,
        detail={"cession_id": cession.id, "device": device.asset_tag},
        organisation_id=loan.organisation_id,
        actor=actor,
    )
    db.session.commit()
    db.session.refresh(loan)
    return cession


def cession_of(loan: Loan) -> Cession | None:
    return db.session.scalar(select(Cession).where(Cession.loan_id == loan.id))
