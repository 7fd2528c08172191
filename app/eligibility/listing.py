"""The programmes as rows, for ``flask programmes list`` and ``GET /api/v1/programmes``.

A row describes a programme by its version in force today; a programme with none yet
(only a draft, or a version from a day to come) is described by its latest published
version, else by its draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.accounts.models import Organisation
from app.core.errors import NotFound
from app.eligibility import catalogue, services
from app.eligibility.models import ProgrammeRecord
from app.eligibility.programme import Programme
from app.extensions import db


@dataclass(frozen=True)
class ProgrammeRow:
    record: ProgrammeRecord
    programme: Programme  # what the row shows (see the module's docstring)
    version: int | None  # the version in force, None when none is
    effective_from: date | None  # since when that version applies
    owner: Organisation | None  # None: the instance administrator
    has_draft: bool


def row(record: ProgrammeRecord, on: date | None = None) -> ProgrammeRow:
    in_force = catalogue.in_force(on).get(record.code)
    programme = catalogue.find(record.code, on) if in_force is not None else None
    if programme is None:
        shown = services.latest_published(record) or services.draft_of(record)
        if shown is None:  # a programme whose only draft was discarded: nothing to show
            raise NotFound("Programme introuvable.")
        programme = services.check_definition(shown.definition, record.code)
    owner = (
        db.session.get(Organisation, record.organisation_id)
        if record.organisation_id is not None
        else None
    )
    return ProgrammeRow(
        record=record,
        programme=programme,
        version=in_force.number if in_force is not None else None,
        effective_from=in_force.effective_from if in_force is not None else None,
        owner=owner,
        has_draft=services.draft_of(record) is not None,
    )


def rows(on: date | None = None) -> list[ProgrammeRow]:
    """Every programme, by code (the shipped files become programmes on first use)."""
    return [row(record, on) for record in services.all_programmes() if record.versions]
