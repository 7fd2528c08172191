"""The prescription's state machine (app/households/lifecycle.py), alone."""

from __future__ import annotations

import pytest

from app.households.lifecycle import (
    FINAL,
    HOLDS_QUOTA,
    Action,
    PrescriptionState,
    TransitionError,
    allowed_actions,
    next_state,
)

S = PrescriptionState


def test_the_happy_path() -> None:
    state = next_state(S.DRAFT, Action.SUBMIT)
    assert state is S.SUBMITTED
    state = next_state(state, Action.VALIDATE)
    assert state is S.VALIDATED
    assert next_state(state, Action.FULFIL) is S.FULFILLED


def test_refusal_needs_a_reason() -> None:
    with pytest.raises(TransitionError, match="raison"):
        next_state(S.SUBMITTED, Action.REFUSE, reason="  ")
    assert next_state(S.SUBMITTED, Action.REFUSE, reason="Plus de stock") is S.REFUSED


@pytest.mark.parametrize("state", sorted(FINAL))
def test_final_states_accept_nothing(state: PrescriptionState) -> None:
    assert allowed_actions(state) == []
    for action in Action:
        with pytest.raises(TransitionError):
            next_state(state, action, reason="x")


def test_a_draft_cannot_be_validated_nor_fulfilled() -> None:
    for action in (Action.VALIDATE, Action.FULFIL, Action.REFUSE):
        with pytest.raises(TransitionError):
            next_state(S.DRAFT, action, reason="x")


def test_only_live_prescriptions_hold_a_quota_place() -> None:
    assert {S.SUBMITTED, S.VALIDATED, S.FULFILLED} == HOLDS_QUOTA
