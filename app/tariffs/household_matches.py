"""The household's matches: the prepared catalogue of the day, a household's facts, its
best offers explained and the SMS naming them (in the household's language).

The matching itself is the pure module ``app.tariffs.matching``; the SMS wording is
``app.tariffs.sms``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app, g, has_app_context
from flask_babel import force_locale
from sqlalchemy import func, select

from app.audit.services import record
from app.core.clock import today
from app.core.errors import Conflict, DomainError
from app.core.i18n import current_gettext, reader_locale
from app.core.i18n import translate as _
from app.extensions import db
from app.tariffs import matching, public
from app.tariffs.freshness import VERIFIED_MONTHS
from app.tariffs.matching import (
    AreaKind,
    Facts,
    MatchResult,
    Need,
    Offer,
    OfferKind,
)
from app.tariffs.models import SocialTariff
from app.tariffs.offers import country_code
from app.tariffs.savings import split_by_connection


def reason_text(item: matching.Reason | matching.Notice) -> str:
    """A reason or notice in the page's language, the labels in its parameters included."""
    if not item.params:
        return _(item.template)
    params = {
        key: value.separator.join(_(part) for part in value.parts)
        if isinstance(value, matching.LabelList)
        else value
        for key, value in item.params.items()
    }
    return _(item.template, **params)


