"""The referral lifecycle and the person's SMS, without the app."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.referrals.lifecycle import (
    Action,
    ReferralState,
    Timing,
    TransitionError,
    allowed_actions,
    next_state,
)
from app.referrals.wording import PlaceFacts, person_sms, sms_length

S = ReferralState


def test_accepted_then_done() -> None:
    assert next_state(S.OPEN, Action.ACCEPT) is S.ACCEPTED
    assert next_state(S.ACCEPTED, Action.DONE) is S.DONE
    assert allowed_actions(S.OPEN) == [Action.ACCEPT, Action.REFUSE]
    assert allowed_actions(S.ACCEPTED) == [Action.DONE]
    assert allowed_actions(S.DONE) == []


def test_a_refusal_always_says_why() -> None:
    with pytest.raises(TransitionError) as missing_reason:
        next_state(S.OPEN, Action.REFUSE, message="Nous ne faisons plus d'ateliers.")
    assert missing_reason.value.field == "reason"
    with pytest.raises(TransitionError) as missing_message:
        next_state(S.OPEN, Action.REFUSE, reason="Plus de place", message="  ")
    assert missing_message.value.field == "message"
    assert "structure qui oriente" in missing_message.value.message
    assert (
        next_state(S.OPEN, Action.REFUSE, reason="Plus de place", message="Complet.") is S.REFUSED
    )


def test_no_answer_after_a_final_state() -> None:
    for state in (S.REFUSED, S.DONE, S.EXPIRED):
        with pytest.raises(TransitionError):
            next_state(state, Action.ACCEPT)
    assert next_state(S.EXPIRED, Action.RENEW) is S.OPEN  # the sender's new link


def test_reminded_once_at_ten_days_and_expired_at_thirty() -> None:
    rules = Timing(remind_days=10, expire_days=30)
    sent = datetime(2026, 3, 1, 9)
    assert not rules.remind_due(S.OPEN, sent, None, sent + timedelta(days=9, hours=23))
    assert rules.remind_due(S.OPEN, sent, None, sent + timedelta(days=10))
    assert not rules.remind_due(S.OPEN, sent, sent + timedelta(days=10), sent + timedelta(days=11))
    assert not rules.remind_due(S.ACCEPTED, sent, None, sent + timedelta(days=11))
    assert not rules.expire_due(S.OPEN, sent, sent + timedelta(days=29))
    assert rules.expire_due(S.OPEN, sent, sent + timedelta(days=30))
    # Past the expiry, no reminder: it expires instead.
    assert not rules.remind_due(S.OPEN, sent, None, sent + timedelta(days=31))
    assert rules.link_expires_at(sent) == sent + timedelta(days=30)


def test_person_sms_fits_one_message_where_possible() -> None:
    place = PlaceFacts(
        name="Médiathèque Verlaine",
        address="1 rue de la Paix, 57000 Metz",
        phone="03 87 00 00 00",
        hours="mardi et jeudi 9h-12h",
        bring="une pièce d'identité",
    )
    text = person_sms("Ordilien : vous êtes orienté vers", place, "Demandez Julie à l'accueil.")
    assert (sms_length(text) or 999) <= 160
    assert "Médiathèque Verlaine, 1 rue de la Paix" in text and "mardi et jeudi 9h-12h" in text
    # What does not fit is left out, the place and its address never.
    long = PlaceFacts(name="Centre social " + "très " * 30, address="2 avenue Foch")
    text = person_sms("Ordilien : vous êtes orienté vers", long)
    assert "2 avenue Foch" in text and sms_length(text) is not None
