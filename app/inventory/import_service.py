"""The import's actions: propose with what this organisation confirmed last time for the
same tool, check a parsed file against the stock, write all or nothing (one batch),
remember the mapping."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.audit.services import record
from app.core.clock import utcnow
from app.extensions import db
from app.inventory import device_records, donations, grading
from app.inventory.column_headers import detect_source
from app.inventory.lifecycle import (
    State,
)
from app.inventory.mapped_import import MappedFile, Table, parse
from app.inventory.mapping import FileMapping
from app.inventory.models import (
    Device,
    DeviceEvent,
    DonationBatch,
    Donor,
    ImportMapping,
)


def remembered(organisation_id: int, source: str) -> FileMapping | None:
    row = db.session.scalar(
        select(ImportMapping).where(
            ImportMapping.organisation_id == organisation_id, ImportMapping.source == source
        )
    )
    if row is None:
        return None
    return FileMapping(
        source=source,
        columns=dict(row.columns or {}),
        types=dict(row.types or {}),
        states=dict(row.states or {}),
    )


def remember(organisation_id: int, mapping: FileMapping, actor: Any = None) -> None:
    """Keep the mapping for this organisation and tool (merged over the previous one)."""
    row = db.session.scalar(
        select(ImportMapping).where(
            ImportMapping.organisation_id == organisation_id,
            ImportMapping.source == mapping.source,
        )
    )
    if row is None:
        row = ImportMapping(organisation_id=organisation_id, source=mapping.source)
        db.session.add(row)
    # New dicts, so that the JSON columns are seen as changed.
    row.columns = {**(row.columns or {}), **mapping.columns}
    row.types = {**(row.types or {}), **{k: v for k, v in mapping.types.items() if v}}
    row.states = {**(row.states or {}), **{k: v for k, v in mapping.states.items() if v}}
    row.updated_by_id = getattr(actor, "id", None)


def read_mapped(
    organisation_id: int, table: Table, chosen: FileMapping | None = None
) -> MappedFile:
    source = (chosen.source if chosen and chosen.source else "") or detect_source(table.headers)
    chosen = chosen or FileMapping(source="")
    chosen.source = source
    return parse(table, chosen, remembered(organisation_id, source))


def import_table(
    organisation_id: int,
    table: Table,
    chosen: FileMapping | None = None,
    *,
    actor: Any = None,
    donor: Donor | None = None,
    reference: str = "",
    override_reason: str = "",
    dry_run: bool = False,
) -> ImportResult:
    """Check (and unless ``dry_run``, write) the file through its mapping; on success the
    mapping is remembered for the next file from the same tool."""
    parsed = read_mapped(organisation_id, table, chosen)
    result = import_devices(
        organisation_id,
        parsed,
        actor=actor,
        donor=donor,
        reference=reference,
        override_reason=override_reason.strip()[:500],
        dry_run=dry_run,
    )
    if result.batch is not None:
        remember(organisation_id, parsed.mapping, actor)
        db.session.commit()
    return result


# ---------------------------------------------------------------- bulk import


@dataclass
class ImportResult:
    parsed: Any  # importing.ParsedFile
    problems: list[Any]
    batch: DonationBatch | None = None
    created: int = 0

    override_reason: str = ""  # a manager's reason to accept the duplicates

    @property
    def blocking(self) -> list[Any]:
        return [p for p in self.problems if not (self.override_reason and p.overridable)]

    @property
    def ok(self) -> bool:
        return not self.blocking


def check_import(organisation_id: int, parsed: Any) -> list[Any]:
    """Every problem of the file, the stock's duplicates included (nothing is written)."""
    from app.inventory.importing import Problem

    problems = list(parsed.problems)
    for name, column, label in (
        ("serial", Device.serial, "Numéro de série"),
        ("imei", Device.imei, "IMEI"),
    ):
        wanted = {row.values[name]: row.row for row in parsed.rows if row.values.get(name)}
        taken: dict[str, str] = {}
        for chunk in device_records.chunks(sorted(wanted), 500):
            for value, tag in db.session.execute(
                select(column, Device.asset_tag).where(
                    Device.organisation_id == organisation_id, column.in_(chunk)
                )
            ):
                taken[value] = tag
        header = parsed.headers.get(name, "")
        for value, tag in taken.items():
            problems.append(
                Problem(
                    wanted[value],
                    header,
                    f"{label} « {value} » déjà en stock ({tag}).",
                    overridable=True,
                )
            )
    problems.sort(key=lambda p: (p.row, p.column))
    return problems


