"""The life of a referral (orientation), as a pure state machine (no Flask, no SQLAlchemy).

After DORA's orientations (gip-inclusion/dora, back/dora/orientations): a structure
refers a person to another, which answers; an unanswered referral is reminded once, then
expires.

open -> accepted | refused (a reason from the list and a message) | expired
accepted -> done
open | expired -> open when the sender renews the answer link (the clock starts again)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.core.marking import N_
from app.directory.needs import Need  # what the person is referred for: the directory's codes

REMIND_DAYS = 10  # defaults of REFERRAL_REMIND_DAYS and REFERRAL_EXPIRE_DAYS (app/config.py)
EXPIRE_DAYS = 30


NEED_LABELS: dict[Need, str] = {
    Need.DEVICE: N_("Obtenir un appareil"),
    Need.CONNECT: N_("Se connecter, un tarif social"),
    Need.LEARN: N_("Apprendre"),
    Need.PROCEDURES: N_("Démarches en ligne"),
    Need.REPAIR: N_("Réparer un appareil"),
}


class ReferralState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    EXPIRED = "expired"
    DONE = "done"


S = ReferralState

STATE_LABELS: dict[ReferralState, str] = {
    S.OPEN: N_("En attente de réponse"),
    S.ACCEPTED: N_("Acceptée"),
    S.REFUSED: N_("Refusée"),
    S.EXPIRED: N_("Expirée sans réponse"),
    S.DONE: N_("Réalisée"),
}


class Action(StrEnum):
    ACCEPT = "accept"
    REFUSE = "refuse"
    EXPIRE = "expire"
    DONE = "done"
    RENEW = "renew"  # the sender's: a new answer link, the waiting starts again


TRANSITIONS: dict[tuple[ReferralState, Action], ReferralState] = {
    (S.OPEN, Action.ACCEPT): S.ACCEPTED,
    (S.OPEN, Action.REFUSE): S.REFUSED,
    (S.OPEN, Action.EXPIRE): S.EXPIRED,
    (S.ACCEPTED, Action.DONE): S.DONE,
    (S.OPEN, Action.RENEW): S.OPEN,
    (S.EXPIRED, Action.RENEW): S.OPEN,
}

FINAL = frozenset({S.REFUSED, S.EXPIRED, S.DONE})
# The receiving structure's list: what still waits for it.
TO_ANSWER = frozenset({S.OPEN, S.ACCEPTED})


class TransitionError(Exception):
    """The action is not possible; ``message`` is French, ``field`` the form field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def next_state(
    state: ReferralState, action: Action, *, reason: str = "", message: str = ""
) -> ReferralState:
    """The state after ``action``, or TransitionError. A refusal always says why: a reason
    from the list and a message to the sender."""
    target = TRANSITIONS.get((state, action))
    if target is None:
        raise TransitionError(f"Impossible : cette orientation est « {STATE_LABELS[state]} ».")
    if action is Action.REFUSE:
        if not reason.strip():
            raise TransitionError("Choisissez le motif du refus.", "reason")
        if not message.strip():
            raise TransitionError(
                "Expliquez le refus en quelques mots : la structure qui oriente le lira.",
                "message",
            )
    return target


def allowed_actions(state: ReferralState) -> list[Action]:
    """What the receiving structure may do from ``state`` (expiry is the clock's, renewal
    the sender's)."""
    return [
        a for (src, a) in TRANSITIONS if src is state and a not in (Action.EXPIRE, Action.RENEW)
    ]


@dataclass(frozen=True)
class Timing:
    """When the clock acts on an open referral (days from when it was sent or renewed)."""

    remind_days: int = REMIND_DAYS
    expire_days: int = EXPIRE_DAYS

    def remind_due(
        self, state: ReferralState, since: datetime, reminded_at: datetime | None, now: datetime
    ) -> bool:
        """An open referral unanswered for ``remind_days`` is reminded to the receiving
        structure, once."""
        return (
            state is S.OPEN
            and reminded_at is None
            and now >= since + timedelta(days=self.remind_days)
            and not self.expire_due(state, since, now)
        )

    def expire_due(self, state: ReferralState, since: datetime, now: datetime) -> bool:
        """An open referral unanswered for ``expire_days`` expires."""
        return state is S.OPEN and now >= since + timedelta(days=self.expire_days)

    def link_expires_at(self, issued_at: datetime) -> datetime:
        """The answer link lives as long as the referral waits for an answer."""
        return issued_at + timedelta(days=self.expire_days)
