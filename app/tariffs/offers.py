"""Offers as the tariff matching sees them: kinds, needs, areas, prices. Pure module.

Money is in cents of the country's currency; every label is a French template marked
with ``N_`` (the web side translates it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.core.marking import N_
from app.eligibility.vocabulary import STATUS_LABELS

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
# ISO 3166 says GB; the catalogue has always said UK (stored offers, CSV files, the API).
COUNTRY_ALIASES = {"GB": "UK"}


def country_code(value: str) -> str:
    """A country as the catalogue writes it: 'gb', 'GB' and 'UK' are 'UK', '' is 'FR'."""
    code = (value or "").strip().upper() or "FR"
    return COUNTRY_ALIASES.get(code, code)


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
