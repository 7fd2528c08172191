"""Inventory: donors, donation batches, devices, their events, erasures and test checklists.

Models hold data only: the actions (and their commits) are in donations.py,
device_records.py, erasure_records.py, workshop.py, stock.py and import_service.py, the
rules in lifecycle.py, grading.py and tags.py.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import today, utcnow
from app.extensions import db
from app.inventory.erasure_rules import (  # noqa: F401 (ErasureLevel, ErasureMethod re-exported)
    MEDIUM_LABELS,
    ErasureLevel,
    ErasureMethod,
    Medium,
    medium_of,
)
from app.inventory.grading import Grade, StorageType
from app.inventory.lifecycle import DeviceType, State


def _enum(cls: type[StrEnum], length: int = 20) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class DonorKind(StrEnum):
    COMPANY = "company"
    PUBLIC_BODY = "public_body"
    INDIVIDUAL = "individual"


class Condition(StrEnum):
    """Condition on arrival, as seen at the counter."""

    WORKING = "working"
    UNTESTED = "untested"
    FAULTY = "faulty"
    BROKEN = "broken"


class ErasureResult(StrEnum):
    ERASED = "erased"
    FAILED = "failed"


class Donor(db.Model):
    __tablename__ = "donor"
    __table_args__ = (Index("ix_donor_org_name", "organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    kind: Mapped[DonorKind] = mapped_column(_enum(DonorKind))
    name: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    siret: Mapped[str] = mapped_column(String(14), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DonationBatch(db.Model):
    """A lot de don: what one donor gave on one day."""

    __tablename__ = "donation_batch"
    __table_args__ = (Index("ix_donation_batch_org_received", "organisation_id", "received_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("donor.id"), default=None, index=True)
    reference: Mapped[str] = mapped_column(String(80), default="")
    received_on: Mapped[date] = mapped_column(default=today)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)

    donor: Mapped[Donor | None] = relationship()

    @property
    def label(self) -> str:
        donor = self.donor.name if self.donor else "—"
        ref = f" {self.reference}" if self.reference else ""
        return f"Lot n° {self.id}{ref} · {donor} · {self.received_on:%d/%m/%Y}"


class Location(db.Model):
    """A storage place: a shelf, a room, a warehouse."""

    __tablename__ = "stock_location"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    name: Mapped[str] = mapped_column(String(120))


class Device(db.Model):
    __tablename__ = "device"
    __table_args__ = (
        # The list pages by (organisation, id) and filters by state/type/batch/location.
        Index("ix_device_org_id", "organisation_id", "id"),
        Index("ix_device_org_state_id", "organisation_id", "state", "id"),
        Index("ix_device_org_serial", "organisation_id", "serial"),
        Index("ix_device_org_location", "organisation_id", "location_id"),
        # The list's other sorts, so that a page of 100,000 devices reads 50 rows.
        Index("ix_device_org_model_id", "organisation_id", "model", "id"),
        Index("ix_device_org_brand_id", "organisation_id", "brand", "id"),
        Index("ix_device_org_tag", "organisation_id", "asset_tag"),
        Index("ix_device_org_imei", "organisation_id", "imei"),
        Index("ix_device_org_external_ref", "organisation_id", "external_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    asset_tag: Mapped[str] = mapped_column(String(12), unique=True)
    device_type: Mapped[DeviceType] = mapped_column(_enum(DeviceType))
    brand: Mapped[str] = mapped_column(String(80), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    serial: Mapped[str] = mapped_column(String(100), default="")
    imei: Mapped[str] = mapped_column(String(20), default="")
    cpu: Mapped[str] = mapped_column(String(120), default="")
    cpu_score: Mapped[int | None] = mapped_column(default=None)
    ram_gb: Mapped[float | None] = mapped_column(Numeric(6, 1, asdecimal=False), default=None)
    storage_type: Mapped[StorageType | None] = mapped_column(_enum(StorageType), default=None)
    storage_gb: Mapped[int | None] = mapped_column(default=None)
    screen_inches: Mapped[float | None] = mapped_column(
        Numeric(4, 1, asdecimal=False), default=None
    )
    os: Mapped[str] = mapped_column(String(120), default="")
    battery_health_pct: Mapped[int | None] = mapped_column(default=None)
    condition: Mapped[Condition] = mapped_column(_enum(Condition), default=Condition.UNTESTED)
    condition_notes: Mapped[str] = mapped_column(Text, default="")
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("donor.id"), default=None)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("donation_batch.id"), default=None, index=True
    )
    location_id: Mapped[int | None] = mapped_column(ForeignKey("stock_location.id"), default=None)
    state: Mapped[State] = mapped_column(_enum(State), default=State.RECEIVED)
    # Bumped by every state change: the conditional UPDATE of apply_transition checks it.
    version: Mapped[int] = mapped_column(default=1)
    grade: Mapped[Grade | None] = mapped_column(_enum(Grade), default=None)
    grade_computed: Mapped[Grade | None] = mapped_column(_enum(Grade), default=None)
    grade_adjustment: Mapped[int] = mapped_column(default=0)
    grade_override_reason: Mapped[str] = mapped_column(Text, default="")
    # Kept from the tool the stock came from (issue 16): the former label still scans.
    external_ref: Mapped[str] = mapped_column(String(100), default="")
    purchase_date: Mapped[date | None] = mapped_column(default=None)
    purchase_cost: Mapped[float | None] = mapped_column(
        Numeric(10, 2, asdecimal=False), default=None
    )
    supplier: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)

    donor: Mapped[Donor | None] = relationship()
    batch: Mapped[DonationBatch | None] = relationship()
    location: Mapped[Location | None] = relationship()

    @property
    def title(self) -> str:
        return " ".join(part for part in (self.brand, self.model) if part) or self.asset_tag


class DeviceEvent(db.Model):
    """One change of state: who, when, from, to, why. Append-only."""

    __tablename__ = "device_event"
    __table_args__ = (Index("ix_device_event_device_at", "device_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    # Kept as text so history stays readable if the account goes.
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    from_state: Mapped[State | None] = mapped_column(_enum(State), default=None)
    to_state: Mapped[State] = mapped_column(_enum(State))
    reason: Mapped[str] = mapped_column(Text, default="")
    # What else the caller wanted kept (e.g. the loan id from issue 5).
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@event.listens_for(DeviceEvent, "before_update")
def _history_is_not_rewritten(_mapper: Any, _connection: Any, target: DeviceEvent) -> None:
    # SQLAlchemy calls this for every "dirty" object, even one with no net change.
    changed = [a.key for a in inspect(target).attrs if a.history.has_changes()]
    if changed:
        raise PermissionError(
            f"Device event {target.id} is history: {', '.join(changed)} cannot be changed."
        )


@event.listens_for(DeviceEvent, "before_delete")
def _history_is_not_deleted(_mapper: Any, _connection: Any, target: DeviceEvent) -> None:
    raise PermissionError(f"Device event {target.id} is history: it cannot be deleted.")


class ErasureRecord(db.Model):
    """Data erasure, with the fields of nwipe's certificate and NIST SP 800-88 Appendix G."""

    __tablename__ = "erasure_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    disk_make: Mapped[str] = mapped_column(String(80), default="")
    disk_model: Mapped[str] = mapped_column(String(120), default="")
    disk_serial: Mapped[str] = mapped_column(String(100), default="")
    disk_size_gb: Mapped[int | None] = mapped_column(default=None)
    # The medium erased (HDD, SSD, NVMe, eMMC, a phone's memory): it decides the level a
    # method reaches (erasure_rules). Kept on the record, not read from the device, so that
    # a disk replaced and erased later leaves this record as it was. None: not known when
    # it was recorded (nor at the backfill of migration 0019).
    medium: Mapped[Medium | None] = mapped_column(_enum(Medium), default=None)
    level: Mapped[ErasureLevel] = mapped_column(_enum(ErasureLevel))
    method: Mapped[ErasureMethod] = mapped_column(_enum(ErasureMethod))
    passes: Mapped[int | None] = mapped_column(default=None)
    tool: Mapped[str] = mapped_column(String(120))
    tool_version: Mapped[str] = mapped_column(String(40), default="")
    verification: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    result: Mapped[ErasureResult] = mapped_column(_enum(ErasureResult))
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    technician_name: Mapped[str] = mapped_column(String(200))
    # The technician's typed name, confirming the record: the certificate's signature line.
    signature: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def medium_label(self) -> str:
        return MEDIUM_LABELS[self.medium] if self.medium else ""


