"""Issue 17, the pure parts: freshness, like-with-like savings, what a family is told."""

from __future__ import annotations

from datetime import date

from app.tariffs import public
from app.tariffs.freshness import months_before, verified_within
from app.tariffs.matching import (
    Facts,
    Met,
    Need,
    Offer,
    OfferKind,
    gsm7_length,
    match_offers,
)
from app.tariffs.savings import SavingKind, saving, split_by_connection

TODAY = date(2026, 12, 3)


def _offer(**fields) -> Offer:  # type: ignore[no-untyped-def]
    values = {
        "id": 1,
        "provider": "Orange",
        "name": "Coup de Pouce Internet",
        "kind": OfferKind.BOX,
        "monthly_price_cents": 1599,
        "statuses_any": frozenset({"rsa"}),
        "checked_on": date(2026, 11, 1),
    }
    values.update(fields)
    return Offer(**values)


def test_months_before_and_verified_within() -> None:
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 15), 6) == date(2025, 9, 15)
    assert verified_within(date(2026, 6, 3), TODAY, 6)
    assert not verified_within(date(2026, 6, 2), TODAY, 6)
    assert not verified_within(None, TODAY)
    assert not verified_within(date(2011, 1, 1), TODAY)
    assert verified_within(date(2026, 1, 1), TODAY, 12)


def test_a_box_is_compared_with_the_box_spend_only() -> None:
    # Smartphone only, 35 EUR a month: a 15.99 EUR box adds to it, it saves nothing.
    box, mobile = split_by_connection("mobile", 3500)
    assert (box, mobile) == (0, 3500)
    found = saving("box", 12 * 1599, box, mobile, 3500)
    assert found.kind is SavingKind.ADDS and found.yearly_cents is None
    plan = saving("mobile", 12 * 1000, box, mobile, 3500)
    assert plan.kind is SavingKind.SAVES and plan.yearly_cents == 12 * 3500 - 12 * 1000
    assert saving("data", 12 * 4000, box, mobile, 3500).kind is SavingKind.COSTS_MORE
    bundle = saving("bundle", 12 * 3000, 2000, 1500, None)
    assert bundle.yearly_cents == 12 * 3500 - 12 * 3000


def test_one_total_gives_no_saving_and_nothing_known_neither() -> None:
    assert split_by_connection("box_and_mobile", 5000) == (None, None)
    assert saving("box", 12 * 1599, None, None, 5000).kind is SavingKind.TOTAL_ONLY
    assert saving("mobile", 1200, None, None, None).kind is SavingKind.UNKNOWN
    assert saving("box", 1200, 0, 0, 0).kind is SavingKind.NEW_COST


def test_matching_says_en_plus_de_votre_forfait_for_a_box() -> None:
    facts = Facts(
        statuses=frozenset({"rsa"}),
        needs=frozenset({Need.BOX, Need.MOBILE}),
        monthly_spend_cents=3500,
        box_spend_cents=0,
        mobile_spend_cents=3500,
    )
    [p] = match_offers(facts, [_offer()], TODAY).eligible
    assert p.yearly_saving_cents is None and p.saving_kind is SavingKind.ADDS
    assert any("en plus de votre forfait" in w.text for w in p.warnings)


def test_no_tick_for_the_dates_of_an_offer_verified_in_2011() -> None:
    facts = Facts(statuses=frozenset({"rsa"}))
    [old] = match_offers(facts, [_offer(checked_on=date(2011, 1, 1))], TODAY).eligible
    dates = next(r for r in old.reasons if r.condition == "Dates")
    assert dates.met is Met.TO_CHECK and "01/01/2011" in dates.text
    assert "proposée en ce moment" not in dates.text
    [fresh] = match_offers(facts, [_offer()], TODAY).eligible
    assert next(r for r in fresh.reasons if r.condition == "Dates").met is Met.YES


def test_the_family_is_told_only_verified_offers_in_force() -> None:
    facts = Facts(statuses=frozenset({"rsa"}))
    offers = [
        _offer(id=1, checked_on=date(2011, 1, 1)),
        _offer(id=2, provider="Free", checked_on=date(2026, 10, 1)),
        _offer(id=3, provider="SFR", checked_on=date(2026, 10, 1), valid_to=date(2026, 12, 1)),
    ]
    result = match_offers(facts, offers, TODAY)
    told = public.family_result(result)
    assert [p.offer.id for p in told.eligible] == [2]
    assert "Free" in public.family_sms(result) and "Orange" not in public.family_sms(result)
    stale_only = match_offers(facts, offers[:1], TODAY)
    sms = public.family_sms(stale_only)
    assert "France Services" in sms and "Orange" not in sms
    assert (gsm7_length(sms) or 999) <= 160
    # A shorter window leaves the October check out.
    assert public.family_result(result, months=1).eligible == ()


def test_family_how_never_names_a_status() -> None:
    named = _offer(how_to_subscribe="En boutique, avec l'attestation de droits au RSA.")
    assert public.family_how(named) == "" and public.asks_proof(named)
    plain = _offer(how_to_subscribe="En boutique Orange ou au 3900, avec l'attestation de droits.")
    assert public.family_how(plain) == plain.how_to_subscribe
    for text in ("bénéficiaire de l'AAH", "minima sociaux", "Prime d'activité", "ASPA"):
        assert public.names_a_status(text), text
    assert not public.names_a_status("Assez de données pour la semaine")
