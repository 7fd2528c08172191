"""JSON API of the catalogue's governance (issue 17): the catalogue moves in and out as
CSV, the owner verifies and withdraws, others propose; every change is journalled."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field

from app.api.auth import api_auth
from app.api.errors import ApiError, parse_body
from app.api.openapi import operation
from app.authz.policy import Permission
from app.core.errors import DomainError, NotFound
from app.extensions import db
from app.tariffs import editing, governance, transfer
from app.tariffs.models import SocialTariff

api_bp = Blueprint("tariffs_governance_api", __name__, url_prefix="/api/v1/tariffs")

TAGS = ["tarifs sociaux"]


class ImportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    csv: str = Field(max_length=5_000_000, description="Le fichier CSV (colonnes de l'export)")


class LineError(BaseModel):
    line: int
    message: str


class ImportOut(BaseModel):
    created: int
    updated: int
    unchanged: int
    errors: list[LineError]


class ProposalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["change", "gone"]
    message: str = Field(default="", max_length=2000)
    monthly_price: str = Field(default="", max_length=20)
    source_url: str = Field(default="", max_length=500)


class ProposalOut(BaseModel):
    id: int
    tariff_id: int
    kind: str
    status: str


class StateOut(BaseModel):
    id: int
    provider: str
    name: str
    state: str
    checked_on: str | None
    source_url: str


class WithdrawRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=500)


def _state_out(tariff: SocialTariff) -> dict[str, object]:
    return StateOut(
        id=tariff.id,
        provider=tariff.provider,
        name=tariff.name,
        state=governance.effective_state(tariff),
        checked_on=tariff.checked_on.isoformat() if tariff.checked_on else None,
        source_url=tariff.source_url,
    ).model_dump(mode="json")


def _owned(tariff_id: int) -> SocialTariff:
    try:
        tariff = editing.get_tariff(tariff_id)
    except NotFound:
        raise ApiError(404, "Cette offre n'existe pas.") from None
    if not governance.may_own(current_user, tariff):
        raise ApiError(403, "Seul le coordinateur du territoire modifie ce catalogue.")
    return tariff


def _owner() -> None:
    if not governance.may_own(current_user):
        raise ApiError(403, "Seul le coordinateur du territoire modifie ce catalogue.")


@api_bp.get("/export.csv")
@operation("Le catalogue en CSV (les colonnes de l'import, plus l'état)", tags=TAGS)
@api_auth(Permission.TARIFF_READ)
def export() -> ResponseReturnValue:
    return Response(transfer.export_csv(editing.list_tariffs()), mimetype="text/csv")


@api_bp.post("/import")
@operation(
    "Importer un CSV : tout ou rien, chaque ligne fautive listée",
    request=ImportRequest,
    response=ImportOut,
    tags=TAGS,
)
@api_auth(Permission.TARIFF_EDIT)
def import_csv() -> ResponseReturnValue:
    _owner()
    body = parse_body(ImportRequest)
    report = governance.import_csv(body.csv.encode("utf-8"), current_user)
    if report.errors:  # nothing was written; every faulty line, in the API's error shape
        raise ApiError(
            422,
            "Import refusé : rien n'a été écrit.",
            fields=[{"field": f"ligne {line}", "message": msg} for line, msg in report.errors],
        )
    out = ImportOut(
        created=report.created, updated=report.updated, unchanged=report.unchanged, errors=[]
    ).model_dump(mode="json")
    return jsonify(out)


@api_bp.get("/to-verify")
@operation(
    "Ce que le coordinateur vérifie ensuite, le plus ancien d'abord",
    response=StateOut,
    list_response=True,
    tags=TAGS,
)
@api_auth(Permission.TARIFF_EDIT)
def to_verify() -> ResponseReturnValue:
    _owner()
    return jsonify([_state_out(t) for t in governance.review_queue()])


@api_bp.post("/<int:tariff_id>/verify")
@operation("L'offre vérifiée aujourd'hui auprès du fournisseur", response=StateOut, tags=TAGS)
@api_auth(Permission.TARIFF_EDIT)
def verify(tariff_id: int) -> ResponseReturnValue:
    tariff = _owned(tariff_id)
    return jsonify(_state_out(governance.verify(tariff.id, current_user)))


@api_bp.post("/<int:tariff_id>/withdraw")
@operation(
    "Retirer l'offre : plus proposée à aucun foyer",
    request=WithdrawRequest,
    response=StateOut,
    tags=TAGS,
)
@api_auth(Permission.TARIFF_EDIT)
def withdraw(tariff_id: int) -> ResponseReturnValue:
    tariff = _owned(tariff_id)
    body = parse_body(WithdrawRequest)
    return jsonify(_state_out(governance.withdraw(tariff.id, current_user, body.reason)))


@api_bp.post("/<int:tariff_id>/proposals")
@operation(
    "Proposer un changement ou signaler que l'offre n'existe plus",
    request=ProposalRequest,
    response=ProposalOut,
    tags=TAGS,
    status=201,
)
@api_auth(Permission.TARIFF_PROPOSE)
def propose(tariff_id: int) -> ResponseReturnValue:
    body = parse_body(ProposalRequest)
    changes = {"monthly_price": body.monthly_price, "source_url": body.source_url}
    try:
        proposal = governance.propose(tariff_id, current_user, body.kind, body.message, changes)
    except NotFound:
        raise ApiError(404, "Cette offre n'existe pas.") from None
    except DomainError as exc:
        db.session.rollback()
        raise ApiError(422, exc.message) from None
    out = ProposalOut(
        id=proposal.id, tariff_id=proposal.tariff_id, kind=proposal.kind, status=proposal.status
    )
    return jsonify(out.model_dump(mode="json")), 201
