"""Loans and sales under /api/v1: list, read, hand over, return, extend."""

from __future__ import annotations

from datetime import date
from typing import Literal

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field

from app.api.auth import api_auth
from app.api.errors import ApiError, parse_body
from app.api.openapi import operation
from app.api.types import RecordId, UtcDateTime
from app.audit.services import record
from app.authz.guards import can
from app.authz.policy import Permission
from app.core.converters import year_number
from app.core.errors import DomainError
from app.extensions import db
from app.households.models import Prescription
from app.loans.handover import HandoverInput
from app.loans.handover import handover as hand_over
from app.loans.models import Loan, Sale, SignatureKind
from app.loans.queries import LoanFilter, list_loans, list_sales
from app.loans.returns import ReturnInput, extend_loan, return_loan
from app.loans.signatures import decode_signature
from app.loans.terms import Accessory, PaymentMethod, ReturnCheck

api_bp = Blueprint("loans_api", __name__, url_prefix="/api/v1")

H = Permission.HANDOVER


class DeviceOut(BaseModel):
    id: int
    asset_tag: str
    device_type: str
    brand: str
    model: str
    serial: str


class LoanOut(BaseModel):
    id: int
    number: str
    status: str
    household_id: RecordId
    prescription_id: RecordId | None
    programme_code: str
    device: DeviceOut
    start_on: date
    due_on: date
    extensions: int
    max_extensions: int
    deposit_cents: int
    accessories: list[str]
    signature: str
    returned_at: UtcDateTime | None
    return_checklist: dict[str, bool]
    damage_notes: str
    deposit_refunded_cents: int | None
    ceded_at: UtcDateTime | None


class SaleOut(BaseModel):
    id: int
    receipt_number: str
    sold_at: UtcDateTime
    household_id: RecordId
    prescription_id: RecordId | None
    programme_code: str
    device: DeviceOut
    price_cents: int
    payment_method: str | None
    warranty_months: int
    warranty_until: date
    accessories: list[str]


class HandoverIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prescription_id: RecordId
    asset_tag: str = Field(min_length=1, max_length=300)
    accessories: list[Accessory] = []
    condition_note: str = Field("", max_length=500)
    signature: Literal["paper", "screen"] | None = None
    signature_png_base64: str | None = Field(None, max_length=500_000)
    signer_name: str = Field("", max_length=200)
    payment_method: PaymentMethod | None = None


class HandoverOut(BaseModel):
    kind: Literal["loan", "sale"]
    loan: LoanOut | None = None
    sale: SaleOut | None = None


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checklist: dict[ReturnCheck, bool] = {}
    damage_notes: str = Field("", max_length=2000)
    retained_cents: int = Field(0, ge=0)


def _device(d: object) -> DeviceOut:
    return DeviceOut(
        id=d.id,  # type: ignore[attr-defined]
        asset_tag=d.asset_tag,  # type: ignore[attr-defined]
        device_type=d.device_type.value,  # type: ignore[attr-defined]
        brand=d.brand,  # type: ignore[attr-defined]
        model=d.model,  # type: ignore[attr-defined]
        serial=d.serial,  # type: ignore[attr-defined]
    )


def loan_out(loan: Loan) -> LoanOut:
    return LoanOut(
        id=loan.id,
        number=loan.number,
        status=loan.status.value,
        household_id=loan.household_id,
        prescription_id=loan.prescription_id,
        programme_code=loan.programme_code,
        device=_device(loan.device),
        start_on=loan.start_on,
        due_on=loan.due_on,
        extensions=loan.extensions,
        max_extensions=loan.max_extensions,
        deposit_cents=loan.deposit_cents,
        accessories=list(loan.accessories),
        signature=loan.signature_kind.value,
        returned_at=loan.returned_at,
        return_checklist=dict(loan.return_checklist or {}),
        damage_notes=loan.damage_notes,
        deposit_refunded_cents=loan.deposit_refunded_cents,
        ceded_at=loan.ceded_at,
    )


def sale_out(sale: Sale) -> SaleOut:
    return SaleOut(
        id=sale.id,
        receipt_number=sale.receipt_number,
        sold_at=sale.sold_at,
        household_id=sale.household_id,
        prescription_id=sale.prescription_id,
        programme_code=sale.programme_code,
        device=_device(sale.device),
        price_cents=sale.price_cents,
        payment_method=sale.payment_method.value if sale.payment_method else None,
        warranty_months=sale.warranty_months,
        warranty_until=sale.warranty_until,
        accessories=list(sale.accessories),
    )


def _own(org_id: int) -> None:
    if not can(H, org_id):
        raise ApiError(404, "Introuvable.")


