"""JSON API of the catalogue and of the matching: facts in, ranked and explained offers out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.api.auth import api_auth
from app.api.errors import parse_body
from app.api.openapi import operation
from app.api.types import RecordId, UtcDateTime
from app.authz.policy import Permission
from app.core.clock import today
from app.core.i18n import current_gettext
from app.tariffs import editing, household_matches, matching, public
from app.tariffs.matching import CURRENCY, Facts, Need, Proposal
from app.tariffs.models import SocialTariff

api_bp = Blueprint("tariffs_api", __name__, url_prefix="/api/v1/tariffs")


class TariffOut(BaseModel):
    id: int
    provider: str
    name: str
    kind: str
    country: str
    currency: str
    monthly_price: Decimal
    intro_price: Decimal | None
    intro_months: int
    setup_fee: Decimal
    equipment_rental: Decimal
    commitment_months: int
    first_year_cost: Decimal
    speed_mbps: int | None
    data_gb: Decimal | None
    content: str
    area_kind: str
    area_codes: list[str]
    statuses_any: list[str]
    statuses_all: list[str]
    other_conditions: str
    proof_required: str
    how_to_subscribe: str
    source_url: str
    checked_on: date | None
    valid_from: date | None
    valid_to: date | None
    to_verify: bool = Field(description="Pas vérifiée depuis plus d'un an (ou jamais)")
    version: int
    updated_at: UtcDateTime


class MatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    statuses: list[str] = Field(default_factory=list, description="Statuts attestés")
    pending_statuses: list[str] = Field(
        default_factory=list, description="Statuts déclarés, pas encore attestés"
    )
    commune: str = Field("", max_length=120)
    postcode: str = Field("", max_length=10)
    country: Literal["FR", "UK"] = "FR"
    needs: list[Need] = Field(
        default_factory=list, description="box, mobile, data ; vide : toutes les offres"
    )
    current_monthly_spend: Decimal | None = Field(
        None, ge=0, le=10000, description="Dépense actuelle par mois (téléphone et internet)"
    )
    current_box_spend: Decimal | None = Field(
        None,
        ge=0,
        le=10000,
        description="Dont la box (0 : pas de box) ; sans elle, pas d'économie calculée pour une box",
    )
    current_mobile_spend: Decimal | None = Field(
        None,
        ge=0,
        le=10000,
        description="Dont le mobile (0 : pas de forfait) ; sans elle, pas d'économie calculée pour un forfait",
    )
    on: date | None = Field(None, description="Jour de la recherche ; aujourd'hui par défaut")
    limit: int | None = Field(None, ge=1, le=200)

    @field_validator("statuses", "pending_statuses")
    @classmethod
    def known(cls, value: list[str]) -> list[str]:
        unknown = set(value) - set(matching.known_statuses())
        if unknown:
            raise ValueError(f"statuts inconnus : {', '.join(sorted(unknown))}")
        return value


class ReasonOut(BaseModel):
    condition: str
    met: str = Field(description="yes, no, missing_attestation, to_check")
    text: str


class NoticeOut(BaseModel):
    kind: str
    text: str


class ProposalOut(BaseModel):
    tariff_id: RecordId
    provider: str
    name: str
    kind: str
    eligibility: str = Field(description="eligible ou almost (attestation manquante)")
    currency: str
    monthly_cost: Decimal = Field(description="Coût moyen par mois la première année")
    yearly_cost: Decimal = Field(description="Coût de la première année, frais compris")
    yearly_saving: Decimal | None = Field(
        description="Économie par an, comparée à la dépense de même nature ; négatif : surcoût"
    )
    saving_kind: str = Field(
        "unknown",
        description="saves, costs_more, adds (en plus de ce que le foyer paie), "
        "new_cost, total_only (dépense connue en un seul total : pas de calcul), unknown",
    )
    to_verify: bool
    missing_attestations: list[str]
    reasons: list[ReasonOut]
    warnings: list[NoticeOut]
    how_to_subscribe: str
    source_url: str
    checked_on: date | None


class MatchResponse(BaseModel):
    on: date
    eligible: list[ProposalOut]
    almost: list[ProposalOut]
    sms: str


def _money(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _text(item: matching.Reason | matching.Notice) -> str:
    return household_matches.reason_text(item)


def tariff_out(tariff: SocialTariff) -> TariffOut:
    offer = household_matches.to_offer(tariff)
    return TariffOut(
        id=tariff.id,
        provider=tariff.provider,
        name=tariff.name,
        kind=str(tariff.kind),
        country=tariff.country,
        currency=CURRENCY.get(tariff.country, "€"),
        monthly_price=tariff.monthly_price,
        intro_price=tariff.intro_price,
        intro_months=tariff.intro_months,
        setup_fee=tariff.setup_fee,
        equipment_rental=tariff.equipment_rental,
        commitment_months=tariff.commitment_months,
        first_year_cost=_money(matching.first_year_cost_cents(offer)) or Decimal(0),
        speed_mbps=tariff.speed_mbps,
        data_gb=tariff.data_gb,
        content=tariff.content,
        area_kind=str(tariff.area_kind),
        area_codes=list(tariff.area_codes or []),
        statuses_any=list(tariff.statuses_any or []),
        statuses_all=list(tariff.statuses_all or []),
        other_conditions=tariff.other_conditions,
        proof_required=tariff.proof_required,
        how_to_subscribe=tariff.how_to_subscribe,
        source_url=tariff.source_url,
        checked_on=tariff.checked_on,
        valid_from=tariff.valid_from,
        valid_to=tariff.valid_to,
        to_verify=matching.is_stale(tariff.checked_on, today()),
        version=tariff.version,
        updated_at=tariff.updated_at,
    )


def proposal_out(p: Proposal) -> ProposalOut:
    o = p.offer
    return ProposalOut(
        tariff_id=o.id,
        provider=o.provider,
        name=o.name,
        kind=str(o.kind),
        eligibility=str(p.eligibility),
        currency=CURRENCY.get(o.country, "€"),
        monthly_cost=_money(p.monthly_cost_cents) or Decimal(0),
        yearly_cost=_money(p.yearly_cost_cents) or Decimal(0),
        yearly_saving=_money(p.yearly_saving_cents),
        saving_kind=str(p.saving_kind),
        to_verify=p.to_verify,
        missing_attestations=list(p.missing_attestations),
        reasons=[
            ReasonOut(condition=_(r.condition), met=str(r.met), text=_text(r)) for r in p.reasons
        ],
        warnings=[NoticeOut(kind=str(w.kind), text=_text(w)) for w in p.warnings],
        how_to_subscribe=o.how_to_subscribe,
        source_url=o.source_url,
        checked_on=o.checked_on,
    )


@api_bp.get("")
@operation(
    "Le catalogue des tarifs sociaux",
    response=TariffOut,
    list_response=True,
    tags=["tarifs sociaux"],
    query={
        "kind": "box, mobile, data ou bundle",
        "country": "FR ou UK",
        "to_verify": "1 : seulement les offres à vérifier",
        "current": "1 : seulement les offres valables aujourd'hui",
    },
)
@api_auth(Permission.TARIFF_READ)
def tariff_list() -> ResponseReturnValue:
    rows = editing.list_tariffs(
        request.args.get("kind", ""),
        request.args.get("country", ""),
        to_verify=request.args.get("to_verify") == "1",
        current_only=request.args.get("current") == "1",
    )
    return jsonify([tariff_out(t).model_dump(mode="json") for t in rows])


def _cents(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


@api_bp.post("/match")
@operation(
    "Les offres qu'un foyer peut avoir, de la moins chère à la plus chère, expliquées",
    request=MatchRequest,
    response=MatchResponse,
    tags=["tarifs sociaux"],
)
@api_auth(Permission.TARIFF_READ)
def match() -> ResponseReturnValue:
    body = parse_body(MatchRequest)
    spend = body.current_monthly_spend
    facts = Facts(
        statuses=frozenset(body.statuses),
        pending_statuses=frozenset(body.pending_statuses),
        commune=body.commune,
        postcode=body.postcode.strip(),
        country=body.country,
        needs=frozenset(body.needs),
        monthly_spend_cents=_cents(spend),
        box_spend_cents=_cents(body.current_box_spend),
        mobile_spend_cents=_cents(body.current_mobile_spend),
    )
    result = household_matches.match_facts(facts, body.limit, body.on)
    return jsonify(
        MatchResponse(
            on=result.on,
            eligible=[proposal_out(p) for p in result.eligible],
            almost=[proposal_out(p) for p in result.almost],
            # In the client's language (Accept-Language), as the reasons.
            sms=public.family_sms(result, household_matches.verified_months(), current_gettext),
        ).model_dump(mode="json")
    )
