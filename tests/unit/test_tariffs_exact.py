"""The fast matching (bits, views, shared reasons) says exactly what a plain reading of
the rules says: same offers, same order, same costs, savings, reasons and notices.

The reference below reads each offer against each household with sets and loops, with
no catalogue preparation, cache or bit; only the sentences (reasons.py) are shared. One
prepared catalogue serves many households in a row, so that whatever the matching keeps
from one household to the next is checked too.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.tariffs.freshness import verified_within
from app.tariffs.matching import (
    AreaKind,
    Eligibility,
    Facts,
    MatchResult,
    Need,
    Offer,
    OfferKind,
    Proposal,
    best_per_need,
    covered_needs,
    department_of,
    first_year_cost_cents,
    is_stale,
    is_valid_on,
    match,
    normalise_place,
    prepare,
    region_of,
)
from app.tariffs.reasons import (
    ADDS_TO_BOX,
    ADDS_TO_PLAN,
    NO_CONDITION,
    NO_SAVING,
    Reason,
    all_reason,
    any_reason,
    dates_reason,
    missing_reason,
    national_reason,
    need_reason,
    offer_notices,
    other_reason,
    place_reason,
)
from app.tariffs.savings import SavingKind, saving
from tests.unit.test_tariffs_matching import catalogues, days, households


def _area_codes(o: Offer) -> set[str]:
    if o.area_kind is AreaKind.COMMUNES:
        return {
            c.strip() if re.fullmatch(r"\d{5}", c.strip()) else normalise_place(c)
            for c in o.area_codes
        }
    if o.area_kind is AreaKind.REGION:
        return {normalise_place(c) for c in o.area_codes}
    return {c.strip().upper() for c in o.area_codes}


def _in_area(o: Offer, facts: Facts) -> bool:
    postcode, name = facts.postcode.strip(), normalise_place(facts.commune)
    codes = _area_codes(o)
    if o.area_kind is AreaKind.NATIONAL:
        return True
    if o.area_kind is AreaKind.COMMUNES:
        return bool(postcode and postcode in codes) or bool(name and name in codes)
    if o.area_kind is AreaKind.DEPARTMENT:
        return bool(department_of(postcode)) and department_of(postcode) in codes
    return bool(region_of(postcode)) and region_of(postcode) in codes


def _reference_proposal(o: Offer, facts: Facts, on: date) -> Proposal | None:
    """One offer read against one household, or None when it is not proposed."""
    if not is_valid_on(o, on) or o.country != facts.country or not _in_area(o, facts):
        return None
    if facts.needs and not facts.needs & covered_needs(o):
        return None
    has, declared = facts.statuses, facts.pending_statuses - facts.statuses
    any_met = not o.statuses_any or bool(o.statuses_any & has)
    lacking = o.statuses_all - has
    if (not any_met and not o.statuses_any & declared) or lacking - declared:
        return None
    missing = ([] if any_met else [min(o.statuses_any & declared)]) + sorted(lacking)
    reasons: list[Reason] = [
        dates_reason(o, verified_within(o.checked_on, on)),
        national_reason(o)
        or place_reason(facts.commune or facts.postcode.strip(), ", ".join(o.area_codes)),
        need_reason(facts.needs & covered_needs(o), o.kind),
    ]
    if o.statuses_any & has:
        reasons.append(any_reason(o.statuses_any, o.statuses_any & has))
    reasons += [all_reason(s) for s in sorted(o.statuses_all & has)]
    reasons += [missing_reason(s) for s in missing]
    if not o.statuses_any and not o.statuses_all:
        reasons.append(NO_CONDITION)
    if (other := other_reason(o)) is not None:
        reasons.append(other)
    yearly = first_year_cost_cents(o)
    found = saving(
        o.kind, yearly, facts.box_spend_cents, facts.mobile_spend_cents, facts.monthly_spend_cents
    )
    warnings = offer_notices(o, is_stale(o.checked_on, on))
    if found.kind is SavingKind.COSTS_MORE:
        warnings += (NO_SAVING,)
    if found.kind is SavingKind.ADDS:
        warnings += (ADDS_TO_PLAN if o.kind is OfferKind.BOX else ADDS_TO_BOX,)
    return Proposal(
        offer=o,
        eligibility=Eligibility.ALMOST if missing else Eligibility.ELIGIBLE,
        yearly_cost_cents=yearly,
        monthly_cost_cents=(yearly + 6) // 12,
        yearly_saving_cents=found.yearly_cents,
        reasons=tuple(reasons),
        warnings=warnings,
        missing_attestations=tuple(missing),
        to_verify=is_stale(o.checked_on, on),
        saving_kind=found.kind,
        compared_spend_cents=found.compared_cents,
    )


def reference(facts: Facts, offers: list[Offer], on: date, limit: int | None) -> MatchResult:
    found = [p for o in offers if (p := _reference_proposal(o, facts, on)) is not None]
    found.sort(
        key=lambda p: (
            p.yearly_cost_cents,
            p.offer.monthly_price_cents,
            p.offer.provider,
            p.offer.name,
            p.offer.id,
        )
    )
    eligible = [p for p in found if p.eligibility is Eligibility.ELIGIBLE]
    almost = [p for p in found if p.eligibility is Eligibility.ALMOST]
    cap = len(offers) if limit is None else limit
    return MatchResult(on=on, eligible=tuple(eligible[:cap]), almost=tuple(almost[:cap]))


def _said(result: MatchResult) -> list[Any]:
    """Everything a reader of the result sees, labels lists' parts included."""

    def item(x: Any) -> tuple[Any, ...]:
        params = tuple(
            (k, str(v), getattr(v, "parts", None), getattr(v, "separator", None))
            for k, v in sorted(x.params.items())
        )
        return (*(str(getattr(x, f)) for f in x.__slots__ if f != "params"), params)

    return [
        [
            (
                p.offer.id,
                str(p.eligibility),
                p.yearly_cost_cents,
                p.monthly_cost_cents,
                p.yearly_saving_cents,
                [item(r) for r in p.reasons],
                [item(w) for w in p.warnings],
                p.missing_attestations,
                p.to_verify,
                str(p.saving_kind),
                p.compared_spend_cents,
            )
            for p in proposals
        ]
        for proposals in (result.eligible, result.almost)
    ]


