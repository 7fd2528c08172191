"""The pure tariff matching: examples, then properties over random catalogues (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.tariffs.matching import (
    AreaKind,
    Eligibility,
    Facts,
    Met,
    Need,
    NoticeKind,
    Offer,
    OfferKind,
    department_of,
    first_year_cost_cents,
    format_money,
    gsm7_length,
    is_valid_on,
    match_offers,
    normalise_place,
    region_of,
)
from app.tariffs.sms import tariff_sms

TODAY = date(2026, 11, 23)


def offer(**fields) -> Offer:  # type: ignore[no-untyped-def]
    base = {
        "id": 1,
        "provider": "Orange",
        "name": "Coup de Pouce Internet",
        "kind": OfferKind.BOX,
        "monthly_price_cents": 1599,
        "statuses_any": frozenset({"rsa", "aah"}),
        "checked_on": TODAY - timedelta(days=30),
    }
    base.update(fields)
    return Offer(**base)


RSA_METZ = Facts(
    statuses=frozenset({"rsa"}),
    commune="Metz",
    postcode="57000",
    needs=frozenset({Need.BOX}),
    monthly_spend_cents=0,
)


def test_rsa_household_gets_the_box_offer_with_reasons_and_saving() -> None:
    facts = Facts(
        statuses=frozenset({"rsa"}),
        commune="Metz",
        postcode="57000",
        needs=frozenset({Need.BOX}),
        monthly_spend_cents=4000,
        box_spend_cents=4000,  # a box is compared with the box spend (issue 17)
    )
    result = match_offers(facts, [offer()], TODAY)
    assert [p.offer.id for p in result.eligible] == [1]
    proposal = result.eligible[0]
    assert proposal.eligibility is Eligibility.ELIGIBLE
    assert proposal.yearly_cost_cents == 12 * 1599
    assert proposal.yearly_saving_cents == 12 * 4000 - 12 * 1599
    texts = " ".join(r.text for r in proposal.reasons)
    assert "RSA" in texts and "attesté" in texts
    assert "box internet" in texts
    assert all(r.met is Met.YES for r in proposal.reasons)
    assert not proposal.to_verify


def test_household_without_the_status_gets_nothing() -> None:
    facts = Facts(statuses=frozenset({"css"}), postcode="57000", commune="Metz")
    assert match_offers(facts, [offer()], TODAY).eligible == ()
    assert match_offers(facts, [offer()], TODAY).almost == ()


def test_declared_but_not_attested_status_is_almost_eligible() -> None:
    facts = Facts(pending_statuses=frozenset({"rsa"}), postcode="57000", commune="Metz")
    result = match_offers(facts, [offer()], TODAY)
    assert result.eligible == ()
    [proposal] = result.almost
    assert proposal.eligibility is Eligibility.ALMOST
    assert proposal.missing_attestations == ("rsa",)
    missing = [r for r in proposal.reasons if r.met is Met.MISSING_ATTESTATION]
    assert missing and "attester" in missing[0].text


def test_all_of_statuses_need_each_one() -> None:
    both = offer(statuses_any=frozenset(), statuses_all=frozenset({"rsa", "qpv_resident"}))
    only_rsa = Facts(statuses=frozenset({"rsa"}))
    assert match_offers(only_rsa, [both], TODAY).eligible == ()
    full = Facts(statuses=frozenset({"rsa", "qpv_resident"}))
    assert len(match_offers(full, [both], TODAY).eligible) == 1
    pending = Facts(statuses=frozenset({"rsa"}), pending_statuses=frozenset({"qpv_resident"}))
    assert len(match_offers(pending, [both], TODAY).almost) == 1


def test_validity_dates_are_inclusive_and_enforced() -> None:
    o = offer(valid_from=TODAY, valid_to=TODAY + timedelta(days=10))
    assert is_valid_on(o, TODAY) and is_valid_on(o, TODAY + timedelta(days=10))
    assert not is_valid_on(o, TODAY - timedelta(days=1))
    assert match_offers(RSA_METZ, [o], TODAY + timedelta(days=11)).eligible == ()


def test_area_by_commune_postcode_department_and_region() -> None:
    metz = offer(area_kind=AreaKind.COMMUNES, area_codes=("Metz", "Woippy"))
    by_postcode = offer(id=2, area_kind=AreaKind.COMMUNES, area_codes=("57000",))
    moselle = offer(id=3, area_kind=AreaKind.DEPARTMENT, area_codes=("57",))
    grand_est = offer(id=4, area_kind=AreaKind.REGION, area_codes=("Grand Est",))
    picardie = offer(id=5, area_kind=AreaKind.REGION, area_codes=("Hauts-de-France",))
    ids = {
        p.offer.id
        for p in match_offers(
            RSA_METZ, [metz, by_postcode, moselle, grand_est, picardie], TODAY
        ).eligible
    }
    assert ids == {1, 2, 3, 4}
    nowhere = Facts(statuses=frozenset({"rsa"}))
    assert match_offers(nowhere, [metz, moselle, grand_est], TODAY).eligible == ()


def test_other_country_is_never_proposed() -> None:
    uk = offer(country="UK", statuses_any=frozenset({"universal_credit"}))
    assert match_offers(Facts(statuses=frozenset({"universal_credit"})), [uk], TODAY).eligible == ()
    uk_facts = Facts(country="UK", statuses=frozenset({"universal_credit"}))
    assert len(match_offers(uk_facts, [uk], TODAY).eligible) == 1


def test_need_filters_kinds() -> None:
    box = offer(id=1)
    mobile_no_data = offer(id=2, kind=OfferKind.MOBILE, monthly_price_cents=1000)
    mobile_data = offer(id=3, kind=OfferKind.MOBILE, monthly_price_cents=1000, data_gb=5)
    data = offer(id=4, kind=OfferKind.DATA, monthly_price_cents=500, statuses_any=frozenset())
    catalogue = [box, mobile_no_data, mobile_data, data]
    for need, expected in [
        (Need.BOX, {1}),
        (Need.MOBILE, {2, 3}),
        (Need.DATA, {3, 4}),
    ]:
        facts = Facts(statuses=frozenset({"rsa"}), needs=frozenset({need}))
        assert {p.offer.id for p in match_offers(facts, catalogue, TODAY).eligible} == expected
    anything = Facts(statuses=frozenset({"rsa"}))
    assert len(match_offers(anything, catalogue, TODAY).eligible) == 4


def test_first_year_cost_counts_intro_price_fees_and_rental() -> None:
    o = offer(
        monthly_price_cents=2000,
        intro_price_cents=1000,
        intro_months=6,
        setup_fee_cents=4800,
        rental_cents=300,
    )
    assert first_year_cost_cents(o) == 4800 + 12 * 300 + 6 * 1000 + 6 * 2000


def test_warnings_stale_commitment_proof_and_no_saving() -> None:
    o = offer(
        checked_on=date(2023, 1, 1),
        commitment_months=12,
        proof_required="attestation CAF de moins de 3 mois",
    )
    facts = Facts(statuses=frozenset({"rsa"}), monthly_spend_cents=500, box_spend_cents=500)
    [proposal] = match_offers(facts, [o], TODAY).eligible
    kinds = {w.kind for w in proposal.warnings}
    assert kinds >= {
        NoticeKind.STALE,
        NoticeKind.COMMITMENT,
        NoticeKind.PROOF,
        NoticeKind.NO_SAVING,
    }
    assert proposal.to_verify
    assert "01/01/2023" in next(w.text for w in proposal.warnings if w.kind is NoticeKind.STALE)
    never = offer(checked_on=None)
    assert match_offers(facts, [never], TODAY).eligible[0].to_verify


def test_other_conditions_are_listed_to_check() -> None:
    o = offer(statuses_any=frozenset(), other_conditions="orientation par un travailleur social")
    [proposal] = match_offers(Facts(), [o], TODAY).eligible
    assert any(r.met is Met.TO_CHECK and "travailleur social" in r.text for r in proposal.reasons)


def test_limit_caps_each_list() -> None:
    offers = [offer(id=i, monthly_price_cents=1000 + i) for i in range(10)]
    result = match_offers(RSA_METZ, offers, TODAY, limit=3)
    assert [p.offer.id for p in result.eligible] == [0, 1, 2]


def test_places_and_money() -> None:
    assert normalise_place("Saint-Étienne") == normalise_place("saint etienne")
    assert department_of("20100") == "2A" and department_of("20200") == "2B"
    assert department_of("97411") == "974" and department_of("abc") == ""
    assert region_of("80000") == normalise_place("Hauts-de-France")
    assert format_money(1599) == "15,99 €"
    assert format_money(1500, "UK") == "15 £"
    assert format_money(123456) == "1\u202f234,56 €"


def test_sms_fits_one_message() -> None:
    offers = [
        offer(id=1),
        offer(
            id=2,
            provider="SFR",
            name="Forfait bloqué tarif social",
            kind=OfferKind.MOBILE,
            monthly_price_cents=1000,
        ),
    ]
    facts = Facts(statuses=frozenset({"rsa"}))
    text = tariff_sms(match_offers(facts, offers, TODAY))
    assert "SFR, forfait 10€/mois" in text and "Orange, box 15,99€/mois" in text
    length = gsm7_length(text)
    assert length is not None and length <= 160
    long = [offer(name="x" * 300)]
    text = tariff_sms(match_offers(facts, long, TODAY))
    assert (gsm7_length(text) or 999) <= 160
    assert "France Services" in tariff_sms(match_offers(Facts(), [offer()], TODAY))


# ---- properties ------------------------------------------------------------------

STATUSES = ["rsa", "aah", "css", "qpv_resident", "senior_60"]
COMMUNES = [("Metz", "57000"), ("Amiens", "80000"), ("Chartres", "28000"), ("Woippy", "57140")]
DAY0 = date(2026, 1, 1)

status_sets = st.frozensets(st.sampled_from(STATUSES), max_size=3)
days = st.integers(min_value=-400, max_value=400).map(lambda d: DAY0 + timedelta(days=d))


# Strategies built once: hypothesis validates each new strategy object, which is slow.
_AREAS = {
    AreaKind.NATIONAL: st.just(()),
    AreaKind.COMMUNES: st.lists(
        st.sampled_from([c for pair in COMMUNES for c in pair]), max_size=3
    ).map(tuple),
    AreaKind.DEPARTMENT: st.lists(st.sampled_from(["57", "80", "28", "75"]), max_size=2).map(tuple),
    AreaKind.REGION: st.lists(
        st.sampled_from(["Grand Est", "Hauts-de-France", "Bretagne"]), max_size=2
    ).map(tuple),
}
_area = st.sampled_from(list(AreaKind)).flatmap(lambda k: st.tuples(st.just(k), _AREAS[k]))
_intro = st.none() | st.tuples(st.integers(0, 3000), st.integers(0, 18))
_offer_fields = st.fixed_dictionaries(
    {
        "provider": st.sampled_from(["Orange", "SFR", "Bouygues", "Free"]),
        "kind": st.sampled_from(list(OfferKind)),
        "monthly_price_cents": st.integers(0, 5000),
        "country": st.sampled_from(["FR", "FR", "FR", "UK"]),
        "setup_fee_cents": st.integers(0, 5000),
        "rental_cents": st.integers(0, 500),
        "commitment_months": st.sampled_from([0, 12, 24]),
        "data_gb": st.none() | st.sampled_from([0.5, 2.0, 100.0]),
        "statuses_any": status_sets,
        "statuses_all": st.frozensets(st.sampled_from(STATUSES), max_size=2),
        "other_conditions": st.sampled_from(["", "orientation par un travailleur social"]),
        "checked_on": st.none() | days,
        "valid_from": st.none() | days,
        "valid_to": st.none() | days,
    }
)
_offer_parts = st.tuples(_offer_fields, _area, _intro)


def _offer(i: int, parts: tuple) -> Offer:  # type: ignore[type-arg]
    fields, (area_kind, codes), intro = parts
    return Offer(
        id=i,
        name=f"Offre {i}",
        area_kind=area_kind,
        area_codes=codes,
        intro_price_cents=intro[0] if intro else None,
        intro_months=intro[1] if intro else 0,
        **fields,
    )


catalogues = st.lists(_offer_parts, max_size=20).map(
    lambda rows: [_offer(i, parts) for i, parts in enumerate(rows)]
)


@st.composite
def households(draw: st.DrawFn) -> Facts:
    commune, postcode = draw(st.sampled_from([*COMMUNES, ("", "")]))
    return Facts(
        statuses=draw(status_sets),
        pending_statuses=draw(status_sets),
        commune=commune,
        postcode=postcode,
        country=draw(st.sampled_from(["FR", "FR", "UK"])),
        needs=draw(st.frozensets(st.sampled_from(list(Need)))),
        monthly_spend_cents=draw(st.none() | st.integers(0, 8000)),
        box_spend_cents=draw(st.none() | st.integers(0, 4000)),
        mobile_spend_cents=draw(st.none() | st.integers(0, 4000)),
    )


def _in_area_by_hand(o: Offer, facts: Facts) -> bool:
    """An independent reading of the area rule, to check the matching against."""
    if o.area_kind is AreaKind.NATIONAL:
        return True
    if o.area_kind is AreaKind.COMMUNES:
        names = {normalise_place(c) for c in o.area_codes}
        return bool(facts.postcode and facts.postcode in o.area_codes) or bool(
            facts.commune and normalise_place(facts.commune) in names
        )
    if o.area_kind is AreaKind.DEPARTMENT:
        return bool(facts.postcode) and facts.postcode[:2] in o.area_codes
    return bool(facts.postcode) and region_of(facts.postcode) in {
        normalise_place(r) for r in o.area_codes
    }


@settings(max_examples=150, deadline=None)
@given(catalogues, households(), days)
def test_never_proposed_outside_validity_dates_area_or_country(offers, facts, on) -> None:  # type: ignore[no-untyped-def]
    result = match_offers(facts, offers, on)
    for proposal in result.eligible + result.almost:
        o = proposal.offer
        assert o.valid_from is None or o.valid_from <= on
        assert o.valid_to is None or on <= o.valid_to
        assert o.country == facts.country
        assert _in_area_by_hand(o, facts)


@settings(max_examples=150, deadline=None)
@given(catalogues, households(), days)
def test_ranking_follows_the_price_paid(offers, facts, on) -> None:  # type: ignore[no-untyped-def]
    result = match_offers(facts, offers, on)
    for proposals in (result.eligible, result.almost):
        costs = [p.yearly_cost_cents for p in proposals]
        assert costs == sorted(costs)
        assert all(p.yearly_cost_cents == first_year_cost_cents(p.offer) for p in proposals)


@settings(max_examples=150, deadline=None)
@given(catalogues, households(), days)
def test_every_proposal_carries_its_reasons(offers, facts, on) -> None:  # type: ignore[no-untyped-def]
    result = match_offers(facts, offers, on)
    for proposal in result.eligible + result.almost:
        conditions = {r.condition for r in proposal.reasons}
        assert {"Dates", "Lieu", "Besoin", "Situation"} <= conditions
        assert all(r.text and "%(" not in r.text for r in proposal.reasons)
        assert all(w.text and "%(" not in w.text for w in proposal.warnings)
        if proposal.eligibility is Eligibility.ELIGIBLE:
            assert all(r.met in (Met.YES, Met.TO_CHECK) for r in proposal.reasons)
        else:
            assert proposal.missing_attestations
            assert any(r.met is Met.MISSING_ATTESTATION for r in proposal.reasons)
        # Issue 17: only the spend of the same kind is compared, never one total.
        if proposal.yearly_saving_cents is not None:
            assert proposal.compared_spend_cents is not None
            assert (
                proposal.yearly_saving_cents
                == 12 * proposal.compared_spend_cents - proposal.yearly_cost_cents
            )
        elif facts.box_spend_cents is None and facts.mobile_spend_cents is None:
            assert proposal.saving_kind in ("unknown", "total_only", "new_cost")


@settings(max_examples=150, deadline=None)
@given(catalogues, households(), days)
def test_eligible_offers_meet_every_status_condition(offers, facts, on) -> None:  # type: ignore[no-untyped-def]
    result = match_offers(facts, offers, on)
    for proposal in result.eligible:
        o = proposal.offer
        assert not o.statuses_any or o.statuses_any & facts.statuses
        assert o.statuses_all <= facts.statuses
        assert not facts.needs or facts.needs & {Need(k) for k in _needs_of(o)}
    ids = [p.offer.id for p in result.eligible + result.almost]
    assert len(ids) == len(set(ids))


def _needs_of(o: Offer) -> set[str]:
    from app.tariffs.matching import covered_needs

    return {str(n) for n in covered_needs(o)}


def test_best_per_need_shows_each_need_then_cheapest() -> None:
    from app.tariffs.matching import best_per_need

    offers = [
        offer(id=1, kind=OfferKind.MOBILE, monthly_price_cents=500),
        offer(id=2, kind=OfferKind.MOBILE, monthly_price_cents=600),
        offer(id=3, kind=OfferKind.MOBILE, monthly_price_cents=700),
        offer(id=4, kind=OfferKind.BOX, monthly_price_cents=1599),
    ]
    facts = Facts(statuses=frozenset({"rsa"}), needs=frozenset({Need.BOX, Need.MOBILE}))
    result = match_offers(facts, offers, TODAY)
    assert [p.offer.id for p in best_per_need(result, facts.needs, 3)] == [1, 2, 4]
    assert [p.offer.id for p in best_per_need(result, facts.needs, 1)] == [4]


ENGLISH = {
    "box": "box",
    "forfait": "plan",
    "recharges": "top-ups",
    "box+mobile": "box+mobile",
    "Tarif social pour vous : ": "Social tariff for you: ",
    "Tarifs sociaux pour vous : ": "Social tariffs for you: ",
    "%(price)s/mois": "%(price)s/month",
    ". Votre conseiller vous aide.": ". Your adviser can help.",
    "Tarif social internet et mobile : demandez à votre conseiller ou à un point "
    "France Services (%(site)s).": "Internet and mobile social tariffs: ask your adviser "
    "or a France Services point (%(site)s).",
}


@pytest.mark.parametrize("kind", list(OfferKind))
def test_tariff_sms_in_the_readers_language_one_segment(kind):
    from app.notify.gsm7 import SMS_LIMIT, gsm7_length

    offers = [offer(id=n, kind=kind, provider=f"Operateur {n}") for n in range(1, 4)]
    result = match_offers(Facts(statuses=frozenset({"rsa"})), offers, TODAY)
    french = tariff_sms(result)
    english = tariff_sms(result, lambda text: ENGLISH.get(text, text))
    assert "pour vous" in french and "/mois" in french
    assert "for you" in english and "/month" in english and "mois" not in english
    for text in (french, english):
        assert (gsm7_length(text) or 999) <= SMS_LIMIT


def test_no_offer_sms_says_where_to_ask_in_english():
    none = match_offers(Facts(), [], TODAY)
    assert "France Services" in tariff_sms(none)
    english = tariff_sms(none, lambda text: ENGLISH.get(text, text))
    assert english.startswith("Internet and mobile social tariffs: ask your adviser")
