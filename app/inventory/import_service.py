"""The mapped import's actions: propose with what this organisation confirmed last time
for the same tool, check against the stock, write all or nothing, remember the mapping."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.inventory import services
from app.inventory.mapped_import import MappedFile, Table, parse
from app.inventory.mapping import FileMapping, detect_source
from app.inventory.models import Donor, ImportMapping


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
) -> services.ImportResult:
    """Check (and unless ``dry_run``, write) the file through its mapping; on success the
    mapping is remembered for the next file from the same tool."""
    parsed = read_mapped(organisation_id, table, chosen)
    result = services.import_devices(
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