def _cents(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def to_offer(tariff: SocialTariff) -> Offer:
    return Offer(
        id=tariff.id,
        provider=tariff.provider,
        name=tariff.name,
        kind=OfferKind(tariff.kind),
        monthly_price_cents=_cents(tariff.monthly_price) or 0,
        country=tariff.country,
        intro_price_cents=_cents(tariff.intro_price),
        intro_months=tariff.intro_months,
        setup_fee_cents=_cents(tariff.setup_fee) or 0,
        rental_cents=_cents(tariff.equipment_rental) or 0,
        commitment_months=tariff.commitment_months,
        speed_mbps=tariff.speed_mbps,
        data_gb=float(tariff.data_gb) if tariff.data_gb is not None else None,
        content=tariff.content,
        area_kind=AreaKind(tariff.area_kind),
        area_codes=tuple(tariff.area_codes or ()),
        statuses_any=frozenset(tariff.statuses_any or ()),
        statuses_all=frozenset(tariff.statuses_all or ()),
        other_conditions=tariff.other_conditions,
        proof_required=tariff.proof_required,
        how_to_subscribe=tariff.how_to_subscribe,
        source_url=tariff.source_url,
        checked_on=tariff.checked_on,
        valid_from=tariff.valid_from,
        valid_to=tariff.valid_to,
    )


def catalogue(on: date | None = None) -> matching.Catalogue:
    """The prepared catalogue for a day, kept for the rest of the request (a report
    matching thousands of households prepares it once); any change to the offers, even
    from another process, shows in the key and prepares it again."""
    on = on or today()
    months = verified_months()
    key = (
        on,
        months,
        *db.session.execute(
            select(
                func.count(SocialTariff.id),
                func.max(SocialTariff.id),
                func.max(SocialTariff.updated_at),
                func.sum(SocialTariff.version),
            )
        ).one(),
    )
    cache = g.setdefault("tariff_catalogues", {}) if has_app_context() else {}
    prepared = cache.get(key)
    if prepared is None:
        # A withdrawn offer is proposed to no one; another country's catalogue stays out
        # of this instance (TARIFF_COUNTRY).
        rows = select(SocialTariff).where(
            SocialTariff.state != "withdrawn", SocialTariff.country == instance_country()
        )
        offers = [to_offer(t) for t in db.session.scalars(rows)]
        prepared = cache[key] = matching.prepare(offers, on, months)
    return prepared


def instance_country() -> str:
    """TARIFF_COUNTRY: the country whose catalogue this instance shows and loads (FR by
    default; GB is read as UK)."""
    if not has_app_context():
        return "FR"
    return country_code(str(current_app.config.get("TARIFF_COUNTRY", "FR")))


def verified_months() -> int:
    """TARIFF_VERIFIED_MONTHS: an offer verified longer ago is not told to a family."""
    if not has_app_context():
        return VERIFIED_MONTHS
    return int(current_app.config.get("TARIFF_VERIFIED_MONTHS", VERIFIED_MONTHS))


def match_facts(facts: Facts, limit: int | None = None, on: date | None = None) -> MatchResult:
    return matching.match(facts, catalogue(on), limit)


def needs_for_connection(connection: str) -> frozenset[Need]:
    """What a household looks for, from its connection today: what it lacks and what it
    pays for (a social tariff can replace it for less)."""
    return {
        "none": frozenset({Need.BOX, Need.MOBILE, Need.DATA}),
        "mobile": frozenset({Need.BOX, Need.MOBILE}),
        "box": frozenset({Need.BOX}),
        "box_and_mobile": frozenset({Need.BOX, Need.MOBILE}),
    }.get(str(getattr(connection, "value", connection)), frozenset())


def facts_for_household(household: Any, on: date | None = None) -> Facts:
    """The household's attested statuses, place, connection and spend, as matching facts.

    A status the household shows but has no attestation in force for (an attestation
    that ran out, the QPV box ticked without attestation, a reference person of 60 or
    more) makes offers "almost" available: the prescriber only has to attest it.
    """
    on = on or today()
    attested = {str(s) for s in household.statuses_on(on)}
    pending = {str(a.status) for a in household.attestations} - attested
    if getattr(household, "qpv", False):
        pending.add("qpv_resident")
    reference = next((m for m in household.members if m.is_reference), None)
    if reference is not None and reference.age_on(on) >= 60:
        pending.add("senior_60")
    spend = household.telecom_spend_eur
    total = None if spend is None else int(spend) * 100
    box_spend, mobile_spend = split_by_connection(household.connection, total)
    return Facts(
        statuses=frozenset(attested),
        pending_statuses=frozenset(pending - attested),
        commune=household.commune or "",
        postcode=household.postcode or "",
        country="FR",
        needs=needs_for_connection(household.connection),
        monthly_spend_cents=total,
        box_spend_cents=box_spend,
        mobile_spend_cents=mobile_spend,
    )


@dataclass(frozen=True)
class HouseholdMatches:
    household_id: int
    facts: Facts
    result: MatchResult  # for staff: every match, unverified ones labelled
    sms: str  # verified offers in force only, or where to ask (app.tariffs.public)
    told: MatchResult | None = None  # what the family page and printed sheet may carry
    sms_language: str = "fr"  # the language the SMS is written in (the household's)


def matches_for_household(household: Any, limit: int | None = 3) -> HouseholdMatches:
    """The best offers for a household (the cheapest for each of its needs first),
    explained, and the SMS text that names them.

    For the household's page, the family's page and the printed summary; reading is
    journalled by the page that shows it.
    """
    facts = facts_for_household(household)
    result = match_facts(facts)
    months = verified_months()
    told = public.family_result(result, months)
    if limit is not None:
        result, told = (
            MatchResult(
                on=r.on,
                eligible=matching.best_per_need(r, facts.needs, limit),
                almost=r.almost[:limit],
            )
            for r in (result, told)
        )
    return HouseholdMatches(
        household.id,
        facts,
        result,
        household_sms(household, told, months),
        told,
        reader_locale(getattr(household, "language", None)),
    )


def household_sms(household: Any, told: MatchResult, months: int | None = None) -> str:
    """The tariff SMS in the household's language (it is the reader, whoever asks), in one
    SMS; where to ask when no verified offer is left."""
    months = verified_months() if months is None else months
    with force_locale(reader_locale(getattr(household, "language", None))):
        return public.family_sms(told, months, current_gettext)


def send_household_sms(household: Any, actor: Any) -> bool:
    """Queue the SMS naming the best offers to the household (at most once a day).

    Only when the household chose SMS as its way to be contacted and has a mobile number.
    """
    from app.notify.models import Channel
    from app.notify.phone import is_mobile_fr, to_e164
    from app.notify.services import enqueue

    if str(getattr(household.contact_channel, "value", household.contact_channel)) != "sms":
        raise DomainError(_("Le foyer n'a pas choisi d'être contacté par SMS."))
    number = to_e164(household.phone or "")
    if number is None or (number.startswith("+33") and not is_mobile_fr(number)):
        raise DomainError(_("Le foyer n'a pas de numéro de portable utilisable pour un SMS."))
    text = matches_for_household(household).sms
    record(
        "tariff.sms",
        "household",
        household.id,
        detail={"length": len(text)},
        organisation_id=getattr(actor, "organisation_id", None),
        actor=actor,
    )
    db.session.commit()
    queued = enqueue(
        f"tariffs:sms:{household.id}:{today().isoformat()}",
        Channel.SMS,
        number,
        text,
        organisation_id=household.organisation_id,
        object_type="household",
        object_id=household.id,
    )
    if not queued:
        raise Conflict(_("Un SMS de tarifs a déjà été envoyé aujourd'hui à ce foyer."))
    return True