def _get_loan(loan_id: int) -> Loan:
    loan = db.session.get(Loan, loan_id)
    if loan is None:
        raise ApiError(404, "Prêt introuvable.")
    _own(loan.organisation_id)
    return loan


@api_bp.get("/loans")
@operation(
    "Les prêts de mon association",
    response=LoanOut,
    list_response=True,
    tags=["prêts et ventes"],
    query={"status": "open (défaut), overdue, returned, ceded ou all"},
)
@api_auth(H)
def loans() -> ResponseReturnValue:
    status = request.args.get("status", "open")
    if status not in {"open", "overdue", "returned", "ceded", "all"}:
        raise ApiError(422, "status : open, overdue, returned, ceded ou all.")
    rows = list_loans(current_user.organisation_id, LoanFilter(status=status))
    return jsonify([loan_out(x).model_dump(mode="json") for x in rows])


@api_bp.get("/loans/<int:loan_id>")
@operation("Un prêt", response=LoanOut, tags=["prêts et ventes"])
@api_auth(H)
def loan(loan_id: int) -> ResponseReturnValue:
    found = _get_loan(loan_id)
    record("loan.view", "loan", found.id, organisation_id=found.organisation_id)
    db.session.commit()
    return jsonify(loan_out(found).model_dump(mode="json"))


@api_bp.post("/loans/<int:loan_id>/return")
@operation(
    "Enregistrer le retour d'un prêt", request=ReturnIn, response=LoanOut, tags=["prêts et ventes"]
)
@api_auth(H)
def loan_return(loan_id: int) -> ResponseReturnValue:
    found = _get_loan(loan_id)
    body = parse_body(ReturnIn)
    done = return_loan(
        current_user,
        found,
        ReturnInput(
            checklist={k.value: v for k, v in body.checklist.items()},
            damage_notes=body.damage_notes,
            retained_cents=body.retained_cents,
        ),
    )
    return jsonify(loan_out(done).model_dump(mode="json"))


@api_bp.post("/loans/<int:loan_id>/extend")
@operation("Prolonger un prêt", response=LoanOut, tags=["prêts et ventes"])
@api_auth(H)
def loan_extend(loan_id: int) -> ResponseReturnValue:
    found = _get_loan(loan_id)
    extend_loan(current_user, found)
    return jsonify(loan_out(found).model_dump(mode="json"))


@api_bp.get("/sales")
@operation(
    "Les ventes de mon association",
    response=SaleOut,
    list_response=True,
    tags=["prêts et ventes"],
    query={"year": "année des reçus (toutes par défaut)"},
)
@api_auth(H)
def sales() -> ResponseReturnValue:
    year = year_number(request.args.get("year"))
    rows = list_sales(current_user.organisation_id, year)
    return jsonify([sale_out(x).model_dump(mode="json") for x in rows])


@api_bp.get("/sales/<int:sale_id>")
@operation("Une vente", response=SaleOut, tags=["prêts et ventes"])
@api_auth(H)
def sale(sale_id: int) -> ResponseReturnValue:
    found = db.session.get(Sale, sale_id)
    if found is None:
        raise ApiError(404, "Vente introuvable.")
    _own(found.organisation_id)
    record("sale.view", "sale", found.id, organisation_id=found.organisation_id)
    db.session.commit()
    return jsonify(sale_out(found).model_dump(mode="json"))


@api_bp.post("/handovers")
@operation(
    "Remettre un appareil pour une prescription validée (prêt ou vente selon le programme)",
    request=HandoverIn,
    response=HandoverOut,
    tags=["prêts et ventes"],
    status=201,
)
@api_auth(H)
def handover() -> ResponseReturnValue:
    body = parse_body(HandoverIn)
    prescription = db.session.get(Prescription, body.prescription_id)
    if prescription is None or not can(H, prescription.association_org_id):
        raise ApiError(404, "Prescription introuvable.")
    png = None
    if body.signature_png_base64:
        png = decode_signature("data:image/png;base64," + body.signature_png_base64)
    try:
        done = hand_over(
            current_user,
            prescription.association_org_id,
            HandoverInput(
                prescription_id=prescription.id,
                scanned=body.asset_tag,
                accessories=[a.value for a in body.accessories],
                condition_note=body.condition_note,
                signature_kind=SignatureKind(body.signature) if body.signature else None,
                signature_png=png,
                signer_name=body.signer_name,
                payment_method=body.payment_method,
            ),
        )
    except DomainError:
        db.session.rollback()
        raise
    if isinstance(done, Loan):
        out = HandoverOut(kind="loan", loan=loan_out(done))
    else:
        out = HandoverOut(kind="sale", sale=sale_out(done))
    return jsonify(out.model_dump(mode="json")), 201
