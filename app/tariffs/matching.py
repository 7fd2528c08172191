"""Which social tariffs a household can get, what it would pay and why. Pure module.

No Flask, no SQLAlchemy: plain dataclasses in, plain dataclasses out. The catalogue is
prepared once for a date (``prepare``), then each household is matched against it
(``match``); preparing sorts the offers by what a household pays in the first year, so
the ranking costs nothing per household and 10,000 households run in well under a second.

Every text shown to people is a French template marked with ``N_`` (extracted for
translation) and its parameters; ``Reason.text`` gives the French sentence, the web side
translates the template first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import lru_cache

from app.core.marking import N_
from app.eligibility.vocabulary import STATUS_LABELS
from app.notify.gsm7 import SMS_LIMIT, gsm7_length, to_gsm7
from app.tariffs.freshness import VERIFIED_MONTHS, verified_within
from app.tariffs.savings import SavingKind, saving

# An offer whose information is older than this is shown as "to verify" everywhere.
STALE_AFTER_DAYS = 365


class OfferKind(StrEnum):
    BOX = "box"  # fixed internet box (ADSL, fibre)
    MOBILE = "mobile"  # mobile plan (calls, SMS, maybe data)
    DATA = "data"  # prepaid data top-ups
    BUNDLE = "bundle"  # box and mobile together


OFFER_KIND_LABELS: dict[OfferKind, str] = {
    OfferKind.BOX: N_("Box internet"),
    OfferKind.MOBILE: N_("Forfait mobile"),
    OfferKind.DATA: N_("Recharges de données mobiles"),
    OfferKind.BUNDLE: N_("Box et forfait mobile"),
}


class Need(StrEnum):
    BOX = "box"
    MOBILE = "mobile"
    DATA = "data"


NEED_LABELS: dict[Need, str] = {
    Need.BOX: N_("une box internet à la maison"),
    Need.MOBILE: N_("un forfait mobile"),
    Need.DATA: N_("des données mobiles seulement"),
}


class AreaKind(StrEnum):
    NATIONAL = "national"
    REGION = "region"
    DEPARTMENT = "department"
    COMMUNES = "communes"  # commune names or postcodes


AREA_KIND_LABELS: dict[AreaKind, str] = {
    AreaKind.NATIONAL: N_("Tout le pays"),
    AreaKind.REGION: N_("Régions"),
    AreaKind.DEPARTMENT: N_("Départements"),
    AreaKind.COMMUNES: N_("Communes (noms ou codes postaux)"),
}

COUNTRY_LABELS: dict[str, str] = {"FR": N_("France"), "UK": N_("Royaume-Uni")}
CURRENCY = {"FR": "€", "UK": "£"}

# Statuses used by offers abroad, besides the French ones of the shared vocabulary.
EXTRA_STATUS_LABELS: dict[str, str] = {
    "universal_credit": N_("Universal Credit (Royaume-Uni)"),
    "pension_credit": N_("Pension Credit (Royaume-Uni)"),
    "jobseekers_allowance": N_("Jobseeker's Allowance (Royaume-Uni)"),
    "employment_support_allowance": N_("Employment and Support Allowance (Royaume-Uni)"),
    "income_support": N_("Income Support (Royaume-Uni)"),
}


def status_label(code: str) -> str:
    for labels in (STATUS_LABELS, EXTRA_STATUS_LABELS):
        if code in labels:
            return str(labels[code])  # type: ignore[index]
    return code


def known_statuses() -> list[str]:
    return [str(s) for s in STATUS_LABELS] + list(EXTRA_STATUS_LABELS)


# Regions of France and their departments (INSEE), for offers limited to a region.
REGION_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "Auvergne-Rhône-Alpes": (
        "01",
        "03",
        "07",
        "15",
        "26",
        "38",
        "42",
        "43",
        "63",
        "69",
        "73",
        "74",
    ),
    "Bourgogne-Franche-Comté": ("21", "25", "39", "58", "70", "71", "89", "90"),
    "Bretagne": ("22", "29", "35", "56"),
    "Centre-Val de Loire": ("18", "28", "36", "37", "41", "45"),
    "Corse": ("2A", "2B"),
    "Grand Est": ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88"),
    "Hauts-de-France": ("02", "59", "60", "62", "80"),
    "Île-de-France": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "Normandie": ("14", "27", "50", "61", "76"),
    "Nouvelle-Aquitaine": (
        "16",
        "17",
        "19",
        "23",
        "24",
        "33",
        "40",
        "47",
        "64",
        "79",
        "86",
        "87",
    ),
    "Occitanie": ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"),
    "Pays de la Loire": ("44", "49", "53", "72", "85"),
    "Provence-Alpes-Côte d'Azur": ("04", "05", "06", "13", "83", "84"),
    "Guadeloupe": ("971",),
    "Martinique": ("972",),
    "Guyane": ("973",),
    "La Réunion": ("974",),
    "Mayotte": ("976",),
}


def normalise_place(text: str) -> str:
    """'Saint-Étienne' and 'saint etienne' compare equal."""
    stripped = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", stripped.lower()).strip()


_REGION_OF_DEPARTMENT = {
    dept: normalise_place(region) for region, depts in REGION_DEPARTMENTS.items() for dept in depts
}
_POSTCODE = re.compile(r"^\d{5}$")


def department_of(postcode: str) -> str:
    """The department of a French postcode ('' when it is not one)."""
    code = postcode.strip()
    if not _POSTCODE.match(code):
        return ""
    if code.startswith("97"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if int(code[:3]) < 202 else "2B"
    return code[:2]


def region_of(postcode: str) -> str:
    """Normalised region name of a French postcode ('' when unknown)."""
    return _REGION_OF_DEPARTMENT.get(department_of(postcode), "")


@dataclass(frozen=True)
class Offer:
    """One social tariff, as the matching sees it. Money in cents of the country's currency."""

    id: int
    provider: str
    name: str
    kind: OfferKind
    monthly_price_cents: int
    country: str = "FR"
    intro_price_cents: int | None = None  # price during the first ``intro_months``
    intro_months: int = 0
    setup_fee_cents: int = 0
    rental_cents: int = 0  # equipment rental, per month
    commitment_months: int = 0
    speed_mbps: int | None = None
    data_gb: float | None = None
    content: str = ""
    area_kind: AreaKind = AreaKind.NATIONAL
    area_codes: tuple[str, ...] = ()
    statuses_any: frozenset[str] = frozenset()
    statuses_all: frozenset[str] = frozenset()
    other_conditions: str = ""
    proof_required: str = ""
    how_to_subscribe: str = ""
    source_url: str = ""
    checked_on: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None