@settings(max_examples=120, deadline=None)
@given(catalogues, st.lists(households(), min_size=1, max_size=25), days)
def test_fast_matching_says_what_the_plain_reading_says(offers, many, on) -> None:  # type: ignore[no-untyped-def]
    prepared = prepare(offers, on)
    for facts in many:
        for limit in (None, 3, 1, 0):
            fast = match(facts, prepared, limit)
            assert _said(fast) == _said(reference(facts, offers, on, limit)), (facts, limit)
        fast = match(facts, prepared)
        slow = reference(facts, offers, on, None)
        picked = [p.offer.id for p in best_per_need(fast, facts.needs, 3)]
        assert picked == [p.offer.id for p in best_per_need(slow, facts.needs, 3)]


def test_the_benchmark_catalogue_gives_the_same_answers() -> None:
    """Seeded: the benchmark's kind of catalogue (200 offers, regions, departments,
    communes) against 400 households written in varied ways (case, accents, spaces)."""
    rng = random.Random(17)
    on = date(2026, 11, 23)
    statuses = ["rsa", "aah", "css", "qpv_resident", "senior_60", "prime_activite"]
    places = [("Metz", "57000"), ("Amiens", "80000"), ("Rennes", "35000"), ("", "20100")]
    offers = []
    for i in range(200):
        kind = rng.choice(list(AreaKind))
        codes = {
            AreaKind.NATIONAL: (),
            AreaKind.REGION: ("Grand Est", "Bretagne", "Corse")[: rng.randint(0, 2)],
            AreaKind.DEPARTMENT: tuple(rng.sample(["57", "80", "35", "2A"], 2)),
            AreaKind.COMMUNES: tuple(rng.sample(["metz", " 80000", "Rennes", "57000"], 2)),
        }[kind]
        offers.append(
            Offer(
                id=i,
                provider=rng.choice(["Orange", "SFR", "Free"]),
                name=f"Offre {i % 7}",
                kind=rng.choice(list(OfferKind)),
                monthly_price_cents=rng.choice([500, 999, 1599]),
                data_gb=rng.choice([None, 2.0]),
                setup_fee_cents=rng.choice([0, 1900]),
                area_kind=kind,
                area_codes=codes,
                statuses_any=frozenset(rng.sample(statuses, rng.randint(0, 3))),
                statuses_all=frozenset(rng.sample(statuses, rng.randint(0, 1))),
                other_conditions=rng.choice(["", "orientation"]),
                checked_on=on - timedelta(days=rng.randint(0, 500)),
                valid_to=on + timedelta(days=rng.randint(-30, 30)),
            )
        )
    prepared = prepare(offers, on)
    for _ in range(400):
        commune, postcode = rng.choice(places)
        facts = Facts(
            statuses=frozenset(rng.sample(statuses, rng.randint(0, 3))),
            pending_statuses=frozenset(rng.sample(statuses, rng.randint(0, 2))),
            commune=rng.choice([commune, commune.upper(), f" {commune} "]),
            postcode=rng.choice([postcode, f"{postcode} "]),
            needs=frozenset(rng.sample(list(Need), rng.randint(0, 3))),
            monthly_spend_cents=rng.choice([None, 0, 3500]),
            box_spend_cents=rng.choice([None, 0, 999, 2000]),  # 999: saves exactly 0
            mobile_spend_cents=rng.choice([None, 0, 999, 1500]),
        )
        for limit in (None, 3):
            expected = reference(facts, offers, on, limit)
            assert _said(match(facts, prepared, limit)) == _said(expected), facts
    # The household's spend changes, its statuses and place stay: new savings, same reasons.
    richer = replace(facts, box_spend_cents=9000, mobile_spend_cents=9000)
    assert _said(match(richer, prepared)) == _said(reference(richer, offers, on, None))
