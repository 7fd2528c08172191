"""The fast classification and the preview, alone: it classifies exactly like the engine
(hypothesis, on generated households and programmes), and the preview's sums."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.eligibility.classify import best_offers, classify
from app.eligibility.conditions import HouseholdSizeCondition, MemberAgeCondition
from app.eligibility.engine import Eligibility, evaluate, evaluate_all
from app.eligibility.facts import Facts
from app.eligibility.preview import compare, envelope_forecast
from app.eligibility.programme import Envelope, EnvelopeUse, Parameter, ParamRef, Programme
from app.eligibility.vocabulary import DeviceType
from tests.unit.test_eligibility_engine import (
    BY_CODE,
    PROGRAMMES,
    condition_strategy,
    days,
    facts_strategy,
    programmes_strategy,
    rsa_chateaudun,
)

DAY = date(2026, 11, 23)


@st.composite
def dated_programme(draw: st.DrawFn) -> Programme:
    """A programme whose thresholds and envelope are dated parameters that may be missing
    on the day (starting later, or ended), and whose outcome may lack its price."""
    start = draw(days)
    limit = Parameter(
        "age_max",
        "Âge maximum",
        ((start, draw(st.integers(10, 90))),)
        + ((start + timedelta(days=draw(st.integers(1, 900))), None),) * draw(st.integers(0, 1)),
    )
    price = Parameter("price", "Prix", ((draw(days), draw(st.integers(0, 50))),))
    grants = Parameter("grants", "Attributions", ((draw(days), draw(st.integers(0, 4))),))
    base = draw(programmes_strategy)
    extra = draw(st.lists(condition_strategy(), max_size=2))
    rules = (
        MemberAgeCondition(0, ParamRef("age_max"), draw(st.integers(1, 2))),
        HouseholdSizeCondition(None, ParamRef("age_max")),
    )
    return dataclasses.replace(
        base,
        conditions=base.conditions + tuple(extra) + rules[: draw(st.integers(0, 2))],  # type: ignore[arg-type]
        parameters={**base.parameters, "age_max": limit, "price": price, "grants": grants},
        outcome=dataclasses.replace(base.outcome, price_eur=ParamRef("price"))
        if draw(st.booleans())
        else base.outcome,
        envelope=draw(st.sampled_from([None, Envelope(max_grants=ParamRef("grants"))])),
    )


any_programme = st.one_of(programmes_strategy, dated_programme())
uses = st.one_of(st.none(), st.builds(EnvelopeUse, st.integers(0, 5), st.integers(0, 100)))
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(
    programme=any_programme,
    population=st.lists(facts_strategy(), min_size=1, max_size=25),
    on=days,
    use=uses,
)
def test_the_fast_path_classifies_exactly_like_the_engine(
    programme: Programme, population: list[Facts], on: date, use: EnvelopeUse | None
) -> None:
    # Households repeated, so that results reused across households are put to the test.
    population = population + population[::2]
    fast = classify(programme, population, on, use)
    cold = dataclasses.replace(programme)  # the engine's own memo starts empty
    decisions = [evaluate(cold, facts, on, envelope_use=use) for facts in population]
    assert list(fast.eligibility) == [d.eligibility for d in decisions]
    granted = [d for d in decisions if d.eligibility is not Eligibility.NOT_ELIGIBLE]
    if granted:
        assert fast.outcome == granted[0].outcome


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    population=st.lists(facts_strategy(), min_size=1, max_size=15),
    on=days,
    need=st.one_of(st.none(), st.sampled_from(list(DeviceType))),
    extra=dated_programme(),
)
def test_the_best_offer_is_the_one_the_engine_ranks_first(
    population: list[Facts], on: date, need: DeviceType | None, extra: Programme
) -> None:
    programmes = [dataclasses.replace(p) for p in PROGRAMMES] + [extra]
    fast = best_offers(programmes, population, on, need)
    ranked = [evaluate_all(programmes, facts, on, need)[0] for facts in population]
    assert fast == [(d.eligibility, d.programme.code) for d in ranked]


def _with_price(programme: Programme, price: int, since: date) -> Programme:
    parameter = programme.parameters["price_eur"]
    changed = dataclasses.replace(parameter, values=(*parameter.values, (since, price)))
    return dataclasses.replace(programme, parameters={**programme.parameters, "price_eur": changed})


def test_a_price_change_lists_who_keeps_the_offer_at_the_new_price() -> None:
    current = BY_CODE["rsa-ordinateur-15"]
    draft = _with_price(current, 20, date(2027, 1, 1))
    households = [
        (1, rsa_chateaudun()),
        (2, rsa_chateaudun(has_computer=True)),  # already has one: refused in both
        (3, rsa_chateaudun(statuses=())),
    ]
    result = compare(current, draft, households, date(2027, 1, 1))
    assert result.changes == (1,)
    assert result.gains == () and result.losses == ()
    assert [(c.field, c.before, c.after) for c in result.outcome_changes] == [("price_eur", 15, 20)]
    assert result.draft_counts[Eligibility.ELIGIBLE] == 1
    assert result.current_counts is not None
    assert result.current_counts[Eligibility.NOT_ELIGIBLE] == 2
    # The day before the change, nothing changes.
    assert compare(current, draft, households, date(2026, 12, 31)).changes == ()


def test_a_new_condition_makes_losers_and_a_removed_one_gainers() -> None:
    current = BY_CODE["rsa-ordinateur-15"]
    stricter = dataclasses.replace(
        current, conditions=(*current.conditions, HouseholdSizeCondition(2, None))
    )
    households = [(7, rsa_chateaudun()), (8, rsa_chateaudun(ages=(40, 9), size=2))]
    result = compare(current, stricter, households, DAY)
    assert result.losses == (7,) and result.gains == ()
    reverse = compare(stricter, current, households, DAY)
    assert reverse.gains == (7,) and reverse.losses == ()
    assert compare(None, current, households, DAY).gains == (7, 8)  # a new programme


def test_an_envelope_of_three_for_five_eligible_would_be_spent_and_its_pace() -> None:
    current = BY_CODE["rsa-ordinateur-15"]
    draft = dataclasses.replace(current, envelope=Envelope(max_grants=3))
    households = [(i, rsa_chateaudun()) for i in range(5)]
    # Two grants already, a month apart: one a month; one left, gone a month later.
    grants = (date(2026, 9, 23), date(2026, 10, 23))
    result = compare(current, draft, households, DAY, EnvelopeUse(2, 0), grants, as_of=DAY)
    envelope = result.envelope
    assert envelope is not None
    assert (envelope.eligible, envelope.max_grants, envelope.remaining) == (5, 3, 1)
    assert envelope.would_run_out
    assert envelope.pace_per_month is not None and 0.9 < envelope.pace_per_month < 1.1
    assert envelope.runs_out_on is not None
    assert date(2026, 12, 15) <= envelope.runs_out_on <= date(2027, 1, 5)


def test_no_grant_yet_gives_no_pace_and_a_spent_envelope_says_so() -> None:
    programme = dataclasses.replace(BY_CODE["rsa-ordinateur-15"], envelope=Envelope(max_grants=3))
    quiet = envelope_forecast(programme, DAY, 2, None, (), DAY)
    assert quiet is not None and quiet.pace_per_month is None and not quiet.would_run_out
    spent = envelope_forecast(programme, DAY, 0, EnvelopeUse(3, 0), (DAY,), DAY)
    assert spent is not None and spent.remaining == 0 and spent.spent
    assert envelope_forecast(BY_CODE["prix-solidaires"], DAY, 5, None, (), DAY) is None
