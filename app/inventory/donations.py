"""Donations: donors, donation batches and the storage places of an association;
a batch's devices with their erasures for its certificates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.extensions import db
from app.inventory import erasure_records
from app.inventory.lifecycle import (
    DATA_BEARING,
)
from app.inventory.models import (
    Device,
    DonationBatch,
    Donor,
    DonorKind,
    ErasureRecord,
    ErasureResult,
    Location,
)

# ---------------------------------------------------------------- donors, batches, places


def create_donor(
    organisation_id: int, kind: DonorKind, name: str, *, commit: bool = True, **extra: str
) -> Donor:
    name = name.strip()
    if not name:
        raise DomainError("Indiquez le nom du donateur.", field="name")
    donor = Donor(organisation_id=organisation_id, kind=kind, name=name, **extra)
    db.session.add(donor)
    db.session.flush()
    record(
        "donor.create", "donor", donor.id, detail={"name": name}, organisation_id=organisation_id
    )
    if commit:
        db.session.commit()
    return donor


def create_batch(
    organisation_id: int,
    donor: Donor | None,
    *,
    reference: str = "",
    received_on: date | None = None,
    notes: str = "",
    actor: Any = None,
    commit: bool = True,
) -> DonationBatch:
    if donor is not None and donor.organisation_id != organisation_id:
        raise DomainError("Ce donateur n'est pas enregistré dans votre association.", "donor_id")
    batch = DonationBatch(
        organisation_id=organisation_id,
        donor_id=donor.id if donor else None,
        reference=reference.strip(),
        received_on=received_on or utcnow().date(),
        notes=notes,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(batch)
    db.session.flush()
    record(
        "batch.create",
        "donation_batch",
        batch.id,
        detail={"donor_id": batch.donor_id, "reference": batch.reference},
        organisation_id=organisation_id,
        actor=actor,
    )
    if commit:
        db.session.commit()
    return batch


def location_named(organisation_id: int, name: str) -> Location | None:
    """The location called ``name`` (created when new); None for a blank name."""
    name = " ".join(name.split())
    if not name:
        return None
    # Compared in Python: SQLite's lower() leaves accented capitals ("É") as they are.
    found = next(
        (place for place in locations(organisation_id) if place.name.casefold() == name.casefold()),
        None,
    )
    if found is None:
        found = Location(organisation_id=organisation_id, name=name)
        db.session.add(found)
        db.session.flush()
    return found


def locations(organisation_id: int) -> Sequence[Location]:
    return db.session.scalars(
        select(Location).where(Location.organisation_id == organisation_id).order_by(Location.name)
    ).all()


def batches(organisation_id: int, limit: int = 200) -> Sequence[DonationBatch]:
    return db.session.scalars(
        select(DonationBatch)
        .options(selectinload(DonationBatch.donor))
        .where(DonationBatch.organisation_id == organisation_id)
        .order_by(DonationBatch.id.desc())
        .limit(limit)
    ).all()


def donors(organisation_id: int) -> Sequence[Donor]:
    return db.session.scalars(
        select(Donor).where(Donor.organisation_id == organisation_id).order_by(Donor.name)
    ).all()


# ---------------------------------------------------------------- devices


def batch_counts(batch_ids: list[int]) -> dict[int, int]:
    if not batch_ids:
        return {}
    rows = db.session.execute(
        select(Device.batch_id, func.count())
        .where(Device.batch_id.in_(batch_ids))
        .group_by(Device.batch_id)
    )
    return {batch_id: count for batch_id, count in rows}


def batch_media(batch: DonationBatch) -> list[tuple[Device, ErasureRecord | None]]:
    """Each medium of the batch's devices with the erasure that counts for it: a device
    that holds data and was never erased once with None; a device whose disk was replaced
    once for each disk (the old one held the donor's data), each with its own latest
    erasure and the medium recorded on it (erasure_records.latest_by_disk)."""
    devices = db.session.scalars(
        select(Device).where(Device.batch_id == batch.id).order_by(Device.id)
    ).all()
    rows = db.session.scalars(
        select(ErasureRecord)
        .join(Device, ErasureRecord.device_id == Device.id)
        .where(Device.batch_id == batch.id)
    ).all()
    by_device: dict[int, list[ErasureRecord]] = {}
    for erasure in rows:
        by_device.setdefault(erasure.device_id, []).append(erasure)
    media: list[tuple[Device, ErasureRecord | None]] = []
    for d in devices:
        if d.id in by_device:
            media += [(d, e) for e in erasure_records.latest_by_disk(by_device[d.id])]
        elif d.device_type in DATA_BEARING:
            media.append((d, None))
    return media


def batch_erasures(batch: DonationBatch) -> list[tuple[Device, ErasureRecord]]:
    """The media of the batch whose latest erasure passed, for the donor's certificates."""
    return [
        (device, erasure)
        for device, erasure in batch_media(batch)
        if erasure is not None and erasure.result is ErasureResult.ERASED
    ]
