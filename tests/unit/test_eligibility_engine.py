"""The eligibility engine, alone: the shipped programmes, and properties (hypothesis)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.eligibility.conditions import (
    CommitmentCondition,
    HouseholdSizeCondition,
    LocationCondition,
    MemberAgeCondition,
    NoEquipmentCondition,
    QpvCondition,
    QuotaCondition,
    StatusesCondition,
)
from app.eligibility.engine import Eligibility, evaluate, evaluate_all
from app.eligibility.explain import say
from app.eligibility.facts import Facts, Proof, QuotaUse, StatusFact
from app.eligibility.loader import load_directory
from app.eligibility.programme import (
    OutcomeKind,
    OutcomeSpec,
    Programme,
    Source,
    priced_outcome,
)
from app.eligibility.vocabulary import Commitment, DeviceType, Status

PROGRAMMES = load_directory()
BY_CODE = {p.code: p for p in PROGRAMMES}
DAY = date(2026, 11, 23)


def rsa_chateaudun(**changes: object) -> Facts:
    """An RSA household of Châteaudun, one of the two communes of the 15 EUR experiment."""
    base = Facts(
        statuses=(StatusFact(Status.RSA, Proof.DECLARED, date(2026, 11, 1)),),
        ages=(40,),
        reference_age=40,
        postcode="28200",
        commune="Châteaudun",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_shipped_programmes_load() -> None:
    assert {
        "rsa-ordinateur-15",
        "pre-pret-ordinateur",
        "mission-locale-pays-messin-pret",
        "prix-solidaires",
        "ccas-metz-aide",
    } <= set(BY_CODE)


def test_rsa_household_gets_the_15_euro_computer_with_reasons() -> None:
    decision = evaluate(BY_CODE["rsa-ordinateur-15"], rsa_chateaudun(), DAY)
    assert decision.eligibility is Eligibility.ELIGIBLE
    assert decision.outcome is not None and decision.outcome.price_eur == 15
    assert "15 €" in decision.outcome.sentence()
    sentences = " ".join(c.sentence for c in decision.conditions)
    assert "RSA" in sentences and "Châteaudun" in sentences and "test Pix" in sentences
    # The parameter used, with the day it took effect.
    quota = next(c for c in decision.conditions if c.kind == "quota")
    assert quota.parameters[0].value == 1 and quota.parameters[0].since == date(2023, 1, 1)
    assert decision.programme.source.citation == "004:18"
    assert decision.to_confirm == ("Engagement à passer le test Pix",)


def test_rsa_household_is_refused_the_pre_loan_with_its_reason() -> None:
    decision = evaluate(BY_CODE["pre-pret-ordinateur"], rsa_chateaudun(), DAY)
    assert decision.eligibility is Eligibility.NOT_ELIGIBLE
    assert decision.outcome is None
    assert "2 à 16 ans" in decision.reason
    assert "quartier prioritaire" in decision.reason


def test_pre_family_in_qpv_with_a_child_gets_the_loan() -> None:
    facts = Facts(
        statuses=(StatusFact(Status.PRE_FAMILY),),
        ages=(38, 9),
        reference_age=38,
        qpv=True,
        postcode="57070",
        commune="Metz",
    )
    decision = evaluate(BY_CODE["pre-pret-ordinateur"], facts, DAY)
    assert decision.granted
    assert decision.outcome is not None
    assert decision.outcome.kind is OutcomeKind.LOAN and decision.outcome.loan_months == 12
    assert decision.outcome_dict()["mode"] == "loan"  # what loans' terms_from_decision reads


def test_youth_loan_depends_on_the_reference_persons_age() -> None:
    young = Facts(
        statuses=(StatusFact(Status.YOUNG_NEET),), ages=(19,), reference_age=19, commune="Metz"
    )
    assert evaluate(BY_CODE["mission-locale-pays-messin-pret"], young, DAY).granted
    older = dataclasses.replace(young, ages=(27,), reference_age=27)
    decision = evaluate(BY_CODE["mission-locale-pays-messin-pret"], older, DAY)
    assert decision.eligibility is Eligibility.NOT_ELIGIBLE
    assert "27 ans" in decision.reason


def test_expired_attestation_makes_it_almost_eligible() -> None:
    expired = StatusFact(Status.RSA, Proof.DECLARED, date(2025, 1, 1), date(2026, 6, 30))
    decision = evaluate(BY_CODE["rsa-ordinateur-15"], rsa_chateaudun(statuses=(expired,)), DAY)
    assert decision.eligibility is Eligibility.ALMOST
    assert decision.missing == ("l'attestation RSA à jour",)
    assert "expiré le 30/06/2026" in " ".join(c.sentence for c in decision.conditions)
    assert decision.outcome is not None  # shown, so the prescriber knows what is at stake


def test_claimed_status_is_almost_eligible_but_absent_status_is_not() -> None:
    claimed = rsa_chateaudun(statuses=(StatusFact(Status.RSA, Proof.CLAIMED),))
    assert evaluate(BY_CODE["rsa-ordinateur-15"], claimed, DAY).eligibility is Eligibility.ALMOST
    nothing = rsa_chateaudun(statuses=())
    decision = evaluate(BY_CODE["rsa-ordinateur-15"], nothing, DAY)
    assert decision.eligibility is Eligibility.NOT_ELIGIBLE


def test_document_required_and_only_the_prescribers_word() -> None:
    programme = _programme(StatusesCondition((Status.AAH,), "any_of", Proof.DOCUMENT_SEEN))
    word = Facts(statuses=(StatusFact(Status.AAH, Proof.DECLARED),))
    decision = evaluate(programme, word, DAY)
    assert decision.eligibility is Eligibility.ALMOST
    assert "justificatif vu" in decision.missing[0]
    seen = Facts(statuses=(StatusFact(Status.AAH, Proof.DOCUMENT_SEEN),))
    assert evaluate(programme, seen, DAY).granted


def test_quota_used_this_year_refuses_and_says_so() -> None:
    facts = rsa_chateaudun(quota_uses=(QuotaUse("ordinateur-rsa", "2026"),))
    decision = evaluate(BY_CODE["rsa-ordinateur-15"], facts, DAY)
    assert decision.eligibility is Eligibility.NOT_ELIGIBLE
    assert "déjà reçu 1" in decision.reason
    # Last year's computer does not count this year.
    facts = rsa_chateaudun(quota_uses=(QuotaUse("ordinateur-rsa", "2025"),))
    assert evaluate(BY_CODE["rsa-ordinateur-15"], facts, DAY).granted


def test_commitment_refused_in_prescription_is_almost_eligible() -> None:
    facts = rsa_chateaudun(commitments=frozenset())
    decision = evaluate(BY_CODE["rsa-ordinateur-15"], facts, DAY)
    assert decision.eligibility is Eligibility.ALMOST
    facts = rsa_chateaudun(commitments=frozenset({Commitment.PIX_TEST}))
    assert evaluate(BY_CODE["rsa-ordinateur-15"], facts, DAY).granted


def test_location_by_commune_name_ignores_case_and_accents() -> None:
    programme = BY_CODE["ccas-metz-aide"]
    facts = Facts(statuses=(StatusFact(Status.RSA),), commune="METZ", postcode="")
    assert evaluate(programme, facts, DAY).granted
    facts = Facts(statuses=(StatusFact(Status.RSA),), commune="Amiens", postcode="80000")
    decision = evaluate(programme, facts, DAY)
    assert not decision.granted and "Amiens (80000)" in decision.reason


def test_all_programmes_at_once_are_ranked_best_first() -> None:
    decisions = evaluate_all(PROGRAMMES, rsa_chateaudun(), DAY, DeviceType.LAPTOP)
    assert [d.programme.code for d in decisions][:2] == ["rsa-ordinateur-15", "prix-solidaires"]
    order = {Eligibility.ELIGIBLE: 0, Eligibility.ALMOST: 1, Eligibility.NOT_ELIGIBLE: 2}
    ranks = [order[d.eligibility] for d in decisions]
    assert ranks == sorted(ranks)


def test_price_grid_gives_a_price_once_the_grade_is_known() -> None:
    decision = evaluate(BY_CODE["prix-solidaires"], rsa_chateaudun(), DAY)
    outcome = decision.outcome_dict()
    assert outcome is not None and outcome["price_eur"] is None
    assert max(outcome["price_grid"]["laptop"].values()) <= 150  # Emmaüs Connect 2022 cap
    assert max(outcome["price_grid"]["smartphone"].values()) <= 100
    assert priced_outcome(outcome, "laptop", "B")["price_eur"] == 110


def test_dated_parameter_changes_the_decision_on_its_date() -> None:
    from app.eligibility.loader import parse

    text = Path(BY_CODE["rsa-ordinateur-15"].path).read_text(encoding="utf-8")
    text = text.replace("      2023-01-01: 15\n", "      2023-01-01: 15\n      2027-01-01: 20\n")
    programme = parse(text, "test.yaml")
    before = evaluate(programme, rsa_chateaudun(), date(2026, 12, 31))
    after = evaluate(programme, rsa_chateaudun(), date(2027, 1, 1))
    assert before.outcome is not None and before.outcome.price_eur == 15
    assert after.outcome is not None and after.outcome.price_eur == 20
    assert any(p.since == date(2027, 1, 1) for p in after.outcome.parameters)


# --------------------------------------------------------------------------- properties


def _programme(
    *conditions: object, valid_from: date = date(2020, 1, 1), valid_to: date | None = None
) -> Programme:
    return Programme(
        code="test",
        name="Test",
        summary="Test",
        device_types=(DeviceType.LAPTOP,),
        valid_from=valid_from,
        valid_to=valid_to,
        conditions=tuple(conditions),  # type: ignore[arg-type]
        outcome=OutcomeSpec(OutcomeKind.SALE, price_eur=10),
        source=Source("test:1"),
    )


statuses = st.sampled_from(list(Status))
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
proofs = st.sampled_from(list(Proof))


@st.composite
def facts_strategy(draw: st.DrawFn) -> Facts:
    ages = draw(st.lists(st.integers(0, 100), min_size=0, max_size=6))
    status_facts = []
    for status in draw(st.lists(statuses, max_size=5, unique=True)):
        start = draw(st.one_of(st.none(), days))
        end = draw(st.one_of(st.none(), days))
        status_facts.append(StatusFact(status, draw(proofs), start, end))
    return Facts(
        statuses=tuple(status_facts),
        ages=tuple(ages),
        reference_age=ages[0] if ages else draw(st.one_of(st.none(), st.integers(0, 100))),
        postcode=draw(st.sampled_from(["", "28000", "57000", "80080", "75011"])),
        commune=draw(st.sampled_from(["", "Metz", "Chartres", "Châteaudun", "Amiens"])),
        qpv=draw(st.booleans()),
        has_computer=draw(st.booleans()),
        has_smartphone=draw(st.booleans()),
        has_tablet=draw(st.booleans()),
        quota_uses=tuple(
            QuotaUse(key, period)
            for key, period in draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["ordinateur-rsa", "pre-ordinateur", "prix-solidaires"]),
                        st.sampled_from(["2025", "2026", "ever"]),
                    ),
                    max_size=3,
                )
            )
        ),
        commitments=draw(st.one_of(st.none(), st.frozensets(st.sampled_from(list(Commitment))))),
    )


@st.composite
def condition_strategy(draw: st.DrawFn) -> object:
    kind = draw(st.integers(0, 7))
    if kind == 0:
        return StatusesCondition(
            tuple(draw(st.lists(statuses, min_size=1, max_size=3, unique=True))),
            draw(st.sampled_from(["any_of", "all_of"])),
            draw(st.sampled_from([Proof.DECLARED, Proof.DOCUMENT_SEEN])),
        )
    if kind == 1:
        low = draw(st.integers(0, 60))
        return MemberAgeCondition(
            low,
            low + draw(st.integers(0, 40)),
            draw(st.integers(1, 3)),
            draw(st.sampled_from(["any", "reference"])),
        )
    if kind == 2:
        return LocationCondition(("Metz",), ("28000",), ("80",))
    if kind == 3:
        return QpvCondition()
    if kind == 4:
        return HouseholdSizeCondition(
            draw(st.integers(1, 3)), draw(st.one_of(st.none(), st.integers(3, 8)))
        )
    if kind == 5:
        return NoEquipmentCondition(
            tuple(
                draw(
                    st.lists(
                        st.sampled_from(["computer", "smartphone", "tablet"]),
                        min_size=1,
                        max_size=3,
                        unique=True,
                    )
                )
            )
        )
    if kind == 6:
        return QuotaCondition(
            draw(st.sampled_from(["ordinateur-rsa", "pre-ordinateur"])),
            draw(st.integers(1, 2)),
            draw(st.sampled_from(["year", "ever"])),
        )
    return CommitmentCondition(draw(st.sampled_from(list(Commitment))))


programmes_strategy = st.one_of(
    st.sampled_from(PROGRAMMES),
    st.builds(
        lambda conditions, start, length: _programme(
            *conditions, valid_from=start, valid_to=start + timedelta(days=length)
        ),
        st.lists(condition_strategy(), min_size=1, max_size=5),
        days,
        st.integers(0, 2000),
    ),
)

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(programme=programmes_strategy, facts=facts_strategy(), on=days)
def test_outside_its_dates_nothing_is_granted_and_the_reason_says_so(
    programme: Programme, facts: Facts, on: date
) -> None:
    decision = evaluate(programme, facts, on)
    if not programme.in_force(on):
        assert decision.eligibility is Eligibility.NOT_ELIGIBLE
        assert decision.outcome is None
        assert "en vigueur" in decision.reason
        assert decision.conditions[0].kind == "validity" and decision.conditions[0].met is False


@PROPERTY
@given(programme=programmes_strategy, facts=facts_strategy(), on=days)
def test_every_condition_has_a_sentence(programme: Programme, facts: Facts, on: date) -> None:
    decision = evaluate(programme, facts, on)
    for result in decision.conditions:
        assert result.sentence.strip()
        assert result.sentence.rstrip().endswith((".", ")"))
        assert result.kind
    if programme.in_force(on):
        assert len(decision.conditions) == len(programme.conditions) + 1
    assert decision.reason.strip()
    for condition in programme.conditions:
        assert say(*condition.describe()).strip()  # the programme page explains every rule too


@PROPERTY
@given(
    programme=programmes_strategy,
    facts=facts_strategy(),
    on=days,
    extra=st.lists(condition_strategy(), min_size=1, max_size=3),
)
def test_adding_a_met_condition_never_makes_an_eligible_household_ineligible(
    programme: Programme, facts: Facts, on: date, extra: list[object]
) -> None:
    before = evaluate(programme, facts, on)
    probe = _programme(*extra, valid_from=date(2000, 1, 1))
    met = [
        condition
        for condition, result in zip(extra, evaluate(probe, facts, on).conditions[1:], strict=True)
        if result.met is True
    ]
    extended = dataclasses.replace(programme, conditions=programme.conditions + tuple(met))  # type: ignore[arg-type]
    after = evaluate(extended, facts, on)
    rank = {Eligibility.ELIGIBLE: 0, Eligibility.ALMOST: 1, Eligibility.NOT_ELIGIBLE: 2}
    assert rank[after.eligibility] == rank[before.eligibility]
    if before.granted:
        assert after.granted


@pytest.mark.parametrize("programme", PROGRAMMES, ids=lambda p: p.code)
def test_every_shipped_programme_cites_its_source(programme: Programme) -> None:
    assert programme.source.citation
    decision = evaluate(programme, Facts(), DAY)
    assert decision.as_dict()["source"]["citation"] == programme.source.citation


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(population=st.lists(facts_strategy(), min_size=2, max_size=12), on=days)
def test_results_reused_across_households_never_change_a_decision(
    population: list[Facts], on: date
) -> None:
    shared = [dataclasses.replace(p) for p in PROGRAMMES]  # one cache for the population
    for facts in population:
        warm = [d.as_dict() for d in evaluate_all(shared, facts, on)]
        cold = [
            d.as_dict()
            for d in evaluate_all([dataclasses.replace(p) for p in PROGRAMMES], facts, on)
        ]
        assert warm == cold
