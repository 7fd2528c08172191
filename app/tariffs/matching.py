"""Which social tariffs a household can get, what it would pay and why. Pure module.

No Flask, no SQLAlchemy: plain dataclasses in, plain dataclasses out. The catalogue is
prepared once for a date (``prepare``, app/tariffs/catalogue.py), then each household is
matched against it (``match``). The module is split by what it does, and every name is
still importable from here:

- app/tariffs/places.py: regions, departments, postcodes (``normalise_place``...);
- app/tariffs/offers.py: offers, kinds, needs, areas, prices (``Offer``, ``format_money``);
- app/tariffs/reasons.py: reasons and notices (``Reason``, ``Notice``, ``LabelList``);
- app/tariffs/catalogue.py: the prepared catalogue and its views by place and need;
- app/tariffs/savings.py: what an offer saves, compared like with like.

Every text shown to people is a French template marked with ``N_`` (extracted for
translation) and its parameters; ``Reason.text`` gives the French sentence, the web side
translates the template first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from app.notify.gsm7 import gsm7_length, to_gsm7
from app.tariffs.catalogue import KINDS, Catalogue, View, prepare
from app.tariffs.offers import (
    AREA_KIND_LABELS,
    COUNTRY_LABELS,
    CURRENCY,
    EXTRA_STATUS_LABELS,
    NEED_LABELS,
    OFFER_KIND_LABELS,
    STALE_AFTER_DAYS,
    AreaKind,
    Need,
    Offer,
    OfferKind,
    covered_needs,
    first_year_cost_cents,
    format_money,
    is_stale,
    is_valid_on,
    known_statuses,
    status_label,
)
from app.tariffs.places import REGION_DEPARTMENTS, department_of, normalise_place, region_of
from app.tariffs.reasons import (
    Eligibility,
    LabelList,
    Met,
    Notice,
    NoticeKind,
    Reason,
)
from app.tariffs.savings import Saving, SavingKind, saving

__all__ = [
    "AREA_KIND_LABELS",
    "COUNTRY_LABELS",
    "CURRENCY",
    "EXTRA_STATUS_LABELS",
    "NEED_LABELS",
    "OFFER_KIND_LABELS",
    "REGION_DEPARTMENTS",
    "STALE_AFTER_DAYS",
    "AreaKind",
    "Catalogue",
    "Eligibility",
    "Facts",
    "LabelList",
    "MatchResult",
    "Met",
    "Need",
    "Notice",
    "NoticeKind",
    "Offer",
    "OfferKind",
    "Proposal",
    "Reason",
    "best_per_need",
    "covered_needs",
    "department_of",
    "first_year_cost_cents",
    "format_money",
    "gsm7_length",
    "is_stale",
    "is_valid_on",
    "known_statuses",
    "match",
    "match_offers",
    "normalise_place",
    "prepare",
    "region_of",
    "status_label",
    "to_gsm7",
]


@dataclass(frozen=True)
class Facts:
    """What the matching knows about a household. Money in cents per month."""

    statuses: frozenset[str] = frozenset()  # attested by a prescriber
    pending_statuses: frozenset[str] = frozenset()  # declared, attestation missing
    commune: str = ""
    postcode: str = ""
    country: str = "FR"
    needs: frozenset[Need] = frozenset()  # empty: any kind of offer
    monthly_spend_cents: int | None = None  # current telecom spend; None: unknown
    # The same spend split by what it pays for (None: not known): a saving compares a box
    # with the box spend and a mobile plan with the mobile spend, never with the total.
    box_spend_cents: int | None = None
    mobile_spend_cents: int | None = None


# Not frozen: a frozen dataclass costs four times as much to build, and the benchmark
# builds half a million of these. Treat it as read-only.
@dataclass(slots=True)
class Proposal:
    offer: Offer
    eligibility: Eligibility
    yearly_cost_cents: int
    monthly_cost_cents: int  # average over the first year
    yearly_saving_cents: int | None  # against the spend it replaces; None: not comparable
    reasons: tuple[Reason, ...]
    warnings: tuple[Notice, ...]
    missing_attestations: tuple[str, ...]
    to_verify: bool
    saving_kind: SavingKind = SavingKind.UNKNOWN  # app.tariffs.savings
    compared_spend_cents: int | None = None  # the monthly spend the saving compares with


@dataclass(frozen=True)
class MatchResult:
    on: date
    eligible: tuple[Proposal, ...]  # cheapest first
    almost: tuple[Proposal, ...]  # cheapest first

    @property
    def best(self) -> Proposal | None:
        return self.eligible[0] if self.eligible else None


@lru_cache(maxsize=4096)
def _saving_plans(
    box: int | None, mobile: int | None, total: int | None
) -> tuple[tuple[int | None, ...], tuple[Saving, ...]]:
    """Per offer kind (KINDS order): the monthly spend an offer of that kind replaces
    (its saving then depends on its cost), or None and the saving, the same whatever the
    offer costs (spend unknown, nothing paid of that kind...)."""
    found = tuple(saving(kind, 0, box, mobile, total) for kind in KINDS)
    return tuple(None if s.yearly_cents is None else s.compared_cents for s in found), found


def _proposals(
    view: View, bits: int, cap: int, attested: int, pending: int, facts: Facts
) -> tuple[Proposal, ...]:
    """The offers of ``bits`` (cheapest first, at most ``cap``), each explained; pending
    is 0 for the eligible ones."""
    out: list[Proposal] = []
    items = view.items
    explained = view.explained
    shift = view.shift
    spends, fixed = _saving_plans(
        facts.box_spend_cents, facts.mobile_spend_cents, facts.monthly_spend_cents
    )
    eligibility = Eligibility.ALMOST if pending else Eligibility.ELIGIBLE
    adds, saves, costs_more = SavingKind.ADDS, SavingKind.SAVES, SavingKind.COSTS_MORE
    while bits and len(out) < cap:
        low = bits & -bits
        bits ^= low
        i = low.bit_length() - 1
        item = items[i]
        mask = item.status_mask
        key = attested & mask | (pending & mask) << shift
        reasons_missing = explained[i].get(key)
        if reasons_missing is None:
            reasons_missing = view.explain(i, key, facts.statuses, facts.pending_statuses)
        spend = spends[item.kind_index]
        if spend is None:  # the same saving whatever the offer costs
            fixed_saving = fixed[item.kind_index]
            saved, kind, compared = None, fixed_saving.kind, fixed_saving.compared_cents
            notices = item.notices_adds if kind is adds else item.notices
        else:
            saved, compared = 12 * spend - item.yearly, spend
            kind, notices = (
                (saves, item.notices) if saved >= 0 else (costs_more, item.notices_costs_more)
            )
        out.append(
            Proposal(
                item.offer,
                eligibility,
                item.yearly,
                item.monthly,
                saved,
                reasons_missing[0],
                notices,
                reasons_missing[1],
                item.stale,
                kind,
                compared,
            )
        )
    return tuple(out)


def match(facts: Facts, catalogue: Catalogue, limit: int | None = None) -> MatchResult:
    """Offers the household can get (and almost get), cheapest first, each explained.

    An offer outside its validity dates, its country or its area is never proposed.
    ``limit`` caps each list (the explanations are built only for what is returned).
    """
    view = catalogue.view(facts.country, facts.postcode, facts.commune, facts.needs)
    attested = catalogue.mask(facts.statuses)
    pending = catalogue.mask(facts.pending_statuses) & ~attested
    eligible, almost = view.split(attested, pending)
    cap = limit if limit is not None else catalogue.size
    return MatchResult(
        on=catalogue.on,
        eligible=_proposals(view, eligible, cap, attested, 0, facts),
        almost=_proposals(view, almost, cap, attested, pending, facts),
    )


def match_offers(
    facts: Facts, offers: Iterable[Offer], on: date, limit: int | None = None
) -> MatchResult:
    """``match`` for a single household: prepares the catalogue then matches."""
    return match(facts, prepare(offers, on), limit)


def best_per_need(result: MatchResult, needs: Iterable[Need], limit: int) -> tuple[Proposal, ...]:
    """At most ``limit`` eligible offers: the cheapest for each need first (a household
    with nothing wants to see a box, a plan and data, not three plans), then the
    cheapest others; returned cheapest first, like every list of offers."""
    chosen: list[Proposal] = []
    for need in sorted(needs):
        for p in result.eligible:
            if len(chosen) < limit and need in covered_needs(p.offer) and p not in chosen:
                chosen.append(p)
                break
    for p in result.eligible:
        if len(chosen) >= limit:
            break
        if p not in chosen:
            chosen.append(p)
    order = {id(p): i for i, p in enumerate(result.eligible)}
    return tuple(sorted(chosen, key=lambda p: order[id(p)]))