@event.listens_for(ErasureRecord, "before_insert")
def _medium_when_recorded(_mapper: Any, connection: Any, target: ErasureRecord) -> None:
    """A record written without its medium takes the device's at that moment (what the
    backfill of migration 0019 did for the older ones): it is not read again later."""
    if target.medium is not None or target.device_id is None:
        return
    table = Device.__table__
    row = connection.execute(
        select(table.c.device_type, table.c.storage_type).where(table.c.id == target.device_id)
    ).first()
    if row is not None:
        device_type, storage_type = row
        target.medium = medium_of(str(device_type), str(storage_type) if storage_type else None)


class ChecklistTemplate(db.Model):
    """The functional tests of one device type, editable by a manager."""

    __tablename__ = "checklist_template"
    __table_args__ = (UniqueConstraint("organisation_id", "device_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    device_type: Mapped[DeviceType] = mapped_column(_enum(DeviceType))
    items: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DeviceChecklist(db.Model):
    """The tests run on one device: each item passed, failed or not yet done."""

    __tablename__ = "device_checklist"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # [{"label": str, "result": "ok" | "ko" | "", "note": str}]
    results: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    completed: Mapped[bool] = mapped_column(default=False)
    performed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    performed_by_name: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImportMapping(db.Model):
    """The column and value mapping an organisation confirmed for one source tool
    (column_headers.SOURCES), proposed again at its next import from that tool."""

    __tablename__ = "inventory_import_mapping"
    __table_args__ = (UniqueConstraint("organisation_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    source: Mapped[str] = mapped_column(String(20))
    columns: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    types: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    states: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
