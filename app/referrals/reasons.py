"""The refusal reasons of referrals: a list the administrator keeps (a small admin page)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.audit.services import record
from app.core.errors import DomainError, NotFound
from app.core.i18n import translate as _
from app.core.marking import N_
from app.extensions import db
from app.referrals.models import RefusalReason

# Stored as written (French); marked so that pages show them in the reader's language.
# A reason the administrator typed is theirs and shows as typed.
DEFAULT_REASONS = (
    N_("Hors de notre territoire"),
    N_("Public non concerné"),
    N_("Plus de place"),
    N_("Service arrêté"),
    N_("Autre"),
)


def ensure_default_reasons() -> None:
    """The starting list, when the administrator has none yet (the migration seeds it too)."""
    if db.session.scalar(select(func.count()).select_from(RefusalReason)):
        return
    for position, label in enumerate(DEFAULT_REASONS):
        db.session.add(RefusalReason(label=label, position=position))
    db.session.commit()


def reasons(*, active_only: bool = True) -> list[RefusalReason]:
    ensure_default_reasons()
    query = select(RefusalReason).order_by(RefusalReason.position, RefusalReason.id)
    if active_only:
        query = query.where(RefusalReason.active)
    return list(db.session.scalars(query))


def add_reason(label: str, actor: Any) -> RefusalReason:
    label = label.strip()
    if not label:
        raise DomainError(_("Écrivez le motif."), "label")
    if db.session.scalar(select(RefusalReason.id).where(RefusalReason.label == label)):
        raise DomainError(_("Ce motif existe déjà."), "label")
    top = db.session.scalar(select(func.max(RefusalReason.position))) or 0
    reason = RefusalReason(label=label[:120], position=top + 1)
    db.session.add(reason)
    db.session.flush()
    record("referral.reason_add", "refusal_reason", reason.id, detail={"label": label}, actor=actor)
    db.session.commit()
    return reason


def set_reason_active(reason_id: int, active: bool, actor: Any) -> None:
    reason = db.session.get(RefusalReason, reason_id)
    if reason is None:
        raise NotFound(_("Motif introuvable."))
    reason.active = active
    record("referral.reason_active", "refusal_reason", reason.id, detail={"active": active},
           actor=actor)  # fmt: skip
    db.session.commit()
