"""Decisions stored before the condition codes (migration 0009) are read back exactly.

The French sentences the engine wrote until then are what ``explain.say`` writes in
French today (tests/unit/test_eligibility_engine.py checks those sentences), so each
generated condition, put into French words and read back by ``legacy``, must give its
code and data again.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given

from app.eligibility import legacy
from app.eligibility.engine import evaluate
from app.eligibility.explain import say
from app.eligibility.facts import Facts
from app.eligibility.programme import Programme
from tests.unit.test_eligibility_engine import (
    BY_CODE,
    PROPERTY,
    days,
    facts_strategy,
    programmes_strategy,
)


def _plain(value: object) -> object:
    """Tuples and lists alike, as JSON keeps them."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@PROPERTY
@given(programme=programmes_strategy, facts=facts_strategy(), on=days)
def test_every_old_sentence_reads_back_as_its_code(
    programme: Programme, facts: Facts, on: date
) -> None:
    decision = evaluate(programme, facts, on)
    for result in decision.conditions:
        code, args = legacy.sentence_to_code(say(result.code, result.args))
        assert code == result.code, say(result.code, result.args)
        assert say(code, args) == say(result.code, result.args)
    for phrase in decision.missing_phrases + decision.to_confirm_phrases:
        item = legacy.phrase_to_code(say(*phrase))
        assert (item["code"], _plain(item["args"])) == (phrase[0], _plain(phrase[1]))


def test_a_stored_decision_of_before_is_upgraded_and_still_reads_the_same() -> None:
    old = {
        "eligibility": "almost",
        "reason": "Il ne manque que : l'attestation RSA à jour.",
        "missing": ["l'attestation RSA à jour"],
        "to_confirm": ["Engagement à passer le test Pix"],
        "conditions": [
            {
                "kind": "validity",
                "met": True,
                "sentence": "Le programme est en vigueur (depuis le 01/01/2023).",
            },
            {
                "kind": "statuses",
                "met": False,
                "sentence": "Il manque une attestation à jour (RSA : l'attestation a expiré le 30/06/2026).",
                "parameters": [],
            },
            {"kind": "other", "met": True, "sentence": "Une phrase que personne ne reconnaît."},
        ],
        "outcome": {"kind": "sale", "price_eur": 15, "sentence": "Vente…"},
    }
    new = legacy.upgrade_decision(old)
    assert [c["code"] for c in new["conditions"]] == [
        "validity.in_force",
        "statuses.needs_attestation",
        "legacy.text",
    ]
    assert new["conditions"][1]["fix"] == "attestation"
    assert new["conditions"][1]["args"]["reasons"][0] == {
        "status": "rsa",
        "why": "expired",
        "day": "2026-06-30",
    }
    assert (
        say("legacy.text", new["conditions"][2]["args"]) == "Une phrase que personne ne reconnaît."
    )
    assert new["missing"] == [
        {"code": "missing.attestation", "args": {"statuses": ["rsa"], "document": False}}
    ]
    assert "sentence" not in new["outcome"] and "reason" not in new
    assert legacy.upgrade_decision(new) == new  # idempotent
    assert BY_CODE  # the shipped programmes load (the strategies use them)
