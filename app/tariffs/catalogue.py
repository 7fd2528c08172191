"""The catalogue prepared once for a day, and its views by place and need. Pure module.

``prepare`` keeps the offers valid that day, works out once everything that does not
depend on the household (first-year cost, area, notices, the dates reason) and sorts
them by what a household pays in the first year, so the ranking costs nothing per
household. Statuses and needs become bits.

A ``View`` holds the offers of one country, place and need, cheapest first, as bit
positions: which offers a household may get is then a few integer operations per status
(``View.split``), whatever the size of the catalogue. The reasons of an offer depend on
the household only through its statuses that the offer names: a view keeps them by
those bits, built once and shared (reasons are immutable).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from app.tariffs.freshness import VERIFIED_MONTHS, verified_within
from app.tariffs.offers import (
    AreaKind,
    Need,
    Offer,
    OfferKind,
    covered_needs,
    first_year_cost_cents,
    is_stale,
    is_valid_on,
)
from app.tariffs.places import POSTCODE, REGION_OF_DEPARTMENT, department_of, normalise_place
from app.tariffs.reasons import (
    ADDS_TO_BOX,
    ADDS_TO_PLAN,
    NO_SAVING,
    Notice,
    Reason,
    dates_reason,
    missing_statuses,
    national_reason,
    need_reason,
    offer_notices,
    other_reason,
    place_reason,
    status_reasons,
)

NEED_BITS = {Need.BOX: 1, Need.MOBILE: 2, Need.DATA: 4}
# Offer kinds as list positions (an enum member hashes slowly in the loop).
KINDS: tuple[OfferKind, ...] = tuple(OfferKind)
_KIND_INDEX = {kind: i for i, kind in enumerate(KINDS)}
# A view per place and need: bounded, a report over every commune of France included.
_MAX_VIEWS = 4096


def need_mask(needs: Iterable[Need]) -> int:
    value = 0
    for need in needs:
        value |= NEED_BITS[need]
    return value


@dataclass(frozen=True, slots=True)
class Prepared:
    """An offer with everything that does not depend on the household worked out once."""

    offer: Offer
    yearly: int  # first-year cost
    monthly: int  # average over the first year
    needs: frozenset[Need]
    area: frozenset[str]  # normalised names, postcodes or department codes
    stale: bool
    dates_reason: Reason
    national_reason: Reason | None  # None: the place reason names the household's place
    area_text: str
    other_reason: Reason | None
    notices: tuple[Notice, ...]  # stale, commitment, proof, intro price, fees
    notices_costs_more: tuple[Notice, ...]  # the same, then "costs more than today"
    notices_adds: tuple[Notice, ...]  # the same, then "adds to what you pay"
    kind_index: int  # position of the offer's kind in KINDS
    need_mask: int
    any_mask: int  # statuses as bits of Catalogue.status_bits
    all_mask: int
    status_mask: int  # any_mask | all_mask: the statuses the offer names


def _sort_key(item: Prepared) -> tuple[int, int, str, str, int]:
    o = item.offer
    return (item.yearly, o.monthly_price_cents, o.provider, o.name, o.id)


def _area_of(offer: Offer) -> frozenset[str]:
    if offer.area_kind is AreaKind.COMMUNES:
        return frozenset(
            c.strip() if POSTCODE.match(c.strip()) else normalise_place(c) for c in offer.area_codes
        )
    if offer.area_kind is AreaKind.REGION:
        return frozenset(normalise_place(c) for c in offer.area_codes)
    return frozenset(c.strip().upper() for c in offer.area_codes)


def _prepared(offer: Offer, on: date, verified_months: int, bits: Mapping[str, int]) -> Prepared:
    stale = is_stale(offer.checked_on, on)
    notices = offer_notices(offer, stale)
    yearly = first_year_cost_cents(offer)
    needs = covered_needs(offer)
    return Prepared(
        offer=offer,
        yearly=yearly,
        monthly=(yearly + 6) // 12,
        needs=needs,
        area=_area_of(offer),
        stale=stale,
        dates_reason=dates_reason(offer, verified_within(offer.checked_on, on, verified_months)),
        national_reason=national_reason(offer),
        area_text=", ".join(offer.area_codes),
        other_reason=other_reason(offer),
        notices=notices,
        notices_costs_more=(*notices, NO_SAVING),
        notices_adds=(*notices, ADDS_TO_PLAN if offer.kind is OfferKind.BOX else ADDS_TO_BOX),
        kind_index=_KIND_INDEX[offer.kind],
        need_mask=need_mask(needs),
        any_mask=sum(bits[s] for s in offer.statuses_any),
        all_mask=sum(bits[s] for s in offer.statuses_all),
        status_mask=sum(bits[s] for s in offer.statuses_any | offer.statuses_all),
    )


def in_area(item: Prepared, postcode: str, commune_norm: str, dept: str, region: str) -> bool:
    kind = item.offer.area_kind
    if kind is AreaKind.NATIONAL:
        return True
    if not item.area:
        return False  # a limited area that names no place: nowhere
    if kind is AreaKind.COMMUNES:
        return (bool(postcode) and postcode in item.area) or (
            bool(commune_norm) and commune_norm in item.area
        )
    if kind is AreaKind.DEPARTMENT:
        return bool(dept) and dept in item.area
    return bool(region) and region in item.area


Explained = tuple[tuple[Reason, ...], tuple[str, ...]]  # reasons, missing attestations


class View:
    """The offers of one country, place and need, cheapest first; offer ``i`` is bit i."""

    __slots__ = ("items", "place", "needs", "shift", "free", "any_bits", "all_bits", "explained")

    def __init__(
        self, items: tuple[Prepared, ...], place: str, needs: frozenset[Need], shift: int
    ) -> None:
        self.items = items
        self.place = place  # as the household wrote it, for the place reason
        self.needs = needs
        self.shift = shift  # number of status bits: pending statuses go above
        self.free = 0  # offers kept for no status
        any_of: dict[int, int] = {}  # status bit -> offers any of whose statuses it is
        all_of: dict[int, int] = {}  # status bit -> offers that require it
        for i, item in enumerate(items):
            if not item.any_mask:
                self.free |= 1 << i
            for mask, found in ((item.any_mask, any_of), (item.all_mask, all_of)):
                while mask:
                    bit = mask & -mask
                    found[bit] = found.get(bit, 0) | 1 << i
                    mask ^= bit
        self.any_bits = tuple(any_of.items())
        self.all_bits = tuple(all_of.items())
        # Per offer: its reasons and missing attestations by the statuses key (see key).
        self.explained: tuple[dict[int, Explained], ...] = tuple({} for _ in items)

    def split(self, attested: int, pending: int) -> tuple[int, int]:
        """The offers (bits) the household gets, and those it would get once a pending
        status is attested. ``pending`` holds no attested status."""
        ok = self.free  # every "any of" condition met
        maybe = 0  # met by a pending status
        for bit, found in self.any_bits:
            if bit & attested:
                ok |= found
            elif bit & pending:
                maybe |= found
        short = hard = 0  # an "all of" status not attested / not even pending
        for bit, found in self.all_bits:
            if not bit & attested:
                short |= found
                if not bit & pending:
                    hard |= found
        eligible = ok & ~short
        return eligible, (ok | maybe) & ~hard & ~eligible

    def explain(
        self, i: int, key: int, statuses: frozenset[str], pending: frozenset[str]
    ) -> Explained:
        """The reasons of offer ``i`` for a household whose statuses give ``key``
        (``key``: its attested statuses among the offer's, its pending ones above
        ``shift``; no pending bit for an eligible offer). Built once per key."""
        cache = self.explained[i]
        found = cache.get(key)
        if found is None:
            item = self.items[i]
            offer = item.offer
            missing = missing_statuses(offer, statuses, pending) if key >> self.shift else ()
            found = (
                (
                    item.dates_reason,
                    item.national_reason or place_reason(self.place, item.area_text),
                    need_reason(self.needs & item.needs, offer.kind),
                    *status_reasons(offer, statuses, missing),
                    *((item.other_reason,) if item.other_reason is not None else ()),
                ),
                missing,
            )
            cache[key] = found
        return found


@dataclass(frozen=True)
class Catalogue:
    """Offers valid on ``on``, sorted by first-year cost, grouped by country."""

    on: date
    by_country: Mapping[str, tuple[Prepared, ...]]
    size: int
    status_bits: Mapping[str, int] = field(default_factory=dict)
    _views: dict[tuple[str, str, str, frozenset[Need]], View] = field(
        default_factory=dict, repr=False, compare=False
    )

    def mask(self, statuses: Iterable[str]) -> int:
        bits = self.status_bits
        value = 0
        for status in statuses:
            value |= bits.get(status, 0)
        return value

    def candidates(
        self, country: str, postcode: str, commune_norm: str, need_bits: int
    ) -> tuple[Prepared, ...]:
        """The offers of that country, area and need, cheapest first."""
        dept = department_of(postcode)
        region = REGION_OF_DEPARTMENT.get(dept, "")
        return tuple(
            item
            for item in self.by_country.get(country, ())
            if (not need_bits or item.need_mask & need_bits)
            and in_area(item, postcode, commune_norm, dept, region)
        )

    def view(self, country: str, postcode: str, commune: str, needs: frozenset[Need]) -> View:
        """The view of a household's country, place and needs (kept once built: a
        function of these four values only)."""
        key = (country, postcode, commune, needs)
        found = self._views.get(key)
        if found is None:
            code = postcode.strip()
            bits = need_mask(needs)
            found = View(
                self.candidates(country, code, normalise_place(commune), bits),
                commune or code,
                needs,
                len(self.status_bits),
            )
            if len(self._views) >= _MAX_VIEWS:
                self._views.clear()
            self._views[key] = found
        return found


def prepare(offers: Iterable[Offer], on: date, verified_months: int = VERIFIED_MONTHS) -> Catalogue:
    """Keep the offers valid on ``on`` and sort them once by what a household pays.

    An offer not verified within ``verified_months`` gets no tick for its dates."""
    valid: list[Offer] = []
    size = 0
    for offer in offers:
        size += 1
        if is_valid_on(offer, on):
            valid.append(offer)
    codes = sorted({s for o in valid for s in o.statuses_any | o.statuses_all})
    bits = {code: 1 << i for i, code in enumerate(codes)}
    groups: dict[str, list[Prepared]] = {}
    for offer in valid:
        groups.setdefault(offer.country, []).append(_prepared(offer, on, verified_months, bits))
    return Catalogue(
        on=on,
        by_country={k: tuple(sorted(v, key=_sort_key)) for k, v in groups.items()},
        size=size,
        status_bits=bits,
    )
