"""A device's record: what intake takes (the input, its checks, duplicates by serial and
IMEI, new asset tags), creating and editing it, finding it by id, tag or former label,
its history of events."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.core.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.inventory import donations, grading, processors, tags
from app.inventory.grading import Specs, StorageType
from app.inventory.identifiers import former_tag, imei_problem
from app.inventory.lifecycle import (
    DeviceType,
    State,
)
from app.inventory.models import (
    Condition,
    Device,
    DeviceEvent,
    DonationBatch,
)

# ---------------------------------------------------------------- devices


ORIGIN_FIELDS = ("external_ref", "purchase_date", "purchase_cost", "supplier", "notes")


@dataclass
class DeviceInput:
    """What intake, edits, the API and imports give for a device."""

    device_type: DeviceType
    brand: str = ""
    model: str = ""
    serial: str = ""
    imei: str = ""
    cpu: str = ""
    cpu_score: int | None = None
    ram_gb: float | None = None
    storage_type: StorageType | None = None
    storage_gb: int | None = None
    screen_inches: float | None = None
    os: str = ""
    battery_health_pct: int | None = None
    condition: Condition = Condition.UNTESTED
    condition_notes: str = ""
    location: str = ""
    # What a stock brought from another tool keeps (mapped_import.py).
    external_ref: str = ""
    purchase_date: date | None = None
    purchase_cost: float | None = None
    supplier: str = ""
    notes: str = ""

    def columns(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "location"}
        for key in ("brand", "model", "serial", "imei", "cpu", "os"):
            values[key] = " ".join(str(values[key] or "").split())
        values["serial"] = values["serial"].upper()
        values["imei"] = re.sub(r"[\s.-]", "", values["imei"])  # as imei_problem reads it
        if values["cpu_score"] is None and values["cpu"]:
            # The grade needs an index: PassMark's, from the processor's name when known.
            values["cpu_score"] = processors.cpu_score_for(values["cpu"])
        return values


def specs_of(device: Device | DeviceInput) -> Specs:
    kind = {
        DeviceType.LAPTOP: "computer",
        DeviceType.DESKTOP: "computer",
        DeviceType.SMARTPHONE: "mobile",
        DeviceType.TABLET: "mobile",
    }.get(device.device_type, "other")
    return Specs(
        kind=kind,
        cpu_score=(
            device.cpu_score
            if device.cpu_score is not None
            else processors.cpu_score_for(device.cpu)
        ),
        ram_gb=float(device.ram_gb) if device.ram_gb is not None else None,
        storage_type=device.storage_type,
        storage_gb=device.storage_gb,
        battery_health_pct=device.battery_health_pct,
    )


def computed_grade(device: Device) -> grading.GradeResult:
    return grading.compute_grade(specs_of(device), device.grade_adjustment)


def _check_input(data: DeviceInput) -> None:
    # The import's check (identifiers.imei_problem), for every type: tablets have IMEIs too.
    wrong = imei_problem(data.imei or "")
    if wrong:
        raise DomainError(wrong, field="imei")
    for name, low, high in (
        ("ram_gb", 0, 1024),
        ("storage_gb", 0, 100_000),
        ("screen_inches", 1, 100),
        ("battery_health_pct", 0, 100),
        ("cpu_score", 0, 200_000),
        ("purchase_cost", 0, 10_000_000),
    ):
        value = getattr(data, name)
        if value is not None and not low <= value <= high:
            raise DomainError(f"Valeur hors limites ({low} à {high}).", field=name)


def serial_taken(organisation_id: int, serial: str, except_id: int | None = None) -> Device | None:
    return _taken(organisation_id, Device.serial, serial.strip().upper(), except_id)


def _taken(organisation_id: int, column: Any, value: str, except_id: int | None) -> Device | None:
    if not value:
        return None
    query = select(Device).where(Device.organisation_id == organisation_id, column == value)
    if except_id is not None:
        query = query.where(Device.id != except_id)
    return db.session.scalar(query.order_by(Device.id).limit(1))


_DUPLICATE = {
    "serial": (Device.serial, "Ce numéro de série est déjà en stock (appareil %(tag)s)."),
    "imei": (Device.imei, "Cet IMEI est déjà en stock (appareil %(tag)s)."),
}


def check_duplicates(
    organisation_id: int,
    data: DeviceInput,
    *,
    except_id: int | None = None,
    duplicate_reason: str = "",
) -> dict[str, Any]:
    """A serial or IMEI already in the organisation's stock is refused (on its field), as
    at import, unless a manager's ``duplicate_reason`` accepts it: then the context to
    keep in the event and the journal."""
    values = data.columns()
    reason = " ".join(duplicate_reason.split())[:500]
    accepted = []
    for name, (column, message) in _DUPLICATE.items():
        clash = _taken(organisation_id, column, values[name], except_id)
        if clash is None:
            continue
        if not reason:
            raise DomainError(message % {"tag": clash.asset_tag}, field=name)
        accepted.append(f"{name} {values[name]} ({clash.asset_tag})")
    return {"override_reason": reason, "duplicates": accepted} if accepted else {}


def new_asset_tags(count: int) -> list[str]:
    """``count`` fresh tags, none already in use (the unique constraint stays the last word)."""
    result: set[str] = set()
    while len(result) < count:
        candidates = set(tags.generate_many(count - len(result))) - result
        for chunk in chunks(sorted(candidates), 500):
            used = set(
                db.session.scalars(select(Device.asset_tag).where(Device.asset_tag.in_(chunk)))
            )
            result |= set(chunk) - used
    return sorted(result)


def chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def actor_label(actor: Any) -> str:
    return getattr(actor, "email", "") or getattr(actor, "display_name", "") or "système"


def create_device(
    organisation_id: int,
    data: DeviceInput,
    *,
    actor: Any = None,
    batch: DonationBatch | None = None,
    commit: bool = True,
    duplicate_reason: str = "",
) -> Device:
    """Record a received device: a tag, the "received" event, the journal. A serial or
    IMEI already in stock is refused unless ``duplicate_reason`` (a manager's) is given."""
    _check_input(data)
    if batch is not None and batch.organisation_id != organisation_id:
        raise DomainError("Ce lot n'appartient pas à votre association.", field="batch_id")
    accepted = check_duplicates(organisation_id, data, duplicate_reason=duplicate_reason)
    location = donations.location_named(organisation_id, data.location)
    device = Device(
        organisation_id=organisation_id,
        asset_tag=new_asset_tags(1)[0],
        batch_id=batch.id if batch else None,
        donor_id=batch.donor_id if batch else None,
        location_id=location.id if location else None,
        state=State.RECEIVED,
        created_by_id=getattr(actor, "id", None),
        **data.columns(),
    )
    device.grade_computed = grading.compute_grade(specs_of(device)).grade
    db.session.add(device)
    db.session.flush()
    db.session.add(
        DeviceEvent(
            device_id=device.id,
            organisation_id=organisation_id,
            actor_id=getattr(actor, "id", None),
            actor_label=actor_label(actor),
            from_state=None,
            to_state=State.RECEIVED,
            reason="Réception" + (f" (lot n° {batch.id})" if batch else ""),
            context=accepted,
        )
    )
    record(
        "device.create",
        "device",
        device.id,
        detail={"asset_tag": device.asset_tag, "batch_id": device.batch_id, **accepted},
        organisation_id=organisation_id,
        actor=actor,
    )
    if commit:
        try:
            db.session.commit()
        except IntegrityError:  # two intakes drew the same tag at the same instant
            db.session.rollback()
            raise Conflict("Un autre enregistrement a eu lieu en même temps : réessayez.") from None
    return device


def update_device(
    device: Device,
    data: DeviceInput,
    *,
    actor: Any = None,
    origin: bool = False,
    duplicate_reason: str = "",
) -> Device:
    """Save an edit. What came from another tool (former label, purchase, supplier, notes)
    is kept unless ``origin`` says ``data`` carries it (the edit form does)."""
    _check_input(data)
    accepted = check_duplicates(
        device.organisation_id, data, except_id=device.id, duplicate_reason=duplicate_reason
    )
    columns = {k: v for k, v in data.columns().items() if origin or k not in ORIGIN_FIELDS}
    before = {k: jsonable(getattr(device, k)) for k in columns}
    for key, value in columns.items():
        setattr(device, key, value)
    location = donations.location_named(device.organisation_id, data.location)
    device.location_id = location.id if location else None
    device.grade_computed = computed_grade(device).grade
    changed = {k: v for k, v in before.items() if v != jsonable(getattr(device, k))}
    record(
        "device.update",
        "device",
        device.id,
        detail={"before": changed, **accepted},
        organisation_id=device.organisation_id,
        actor=actor,
    )
    db.session.commit()
    return device


def jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def get_device(device_id: int) -> Device:
    device = db.session.get(Device, device_id)
    if device is None:
        raise NotFound("Appareil introuvable.")
    return device


def find_by_tag(text: str, organisation_id: int | None = None) -> Device | None:
    """The device whose tag (or label URL) is ``text``; None when there is none. Given the
    organisation, a former label (Snipe-IT's tag or ``/ht/<tag>`` URL) is found too."""
    tag = tags.normalise(text)
    if not tag:
        return None
    device = db.session.scalar(select(Device).where(Device.asset_tag == tag))
    if device is None and organisation_id is not None:
        device = find_by_former_label(text, organisation_id)
    return device


def find_by_former_label(text: str, organisation_id: int | None = None) -> Device | None:
    """The device whose former label (tag or Snipe-IT ``/ht/<tag>`` URL) is ``text``: within
    the organisation when given; else only when a single association has it (a former tag
    is no one's to be unique: two associations may both have had an "ASSET-0001")."""
    former = former_tag(text)
    if not former:
        return None
    query = select(Device).where(Device.external_ref.in_({former, former.upper()}))
    if organisation_id is not None:
        query = query.where(Device.organisation_id == organisation_id)
    found = db.session.scalars(query.order_by(Device.id).limit(50)).all()
    if len({d.organisation_id for d in found}) != 1:
        return None
    return found[0]


@cache
def _history_query() -> Select[tuple[DeviceEvent]]:
    # Built once, run with the device's id (the device page reads it on every scan).
    return (
        select(DeviceEvent)
        .where(DeviceEvent.device_id == bindparam("device_id"))
        .order_by(DeviceEvent.at, DeviceEvent.id)
    )


def history(device: Device) -> Sequence[DeviceEvent]:
    return db.session.scalars(_history_query(), {"device_id": device.id}).all()