def first_year_cost_cents(offer: Offer) -> int:
    """What a household pays over its first 12 months: set-up, rental and monthly prices."""
    intro = min(max(offer.intro_months, 0), 12) if offer.intro_price_cents is not None else 0
    monthly = (offer.intro_price_cents or 0) * intro + offer.monthly_price_cents * (12 - intro)
    return offer.setup_fee_cents + 12 * offer.rental_cents + monthly


def is_stale(checked_on: date | None, on: date) -> bool:
    """Not checked for more than a year (or never): shown as "to verify"."""
    return checked_on is None or (on - checked_on).days > STALE_AFTER_DAYS


def is_valid_on(offer: Offer, on: date) -> bool:
    if offer.valid_from is not None and on < offer.valid_from:
        return False
    return not (offer.valid_to is not None and on > offer.valid_to)


def covered_needs(offer: Offer) -> frozenset[Need]:
    if offer.kind is OfferKind.BOX:
        return frozenset({Need.BOX})
    if offer.kind is OfferKind.DATA:
        return frozenset({Need.DATA})
    if offer.kind is OfferKind.BUNDLE:
        return frozenset(Need)
    # A mobile plan serves a "data only" need when it includes data.
    return frozenset({Need.MOBILE, Need.DATA}) if offer.data_gb else frozenset({Need.MOBILE})