def import_devices(
    organisation_id: int,
    parsed: Any,
    *,
    actor: Any = None,
    donor: Donor | None = None,
    reference: str = "",
    dry_run: bool = False,
    override_reason: str = "",
) -> ImportResult:
    """All or nothing: with any problem nothing is written; else one batch, its devices,
    their first events and one journal entry, in one transaction. A duplicate serial or
    IMEI is accepted only with ``override_reason`` (kept in the events and the journal)."""
    problems = check_import(organisation_id, parsed)
    result = ImportResult(parsed=parsed, problems=problems, override_reason=override_reason)
    if not result.ok or dry_run:
        return result
    batch = donations.create_batch(
        organisation_id, donor, reference=reference, actor=actor, commit=False,
        notes=f"Import de {len(parsed.rows)} appareils",
    )  # fmt: skip
    place_ids: dict[str, int | None] = {}
    codes = device_records.new_asset_tags(len(parsed.rows))
    now = utcnow()
    actor_id = getattr(actor, "id", None)
    rows = []
    row_of_tag = {}
    # Core inserts, not ORM objects: ten thousand rows in seconds rather than tens.
    for row, code in zip(parsed.rows, codes, strict=True):
        row_of_tag[code] = row
        data = device_records.DeviceInput(**row.values)
        place = data.location
        if place not in place_ids:
            found = donations.location_named(organisation_id, place)
            place_ids[place] = found.id if found else None
        values = data.columns()
        rows.append(
            {
                **values,
                "organisation_id": organisation_id,
                "asset_tag": code,
                "batch_id": batch.id,
                "donor_id": batch.donor_id,
                "location_id": place_ids[place],
                "state": row.extra.get("state", State.RECEIVED),
                "version": 1,
                "grade": None,
                "grade_computed": grading.compute_grade(device_records.specs_of(data)).grade,
                "grade_adjustment": 0,
                "grade_override_reason": "",
                "created_by_id": actor_id,
                "created_at": now,
                "updated_at": now,
            }
        )
    for start in range(0, len(rows), 2000):
        db.session.execute(Device.__table__.insert(), rows[start : start + 2000])
    created = db.session.execute(
        select(Device.id, Device.asset_tag).where(Device.batch_id == batch.id)
    ).all()
    ids = [device_id for device_id, _tag in created]
    label = device_records.actor_label(actor)
    context = {"override_reason": override_reason} if override_reason and problems else {}
    events = []
    for device_id, code in created:
        extra = row_of_tag[code].extra
        origin = extra.get("origin", "")
        events.append(
            {
                "device_id": device_id,
                "organisation_id": organisation_id,
                "at": now,
                "actor_id": actor_id,
                "actor_label": label,
                "from_state": None,
                "to_state": extra.get("state", State.RECEIVED),
                "reason": f"{origin}, lot n° {batch.id}"
                if origin
                else f"Import (lot n° {batch.id})",
                "context": context,
            }
        )
    for start in range(0, len(events), 2000):
        db.session.execute(DeviceEvent.__table__.insert(), events[start : start + 2000])
    record(
        "device.import",
        "donation_batch",
        batch.id,
        detail={"devices": len(ids), **context},
        organisation_id=organisation_id,
        actor=actor,
    )
    db.session.commit()
    result.batch = batch
    result.created = len(ids)
    return result
