"""Stateless eligibility check: facts in, explained decisions out. Nothing is stored."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ConfigDict, Field

from app.api.auth import api_auth
from app.api.errors import ApiError, parse_body
from app.api.openapi import operation
from app.core.clock import today
from app.eligibility import catalogue, display
from app.eligibility.engine import evaluate_all
from app.eligibility.facts import Facts, Proof, QuotaUse, StatusFact
from app.eligibility.vocabulary import Commitment, DeviceType, Status

api_bp = Blueprint("eligibility_api", __name__, url_prefix="/api/v1")

_PROOFS = {
    "claimed": Proof.CLAIMED,
    "declared": Proof.DECLARED,
    "document_seen": Proof.DOCUMENT_SEEN,
}


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Status
    proof: Literal["claimed", "declared", "document_seen"] = Field(
        "declared",
        description="claimed : dit par la personne ; declared : attesté sur parole ; "
        "document_seen : justificatif vu",
    )
    attested_on: date | None = None
    valid_until: date | None = None


class QuotaUseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(max_length=60)
    period: str = Field(max_length=20, description="« 2026 », « 2026-11 » ou « ever »")


class FactsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    statuses: list[StatusIn] = Field(default_factory=list, max_length=30)
    ages: list[int] = Field(
        default_factory=list, max_length=20, description="âges de tous les membres du foyer"
    )
    reference_age: int | None = Field(None, ge=0, le=120)
    postcode: str = Field("", max_length=10)
    commune: str = Field("", max_length=120)
    qpv: bool = False
    has_computer: bool = False
    has_smartphone: bool = False
    has_tablet: bool = False
    quota_uses: list[QuotaUseIn] = Field(default_factory=list, max_length=50)
    commitments: list[Commitment] | None = Field(
        None, description="absent : pas encore demandé (les engagements restent à confirmer)"
    )
    size: int | None = Field(None, ge=1, le=30)


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    facts: FactsIn
    on: date | None = Field(None, description="jour de la vérification (par défaut : aujourd'hui)")
    need: DeviceType | None = None
    programmes: list[str] | None = Field(None, description="codes ; par défaut tous")


class ParameterOut(BaseModel):
    name: str
    description: str
    value: Any
    since: date
    sentence: str


class ConditionOut(BaseModel):
    kind: str
    met: bool | None
    code: str = Field(description="ce qui a été constaté, par exemple « location.not_met »")
    args: dict[str, Any] = Field(description="les données de ce constat")
    fix: Literal["attestation", "commitment"] | None = None
    sentence: str = Field(description="le constat en toutes lettres, dans la langue demandée")
    parameters: list[ParameterOut]


class PhraseOut(BaseModel):
    code: str
    args: dict[str, Any]


class ProgrammeRef(BaseModel):
    code: str
    version: int = Field(description="la version publiée appliquée")
    name: str
    summary: str
    valid_from: date
    valid_to: date | None


class SourceOut(BaseModel):
    citation: str
    title: str
    url: str
    note: str
    date: str = ""


class DecisionOut(BaseModel):
    programme: ProgrammeRef
    on: date
    eligibility: Literal["eligible", "almost", "not_eligible"]
    label: str
    reason: str
    missing: list[PhraseOut]
    to_confirm: list[PhraseOut]
    missing_text: list[str]
    to_confirm_text: list[str]
    matches_need: bool
    conditions: list[ConditionOut]
    outcome: dict[str, Any] | None
    source: SourceOut


class CheckOut(BaseModel):
    on: date
    decisions: list[DecisionOut]


def facts_from(body: FactsIn) -> Facts:
    return Facts(
        statuses=tuple(
            StatusFact(s.status, _PROOFS[s.proof], s.attested_on, s.valid_until)
            for s in body.statuses
        ),
        ages=tuple(body.ages),
        reference_age=body.reference_age,
        postcode=body.postcode,
        commune=body.commune,
        qpv=body.qpv,
        has_computer=body.has_computer,
        has_smartphone=body.has_smartphone,
        has_tablet=body.has_tablet,
        quota_uses=tuple(QuotaUse(q.key, q.period) for q in body.quota_uses),
        commitments=frozenset(body.commitments) if body.commitments is not None else None,
        size=body.size,
    )


@api_bp.post("/eligibility/check")
@operation(
    "Vérifier l'éligibilité d'un foyer à tous les programmes (rien n'est enregistré)",
    request=CheckIn,
    response=CheckOut,
    tags=["éligibilité"],
)
@api_auth(None)
def check() -> ResponseReturnValue:
    body = parse_body(CheckIn)
    if any(not 0 <= age <= 120 for age in body.facts.ages):
        raise ApiError(
            422,
            "Certaines données sont invalides.",
            [{"field": "facts.ages", "message": "âge entre 0 et 120"}],
        )
    on = body.on or today()
    programmes = catalogue.programmes(on)  # the versions in force that day
    if body.programmes is not None:
        unknown = sorted(set(body.programmes) - {p.code for p in programmes})
        if unknown:
            raise ApiError(
                422,
                "Programme inconnu : " + ", ".join(unknown),
                [{"field": "programmes", "message": "valeur non reconnue"}],
            )
        programmes = tuple(p for p in programmes if p.code in body.programmes)
    decisions = evaluate_all(programmes, facts_from(body.facts), on, body.need)
    say = display.speaker()
    return jsonify(
        {"on": on.isoformat(), "decisions": [display.render_decision(d, say) for d in decisions]}
    )
