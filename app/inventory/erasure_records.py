"""Erasures: recording one against the rules of its medium, the one that counts, the
level a certificate states."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.extensions import db
from app.inventory import erasure_rules
from app.inventory.grading import StorageType
from app.inventory.models import (
    Device,
    ErasureLevel,
    ErasureMethod,
    ErasureRecord,
    ErasureResult,
)

# ---------------------------------------------------------------- lifecycle


def latest_erasure(device: Device) -> ErasureRecord | None:
    """The erasure that counts: the one that ended last (a later failure undoes a success)."""
    return db.session.scalar(
        select(ErasureRecord)
        .where(ErasureRecord.device_id == device.id)
        .order_by(ErasureRecord.ended_at.desc(), ErasureRecord.id.desc())
        .limit(1)
    )


def latest_of(erasure_list: Sequence[ErasureRecord]) -> ErasureRecord | None:
    return max(erasure_list, key=lambda e: (e.ended_at, e.id), default=None)


def erasure_passed(device: Device) -> bool:
    latest = latest_erasure(device)
    return latest is not None and latest.result is ErasureResult.ERASED


def erasure_medium(device: Device) -> erasure_rules.Medium | None:
    """The medium an erasure of ``device`` is on: a phone's memory, else its storage type."""
    storage = device.storage_type.value if device.storage_type else None
    return erasure_rules.medium_of(device.device_type.value, storage)


def certified_level(device: Device, erasure: ErasureRecord) -> ErasureLevel:
    """The level a certificate states: what the method reaches on the medium erased, the
    record's (not the device's today: a disk replaced since does not change it)."""
    return erasure_rules.certified_level(erasure.medium, erasure.method, erasure.level)


def same_disk(a: ErasureRecord, b: ErasureRecord) -> bool:
    """Whether two records of a device erased one disk: the same serial when both were
    typed, else the same medium. A disk replaced by another medium (an HDD by an NVMe SSD),
    or by one with another serial, is another disk."""
    serial_a, serial_b = (" ".join(e.disk_serial.split()).upper() for e in (a, b))
    if serial_a and serial_b:
        return serial_a == serial_b
    return a.medium == b.medium


def latest_by_disk(erasure_list: Sequence[ErasureRecord]) -> list[ErasureRecord]:
    """The erasure that counts for each disk a device has had (its latest), oldest first."""
    kept: list[ErasureRecord] = []
    for erasure in sorted(erasure_list, key=lambda e: (e.ended_at, e.id)):
        kept = [e for e in kept if not same_disk(e, erasure)]
        kept.append(erasure)
    return kept


def later_erasure_note(erasure: ErasureRecord) -> str:
    """What a certificate says on top when the device has a later erasure ("" when none).

    A later erasure of the same disk replaces this one (and, failed, leaves the device not
    erased); one of another disk only says the disk was replaced since: this certificate
    still stands for the disk it describes."""
    order = (erasure.ended_at, erasure.id)
    later = [
        e
        for e in db.session.scalars(
            select(ErasureRecord).where(ErasureRecord.device_id == erasure.device_id)
        )
        if (e.ended_at, e.id) > order
    ]
    same = latest_of([e for e in later if same_disk(e, erasure)])
    if same is not None:
        note = f"Remplacé par l'effacement EFF-{same.id:06d} du {same.ended_at:%d/%m/%Y}"
        if same.result is ErasureResult.FAILED:
            return note + ", en échec :\nl'appareil n'est pas effacé."
        return note + "."
    other = latest_of(later)
    if other is None:
        return ""
    what = other.medium_label or "un autre support"
    return (
        f"Support remplacé depuis ({what}, effacement EFF-{other.id:06d} du "
        f"{other.ended_at:%d/%m/%Y}) :\nce certificat vaut pour le support décrit ci-dessous."
    )


# ---------------------------------------------------------------- erasure


@dataclass
class ErasureInput:
    level: ErasureLevel
    method: ErasureMethod
    tool: str
    started_at: datetime
    ended_at: datetime
    result: ErasureResult
    technician_name: str
    signature: str
    disk_make: str = ""
    disk_model: str = ""
    disk_serial: str = ""
    disk_size_gb: int | None = None
    passes: int | None = None
    tool_version: str = ""
    verification: str = ""
    notes: str = ""
    # The medium erased; None: the device's (its storage type, or a phone's memory).
    medium: erasure_rules.Medium | None = None


# The form's times are to the minute: "now", typed, may round up by less than that.
_CLOCK_SLACK = timedelta(minutes=1)


def record_erasure(device: Device, data: ErasureInput, *, actor: Any = None) -> ErasureRecord:
    if data.ended_at < data.started_at:
        raise DomainError("La fin ne peut pas précéder le début.", field="ended_at")
    now = utcnow()
    for name in ("started_at", "ended_at"):
        if getattr(data, name) > now + _CLOCK_SLACK:
            raise DomainError(
                "Un effacement ne peut pas être daté dans le futur : indiquez l'heure où il a eu lieu.",
                field=name,
            )
    medium = data.medium or erasure_medium(device)
    if medium is None:
        raise DomainError(
            "Indiquez le support effacé (disque dur, SSD SATA, SSD NVMe ou eMMC).", field="medium"
        )
    if (medium is erasure_rules.Medium.MOBILE) != (
        device.device_type.value in erasure_rules.MOBILE_TYPES
    ):
        raise DomainError("Ce support ne correspond pas au type de l'appareil.", field="medium")
    if data.method is ErasureMethod.OVERWRITE and not data.passes:
        raise DomainError("Indiquez le nombre de passes d'écrasement.", field="passes")
    why = erasure_rules.refusal(medium, data.method, data.level, data.passes)
    if why:
        applies = data.method in erasure_rules.methods_for(medium)
        raise DomainError(why, field="level" if applies else "method")
    if not data.verification.strip():
        raise DomainError(
            "Indiquez comment l'effacement a été vérifié (par ex. lecture de vérification complète).",
            field="verification",
        )
    if not data.tool.strip():
        raise DomainError("Indiquez l'outil utilisé.", field="tool")
    if data.signature.strip().casefold() != data.technician_name.strip().casefold():
        raise DomainError(
            "Pour signer, recopiez exactement le nom du technicien ou de la technicienne.",
            field="signature",
        )
    if medium is not erasure_rules.Medium.MOBILE and erasure_medium(device) is not medium:
        # The technician saw the disk: the device's storage type follows what was erased.
        device.storage_type = StorageType(medium.value)
    erasure = ErasureRecord(
        device_id=device.id,
        organisation_id=device.organisation_id,
        technician_id=getattr(actor, "id", None),
        medium=medium,
        **{f.name: getattr(data, f.name) for f in fields(data) if f.name != "medium"},
    )
    if data.method is not ErasureMethod.OVERWRITE:
        erasure.passes = None  # passes belong to an overwrite
    db.session.add(erasure)
    db.session.flush()
    record(
        "device.erasure",
        "device",
        device.id,
        detail={
            "erasure_id": erasure.id,
            "result": data.result.value,
            "method": data.method.value,
            "medium": medium.value,
        },
        organisation_id=device.organisation_id,
        actor=actor,
    )
    db.session.commit()
    return erasure


def erasures(device: Device) -> Sequence[ErasureRecord]:
    return db.session.scalars(
        select(ErasureRecord).where(ErasureRecord.device_id == device.id).order_by(ErasureRecord.id)
    ).all()