def format_money(cents: int, country: str = "FR") -> str:
    """15,99 € ; 15 € for whole amounts; French style in every country."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    amount = f"{whole:,}".replace(",", "\u202f") + (f",{rest:02d}" if rest else "")
    return f"{sign}{amount} {CURRENCY.get(country, '€')}"


class Met(StrEnum):
    YES = "yes"
    NO = "no"
    MISSING_ATTESTATION = "missing_attestation"  # the household has it, not yet attested
    TO_CHECK = "to_check"  # a condition the product cannot check: staff ask


class Eligibility(StrEnum):
    ELIGIBLE = "eligible"
    ALMOST = "almost"  # every condition met except an attestation still missing


@dataclass(frozen=True, slots=True)
class Reason:
    """One condition of an offer and how the household meets it."""

    condition: str  # short name of the condition (template)
    met: Met
    template: str
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.template % self.params if self.params else self.template


class NoticeKind(StrEnum):
    STALE = "stale"
    COMMITMENT = "commitment"
    PROOF = "proof"
    INTRO_PRICE = "intro_price"
    FEES = "fees"
    NO_SAVING = "no_saving"


@dataclass(frozen=True, slots=True)
class Notice:
    kind: NoticeKind
    template: str
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.template % self.params if self.params else self.template


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


@dataclass(frozen=True, slots=True)
class _Prepared:
    """An offer with everything that does not depend on the household worked out once."""

    offer: Offer
    yearly: int
    needs: frozenset[Need]
    area: frozenset[str]  # normalised names, postcodes or department codes
    stale: bool
    dates_reason: Reason
    national_reason: Reason | None  # None: the place reason names the household's place
    area_text: str
    other_reason: Reason | None
    notices: tuple[Notice, ...]  # stale, commitment, proof, intro price, fees
    need_mask: int = 0
    any_mask: int = 0  # statuses as bits of Catalogue.status_bits
    all_mask: int = 0


@dataclass(frozen=True)
class Catalogue:
    """Offers valid on ``on``, sorted by first-year cost, grouped by country.

    Statuses and needs become bits, and the offers available in a place for a need are
    kept once found: households of the same place then cost a few integer tests each.
    """

    on: date
    by_country: Mapping[str, tuple[_Prepared, ...]]
    size: int
    status_bits: Mapping[str, int] = field(default_factory=dict)
    _candidates: dict[tuple[str, str, str, int], tuple[_Prepared, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def mask(self, statuses: Iterable[str]) -> int:
        bits = self.status_bits
        value = 0
        for status in statuses:
            value |= bits.get(status, 0)
        return value

    def candidates(
        self, country: str, postcode: str, commune_norm: str, need_mask: int
    ) -> tuple[_Prepared, ...]:
        """The offers of that country, area and need, cheapest first (cached)."""
        key = (country, postcode, commune_norm, need_mask)
        found = self._candidates.get(key)
        if found is None:
            dept = department_of(postcode)
            region = _REGION_OF_DEPARTMENT.get(dept, "")
            found = tuple(
                item
                for item in self.by_country.get(country, ())
                if (not need_mask or item.need_mask & need_mask)
                and _in_area(item, postcode, commune_norm, dept, region)
            )
            if len(self._candidates) < 100_000:  # bounded: one entry per place and need
                self._candidates[key] = found
        return found


def _sort_key(item: _Prepared) -> tuple[int, int, str, str, int]:
    o = item.offer
    return (item.yearly, o.monthly_price_cents, o.provider, o.name, o.id)


def _area_of(offer: Offer) -> frozenset[str]:
    if offer.area_kind is AreaKind.COMMUNES:
        return frozenset(
            c.strip() if _POSTCODE.match(c.strip()) else normalise_place(c)
            for c in offer.area_codes
        )
    if offer.area_kind is AreaKind.REGION:
        return frozenset(normalise_place(c) for c in offer.area_codes)
    return frozenset(c.strip().upper() for c in offer.area_codes)


def _dates_reason(offer: Offer, verified: bool = True) -> Reason:
    # A tick never stands for an unverified fact: an offer not checked lately is "to check".
    if not verified:
        if offer.checked_on is None:
            return Reason(
                N_("Dates"),
                Met.TO_CHECK,
                N_("Offre jamais vérifiée auprès de l'opérateur : rien ne dit qu'elle existe."),
            )
        return Reason(
            N_("Dates"),
            Met.TO_CHECK,
            N_(
                "Offre vérifiée pour la dernière fois le %(date)s : rien ne dit qu'elle "
                "est encore proposée."
            ),
            {"date": offer.checked_on.strftime("%d/%m/%Y")},
        )
    if offer.valid_from or offer.valid_to:
        return Reason(
            N_("Dates"),
            Met.YES,
            N_("L'offre est valable aujourd'hui (du %(start)s au %(end)s)."),
            {
                "start": offer.valid_from.strftime("%d/%m/%Y") if offer.valid_from else "…",
                "end": offer.valid_to.strftime("%d/%m/%Y") if offer.valid_to else "…",
            },
        )
    return Reason(N_("Dates"), Met.YES, N_("L'offre est proposée en ce moment."))


def _offer_notices(offer: Offer, stale: bool) -> tuple[Notice, ...]:
    notices: list[Notice] = []
    c = offer.country
    if stale:
        if offer.checked_on is None:
            notices.append(
                Notice(
                    NoticeKind.STALE,
                    N_("Information jamais vérifiée : à vérifier auprès de l'opérateur."),
                )
            )
        else:
            notices.append(
                Notice(
                    NoticeKind.STALE,
                    N_(
                        "Information vérifiée le %(date)s, il y a plus d'un an : "
                        "à vérifier auprès de l'opérateur."
                    ),
                    {"date": offer.checked_on.strftime("%d/%m/%Y")},
                )
            )
    if offer.commitment_months:
        notices.append(
            Notice(
                NoticeKind.COMMITMENT,
                N_("Engagement de %(months)s mois : on ne peut pas arrêter avant sans frais."),
                {"months": str(offer.commitment_months)},
            )
        )
    if offer.proof_required:
        notices.append(
            Notice(
                NoticeKind.PROOF,
                N_("Justificatif demandé : %(proof)s"),
                {"proof": offer.proof_required},
            )
        )
    if offer.intro_price_cents is not None and offer.intro_months:
        notices.append(
            Notice(
                NoticeKind.INTRO_PRICE,
                N_("%(intro)s par mois les %(months)s premiers mois, puis %(price)s par mois."),
                {
                    "intro": format_money(offer.intro_price_cents, c),
                    "months": str(offer.intro_months),
                    "price": format_money(offer.monthly_price_cents, c),
                },
            )
        )
    if offer.setup_fee_cents or offer.rental_cents:
        notices.append(
            Notice(
                NoticeKind.FEES,
                N_("Frais : %(setup)s à l'ouverture, %(rental)s par mois pour le matériel."),
                {
                    "setup": format_money(offer.setup_fee_cents, c),
                    "rental": format_money(offer.rental_cents, c),
                },
            )
        )
    return tuple(notices)


def _prepared(offer: Offer, on: date, verified_months: int = VERIFIED_MONTHS) -> _Prepared:
    stale = is_stale(offer.checked_on, on)
    national = None
    if offer.area_kind is AreaKind.NATIONAL:
        national = Reason(
            N_("Lieu"),
            Met.YES,
            N_("L'offre existe partout en %(country)s."),
            {"country": COUNTRY_LABELS.get(offer.country, offer.country)},
        )
    other = None
    if offer.other_conditions:
        other = Reason(
            N_("Autre condition"),
            Met.TO_CHECK,
            N_("À vérifier avec le foyer : %(condition)s"),
            {"condition": offer.other_conditions},
        )
    return _Prepared(
        offer=offer,
        yearly=first_year_cost_cents(offer),
        needs=covered_needs(offer),
        area=_area_of(offer),
        stale=stale,
        dates_reason=_dates_reason(offer, verified_within(offer.checked_on, on, verified_months)),
        national_reason=national,
        area_text=", ".join(offer.area_codes),
        other_reason=other,
        notices=_offer_notices(offer, stale),
    )


_NEED_BITS = {Need.BOX: 1, Need.MOBILE: 2, Need.DATA: 4}


def _need_mask(needs: Iterable[Need]) -> int:
    value = 0
    for need in needs:
        value |= _NEED_BITS[need]
    return value


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

    def mask(statuses: Iterable[str]) -> int:
        value = 0
        for status in statuses:
            value |= bits[status]
        return value

    groups: dict[str, list[_Prepared]] = {}
    for offer in valid:
        item = replace(
            _prepared(offer, on, verified_months),
            any_mask=mask(offer.statuses_any),
            all_mask=mask(offer.statuses_all),
        )
        groups.setdefault(offer.country, []).append(replace(item, need_mask=_need_mask(item.needs)))
    return Catalogue(
        on=on,
        by_country={k: tuple(sorted(v, key=_sort_key)) for k, v in groups.items()},
        size=size,
        status_bits=bits,
    )


def _in_area(item: _Prepared, postcode: str, commune_norm: str, dept: str, region: str) -> bool:
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


def _missing(offer: Offer, attested: frozenset[str], pending: frozenset[str]) -> tuple[str, ...]:
    """The statuses whose attestation is missing for an "almost" offer."""
    missing: list[str] = []
    if offer.statuses_any and attested.isdisjoint(offer.statuses_any):
        missing.append(sorted(offer.statuses_any & pending)[0])
    missing.extend(sorted(offer.statuses_all - attested))
    return tuple(missing)


class LabelList(str):
    """Labels joined for a sentence: the French text itself, plus the labels (``parts``)
    and the ``separator`` so that the web side can translate each label before joining."""

    parts: tuple[str, ...]
    separator: str

    def __new__(cls, parts: Iterable[str], separator: str = ", ") -> LabelList:
        items = tuple(parts)
        text = super().__new__(cls, separator.join(items))
        text.parts = items
        text.separator = separator
        return text


def _labels(codes: Iterable[str]) -> str:
    return LabelList(status_label(c) for c in sorted(codes))


# The sentences below depend on few values (statuses, needs, kinds, places) that repeat
# from one household to the next: built once each, shared (reasons are immutable).
@lru_cache(maxsize=4096)
def _place_reason(place: str, area: str) -> Reason:
    return Reason(
        N_("Lieu"),
        Met.YES,
        N_("L'offre existe à %(place)s (zone : %(area)s)."),
        {"place": place, "area": area},
    )


@lru_cache(maxsize=1024)
def _need_reason(wanted: frozenset[Need], kind: OfferKind) -> Reason:
    if wanted:
        return Reason(
            N_("Besoin"),
            Met.YES,
            N_("Le foyer cherche %(need)s : c'est ce que propose l'offre (%(kind)s)."),
            {
                "need": LabelList((NEED_LABELS[n] for n in sorted(wanted)), " ; "),
                "kind": LabelList([OFFER_KIND_LABELS[kind]]),
            },
        )
    return Reason(
        N_("Besoin"),
        Met.YES,
        N_("Type d'offre : %(kind)s."),
        {"kind": LabelList([OFFER_KIND_LABELS[kind]])},
    )


@lru_cache(maxsize=4096)
def _any_reason(wanted: frozenset[str], got: frozenset[str]) -> Reason:
    return Reason(
        N_("Situation"),
        Met.YES,
        N_("Réservée à : %(wanted)s. Le foyer a : %(got)s (attesté)."),
        {"wanted": _labels(wanted), "got": _labels(got)},
    )


@lru_cache(maxsize=256)
def _all_reason(status: str) -> Reason:
    return Reason(
        N_("Situation"),
        Met.YES,
        N_("Il faut : %(status)s. Le foyer l'a (attesté)."),
        {"status": LabelList([status_label(status)])},
    )


@lru_cache(maxsize=256)
def _missing_reason(status: str) -> Reason:
    return Reason(
        N_("Situation"),
        Met.MISSING_ATTESTATION,
        N_(
            "Il faut : %(status)s. Le foyer semble y avoir droit, mais ce n'est pas "
            "(ou plus) attesté : le prescripteur doit l'attester."
        ),
        {"status": LabelList([status_label(status)])},
    )


_NO_CONDITION = Reason(N_("Situation"), Met.YES, N_("Aucune condition de ressources ou de statut."))
_NO_SAVING = Notice(
    NoticeKind.NO_SAVING,
    N_("Cette offre coûte plus cher que ce que le foyer paie aujourd'hui."),
)


def _reasons(
    item: _Prepared, facts: Facts, place: str, missing: tuple[str, ...]
) -> tuple[Reason, ...]:
    offer = item.offer
    reasons = [
        item.dates_reason,
        item.national_reason or _place_reason(place, item.area_text),
        _need_reason(facts.needs & item.needs, offer.kind),
    ]
    if offer.statuses_any:
        got = offer.statuses_any & facts.statuses
        if got:
            reasons.append(_any_reason(offer.statuses_any, got))
    for status in sorted(offer.statuses_all & facts.statuses):
        reasons.append(_all_reason(status))
    for status in missing:
        reasons.append(_missing_reason(status))
    if not offer.statuses_any and not offer.statuses_all:
        reasons.append(_NO_CONDITION)
    if item.other_reason is not None:
        reasons.append(item.other_reason)
    return tuple(reasons)


# An offer of a kind the household pays nothing for adds to what it pays today.
_ADDS_TO_PLAN = Notice(
    NoticeKind.NO_SAVING,
    N_("Pas d'économie : cette box se paie en plus de votre forfait mobile."),
)
_ADDS_TO_BOX = Notice(
    NoticeKind.NO_SAVING,
    N_("Pas d'économie : cette offre se paie en plus de votre abonnement box."),
)


def _propose(item: _Prepared, facts: Facts, place: str, missing: tuple[str, ...]) -> Proposal:
    found = saving(
        item.offer.kind,
        item.yearly,
        facts.box_spend_cents,
        facts.mobile_spend_cents,
        facts.monthly_spend_cents,
    )
    notices = item.notices
    if found.kind is SavingKind.COSTS_MORE:
        notices = (*notices, _NO_SAVING)
    elif found.kind is SavingKind.ADDS:
        notices = (*notices, _ADDS_TO_PLAN if item.offer.kind is OfferKind.BOX else _ADDS_TO_BOX)
    return Proposal(
        offer=item.offer,
        eligibility=Eligibility.ALMOST if missing else Eligibility.ELIGIBLE,
        yearly_cost_cents=item.yearly,
        monthly_cost_cents=(item.yearly + 6) // 12,
        yearly_saving_cents=found.yearly_cents,
        reasons=_reasons(item, facts, place, missing),
        warnings=notices,
        missing_attestations=missing,
        to_verify=item.stale,
        saving_kind=found.kind,
        compared_spend_cents=found.compared_cents,
    )


def match(facts: Facts, catalogue: Catalogue, limit: int | None = None) -> MatchResult:
    """Offers the household can get (and almost get), cheapest first, each explained.

    An offer outside its validity dates, its country or its area is never proposed.
    ``limit`` caps each list (the explanations are built only for what is returned).
    """
    postcode = facts.postcode.strip()
    place = facts.commune or postcode
    candidates = catalogue.candidates(
        facts.country, postcode, normalise_place(facts.commune), _need_mask(facts.needs)
    )
    attested = catalogue.mask(facts.statuses)
    pending = catalogue.mask(facts.pending_statuses) & ~attested
    eligible: list[Proposal] = []
    almost: list[Proposal] = []
    cap = limit if limit is not None else catalogue.size
    for item in candidates:
        any_mask = item.any_mask
        any_missing = bool(any_mask) and not any_mask & attested
        if any_missing and not any_mask & pending:
            continue
        all_missing = item.all_mask & ~attested
        if all_missing & ~pending:
            continue
        if not any_missing and not all_missing:
            if len(eligible) < cap:
                eligible.append(_propose(item, facts, place, ()))
        elif len(almost) < cap:
            missing = _missing(item.offer, facts.statuses, facts.pending_statuses)
            almost.append(_propose(item, facts, place, missing))
        if len(eligible) >= cap and len(almost) >= cap:
            break
    return MatchResult(on=catalogue.on, eligible=tuple(eligible), almost=tuple(almost))


def match_offers(
    facts: Facts, offers: Iterable[Offer], on: date, limit: int | None = None
) -> MatchResult:
    """``match`` for a single household: prepares the catalogue then matches."""
    return match(facts, prepare(offers, on), limit)


NO_OFFER_SMS = (
    "Tarif social internet : pas d'offre trouvee pour vous. Parlez-en a votre conseiller."
)


# One short word per kind: the SMS names the provider and what it sells; the printed
# sheet gives the offer's full name and how to subscribe.
_SMS_KIND = {
    OfferKind.BOX: "box",
    OfferKind.MOBILE: "forfait",
    OfferKind.DATA: "recharges",
    OfferKind.BUNDLE: "box+mobile",
}


def sms_text(result: MatchResult, count: int = 3) -> str:
    """A short French text naming the best offers, fit for one SMS (160 GSM-7 septets)."""
    best = result.eligible[:count]
    if not best:
        return NO_OFFER_SMS
    text = ""
    for n in range(len(best), 0, -1):
        parts = [
            f"{p.offer.provider}, {_SMS_KIND[p.offer.kind]} "
            f"{format_money(p.monthly_cost_cents, p.offer.country).replace(' ', '')}/mois"
            for p in best[:n]
        ]
        lead = "Tarifs sociaux pour vous : " if n > 1 else "Tarif social pour vous : "
        text = to_gsm7(lead + " ; ".join(parts) + ". Votre conseiller vous aide.")
        if (gsm7_length(text) or 999) <= SMS_LIMIT:
            return text
    # A very long provider name: cut it rather than send two messages.
    while (gsm7_length(text + "...") or 999) > SMS_LIMIT:
        text = text[:-1]
    return text + "..."


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


# The GSM-7 alphabet has one source, app/notify/gsm7.py (re-exported here).
