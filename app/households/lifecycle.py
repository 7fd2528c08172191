"""The life of a prescription, as a pure state machine (no Flask, no SQLAlchemy).

draft -> submitted -> validated | refused (with a reason)
validated -> fulfilled (loan or sale made) | expired | cancelled
draft | submitted -> cancelled ; submitted -> expired
"""

from __future__ import annotations

from enum import StrEnum

from app.core.marking import N_


class PrescriptionState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VALIDATED = "validated"
    REFUSED = "refused"
    FULFILLED = "fulfilled"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


S = PrescriptionState

STATE_LABELS: dict[PrescriptionState, str] = {
    S.DRAFT: N_("Brouillon"),
    S.SUBMITTED: N_("Envoyée à l'association"),
    S.VALIDATED: N_("Validée"),
    S.REFUSED: N_("Refusée"),
    S.FULFILLED: N_("Équipement remis"),
    S.EXPIRED: N_("Expirée"),
    S.CANCELLED: N_("Annulée"),
}


class Action(StrEnum):
    SUBMIT = "submit"
    VALIDATE = "validate"
    REFUSE = "refuse"
    FULFIL = "fulfil"
    EXPIRE = "expire"
    CANCEL = "cancel"


TRANSITIONS: dict[tuple[PrescriptionState, Action], PrescriptionState] = {
    (S.DRAFT, Action.SUBMIT): S.SUBMITTED,
    (S.DRAFT, Action.CANCEL): S.CANCELLED,
    (S.SUBMITTED, Action.VALIDATE): S.VALIDATED,
    (S.SUBMITTED, Action.REFUSE): S.REFUSED,
    (S.SUBMITTED, Action.CANCEL): S.CANCELLED,
    (S.SUBMITTED, Action.EXPIRE): S.EXPIRED,
    (S.VALIDATED, Action.FULFIL): S.FULFILLED,
    (S.VALIDATED, Action.EXPIRE): S.EXPIRED,
    (S.VALIDATED, Action.CANCEL): S.CANCELLED,
}

# States that hold the household's quota: a refused, expired or cancelled prescription
# gives its place back.
HOLDS_QUOTA = frozenset({S.SUBMITTED, S.VALIDATED, S.FULFILLED})
FINAL = frozenset({S.REFUSED, S.FULFILLED, S.EXPIRED, S.CANCELLED})
# The association's queue.
QUEUE = frozenset({S.SUBMITTED})


class TransitionError(Exception):
    """The action is not possible from this state; ``message`` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def next_state(state: PrescriptionState, action: Action, *, reason: str = "") -> PrescriptionState:
    """The state after ``action``, or TransitionError. A refusal needs a reason."""
    target = TRANSITIONS.get((state, action))
    if target is None:
        raise TransitionError(
            f"Impossible depuis l'état « {STATE_LABELS[state]} » : action non permise."
        )
    if action is Action.REFUSE and not reason.strip():
        raise TransitionError("Indiquez la raison du refus : le prescripteur la lira.")
    return target


def allowed_actions(state: PrescriptionState) -> list[Action]:
    """Actions possible from ``state``, in a stable order."""
    return [action for (src, action) in TRANSITIONS if src is state]
