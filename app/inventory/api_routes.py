"""/api/v1/devices: list, read and create devices, and apply a transition."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field

from app.api.auth import api_auth
from app.api.errors import ApiError, parse_body
from app.api.openapi import operation
from app.api.types import RecordId, UtcDateTime
from app.authz.guards import ensure_record_access
from app.authz.policy import Permission
from app.core.converters import parse_id
from app.extensions import db
from app.inventory import device_records, stock, workshop
from app.inventory.grading import Grade, StorageType
from app.inventory.lifecycle import DeviceType, State
from app.inventory.models import Condition, Device, DonationBatch
from app.inventory.pdfs import device_url

api_bp = Blueprint("inventory_api", __name__, url_prefix="/api/v1/devices")


class DeviceOut(BaseModel):
    id: int
    asset_tag: str
    url: str
    organisation_id: RecordId
    device_type: DeviceType
    brand: str
    model: str
    serial: str
    imei: str
    cpu: str
    cpu_score: int | None
    ram_gb: float | None
    storage_type: StorageType | None
    storage_gb: int | None
    screen_inches: float | None
    os: str
    battery_health_pct: int | None
    condition: Condition
    state: State
    grade: Grade | None
    grade_computed: Grade | None
    batch_id: RecordId | None
    location: str | None
    version: int
    created_at: UtcDateTime
    # What a device brought from another tool (Snipe-IT, GLPI…): kept at import.
    external_ref: str = Field(description="Ancienne étiquette (toujours reconnue au scan)")
    purchase_date: date | None
    purchase_cost: float | None = Field(description="Prix d'achat en euros")
    supplier: str
    notes: str


class DeviceListOut(BaseModel):
    items: list[DeviceOut]
    next_cursor: str | None = Field(
        description="À passer en paramètre `cursor` pour la page suivante"
    )


class DeviceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_type: DeviceType
    brand: str = Field("", max_length=80)
    model: str = Field("", max_length=120)
    serial: str = Field("", max_length=100)
    imei: str = Field("", max_length=20)
    cpu: str = Field("", max_length=120)
    cpu_score: int | None = Field(None, ge=0, le=200_000)
    ram_gb: float | None = Field(None, ge=0, le=1024)
    storage_type: StorageType | None = None
    storage_gb: int | None = Field(None, ge=0, le=100_000)
    screen_inches: float | None = Field(None, ge=1, le=100)
    os: str = Field("", max_length=120)
    battery_health_pct: int | None = Field(None, ge=0, le=100)
    condition: Condition = Condition.UNTESTED
    condition_notes: str = Field("", max_length=2000)
    location: str = Field("", max_length=120)
    batch_id: RecordId | None = None
    external_ref: str = Field(
        "", max_length=100, description="Ancienne étiquette (Snipe-IT, GLPI…), reconnue au scan"
    )
    purchase_date: date | None = None
    purchase_cost: float | None = Field(None, ge=0, le=10_000_000)
    supplier: str = Field("", max_length=200)
    notes: str = Field("", max_length=5000)


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_state: State
    reason: str = Field("", max_length=500)
    expected_state: State | None = Field(
        None, description="L'état que vous croyez actuel : 409 si l'appareil a changé entre-temps"
    )


class EventOut(BaseModel):
    id: int
    at: UtcDateTime
    actor: str
    from_state: State | None
    to_state: State
    reason: str


class TransitionOut(BaseModel):
    device: DeviceOut
    event: EventOut


def _base_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url


def _out(device: Device) -> DeviceOut:
    return DeviceOut(
        id=device.id,
        asset_tag=device.asset_tag,
        url=device_url(_base_url(), device.asset_tag),
        organisation_id=device.organisation_id,
        device_type=device.device_type,
        brand=device.brand,
        model=device.model,
        serial=device.serial,
        imei=device.imei,
        cpu=device.cpu,
        cpu_score=device.cpu_score,
        ram_gb=device.ram_gb,
        storage_type=device.storage_type,
        storage_gb=device.storage_gb,
        screen_inches=device.screen_inches,
        os=device.os,
        battery_health_pct=device.battery_health_pct,
        condition=device.condition,
        state=device.state,
        grade=device.grade,
        grade_computed=device.grade_computed,
        batch_id=device.batch_id,
        location=device.location.name if device.location else None,
        version=device.version,
        created_at=device.created_at,
        external_ref=device.external_ref,
        purchase_date=device.purchase_date,
        purchase_cost=device.purchase_cost,
        supplier=device.supplier,
        notes=device.notes,
    )


def _device(device_id: int, permission: Permission) -> Device:
    device = db.session.get(Device, device_id)
    if device is None:
        raise ApiError(404, "Appareil introuvable.")
    ensure_record_access(permission, device.organisation_id)
    return device


@api_bp.get("")
@operation(
    "Lister les appareils de votre association (par pages)",
    response=DeviceListOut,
    tags=["inventaire"],
    query={
        "state": {
            "description": "état, ou in_stock (tout ce qui est en stock)",
            "schema": {"type": "string", "enum": [*(s.value for s in State), "in_stock"]},
        },
        "device_type": {
            "description": "type d'appareil",
            "schema": {"type": "string", "enum": [t.value for t in DeviceType]},
        },
        "grade": {
            "description": "note, ou none (pas encore notée)",
            "schema": {"type": "string", "enum": [*(g.value for g in Grade), "none"]},
        },
        "batch_id": {"description": "numéro de lot", "schema": {"type": "integer", "minimum": 1}},
        "q": "étiquette, numéro de série, marque ou modèle",
        "sort": {
            "description": "ordre",
            "schema": {"type": "string", "enum": list(stock.SORTS)},
        },
        "cursor": "curseur de la page suivante (next_cursor); un curseur illisible repart du début",
        "limit": {
            "description": "appareils par page",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": 200,
                "default": stock.PER_PAGE,
            },
        },
    },
)
@api_auth(Permission.INVENTORY_READ)
def list_devices() -> ResponseReturnValue:
    args = request.args
    try:
        limit = max(1, min(200, int(args.get("limit", stock.PER_PAGE))))
        batch_id = int(args["batch_id"]) if args.get("batch_id") else None
        if batch_id is not None and parse_id(batch_id) is None:
            raise ValueError(batch_id)
    except ValueError:
        raise ApiError(400, "limit et batch_id doivent être des nombres entiers.") from None
    flt = stock.DeviceFilter(
        state=args.get("state", ""),
        device_type=args.get("device_type", ""),
        grade=args.get("grade", ""),
        batch_id=batch_id,
        q=args.get("q", "")[:100],
        sort=args.get("sort", "recent") if args.get("sort") in stock.SORTS else "recent",
    )
    page = stock.list_devices(
        int(current_user.organisation_id),
        flt,
        cursor=args.get("cursor"),
        per_page=limit,
        with_count=False,
    )
    body = DeviceListOut(items=[_out(d) for d in page.devices], next_cursor=page.next_cursor)
    return jsonify(body.model_dump(mode="json"))


@api_bp.get("/<int:device_id>")
@operation("Lire un appareil", response=DeviceOut, tags=["inventaire"])
@api_auth(Permission.INVENTORY_READ)
def read_device(device_id: int) -> ResponseReturnValue:
    return jsonify(_out(_device(device_id, Permission.INVENTORY_READ)).model_dump(mode="json"))


@api_bp.post("")
@operation(
    "Enregistrer un appareil reçu", request=DeviceCreate, response=DeviceOut, tags=["inventaire"],
    status=201,
)  # fmt: skip
@api_auth(Permission.INVENTORY_WRITE)
def create_device() -> ResponseReturnValue:
    body = parse_body(DeviceCreate)
    org_id = int(current_user.organisation_id)
    batch = None
    if body.batch_id is not None:
        batch = db.session.get(DonationBatch, body.batch_id)
        if batch is None or batch.organisation_id != org_id:
            raise ApiError(
                422, "Lot inconnu.", [{"field": "batch_id", "message": "lot introuvable"}]
            )
    values: dict[str, Any] = body.model_dump(exclude={"batch_id"})
    device = device_records.create_device(
        org_id, device_records.DeviceInput(**values), actor=current_user, batch=batch
    )
    return jsonify(_out(device).model_dump(mode="json")), 201


@api_bp.post("/<int:device_id>/transitions")
@operation(
    "Changer l'état d'un appareil (selon le cycle de vie)",
    request=TransitionIn,
    response=TransitionOut,
    tags=["inventaire"],
)
@api_auth(Permission.INVENTORY_WRITE)
def transition(device_id: int) -> ResponseReturnValue:
    device = _device(device_id, Permission.INVENTORY_WRITE)
    body = parse_body(TransitionIn)
    event = workshop.apply_transition(
        device,
        body.to_state,
        current_user,
        body.reason,
        expected_state=body.expected_state,
        workshop=True,
    )
    out = TransitionOut(
        device=_out(device),
        event=EventOut(
            id=event.id,
            at=event.at,
            actor=event.actor_label,
            from_state=event.from_state,
            to_state=event.to_state,
            reason=event.reason,
        ),
    )
    return jsonify(out.model_dump(mode="json"))
